import { Alert, App, Button, Card, Descriptions, Form, Input, Space, Spin, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, errorMessage } from '../api/client';
import type { MfaStatus } from '../api/types';
import { ResponsiveModal } from '../components/ResponsiveModal';
import { useSessionApi } from '../session/context';
import { EnrollMfa } from './mfa/EnrollMfa';
import { RecoveryCodesView } from './mfa/RecoveryCodesView';

type Dialog = { kind: 'codes'; password?: string; codes?: string[] } | { kind: 'enroll'; password?: string } | null;

/** 个人中心 · 账号安全 (issue 7): password, the admin second factor, recovery codes. */
export function SecurityPage() {
  const { signIn } = useSessionApi();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: ['mfa-status'], queryFn: () => api.get<MfaStatus>('/api/auth/mfa') });
  const [dialog, setDialog] = useState<Dialog>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const close = () => {
    setDialog(null);
    setError(null);
    void queryClient.invalidateQueries({ queryKey: ['mfa-status'] });
  };

  /** Both actions first re-enter the password; new recovery codes are then generated at once. */
  const withPassword = async (values: { password: string }) => {
    if (!dialog) return;
    if (dialog.kind === 'enroll') return setDialog({ kind: 'enroll', password: values.password });
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<{ recoveryCodes: string[] }>('/api/auth/mfa/recovery-codes', { password: values.password });
      setDialog({ kind: 'codes', password: values.password, codes: res.recoveryCodes });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const s = status.data;
  return (
    <Card style={{ maxWidth: 640, margin: '24px auto' }} title="账号安全">
      {status.isLoading && <Spin />}
      {status.error && <Alert type="error" showIcon title={errorMessage(status.error)} />}
      {s && (
        <>
          <Descriptions column={1} bordered size="small" style={{ marginBottom: 16 }}>
            <Descriptions.Item label="登录密码">
              <Link to="/password">修改密码</Link>
            </Descriptions.Item>
            <Descriptions.Item label="二次验证（身份验证器）">
              {s.enrolled ? `已绑定（${new Date(s.enrolledAt!).toLocaleString('zh-CN')}）` : s.required ? '未绑定' : '无需绑定（仅管理员需要）'}
            </Descriptions.Item>
            {s.enrolled && <Descriptions.Item label="剩余恢复码">{s.recoveryCodesRemaining} 个</Descriptions.Item>}
          </Descriptions>
          {s.enrolled && s.recoveryCodesRemaining <= 3 && (
            <Alert type="warning" showIcon title="恢复码即将用完，请重新生成" style={{ marginBottom: 16 }} />
          )}
          {(s.enrolled || s.required) && (
            <Space wrap>
              <Button onClick={() => setDialog({ kind: 'codes' })} disabled={!s.enrolled}>
                重新生成恢复码
              </Button>
              <Button onClick={() => setDialog({ kind: 'enroll' })}>{s.enrolled ? '重新绑定身份验证器' : '绑定身份验证器'}</Button>
            </Space>
          )}
          <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
            重新生成后旧恢复码立即失效；重新绑定后旧的身份验证器立即失效，您在其他设备上的登录将结束。
          </Typography.Paragraph>
        </>
      )}
      <ResponsiveModal
        open={dialog !== null}
        width={520}
        title={dialog?.kind === 'enroll' ? '重新绑定身份验证器' : '重新生成恢复码'}
        footer={null}
        onCancel={close}
      >
        {dialog && !dialog.password && (
          <Form layout="vertical" onFinish={withPassword} requiredMark={false}>
            {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
            <Form.Item label="请输入当前密码以确认是本人操作" name="password" rules={[{ required: true, message: '请输入当前密码' }]}>
              <Input.Password autoComplete="current-password" autoFocus />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              确认
            </Button>
          </Form>
        )}
        {dialog?.kind === 'codes' && dialog.codes && <RecoveryCodesView codes={dialog.codes} onDone={close} doneLabel="完成" />}
        {dialog?.kind === 'enroll' && dialog.password && (
          <EnrollMfa
            password={dialog.password}
            onDone={(session) => {
              signIn(session);
              message.success('已绑定新的身份验证器');
              close();
            }}
          />
        )}
      </ResponsiveModal>
    </Card>
  );
}
