import { IdcardOutlined, LockOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { LoginRequest } from '../../../src/contracts/auth';
import { errorMessage } from '../api/client';
import { zodRule } from '../lib/forms';
import { useSessionApi } from '../session/context';
import { landing } from '../session/landing';

interface LoginState {
  from?: string;
  notice?: string;
}

export function LoginPage() {
  const { state, login } = useSessionApi();
  const navigate = useNavigate();
  const location = useLocation();
  const routed = (location.state ?? {}) as LoginState;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (state.status === 'in') return <Navigate to={landing(state.session, routed.from)} replace state={{ from: routed.from }} />;
  const notice = state.status === 'out' ? (state.notice ?? routed.notice) : routed.notice;

  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const session = await login(values.username.trim(), values.password);
      navigate(landing(session, routed.from), { replace: true, state: session.mfa ? { from: routed.from } : undefined });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', padding: 16, background: 'linear-gradient(160deg, #c8161e 0%, #f5f5f5 55%)' }}>
      <Card style={{ width: '100%', maxWidth: 400 }}>
        <Typography.Title level={3} style={{ textAlign: 'center', marginTop: 0 }}>
          智慧团建
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          共青团员与团组织管理
        </Typography.Paragraph>
        {notice && !error && <Alert type="info" showIcon title={notice} style={{ marginBottom: 16 }} />}
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Form name="login" layout="vertical" onFinish={submit} requiredMark={false} autoComplete="on">
          <Form.Item label="身份证号码" name="username" rules={[zodRule(LoginRequest.shape.username)]}>
            <Input prefix={<IdcardOutlined />} autoComplete="username" maxLength={18} placeholder="18位居民身份证号码" />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[zodRule(LoginRequest.shape.password)]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" placeholder="密码" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            登录
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 13 }}>
          初始密码为身份证号码的后8位（末位 X 请大写），首次登录须修改密码。忘记密码请联系所在团支部或上级团组织管理员重置。
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
