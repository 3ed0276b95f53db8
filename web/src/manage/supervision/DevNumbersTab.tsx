import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { DEV_VOID_REASONS, DEV_VOID_REASON_LABELS, type DevVoidReason } from '../../../../src/domain/supervision';
import { api, errorMessage } from '../../api/client';
import type { OrgSummary, Page } from '../../api/types';
import { formatDateTime } from '../../lib/format';
import { ResponsiveModal } from '../../components/ResponsiveModal';
import { useManage } from '../context';

interface Range {
  id: number;
  issuerName: string;
  recipientName: string;
  start: string;
  end: string;
  size: number;
  used: number;
  explained: number;
  issuedAt: string;
}
interface Void {
  number: string;
  orgName: string;
  reason: DevVoidReason;
  note: string | null;
  registeredAt: string;
}

const rangeColumns = (who: 'issuerName' | 'recipientName', onUnused?: (r: Range) => void) => [
  { title: who === 'issuerName' ? '下发组织' : '接收组织', dataIndex: who },
  { title: '号段', key: 'range', render: (_: unknown, r: Range) => `${r.start} – ${r.end}` },
  { title: '编号数', dataIndex: 'size', align: 'right' as const },
  { title: '已使用', dataIndex: 'used', align: 'right' as const },
  { title: '未使用已说明', dataIndex: 'explained', align: 'right' as const },
  { title: '未使用未说明', key: 'unused', align: 'right' as const, render: (_: unknown, r: Range) => r.size - r.used - r.explained },
  { title: '下发时间', key: 'at', render: (_: unknown, r: Range) => formatDateTime(r.issuedAt) },
  ...(onUnused ? [{ title: '', key: 'a', render: (_: unknown, r: Range) => <a onClick={() => onUnused(r)}>查看未使用编号</a> }] : []),
];

/** 发展团员编号 (DEV-1/2): ranges received and issued, and the register of unused numbers. */
export function DevNumbersTab() {
  const { actingOrgId } = useManage();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [issueForm] = Form.useForm();
  const [voidForm] = Form.useForm();
  const [unusedOf, setUnusedOf] = useState<Range | null>(null);
  const ranges = useQuery({
    queryKey: ['dev', 'ranges', actingOrgId],
    queryFn: () => api.get<{ received: Range[]; issued: Range[]; canIssueFresh: boolean }>('/api/dev-numbers/ranges', { orgId: actingOrgId }),
  });
  const voids = useQuery({ queryKey: ['dev', 'voids', actingOrgId], queryFn: () => api.get<Page<Void>>('/api/dev-numbers/voids', { orgId: actingOrgId, query: { pageSize: 100 } }) });
  const children = useQuery({
    queryKey: ['children', actingOrgId, actingOrgId, 1, 100],
    queryFn: () => api.get<Page<OrgSummary>>(`/api/orgs/${actingOrgId}/children`, { orgId: actingOrgId, query: { page: 1, pageSize: 100 } }),
  });
  const unused = useQuery({
    queryKey: ['dev', 'unused', actingOrgId, unusedOf?.id],
    queryFn: () => api.get<{ numbers: string[]; truncated: boolean }>('/api/dev-numbers/unused', { orgId: actingOrgId, query: { rangeId: unusedOf!.id } }),
    enabled: !!unusedOf,
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['dev'] });
  const issue = useMutation({
    mutationFn: (v: Record<string, unknown>) => api.post('/api/dev-numbers/ranges', v, { orgId: actingOrgId }),
    onSuccess: () => {
      void message.success('号段已下发');
      issueForm.resetFields();
      refresh();
    },
  });
  const register = useMutation({
    mutationFn: (v: Record<string, unknown>) => api.post('/api/dev-numbers/voids', v, { orgId: actingOrgId }),
    onSuccess: () => {
      void message.success('未使用编号已登记并上报');
      voidForm.resetFields();
      refresh();
    },
  });

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        “号号有下落，人人进系统”：上级团委向直属下级下发发展团员编号号段，新发展团员录入时使用本组织号段内的编号，未使用的编号须登记原因并逐级上报。
      </Typography.Paragraph>
      {ranges.isError && <Alert type="error" showIcon title={errorMessage(ranges.error)} />}
      <Card size="small" title="本级收到的号段">
        <Table size="small" rowKey="id" dataSource={ranges.data?.received ?? []} columns={rangeColumns('issuerName', setUnusedOf)} pagination={false} scroll={{ x: 'max-content' }} locale={{ emptyText: ranges.data?.canIssueFresh ? '本级可直接生成并下发号段' : '尚未收到号段' }} />
      </Card>
      <Card size="small" title="向直属下级下发号段">
        {issue.isError && <Alert type="error" showIcon title={errorMessage(issue.error)} style={{ marginBottom: 8 }} />}
        <Form form={issueForm} layout="inline" onFinish={(v) => issue.mutate(v)}>
          <Form.Item name="recipientOrgId" label="接收组织" rules={[{ required: true, message: '请选择' }]} style={{ marginBottom: 8 }}>
            <Select style={{ width: 220 }} options={(children.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} placeholder="直属下级组织" />
          </Form.Item>
          <Form.Item name="start" label="起始编号" rules={[{ required: true, pattern: /^\d{12}$/, message: '12位数字' }]} style={{ marginBottom: 8 }}>
            <Input style={{ width: 150 }} maxLength={12} placeholder="例如 202600000001" />
          </Form.Item>
          <Form.Item name="end" label="截止编号" rules={[{ required: true, pattern: /^\d{12}$/, message: '12位数字' }]} style={{ marginBottom: 8 }}>
            <Input style={{ width: 150 }} maxLength={12} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={issue.isPending}>
            下发
          </Button>
        </Form>
        <Table size="small" rowKey="id" dataSource={ranges.data?.issued ?? []} columns={rangeColumns('recipientName')} pagination={false} scroll={{ x: 'max-content' }} style={{ marginTop: 8 }} locale={{ emptyText: '尚未下发号段' }} />
      </Card>
      <Card size="small" title="未使用编号登记（本级及下级）">
        {register.isError && <Alert type="error" showIcon title={errorMessage(register.error)} style={{ marginBottom: 8 }} />}
        <Form form={voidForm} layout="inline" onFinish={(v) => register.mutate(v)} initialValues={{ reason: 'NOT_DEVELOPED' }}>
          <Form.Item name="number" label="编号" rules={[{ required: true, pattern: /^\d{12}$/, message: '12位数字' }]} style={{ marginBottom: 8 }}>
            <Input style={{ width: 150 }} maxLength={12} />
          </Form.Item>
          <Form.Item name="reason" label="原因" rules={[{ required: true }]} style={{ marginBottom: 8 }}>
            <Select style={{ width: 190 }} options={DEV_VOID_REASONS.map((r) => ({ value: r, label: DEV_VOID_REASON_LABELS[r] }))} />
          </Form.Item>
          <Form.Item name="note" label="说明" style={{ marginBottom: 8 }}>
            <Input style={{ width: 220 }} maxLength={500} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={register.isPending}>
            登记
          </Button>
        </Form>
        <Table
          size="small"
          rowKey="number"
          dataSource={voids.data?.items ?? []}
          pagination={false}
          scroll={{ x: 'max-content' }}
          style={{ marginTop: 8 }}
          locale={{ emptyText: '暂无登记' }}
          columns={[
            { title: '编号', dataIndex: 'number' },
            { title: '号段所属组织', dataIndex: 'orgName' },
            { title: '原因', key: 'reason', render: (_, v) => DEV_VOID_REASON_LABELS[v.reason] },
            { title: '说明', dataIndex: 'note' },
            { title: '登记时间', key: 'at', render: (_, v) => formatDateTime(v.registeredAt) },
          ]}
        />
      </Card>
      <ResponsiveModal open={!!unusedOf} title={`未使用编号：${unusedOf?.start ?? ''} – ${unusedOf?.end ?? ''}`} footer={null} onCancel={() => setUnusedOf(null)} width={560}>
        {unused.data && (
          <>
            <Typography.Paragraph copyable={{ text: unused.data.numbers.join('\n') }}>{unused.data.numbers.length === 0 ? '该号段的编号均已使用或已说明。' : unused.data.numbers.join('、')}</Typography.Paragraph>
            {unused.data.truncated && <Typography.Text type="secondary">仅显示前200个</Typography.Text>}
          </>
        )}
      </ResponsiveModal>
    </Space>
  );
}
