import { Alert, App, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ChangePasswordRequest } from '../../../src/contracts/auth';
import { PASSWORD_MIN_LENGTH } from '../../../src/domain/accounts';
import { ApiError, api, errorMessage } from '../api/client';
import type { SessionResponse } from '../api/types';
import { FormErrors } from '../components/FormErrors';
import { applyServerErrors, zodRule } from '../lib/forms';
import { useSession, useSessionApi } from '../session/context';

const REASONS: Record<NonNullable<SessionResponse['passwordChangeReason']>, { title: string; text: string }> = {
  INITIAL: {
    title: '首次登录，请修改初始密码',
    text: '您正在使用初始密码（身份证号码后8位），它容易被他人猜到。设置新密码后才能继续使用系统。',
  },
  RESET: {
    title: '密码已被管理员重置，请设置新密码',
    text: '请用管理员告知的临时密码作为“当前密码”，设置只有您自己知道的新密码。',
  },
  EXPIRED: {
    title: '密码已到期，请修改',
    text: '管理员账号的密码须定期更换。设置新密码后即可继续使用。',
  },
};

interface Values {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

export function ChangePasswordPage() {
  const session = useSession();
  const { signIn } = useSessionApi();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<{ message: string; details: string[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const forced = session.mustChangePassword;
  const reason = session.passwordChangeReason ? REASONS[session.passwordChangeReason] : null;

  const submit = async (values: Values) => {
    setBusy(true);
    setError(null);
    try {
      const next = await api.post<SessionResponse>('/api/auth/password', { currentPassword: values.currentPassword, newPassword: values.newPassword });
      signIn(next);
      message.success('密码已修改');
      navigate('/', { replace: true });
    } catch (err) {
      const rest = applyServerErrors(form, err);
      if (err instanceof ApiError && err.code === 'PASSWORD_WRONG') form.setFields([{ name: 'currentPassword', errors: [err.message] }]);
      setError({ message: err instanceof ApiError && err.code === 'PASSWORD_POLICY' ? '新密码不符合要求，请按提示修改' : errorMessage(err), details: rest });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card style={{ maxWidth: 480, margin: '24px auto' }} title="修改密码">
      {forced && reason && <Alert type="warning" showIcon title={reason.title} description={reason.text} style={{ marginBottom: 16 }} />}
      <FormErrors message={error?.message ?? null} details={error?.details} />
      <Form form={form} name="password" layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item label={session.passwordChangeReason === 'INITIAL' ? '当前密码（初始密码）' : '当前密码'} name="currentPassword" rules={[zodRule(ChangePasswordRequest.shape.currentPassword)]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          label="新密码"
          name="newPassword"
          rules={[zodRule(ChangePasswordRequest.shape.newPassword), { min: PASSWORD_MIN_LENGTH, message: `密码至少${PASSWORD_MIN_LENGTH}个字符` }]}
          extra={`至少${PASSWORD_MIN_LENGTH}个字符；不能包含身份证号码中连续6位、出生日期或手机号码，不能是常见密码。可以使用较长的中文短句。`}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          label="再次输入新密码"
          name="confirm"
          dependencies={['newPassword']}
          rules={[
            { required: true, message: '请再次输入新密码' },
            ({ getFieldValue }) => ({
              validator: async (_r, v: string) => {
                if (v && v !== getFieldValue('newPassword')) throw new Error('两次输入的新密码不一致');
              },
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          确认修改
        </Button>
        {!forced && (
          <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
            修改后，您在其他设备上的登录将失效。
          </Typography.Paragraph>
        )}
      </Form>
    </Card>
  );
}
