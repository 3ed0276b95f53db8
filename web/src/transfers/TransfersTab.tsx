import { CheckOutlined, PlusOutlined, PrinterOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Drawer, Empty, Form, Input, InputNumber, List, Select, Skeleton, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import type { InboxItem, Letter, Notice, Transfer, TransferListItem, TransferNode } from '../../../src/contracts/transfers';
import { NODE_KIND_LABELS, TRANSFER_REASON_LABELS, TRANSFER_STATUSES, TRANSFER_STATUS_LABELS, type TransferStatus } from '../../../src/domain/transfers';
import { api, errorMessage } from '../api/client';
import type { Org, OrgSummary, Page } from '../api/types';
import { FormErrors } from '../components/FormErrors';
import { ResponsiveModal } from '../components/ResponsiveModal';
import { formatDate, formatDateTime } from '../lib/format';
import { useIsMobile } from '../lib/useIsMobile';
import { useManage } from '../manage/context';
import { StartTransferWizard, type WizardMode } from './StartTransferWizard';
import { TransferStatusTag, TransferTimeline } from './TransferTimeline';

function useInvalidate() {
  const qc = useQueryClient();
  return () => {
    for (const k of ['transfer-inbox', 'transfer-notices', 'transfers', 'transfer']) void qc.invalidateQueries({ queryKey: [k] });
  };
}

function RejectModal({ node, onClose, onDone }: { node: TransferNode; onClose: () => void; onDone: () => void }) {
  const { actingOrgId } = useManage();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const reject = useMutation({
    mutationFn: () => api.post<Transfer>(`/api/transfer-nodes/${node.id}/reject`, { reason }, { orgId: actingOrgId }),
    onSuccess: onDone,
    onError: (err) => setError(errorMessage(err)),
  });
  return (
    <ResponsiveModal open title="退回组织关系转接" okText="退回" okButtonProps={{ danger: true, disabled: reason.trim().length < 2 }} onOk={() => reject.mutate()} confirmLoading={reject.isPending} onCancel={onClose} width={520}>
      <Typography.Paragraph type="secondary">退回须填写理由；不得以“非正式员工”“非本地户籍”等理由退回（TR-8）。</Typography.Paragraph>
      <FormErrors message={error} />
      <Input.TextArea aria-label="退回理由" rows={3} maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} />
    </ResponsiveModal>
  );
}

function AllocateModal({ node, onClose, onDone }: { node: TransferNode; onClose: () => void; onDone: () => void }) {
  const { actingOrgId } = useManage();
  const [branchId, setBranchId] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const children = useQuery({
    queryKey: ['allocate-branches', actingOrgId, node.orgId, q],
    queryFn: async () =>
      q
        ? (await api.get<Page<OrgSummary>>('/api/orgs', { orgId: actingOrgId, query: { q, kind: 'BRANCH', pageSize: 50 } })).items
        : (await api.get<Page<OrgSummary>>(`/api/orgs/${node.orgId}/children`, { orgId: actingOrgId, query: { pageSize: 100 } })).items
            .filter((o) => o.kind === 'BRANCH')
            // Graduates without a unit usually go to the 学社衔接临时团支部: offer it first.
            .sort((a, b) => Number(b.specialKind === 'TRANSITION') - Number(a.specialKind === 'TRANSITION')),
  });
  const allocate = useMutation({
    mutationFn: () => api.post<Transfer>(`/api/transfer-nodes/${node.id}/allocate`, { branchId }, { orgId: actingOrgId }),
    onSuccess: onDone,
    onError: (err) => setError(errorMessage(err)),
  });
  return (
    <ResponsiveModal open title="分配团支部" okText="分配" okButtonProps={{ disabled: !branchId }} onOk={() => allocate.mutate()} confirmLoading={allocate.isPending} onCancel={onClose} width={520}>
      <Typography.Paragraph type="secondary">转入组织是团委、团工委或团总支时，须把团员分配到下属团支部，接转才算完成（TR-3）；分配从不自动进行。</Typography.Paragraph>
      <FormErrors message={error} />
      <Select
        aria-label="团支部"
        style={{ width: '100%' }}
        showSearch={{ filterOption: false, onSearch: setQ }}
        placeholder="选择团支部"
        loading={children.isPending}
        value={branchId ?? undefined}
        onChange={setBranchId}
        options={(children.data ?? []).map((o) => ({ value: o.id, label: o.name }))}
      />
    </ResponsiveModal>
  );
}

function LetterModal({ transferIds, onClose }: { transferIds: number[]; onClose: () => void }) {
  const { actingOrgId } = useManage();
  const navigate = useNavigate();
  const [fee, setFee] = useState(() => new Date().toISOString().slice(0, 7));
  const [days, setDays] = useState(30);
  const [error, setError] = useState<string | null>(null);
  const issue = useMutation({
    mutationFn: () => api.post<Letter>('/api/transfer-letters', { transferIds, feePaidUntil: fee, validDays: days }, { orgId: actingOrgId }),
    onSuccess: (l) => navigate(`/manage/${actingOrgId}/transfer-letters/${l.id}`),
    onError: (err) => setError(errorMessage(err)),
  });
  return (
    <ResponsiveModal open title="开具组织关系介绍信" okText="开具并打印" onOk={() => issue.mutate()} confirmLoading={issue.isPending} onCancel={onClose} width={480}>
      <FormErrors message={error} />
      <Form layout="vertical">
        <Form.Item label="团费交至（年月）">
          <Input aria-label="团费交至" value={fee} onChange={(e) => setFee(e.target.value)} placeholder="YYYY-MM" />
        </Form.Item>
        <Form.Item label="有效期限（天）">
          <InputNumber aria-label="有效期限" min={1} max={365} value={days} onChange={(v) => setDays(v ?? 30)} />
        </Form.Item>
      </Form>
    </ResponsiveModal>
  );
}

/** One transfer: the timeline and the actions the server allows this admin (node `can` flags). */
function TransferDrawer({ id, onClose }: { id: number; onClose: () => void }) {
  const { actingOrgId } = useManage();
  const mobile = useIsMobile();
  const { message, modal } = App.useApp();
  const invalidate = useInvalidate();
  const [rejecting, setRejecting] = useState<TransferNode | null>(null);
  const [allocating, setAllocating] = useState<TransferNode | null>(null);
  const [letter, setLetter] = useState(false);
  const t = useQuery({ queryKey: ['transfer', actingOrgId, id], queryFn: () => api.get<Transfer>(`/api/transfers/${id}`, { orgId: actingOrgId }) });
  const approve = useMutation({
    mutationFn: (n: TransferNode) => api.post<Transfer>(`/api/transfer-nodes/${n.id}/approve`, {}, { orgId: actingOrgId }),
    onSuccess: () => {
      message.success('已审批通过');
      invalidate();
    },
    onError: (err) => {
      message.error(errorMessage(err));
      invalidate();
    },
  });
  const done = (text: string) => () => {
    message.success(text);
    setRejecting(null);
    setAllocating(null);
    invalidate();
  };
  const mine = t.data?.nodes.find((n) => n.can.approve || n.can.reject || n.can.allocate);
  return (
    <Drawer open title="组织关系转接详情" size={mobile ? '100%' : 640} onClose={onClose}>
      {t.isPending ? (
        <Skeleton active />
      ) : t.isError ? (
        <Alert type="error" showIcon title={errorMessage(t.error)} />
      ) : (
        <>
          <TransferTimeline t={t.data} columns={mobile ? 1 : 2} />
          <Space wrap>
            {mine?.can.approve && (
              <Button type="primary" icon={<CheckOutlined />} loading={approve.isPending} onClick={() => approve.mutate(mine)}>
                通过
              </Button>
            )}
            {mine?.can.allocate && (
              <Button type="primary" onClick={() => setAllocating(mine)}>
                分配团支部
              </Button>
            )}
            {mine?.can.reject && (
              <Button danger onClick={() => setRejecting(mine)}>
                退回
              </Button>
            )}
            {t.data.can.cancel && (
              <Button
                onClick={() =>
                  modal.confirm({
                    title: '撤销这条组织关系转接？',
                    okText: '撤销',
                    cancelText: '不撤销',
                    onOk: async () => {
                      try {
                        await api.post(`/api/transfers/${id}/cancel`, {}, { orgId: actingOrgId });
                        done('已撤销')();
                      } catch (err) {
                        message.error(errorMessage(err));
                      }
                    },
                  })
                }
              >
                撤销
              </Button>
            )}
            {t.data.can.letter && (
              <Button icon={<PrinterOutlined />} onClick={() => setLetter(true)}>
                介绍信
              </Button>
            )}
          </Space>
        </>
      )}
      {rejecting && <RejectModal node={rejecting} onClose={() => setRejecting(null)} onDone={done('已退回')} />}
      {allocating && <AllocateModal node={allocating} onClose={() => setAllocating(null)} onDone={done('已分配团支部，接转完成')} />}
      {letter && <LetterModal transferIds={[id]} onClose={() => setLetter(false)} />}
    </Drawer>
  );
}

function InboxView({ open }: { open: (id: number) => void }) {
  const { actingOrgId } = useManage();
  const mobile = useIsMobile();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [selected, setSelected] = useState<number[]>([]);
  const [page, setPage] = useState(1);
  const inbox = useQuery({
    queryKey: ['transfer-inbox', actingOrgId, page],
    queryFn: () => api.get<Page<InboxItem>>('/api/transfer-inbox', { orgId: actingOrgId, query: { page, pageSize: 20 } }),
    placeholderData: keepPreviousData,
  });
  const batch = useMutation({
    mutationFn: () => api.post<{ results: { nodeId: number; ok: boolean; message?: string }[] }>('/api/transfer-nodes/batch-approve', { nodeIds: selected }, { orgId: actingOrgId }),
    onSuccess: (r) => {
      const failed = r.results.filter((x) => !x.ok);
      if (failed.length) message.warning(`${r.results.length - failed.length}条已通过，${failed.length}条未通过：${failed[0]!.message}`);
      else message.success(`${r.results.length}条已审批通过`);
      setSelected([]);
      invalidate();
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const approvable = (i: InboxItem) => i.kind !== 'ALLOCATION';
  const due = (i: InboxItem) => (
    <Space size={4} wrap>
      <span>已等待{i.ageDays}天</span>
      {i.kind === 'ALLOCATION' ? <Tag>须手动分配</Tag> : <Tag color={i.overdueSoon ? 'red' : undefined}>{formatDate(i.dueAt)} 自动通过</Tag>}
    </Space>
  );
  const columns: ColumnsType<InboxItem> = [
    { title: '姓名', dataIndex: 'memberName', render: (v: string, i) => <a onClick={() => open(i.transferId)}>{v}</a> },
    { title: '环节', dataIndex: 'kind', render: (k: InboxItem['kind']) => NODE_KIND_LABELS[k] },
    { title: '原因', dataIndex: 'reason', render: (r: InboxItem['reason']) => TRANSFER_REASON_LABELS[r] },
    { title: '转出', dataIndex: 'fromBranchName' },
    { title: '转入', dataIndex: 'toOrgName', render: (v: string | null) => v ?? '特殊单位专属库' },
    { title: '期限', key: 'due', render: (_: unknown, i) => due(i) },
  ];
  if (inbox.isError) return <Alert type="error" showIcon title={errorMessage(inbox.error)} />;
  return (
    <>
      <Space style={{ marginBottom: 8 }} wrap>
        <Button type="primary" icon={<CheckOutlined />} disabled={selected.length === 0} loading={batch.isPending} onClick={() => batch.mutate()}>
          批量通过{selected.length ? `（${selected.length}）` : ''}
        </Button>
        <Typography.Text type="secondary">超过10天未处理的会标红；15天未处理系统将自动通过，分配团支部须手动办理。</Typography.Text>
      </Space>
      {mobile ? (
        <List
          loading={inbox.isPending}
          dataSource={inbox.data?.items ?? []}
          locale={{ emptyText: <Empty description="没有待处理的审批" /> }}
          renderItem={(i) => (
            <List.Item onClick={() => open(i.transferId)} style={{ cursor: 'pointer' }}>
              <div style={{ width: '100%' }}>
                <Space wrap>
                  <Typography.Text strong>{i.memberName}</Typography.Text>
                  <Tag>{NODE_KIND_LABELS[i.kind]}</Tag>
                </Space>
                <div style={{ fontSize: 13, color: '#666' }}>
                  {TRANSFER_REASON_LABELS[i.reason]} · {i.fromBranchName} → {i.toOrgName ?? '特殊单位专属库'}
                </div>
                {due(i)}
              </div>
            </List.Item>
          )}
        />
      ) : (
        <Table
          rowKey="nodeId"
          size="small"
          loading={inbox.isPending}
          columns={columns}
          dataSource={inbox.data?.items ?? []}
          rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as number[]), getCheckboxProps: (i) => ({ disabled: !approvable(i) }) }}
          locale={{ emptyText: <Empty description="没有待处理的审批" /> }}
          pagination={{ current: page, pageSize: 20, total: inbox.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        />
      )}
    </>
  );
}

function NoticesView({ open }: { open: (id: number) => void }) {
  const { actingOrgId } = useManage();
  const notices = useQuery({ queryKey: ['transfer-notices', actingOrgId], queryFn: () => api.get<Page<Notice>>('/api/transfer-notices', { orgId: actingOrgId, query: { pageSize: 50 } }) });
  const colors: Record<string, string> = { REMINDER: 'orange', AUTO_APPROVED: 'blue', COMPLETED: 'green', REJECTED: 'red' };
  const labels: Record<string, string> = { REMINDER: '提醒', AUTO_APPROVED: '系统自动通过', COMPLETED: '接转成功', REJECTED: '被退回' };
  return (
    <List
      loading={notices.isPending}
      dataSource={notices.data?.items ?? []}
      locale={{ emptyText: <Empty description="没有提醒或结果" /> }}
      renderItem={(n) => (
        <List.Item onClick={() => open(n.transferId)} style={{ cursor: 'pointer' }}>
          <div>
            <Tag color={colors[n.kind]}>{labels[n.kind] ?? n.kind}</Tag>
            {n.message}
            <div style={{ fontSize: 12, color: '#999' }}>{formatDateTime(n.createdAt)}</div>
          </div>
        </List.Item>
      )}
    />
  );
}

function AllTransfersView({ open }: { open: (id: number) => void }) {
  const { actingOrgId } = useManage();
  const [status, setStatus] = useState<TransferStatus | undefined>();
  const [page, setPage] = useState(1);
  const list = useQuery({
    queryKey: ['transfers', actingOrgId, status, page],
    queryFn: () => api.get<Page<TransferListItem>>('/api/transfers', { orgId: actingOrgId, query: { status, page, pageSize: 20 } }),
    placeholderData: keepPreviousData,
  });
  const columns: ColumnsType<TransferListItem> = [
    { title: '姓名', dataIndex: 'memberName', render: (v: string, t) => <a onClick={() => open(t.id)}>{v}</a> },
    { title: '原因', dataIndex: 'reason', render: (r: TransferListItem['reason']) => TRANSFER_REASON_LABELS[r] },
    { title: '转出', dataIndex: 'fromBranchName' },
    { title: '转入', dataIndex: 'toOrgName', render: (v: string | null) => v ?? '特殊单位专属库' },
    { title: '申请时间', dataIndex: 'createdAt', render: formatDateTime },
    { title: '状态', dataIndex: 'status', render: (s: TransferStatus) => <TransferStatusTag status={s} /> },
  ];
  return (
    <>
      <Select
        allowClear
        placeholder="全部状态"
        style={{ width: 160, marginBottom: 8 }}
        value={status}
        onChange={(v) => { setStatus(v); setPage(1); }}
        options={TRANSFER_STATUSES.map((s) => ({ value: s, label: TRANSFER_STATUS_LABELS[s] }))}
      />
      <Table
        rowKey="id"
        size="small"
        scroll={{ x: 640 }}
        loading={list.isPending}
        columns={columns}
        dataSource={list.data?.items ?? []}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
      />
    </>
  );
}

/** 操作中心 · 组织关系转接: the admin's inbox, reminders and results, every transfer, and the wizard. */
export function TransfersTab({ org }: { org: Org }) {
  const { actingOrgId } = useManage();
  const invalidate = useInvalidate();
  const [openId, setOpenId] = useState<number | null>(null);
  const [wizard, setWizard] = useState<WizardMode | null>(null);
  const inboxCount = useQuery({
    queryKey: ['transfer-inbox', actingOrgId, 1],
    queryFn: () => api.get<Page<InboxItem>>('/api/transfer-inbox', { orgId: actingOrgId, query: { page: 1, pageSize: 20 } }),
  });
  return (
    <>
      <Space style={{ marginBottom: 8 }} wrap>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setWizard({ kind: 'sending', actingOrgId, orgId: org.id })}>
          转出发起
        </Button>
        <Button icon={<PlusOutlined />} onClick={() => setWizard({ kind: 'receiving', actingOrgId })}>
          转入发起
        </Button>
      </Space>
      {inboxCount.data?.items.some((i) => i.overdueSoon) && (
        <Alert type="warning" showIcon style={{ marginBottom: 8 }} title="有组织关系转接已超过10天未处理，请及时审批；满15天系统将自动通过当前环节。" />
      )}
      <Tabs
        size="small"
        items={[
          { key: 'inbox', label: `待我审批${inboxCount.data?.total ? `（${inboxCount.data.total}）` : ''}`, children: <InboxView open={setOpenId} /> },
          { key: 'notices', label: '提醒与结果', children: <NoticesView open={setOpenId} /> },
          { key: 'all', label: '全部转接', children: <AllTransfersView open={setOpenId} /> },
        ]}
      />
      {openId !== null && <TransferDrawer id={openId} onClose={() => setOpenId(null)} />}
      {wizard && (
        <StartTransferWizard
          mode={wizard}
          onClose={() => setWizard(null)}
          onDone={(ids) => {
            setWizard(null);
            invalidate();
            if (ids.length === 1) setOpenId(ids[0]!);
          }}
        />
      )}
    </>
  );
}
