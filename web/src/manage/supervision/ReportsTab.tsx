import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Popconfirm, Radio, Segmented, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import type { Report } from '../../../../src/contracts/supervision';
import { formatDateTime } from '../../lib/format';
import {
  DELETION_REASONS,
  DELETION_REASON_LABELS,
  REPORT_ACTION_LABELS,
  REPORT_STATUS_LABELS,
  REPORT_TYPE_LABELS,
  type ReportStatus,
} from '../../../../src/domain/supervision';
import { api, errorMessage } from '../../api/client';
import type { MemberListItem, Page } from '../../api/types';
import { OrgSelect } from '../../components/OrgSelect';
import { ResponsiveModal } from '../../components/ResponsiveModal';
import { useManage } from '../context';

const STATUS_COLORS: Record<ReportStatus, string> = { PENDING: 'processing', AT_BACKEND: 'purple', DONE: 'success', REFUSED: 'error' };
type Box = 'todo' | 'filed' | 'handled';

function useInvalidate() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: ['reports'] });
}

function MemberDeletionModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { actingOrgId } = useManage();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [q, setQ] = useState('');
  const search = useQuery({
    queryKey: ['report-member-search', actingOrgId, q],
    queryFn: () => api.get<Page<MemberListItem>>('/api/members', { orgId: actingOrgId, query: { name: q, pageSize: 20 } }),
    enabled: q.trim().length > 0,
  });
  const [form] = Form.useForm();
  const file = useMutation({
    mutationFn: (v: Record<string, unknown>) => api.post('/api/reports/member-deletion', v, { orgId: actingOrgId }),
    onSuccess: () => {
      void message.success('已上报，等待上级审核');
      invalidate();
      onClose();
    },
  });
  return (
    <ResponsiveModal open={open} title="上报信息录入错误的团员（申请后台删除）" onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: file.isPending }} width={560}>
      <Typography.Paragraph type="secondary">姓名、身份证号码录入错误的团员不能直接修改：逐级上报至省级团委，由团中央后台删除后，团支部重新录入。</Typography.Paragraph>
      {file.isError && <Alert type="error" showIcon title={errorMessage(file.error)} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={(v) => file.mutate(v)} initialValues={{ reason: 'NAME' }}>
        <Form.Item name="memberId" label="团员" rules={[{ required: true, message: '请选择团员' }]}>
          <Select
            showSearch={{ filterOption: false, onSearch: setQ }}
            placeholder="输入姓名搜索"
            loading={search.isFetching}
            options={(search.data?.items ?? []).map((m) => ({ value: m.id, label: `${m.name}（${m.idNumber}）· ${m.branchName}` }))}
            notFoundContent={q ? '没有找到' : '请输入姓名'}
          />
        </Form.Item>
        <Form.Item name="reason" label="错误类型" rules={[{ required: true }]}>
          <Radio.Group options={DELETION_REASONS.map((r) => ({ value: r, label: DELETION_REASON_LABELS[r] }))} />
        </Form.Item>
        <Form.Item name="note" label="备注（正确的信息等）">
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </ResponsiveModal>
  );
}

function TownshipModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { actingOrgId } = useManage();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [form] = Form.useForm();
  const file = useMutation({
    mutationFn: (v: Record<string, unknown>) => api.post('/api/reports/township-flag', v, { orgId: actingOrgId }),
    onSuccess: () => {
      void message.success('已上报，等待上级审核');
      invalidate();
      onClose();
    },
  });
  return (
    <ResponsiveModal open={open} title="上报乡镇街道团委识别结果有误" onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: file.isPending }} width={560}>
      <Typography.Paragraph type="secondary">三种情况须上报：是乡镇街道团委但识别为“否”；不是但识别为“是”；是但识别为“空”。省级团委汇总后由团中央后台统一更正。</Typography.Paragraph>
      {file.isError && <Alert type="error" showIcon title={errorMessage(file.error)} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={(v) => file.mutate(v)}>
        <Form.Item name="orgId" label="团组织" rules={[{ required: true, message: '请选择团组织' }]}>
          <OrgSelect actingOrgId={actingOrgId} />
        </Form.Item>
        <Form.Item name="claimed" label="实际是否为乡镇街道团委（团工委、团总支）" rules={[{ required: true, message: '请选择' }]}>
          <Radio.Group options={[{ value: true, label: '是' }, { value: false, label: '否' }]} />
        </Form.Item>
        <Form.Item name="note" label="备注">
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </ResponsiveModal>
  );
}

function RefuseModal({ report, onClose }: { report: Report | null; onClose: () => void }) {
  const { actingOrgId } = useManage();
  const invalidate = useInvalidate();
  const [reason, setReason] = useState('');
  const refuse = useMutation({
    mutationFn: () => api.post(`/api/reports/${report!.id}/refuse`, { reason }, { orgId: actingOrgId }),
    onSuccess: () => {
      invalidate();
      onClose();
    },
  });
  return (
    <ResponsiveModal open={!!report} title="退回上报事项" onCancel={onClose} onOk={() => refuse.mutate()} okButtonProps={{ disabled: !reason.trim(), loading: refuse.isPending, danger: true }} width={480}>
      {refuse.isError && <Alert type="error" showIcon title={errorMessage(refuse.error)} style={{ marginBottom: 12 }} />}
      <Typography.Paragraph>{report?.subjectLabel}</Typography.Paragraph>
      <Input.TextArea aria-label="退回理由" rows={3} maxLength={500} placeholder="退回理由（必填）" value={reason} onChange={(e) => setReason(e.target.value)} />
    </ResponsiveModal>
  );
}

/** 上报事项: reports climbing level by level (REP-1/REP-2), as this org's to-do list and history. */
export function ReportsTab() {
  const { actingOrgId } = useManage();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [box, setBox] = useState<Box>('todo');
  const [page, setPage] = useState(1);
  const [modal, setModal] = useState<'member' | 'township' | null>(null);
  const [refusing, setRefusing] = useState<Report | null>(null);
  const list = useQuery({
    queryKey: ['reports', actingOrgId, box, page],
    queryFn: () => api.get<Page<Report>>('/api/reports', { orgId: actingOrgId, query: { box, page, pageSize: 20 } }),
    placeholderData: keepPreviousData,
  });
  const act = useMutation({
    mutationFn: ({ id, action }: { id: number; action: 'forward' | 'execute' }) => api.post<Report>(`/api/reports/${id}/${action}`, {}, { orgId: actingOrgId }),
    onSuccess: (r) => {
      void message.success(r.status === 'DONE' ? '已执行' : `已转报：${r.currentOrgName}`);
      invalidate();
    },
    onError: (err) => void message.error(errorMessage(err)),
  });

  return (
    <div>
      <Space wrap style={{ marginBottom: 12 }}>
        <Segmented<Box>
          value={box}
          onChange={(b) => {
            setBox(b);
            setPage(1);
          }}
          options={[
            { value: 'todo', label: '待本级处理' },
            { value: 'filed', label: '本级及下级上报' },
            { value: 'handled', label: '本级经手' },
          ]}
        />
        <Button onClick={() => setModal('member')}>上报录入错误团员</Button>
        <Button onClick={() => setModal('township')}>上报乡镇街道识别错误</Button>
      </Space>
      {list.isError && <Alert type="error" showIcon title={errorMessage(list.error)} />}
      <Table<Report>
        size="small"
        rowKey="id"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        locale={{ emptyText: box === 'todo' ? '没有待处理的上报事项' : '暂无上报事项' }}
        expandable={{
          expandedRowRender: (r) => (
            <div>
              {r.outcome && <Alert type={r.status === 'DONE' ? 'success' : 'warning'} showIcon title={r.outcome} style={{ marginBottom: 8 }} />}
              <Timeline
                items={r.steps.map((s) => ({
                  color: s.action === 'REFUSE' ? 'red' : s.action === 'EXECUTE' ? 'green' : 'blue',
                  content: `${formatDateTime(s.at)} ${s.orgName} ${s.actorName}：${REPORT_ACTION_LABELS[s.action] ?? s.action}${s.note ? `（${s.note}）` : ''}`,
                }))}
              />
            </div>
          ),
        }}
        columns={[
          { title: '事项', key: 'type', render: (_, r) => REPORT_TYPE_LABELS[r.type] },
          { title: '内容', dataIndex: 'subjectLabel' },
          { title: '上报组织', dataIndex: 'originOrgName' },
          { title: '当前处理组织', dataIndex: 'currentOrgName' },
          { title: '状态', key: 'status', render: (_, r) => <Tag color={STATUS_COLORS[r.status]}>{REPORT_STATUS_LABELS[r.status]}</Tag> },
          { title: '更新时间', key: 'updatedAt', render: (_, r) => formatDateTime(r.updatedAt) },
          {
            title: '操作',
            key: 'actions',
            render: (_, r) => (
              <Space size={4}>
                {r.can.forward && (
                  <Popconfirm title="审核通过并转报上级？" onConfirm={() => act.mutate({ id: r.id, action: 'forward' })}>
                    <Button size="small" type="primary">
                      审核通过并上报
                    </Button>
                  </Popconfirm>
                )}
                {r.can.execute && (
                  <Popconfirm title={r.type === 'MEMBER_DELETION' ? '删除该团员记录（归档保存）？' : '按上报更正识别结果？'} onConfirm={() => act.mutate({ id: r.id, action: 'execute' })}>
                    <Button size="small" type="primary" danger={r.type === 'MEMBER_DELETION'}>
                      {r.type === 'MEMBER_DELETION' ? '后台删除' : '后台更正'}
                    </Button>
                  </Popconfirm>
                )}
                {r.can.refuse && (
                  <Button size="small" onClick={() => setRefusing(r)}>
                    退回
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <MemberDeletionModal open={modal === 'member'} onClose={() => setModal(null)} />
      <TownshipModal open={modal === 'township'} onClose={() => setModal(null)} />
      <RefuseModal key={refusing?.id ?? 0} report={refusing} onClose={() => setRefusing(null)} />
    </div>
  );
}
