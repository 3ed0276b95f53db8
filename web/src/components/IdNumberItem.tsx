import { Form, Input, Typography } from 'antd';
import { GENDER_LABELS } from '../../../src/domain/enums';
import { validateIdNumber } from '../../../src/domain/id-number';
import { todayString } from '../lib/format';

/**
 * 身份证号码 with the server's own check (MEM-2) run as the user types, so they see exactly what is
 * wrong (length, check digit …) and, once valid, the birth date and gender derived from it.
 */
export function IdNumberItem({ label = '身份证号码' }: { label?: string }) {
  const form = Form.useFormInstance();
  const value = Form.useWatch<string | undefined>('idNumber', form);
  const result = value ? validateIdNumber(value, todayString()) : null;
  return (
    <Form.Item
      label={label}
      name="idNumber"
      required
      validateTrigger={['onChange', 'onBlur']}
      rules={[
        {
          validator: async (_r, v: string | undefined) => {
            if (!v || !v.trim()) throw new Error('身份证号码不能为空');
            const r = validateIdNumber(v, todayString());
            if (!r.ok) throw new Error(r.message);
          },
        },
      ]}
      extra={
        result?.ok ? (
          <Typography.Text type="success" style={{ fontSize: 12 }}>
            出生日期 {result.birthDate}，{GENDER_LABELS[result.gender]}
          </Typography.Text>
        ) : undefined
      }
    >
      <Input maxLength={18} autoComplete="off" placeholder="18位，末位可为X" style={{ fontFamily: 'monospace' }} />
    </Form.Item>
  );
}
