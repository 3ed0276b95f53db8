import { SafetyOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Spin, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { api, errorMessage } from '../api/client';
import type { SessionResponse } from '../api/types';
import { useSessionApi } from '../session/context';
import { landing } from '../session/landing';
import { EnrollMfa } from './mfa/EnrollMfa';

/**
 * The second step of an admin's login (issue 7): a 6-digit code from the authenticator, or a recovery
 * code; or, for an admin without one yet, binding an authenticator first. Nothing else is reachable
 * until this is done (the server refuses with MFA_PENDING).
 */
export function MfaPage() {
  const { state, signIn, logout } = useSessionApi();
  const navigate = useNavigate();
  const location = useLocation();
  const from = ((location.state ?? {}) as { from?: string }).from;
  const [recovery, setRecovery] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (state.status === 'loading') return <Spin style={{ display: 'block', margin: '30vh auto' }} size="large" />;
  if (state.status !== 'in') return <Navigate to="/login" replace />;
  if (!state.session.mfa) return <Navigate to={landing(state.session, from)} replace />;

  const done = (session: SessionResponse) => {
    signIn(session);
    navigate(landing(session, from), { replace: true });
  };

  const verify = async (values: { code?: string; recoveryCode?: string }) => {
    setBusy(true);
    setError(null);
    try {
      const body = recovery ? { recoveryCode: values.recoveryCode?.trim() } : { code: values.code?.trim() };
      done(await api.post<SessionResponse>('/api/auth/mfa/verify', body, { skipAuthHandling: true }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const enrolling = state.session.mfa === 'ENROLL';
  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', padding: 16, background: 'linear-gradient(160deg, #c8161e 0%, #f5f5f5 55%)' }}>
      <Card style={{ width: '100%', maxWidth: enrolling ? 480 : 400 }}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          <SafetyOutlined /> {enrolling ? '绑定身份验证器' : '二次验证'}
        </Typography.Title>
        <Typography.Paragraph type="secondary">
          {state.session.person.name}，管理员登录须在密码之外再验证一次（网络安全等级保护三级要求）。
          {enrolling ? '您尚未绑定身份验证器，请先完成绑定。' : ''}
        </Typography.Paragraph>
        {enrolling ? (
          <EnrollMfa onDone={done} />
        ) : (
          <>
            {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
            <Form key={recovery ? 'recovery' : 'code'} name="mfa" layout="vertical" onFinish={verify} requiredMark={false}>
              {recovery ? (
                <Form.Item label="恢复码" name="recoveryCode" rules={[{ required: true, message: '请输入一个恢复码' }]} extra="每个恢复码只能使用一次。">
                  <Input autoComplete="off" placeholder="例如 ABCDE-12345" autoFocus />
                </Form.Item>
              ) : (
                <Form.Item label="验证码" name="code" rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: '请输入身份验证器显示的6位数字' }]}>
                  <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} placeholder="6位数字" autoFocus />
                </Form.Item>
              )}
              <Button type="primary" htmlType="submit" block loading={busy}>
                验证
              </Button>
            </Form>
            <div style={{ display: 'flex', justifyContent: 'space-between', marginTop: 12 }}>
              <Button type="link" style={{ padding: 0 }} onClick={() => { setRecovery(!recovery); setError(null); }}>
                {recovery ? '使用验证码' : '使用恢复码'}
              </Button>
              <Button type="link" style={{ padding: 0 }} onClick={() => void logout()}>
                返回登录
              </Button>
            </div>
            <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, fontSize: 13 }}>
              手机丢失且恢复码用完时，请联系上级团组织管理员重置二次验证。
            </Typography.Paragraph>
          </>
        )}
      </Card>
    </div>
  );
}
