import { Alert, Button, Card, Form, Input, Result, Spin, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { BootstrapRequest } from '../../../src/contracts/auth';
import { PASSWORD_MIN_LENGTH } from '../../../src/domain/accounts';
import { api, errorMessage } from '../api/client';
import { zodRule } from '../lib/forms';

interface Values {
  token: string;
  name: string;
  idNumber: string;
  phone?: string;
  password: string;
  confirm: string;
}

/**
 * 系统初始化 (issue 7: no default superadmin): the one-time token from DATA_DIR/secrets/bootstrap-token
 * creates the first back-end admin at the root org; their first login binds an authenticator.
 */
export function BootstrapPage() {
  const status = useQuery({ queryKey: ['bootstrap'], queryFn: () => api.get<{ open: boolean }>('/api/bootstrap', { skipAuthHandling: true }) });
  const [done, setDone] = useState<{ orgName: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    try {
      const body = { token: v.token.trim(), name: v.name.trim(), idNumber: v.idNumber.trim(), password: v.password, ...(v.phone?.trim() ? { phone: v.phone.trim() } : {}) };
      setDone(await api.post<{ orgName: string }>('/api/bootstrap', body, { skipAuthHandling: true }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const wrap = (child: React.ReactNode) => (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', padding: 16, background: '#f5f5f5' }}>
      <Card style={{ width: '100%', maxWidth: 480 }}>{child}</Card>
    </div>
  );
  if (status.isLoading) return wrap(<Spin />);
  if (done) {
    return wrap(
      <Result
        status="success"
        title="第一位后台管理员已创建"
        subTitle={`管理范围：${done.orgName}。请用身份证号码和刚设置的密码登录，首次登录须绑定身份验证器。`}
        extra={<Link to="/login"><Button type="primary">去登录</Button></Link>}
      />,
    );
  }
  if (!status.data?.open) {
    return wrap(<Result status="info" title="系统已初始化" subTitle="系统已有管理员，或初始化令牌已过期（重启服务会生成新令牌）。" extra={<Link to="/login"><Button type="primary">去登录</Button></Link>} />);
  }
  return wrap(
    <>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        系统初始化：创建第一位后台管理员
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        初始化令牌在服务器的 DATA_DIR/secrets/bootstrap-token 文件中（24小时内有效，只能使用一次）。
      </Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<Values> name="bootstrap" layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item label="初始化令牌" name="token" rules={[zodRule(BootstrapRequest.shape.token)]}>
          <Input.Password autoComplete="off" />
        </Form.Item>
        <Form.Item label="姓名" name="name" rules={[zodRule(BootstrapRequest.shape.name)]}>
          <Input autoComplete="name" />
        </Form.Item>
        <Form.Item label="身份证号码" name="idNumber" rules={[zodRule(BootstrapRequest.shape.idNumber)]}>
          <Input autoComplete="username" maxLength={18} />
        </Form.Item>
        <Form.Item label="手机号码（可选）" name="phone">
          <Input inputMode="tel" maxLength={11} />
        </Form.Item>
        <Form.Item
          label="密码"
          name="password"
          rules={[{ required: true, message: '请输入密码' }, { min: PASSWORD_MIN_LENGTH, message: `密码至少${PASSWORD_MIN_LENGTH}个字符` }]}
          extra="不能包含身份证号码中连续6位、出生日期或手机号码，不能是常见密码。"
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label="再次输入密码"
          name="confirm"
          dependencies={['password']}
          rules={[
            { required: true, message: '请再次输入密码' },
            ({ getFieldValue }) => ({
              validator: async (_r, v: string) => {
                if (v && v !== getFieldValue('password')) throw new Error('两次输入的密码不一致');
              },
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          创建管理员
        </Button>
      </Form>
    </>,
  );
}
