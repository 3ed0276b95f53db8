import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Form, Input, Select, Typography } from 'antd';
import { useState } from 'react';
import { LeaveMemberRequest, RestoreMemberRequest } from '../../../../src/contracts/members';
import { LEAVE_REASON_LABELS } from '../../../../src/domain/enums';
import { api, errorMessage } from '../../api/client';
import type { Member, MemberListItem, ResetPasswordResult, RevealResult } from '../../api/types';
import { FormErrors } from '../../components/FormErrors';
import { OrgSelect } from '../../components/OrgSelect';
import { ResponsiveModal } from '../../components/ResponsiveModal';
import { applyServerErrors, checkWithSchema, emptyToNull, zodRule } from '../../lib/forms';
import { formatDateTime, optionsOf } from '../../lib/format';
import { useManage } from '../context';

export type MemberAction = 'detail' | 'edit' | 'leave' | 'restore' | 'reveal' | 'resetPassword';

/** A member's full record (the detail drawer and the edit form need every field). */
export function useMember(actingOrgId: number, id: number | undefined) {
  return useQuery({
    queryKey: ['member', actingOrgId, id],
    queryFn: () => api.get<Member>(`/api/members/${id}`, { orgId: actingOrgId }),
    enabled: id !== undefined,
  });
}

/** What 离团, 恢复团籍, 重置密码 and 查看完整号码 need: a list item is enough. */
export type MemberRef = Pick<MemberListItem, 'id' | 'name' | 'branchId' | 'branchName'>;

/** The actions the server's `can` allows (it comes with every list item and the detail), in menu order. */
export function allowedActions(m: Pick<MemberListItem, 'can'> | undefined): { key: MemberAction; label: string; danger?: boolean }[] {
  if (!m) return [];
  return [
    ...(m.can.edit ? [{ key: 'edit' as const, label: '编辑' }] : []),
    ...(m.can.reveal ? [{ key: 'reveal' as const, label: '查看完整号码' }] : []),
    ...(m.can.resetPassword ? [{ key: 'resetPassword' as const, label: '重置密码' }] : []),
    ...(m.can.restore ? [{ key: 'restore' as const, label: '恢复团籍' }] : []),
    ...(m.can.leave ? [{ key: 'leave' as const, label: '离团', danger: true }] : []),
  ];
}

function useMemberChanged() {
  const { actingOrgId, reloadTreeNode } = useManage();
  const queryClient = useQueryClient();
  return (m: Member) => {
    queryClient.setQueryData(['member', actingOrgId, m.id], m);
    void queryClient.invalidateQueries({ queryKey: ['members', actingOrgId] });
    void queryClient.invalidateQueries({ queryKey: ['org', actingOrgId] });
    if (m.branchId) reloadTreeNode(m.branchId);
  };
}

/** MEM-8 离团: a reason is required; the record stays and can be restored. */
export function LeaveModal({ member, onClose }: { member: MemberRef; onClose: () => void }) {
  const { actingOrgId } = useManage();
  const { message } = App.useApp();
  const changed = useMemberChanged();
  const [form] = Form.useForm();
  const [error, setError] = useState<{ message: string; details: string[] } | null>(null);
  const leave = useMutation({
    mutationFn: (body: unknown) => api.post<Member>(`/api/members/${member.id}/leave`, body, { orgId: actingOrgId }),
    onSuccess: (m) => {
      changed(m);
      message.success(`${m.name} 已离团`);
      onClose();
    },
    onError: (err) => setError({ message: errorMessage(err), details: applyServerErrors(form, err) }),
  });
  return (
    <ResponsiveModal open title={`离团 · ${member.name}`} okText="确认离团" okButtonProps={{ danger: true }} onOk={() => form.submit()} onCancel={onClose} confirmLoading={leave.isPending} width={520}>
      <Typography.Paragraph type="secondary">离团后团员记录仍然保留，可以恢复团籍。</Typography.Paragraph>
      <FormErrors message={error?.message ?? null} details={error?.details} />
      <Form
        form={form}
        name="leave"
        layout="vertical"
        onFinish={(v: Record<string, unknown>) => {
          const body = emptyToNull(v);
          if (checkWithSchema(form, LeaveMemberRequest, body)) leave.mutate(body);
        }}
      >
        <Form.Item label="离团原因" name="reason" rules={[{ required: true, message: '请选择离团原因' }]}>
          <Select options={optionsOf(LEAVE_REASON_LABELS)} placeholder="请选择" />
        </Form.Item>
        <Form.Item label="说明" name="note" rules={[zodRule(LeaveMemberRequest.shape.note)]}>
          <Input.TextArea rows={3} maxLength={200} showCount />
        </Form.Item>
      </Form>
    </ResponsiveModal>
  );
}

/** MEM-8 恢复团籍 into a branch of the acting org's scope. */
export function RestoreModal({ member, onClose }: { member: MemberRef; onClose: () => void }) {
  const { actingOrgId } = useManage();
  const { message } = App.useApp();
  const changed = useMemberChanged();
  const [form] = Form.useForm();
  const [error, setError] = useState<{ message: string; details: string[] } | null>(null);
  const restore = useMutation({
    mutationFn: (body: unknown) => api.post<Member>(`/api/members/${member.id}/restore`, body, { orgId: actingOrgId }),
    onSuccess: (m) => {
      changed(m);
      message.success(`${m.name} 已恢复团籍`);
      onClose();
    },
    onError: (err) => setError({ message: errorMessage(err), details: applyServerErrors(form, err) }),
  });
  const previous = member.branchId ? { id: member.branchId, name: member.branchName ?? '', kind: 'BRANCH' as const } : null;
  return (
    <ResponsiveModal open title={`恢复团籍 · ${member.name}`} okText="恢复团籍" onOk={() => form.submit()} onCancel={onClose} confirmLoading={restore.isPending} width={560}>
      <FormErrors message={error?.message ?? null} details={error?.details} />
      <Form
        form={form}
        name="restore"
        layout="vertical"
        initialValues={{ branchId: member.branchId ?? undefined }}
        onFinish={(v: Record<string, unknown>) => {
          const body = emptyToNull(v);
          if (checkWithSchema(form, RestoreMemberRequest, body)) restore.mutate(body);
        }}
      >
        <Form.Item label="恢复到团支部" name="branchId" rules={[{ required: true, message: '请选择团支部' }]}>
          <OrgSelect actingOrgId={actingOrgId} kind="BRANCH" initial={previous} placeholder="输入团支部名称搜索" />
        </Form.Item>
        <Form.Item label="说明" name="note" rules={[zodRule(RestoreMemberRequest.shape.note)]}>
          <Input.TextArea rows={3} maxLength={200} showCount />
        </Form.Item>
      </Form>
    </ResponsiveModal>
  );
}

/** SEC-4: asks before revealing, since every reveal is written to the audit log. */
export function useReveal() {
  const { actingOrgId } = useManage();
  const { modal, message } = App.useApp();
  return (member: Pick<Member, 'id' | 'name'>, onRevealed: (r: RevealResult) => void) => {
    modal.confirm({
      title: `查看 ${member.name} 的完整身份证号码和手机号码？`,
      content: '此操作将记入操作日志（含您的姓名、时间和地址）。请仅在工作需要时查看，不要截屏或转发。',
      okText: '查看',
      cancelText: '取消',
      onOk: async () => {
        try {
          onRevealed(await api.post<RevealResult>(`/api/members/${member.id}/reveal`, {}, { orgId: actingOrgId }));
        } catch (err) {
          message.error(errorMessage(err));
        }
      },
    });
  };
}

/** MEM-6: a one-time password, shown once with its expiry. */
export function useResetPassword() {
  const { actingOrgId } = useManage();
  const { modal, message } = App.useApp();
  return (member: Pick<Member, 'id' | 'name'>) => {
    modal.confirm({
      title: `重置 ${member.name} 的密码？`,
      content: '将生成一次性临时密码，该团员当前的登录会立即失效，下次登录须修改密码。',
      okText: '重置密码',
      okButtonProps: { danger: true },
      cancelText: '取消',
      onOk: async () => {
        try {
          const r = await api.post<ResetPasswordResult>(`/api/members/${member.id}/reset-password`, {}, { orgId: actingOrgId });
          modal.info({
            title: '临时密码（只显示这一次）',
            width: 440,
            content: (
              <div>
                <Typography.Paragraph copyable={{ text: r.temporaryPassword, tooltips: ['复制', '已复制'] }} style={{ fontFamily: 'monospace', fontSize: 20, marginBottom: 8 }}>
                  {r.temporaryPassword}
                </Typography.Paragraph>
                <Alert
                  type="warning"
                  showIcon
                  title={`请当面或通过可靠方式告知 ${member.name}。此密码在 ${formatDateTime(r.expiresAt)} 前有效，首次使用后须修改。`}
                />
              </div>
            ),
            okText: '我已记下',
          });
        } catch (err) {
          message.error(errorMessage(err));
        }
      },
    });
  };
}
