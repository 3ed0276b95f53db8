import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, DatePicker, Form, Input, Radio, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { MemberListItem } from '../../api/types';
import { FormErrors } from '../../components/FormErrors';
import { ResponsiveModal } from '../../components/ResponsiveModal';
import { useManage } from '../context';

interface Values {
  kind: 'DELAYED' | 'TEACHER';
  graduationAt?: Dayjs;
  reason?: string;
}

/**
 * 标记延迟毕业团员/教师 (GRAD-6), single or batch: a delayed graduate gets a later time and a reason and
 * is gathered in the school's 延迟毕业团支部; a teacher gets no date. Both stay out of 学社衔接.
 */
export function GraduateMarkModal({ members, onClose }: { members: MemberListItem[]; onClose: () => void }) {
  const { actingOrgId } = useManage();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<string | null>(null);
  const kind = Form.useWatch('kind', form);
  const save = useMutation({
    mutationFn: (v: Values) =>
      api.post(
        '/api/graduation/member-marks',
        { memberIds: members.map((m) => m.id), mark: v.kind === 'TEACHER' ? { kind: 'TEACHER' } : { kind: 'DELAYED', graduationAt: v.graduationAt!.format('YYYY-MM'), reason: v.reason } },
        { orgId: actingOrgId },
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['members', actingOrgId] });
      // A delayed graduate may have created the school's 延迟毕业团支部 (GRAD-6).
      void queryClient.invalidateQueries({ queryKey: ['children', actingOrgId] });
      message.success(`已标记 ${members.length} 名团员`);
      onClose();
    },
    onError: (err) => setError(errorMessage(err)),
  });
  return (
    <ResponsiveModal open title="标记延迟毕业团员/教师" okText="确定" onOk={() => form.submit()} onCancel={onClose} confirmLoading={save.isPending} width={520}>
      <Typography.Paragraph type="secondary">
        已选 {members.length} 名：{members.slice(0, 5).map((m) => m.name).join('、')}
        {members.length > 5 ? ' 等' : ''}。被标记者可以正常办理组织关系转接，但不纳入学社衔接。
      </Typography.Paragraph>
      <FormErrors message={error} />
      <Form<Values> form={form} name="graduateMark" layout="vertical" initialValues={{ kind: 'DELAYED' }} onFinish={(v) => save.mutate(v)}>
        <Form.Item name="kind" label="标记为">
          <Radio.Group
            options={[
              { value: 'DELAYED', label: '延迟毕业团员' },
              { value: 'TEACHER', label: '教师' },
            ]}
          />
        </Form.Item>
        {kind !== 'TEACHER' && (
          <>
            <Form.Item name="graduationAt" label="预计毕业时间" extra="必须晚于所在团支部的毕业时间" rules={[{ required: true, message: '请选择预计毕业时间' }]}>
              <DatePicker picker="month" style={{ width: '100%' }} format="YYYY年M月" placeholder="选择年月" />
            </Form.Item>
            <Form.Item name="reason" label="延迟毕业原因" rules={[{ required: true, whitespace: true, message: '请填写延迟毕业原因' }]}>
              <Input.TextArea rows={2} maxLength={200} showCount placeholder="如：休学一年" />
            </Form.Item>
          </>
        )}
      </Form>
    </ResponsiveModal>
  );
}
