import { Alert, Button, Form, Input, Spin, Steps, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { MfaConfirmResponse, MfaEnrollment, SessionResponse } from '../../api/types';
import { RecoveryCodesView } from './RecoveryCodesView';

/**
 * Binding an authenticator (issue 7): scan the QR code (or type the key), confirm with a code, save
 * the recovery codes. `password` is sent when re-enrolling from 账号安全 (a re-authentication).
 */
export function EnrollMfa({ password, onDone }: { password?: string; onDone: (session: SessionResponse) => void }) {
  const [enrollment, setEnrollment] = useState<MfaEnrollment | null>(null);
  const [result, setResult] = useState<MfaConfirmResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // One request per mount: each call replaces the pending secret on the server, so a second call (React
  // StrictMode runs effects twice in development) could leave the QR code showing a superseded secret.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    api
      .post<MfaEnrollment>('/api/auth/mfa/enrollment', password === undefined ? {} : { password }, { skipAuthHandling: true })
      .then(setEnrollment)
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [password]);

  const confirm = async (values: { code: string }) => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api.post<MfaConfirmResponse>('/api/auth/mfa/enrollment/confirm', { code: values.code.trim() }, { skipAuthHandling: true }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const step = result ? 2 : 0;
  return (
    <div>
      <Steps size="small" current={step} responsive={false} style={{ marginBottom: 16 }} items={[{ title: '扫码绑定' }, { title: '输入验证码' }, { title: '保存恢复码' }]} />
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {result ? (
        <RecoveryCodesView codes={result.recoveryCodes} onDone={() => onDone(result.session)} />
      ) : !enrollment ? (
        !error && <Spin />
      ) : (
        <>
          <Typography.Paragraph>
            请在手机上打开身份验证器应用（如腾讯身份验证器、Microsoft Authenticator、Google Authenticator），扫描下方二维码；无法扫码时可手动输入密钥。
          </Typography.Paragraph>
          <div style={{ textAlign: 'center' }}>
            <img src={enrollment.qrDataUrl} alt="身份验证器二维码" width={200} height={200} />
          </div>
          <Typography.Paragraph style={{ textAlign: 'center' }}>
            手动输入密钥：
            <Typography.Text code copyable aria-label="密钥">
              {enrollment.secret.replace(/(.{4})/g, '$1 ').trim()}
            </Typography.Text>
          </Typography.Paragraph>
          <Form layout="vertical" onFinish={confirm} requiredMark={false}>
            <Form.Item label="验证码" name="code" rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: '请输入应用显示的6位数字' }]}>
              <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} placeholder="6位数字" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              确认绑定
            </Button>
          </Form>
        </>
      )}
    </div>
  );
}
