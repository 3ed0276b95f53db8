import { DeleteOutlined, DownloadOutlined, EditOutlined, SwapOutlined, UploadOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Empty, Form, Input, Progress, Space, Switch, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { CampaignItem, CampaignList, CampaignOverview, DestinationInput, DestinationItem } from '../../../../src/contracts/campaign';
import { DESTINATION_FIELDS } from '../../../../src/domain/campaign';
import { SPECIAL_KIND_LABELS } from '../../../../src/domain/enums';
import { isSchoolDomain } from '../../../../src/domain/orgs';
import { api, download, errorMessage } from '../../api/client';
import type { Org, Page } from '../../api/types';
import { FormErrors } from '../../components/FormErrors';
import { RegionPicker } from '../../components/RegionPicker';
import { ResponsiveModal } from '../../components/ResponsiveModal';
import { formatDate } from '../../lib/format';
import { useIsMobile } from '../../lib/useIsMobile';
import { StartTransferWizard, type WizardMode } from '../../transfers/StartTransferWizard';
import { useManage } from '../context';
import { ImportDrawer } from '../imports/ImportDrawer';

/** 学社衔接 is shown to school orgs, leadership organs (county and above) and townships. */
export function showsCampaignTab(org: Org): boolean {
  if (org.kind === 'LEADERSHIP' || org.isTownship === true) return true;
  return isSchoolDomain(org.industryCategory) && (org.kind !== 'BRANCH' || org.category === 'GRADUATE' || org.specialKind !== null);
}

type DestinationPage = Page<DestinationItem> & { graduates: number; completed: number };

function DestinationModal({ item, onClose }: { item: DestinationItem; onClose: () => void }) {
  const { actingOrgId } = useManage();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<DestinationInput>();
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (v: DestinationInput) => api.patch<DestinationItem>(`/api/graduation/destinations/${item.memberId}`, v, { orgId: actingOrgId }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['destinations'] });
      message.success(`已保存 ${item.name} 的毕业去向`);
      onClose();
    },
    onError: (err) => setError(errorMessage(err)),
  });
  const text = (v: string | null | undefined) => (v && v.trim() ? v.trim() : null);
  return (
    <ResponsiveModal open title={`毕业去向 · ${item.name}`} okText="保存" onOk={() => form.submit()} onCancel={onClose} confirmLoading={save.isPending} width={640}>
      <FormErrors message={error} />
      <Form
        form={form}
        name="destination"
        layout="vertical"
        initialValues={{ ...item, destinationRegionCode: item.destinationRegionCode ?? undefined }}
        onFinish={(v) =>
          save.mutate({
            destinationUnit: text(v.destinationUnit),
            destinationAddress: text(v.destinationAddress),
            destinationRegionCode: v.destinationRegionCode ?? null,
            hukouAddress: text(v.hukouAddress),
            residenceAddress: text(v.residenceAddress),
            parentsAddress: text(v.parentsAddress),
          })
        }
      >
        <Form.Item label={DESTINATION_FIELDS.destinationUnit.label} name="destinationUnit">
          <Input maxLength={DESTINATION_FIELDS.destinationUnit.max} placeholder="工作单位或升学学校" />
        </Form.Item>
        <Form.Item label={DESTINATION_FIELDS.destinationAddress.label} name="destinationAddress">
          <Input maxLength={DESTINATION_FIELDS.destinationAddress.max} />
        </Form.Item>
        <Form.Item label="单位所在乡镇街道" name="destinationRegionCode" extra="选到乡镇街道，用于推荐接收的团组织">
          <RegionPicker minLevel="TOWNSHIP" placeholder="选择省 / 市 / 县 / 乡镇街道" />
        </Form.Item>
        <Form.Item label={DESTINATION_FIELDS.hukouAddress.label} name="hukouAddress">
          <Input maxLength={DESTINATION_FIELDS.hukouAddress.max} />
        </Form.Item>
        <Form.Item label={DESTINATION_FIELDS.residenceAddress.label} name="residenceAddress">
          <Input maxLength={DESTINATION_FIELDS.residenceAddress.max} />
        </Form.Item>
        <Form.Item label={DESTINATION_FIELDS.parentsAddress.label} name="parentsAddress">
          <Input maxLength={DESTINATION_FIELDS.parentsAddress.max} />
        </Form.Item>
      </Form>
    </ResponsiveModal>
  );
}

/** MEM-7: the graduates below the org with completion counts, edited one by one or as an Excel round trip. */
function DestinationsView({ org }: { org: Org }) {
  const { actingOrgId } = useManage();
  const mobile = useIsMobile();
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const [incompleteOnly, setIncompleteOnly] = useState(false);
  const [editing, setEditing] = useState<DestinationItem | null>(null);
  const [importing, setImporting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const q = useQuery({
    queryKey: ['destinations', actingOrgId, org.id, page, incompleteOnly],
    queryFn: () => api.get<DestinationPage>('/api/graduation/destinations', { orgId: actingOrgId, query: { orgId: org.id, page, pageSize: 20, incompleteOnly: incompleteOnly || undefined } }),
    placeholderData: keepPreviousData,
  });
  const d = q.data;
  const exportFile = async () => {
    setExporting(true);
    try {
      const name = await download('/api/graduation/destinations/export', { orgId: actingOrgId, query: { orgId: org.id } }, '毕业生去向.xlsx');
      message.success(`已导出：${name}`);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setExporting(false);
    }
  };
  const columns: ColumnsType<DestinationItem> = [
    {
      title: '姓名',
      dataIndex: 'name',
      width: 90,
      // On a phone the 操作 column is scrolled away: the name opens the form.
      render: (v: string, r: DestinationItem) => (mobile ? <a onClick={() => setEditing(r)}>{v}</a> : v),
    },
    ...(mobile ? [] : [{ title: '身份证号码', dataIndex: 'idNumber', width: 180 }]),
    { title: '所在团支部', dataIndex: 'branchName', width: 180, ellipsis: true },
    { title: '去向单位', dataIndex: 'destinationUnit', width: 160, ellipsis: true, render: (v: string | null) => v ?? <Typography.Text type="secondary">未填写</Typography.Text> },
    ...(mobile ? [] : [{ title: '单位所在乡镇街道', dataIndex: 'destinationRegionName', width: 200, ellipsis: true }]),
    { title: '状态', dataIndex: 'complete', width: 80, render: (v: boolean) => (v ? <Tag color="green">已填写</Tag> : <Tag color="orange">待填写</Tag>) },
    {
      title: '操作',
      key: 'op',
      width: 80,
      render: (_: unknown, r: DestinationItem) => (
        <Button size="small" type="link" icon={<EditOutlined />} aria-label={`填写${r.name}的毕业去向`} onClick={() => setEditing(r)}>
          填写
        </Button>
      ),
    },
  ];
  const percent = d && d.graduates > 0 ? Math.round((d.completed / d.graduates) * 100) : 0;
  return (
    <>
      <Space wrap style={{ marginBottom: 8, width: '100%', justifyContent: 'space-between' }}>
        <Space wrap>
          <Typography.Text>
            毕业生 {d?.graduates ?? '…'} 人，已填写去向 {d?.completed ?? '…'} 人
          </Typography.Text>
          <Progress percent={percent} size="small" style={{ width: 140, margin: 0 }} />
        </Space>
        <Space wrap>
          <Switch
            checked={incompleteOnly}
            onChange={(v) => {
              setIncompleteOnly(v);
              setPage(1);
            }}
          />
          <span>只看待填写</span>
          <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportFile()}>
            导出Excel
          </Button>
          <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>
            导入
          </Button>
        </Space>
      </Space>
      <Table<DestinationItem>
        rowKey="memberId"
        size="small"
        loading={q.isFetching}
        columns={columns}
        dataSource={d?.items ?? []}
        scroll={{ x: mobile ? 520 : 980 }}
        locale={{ emptyText: <Empty description="没有毕业生（毕业生团组织或已标记毕业时间的团支部的团员）" /> }}
        pagination={{ current: page, pageSize: 20, total: d?.total ?? 0, onChange: setPage, showSizeChanger: false, size: 'small' }}
      />
      {editing && <DestinationModal item={editing} onClose={() => setEditing(null)} />}
      {importing && <ImportDrawer kind="DESTINATIONS" org={org} onClose={() => setImporting(false)} />}
    </>
  );
}

const EXPLAIN: Record<string, string> = {
  UNPLACED: '毕业生团组织中既没有办理中、也没有已完成的组织关系转接的毕业生：请发起转接，未就业的转入毕业学生流动团员团支部（最多保留6个月）。',
  MOBILE_OVERDUE: '毕业学生流动团员团支部最多保留6个月，请为这些团员办理组织关系转接。',
  TRANSITION_OVERDUE: '县级学社衔接临时团支部的团员应在一年内转出，请为其办理组织关系转接。',
  NOT_RECEIVED: '非升学的学社衔接转接应在截止日前被接收，请督促接收方审批。',
  FURTHER_STUDY_LATE: '升学的转接应在截止日前办结，请督促录取学校审批。',
  NO_NEW_BRANCH: '新生入学一个月内应建立新年级的团支部，请打开该组织的“下级组织”新建。',
};

/** One TR-10/11/12 list with what an admin does about it. */
function CampaignListCard({ list, org, canPlace }: { list: CampaignList; org: Org; canPlace: boolean }) {
  const { actingOrgId, selectOrg } = useManage();
  const [, setSearch] = useSearchParams();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const [selected, setSelected] = useState<number[]>([]);
  const [wizard, setWizard] = useState<WizardMode | null>(null);
  const place = useMutation({
    mutationFn: (memberIds: number[]) => api.post<{ moved: number; branches: { id: number; name: string }[] }>('/api/graduation/mobile-placements', { memberIds }, { orgId: actingOrgId }),
    onSuccess: (r) => {
      message.success(`已将 ${r.moved} 名毕业生转入${SPECIAL_KIND_LABELS.MOBILE_GRADUATES}`);
      setSelected([]);
      void queryClient.invalidateQueries({ queryKey: ['campaign'] });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const openTab = (orgId: number, tab: string) => {
    selectOrg(orgId);
    setSearch((prev) => {
      const next = new URLSearchParams(prev);
      if (orgId === actingOrgId) next.delete('org');
      else next.set('org', String(orgId));
      next.set('tab', tab);
      return next;
    });
  };
  const memberList = list.items[0]?.kind !== 'ORG' && list.items[0]?.kind !== 'TRANSFER';
  const columns: ColumnsType<CampaignItem> = [
    { title: list.key === 'NO_NEW_BRANCH' ? '组织' : '姓名', dataIndex: 'name', width: 140, ellipsis: true },
    ...(list.key === 'NO_NEW_BRANCH' ? [] : [{ title: list.items[0]?.kind === 'TRANSFER' ? '转入组织' : '所在团支部', dataIndex: 'orgName', width: 200, ellipsis: true }]),
    ...(list.key === 'NO_NEW_BRANCH' ? [] : [{ title: list.items[0]?.kind === 'TRANSFER' ? '发起日期' : '进入本支部', dataIndex: 'since', width: 110, render: (v: string | null) => formatDate(v) }]),
    {
      title: '操作',
      key: 'op',
      width: 120,
      render: (_: unknown, r: CampaignItem) =>
        r.kind === 'ORG' ? (
          <Button size="small" type="link" onClick={() => openTab(r.id, 'children')}>
            打开组织
          </Button>
        ) : r.kind === 'TRANSFER' ? (
          <Button size="small" type="link" onClick={() => openTab(org.id, 'transfers')}>
            查看转接
          </Button>
        ) : (
          <Button size="small" type="link" icon={<SwapOutlined />} onClick={() => r.orgId && setWizard({ kind: 'sending', actingOrgId, orgId: r.orgId })}>
            发起转接
          </Button>
        ),
    },
  ];
  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      title={
        <Space wrap size={4}>
          <span>{list.title}</span>
          <Tag>{list.rule}</Tag>
          {list.active ? <Tag color={list.total ? 'red' : 'green'}>{list.total} 项</Tag> : <Tag>未到期</Tag>}
        </Space>
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {EXPLAIN[list.key]}
      </Typography.Paragraph>
      {list.active && list.total > 0 && (
        <>
          {list.key === 'UNPLACED' && (
            <Space wrap style={{ marginBottom: 8 }}>
              <Button
                type="primary"
                disabled={!canPlace || selected.length === 0}
                loading={place.isPending}
                onClick={() =>
                  modal.confirm({
                    title: `将所选 ${selected.length} 名毕业生转入毕业学生流动团员团支部？`,
                    content: '适用于暂未就业的毕业生：系统在其所在学校（学院）团委下建立毕业学生流动团员团支部（首次使用时自动建立），最多保留6个月，期间请为其办理组织关系转接。',
                    okText: '转入',
                    cancelText: '取消',
                    onOk: () => place.mutateAsync(selected),
                  })
                }
              >
                转入流动团员团支部（{selected.length}）
              </Button>
            </Space>
          )}
          <Table<CampaignItem>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={list.items}
            scroll={{ x: 480 }}
            pagination={list.items.length > 10 ? { pageSize: 10, size: 'small', showSizeChanger: false } : false}
            rowSelection={list.key === 'UNPLACED' && memberList ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as number[]), getCheckboxProps: (r) => ({ 'aria-label': `选择${r.name}` }) } : undefined}
          />
          {list.total > list.items.length && <Typography.Text type="secondary">仅显示前 {list.items.length} 项，共 {list.total} 项。</Typography.Text>}
        </>
      )}
      {wizard && (
        <StartTransferWizard
          mode={wizard}
          onClose={() => setWizard(null)}
          onDone={() => {
            setWizard(null);
            void queryClient.invalidateQueries({ queryKey: ['campaign'] });
          }}
        />
      )}
    </Card>
  );
}

/** TR-10 … TR-12: the deadlines of the year and every list they produce. */
function DeadlinesView({ org }: { org: Org }) {
  const { actingOrgId } = useManage();
  const mobile = useIsMobile();
  const q = useQuery({
    queryKey: ['campaign', actingOrgId, org.id],
    queryFn: () => api.get<CampaignOverview>('/api/graduation/campaign', { orgId: actingOrgId, query: { orgId: org.id } }),
  });
  if (q.isError) return <Alert type="error" showIcon title={errorMessage(q.error)} />;
  const o = q.data;
  if (!o) return <Card loading size="small" />;
  const md = (d: string) => `${Number(d.slice(5, 7))}月${Number(d.slice(8))}日`;
  return (
    <>
      <Descriptions size="small" bordered column={mobile ? 1 : 3} style={{ marginBottom: 12 }} title={`${o.deadlines.year}年学社衔接时间节点（今天 ${o.today}）`}>
        <Descriptions.Item label="非升学毕业生发起转接">{md(o.deadlines.start)}前</Descriptions.Item>
        <Descriptions.Item label="非升学转接被接收">{md(o.deadlines.received)}前</Descriptions.Item>
        <Descriptions.Item label="升学转接办结">{md(o.deadlines.furtherStudy)}前</Descriptions.Item>
        <Descriptions.Item label="新生团支部建立">{md(o.deadlines.newBranchesBy)}前（入学后一个月）</Descriptions.Item>
        <Descriptions.Item label="毕业学生流动团员团支部">最多6个月</Descriptions.Item>
        <Descriptions.Item label="县级学社衔接临时团支部">最多一年</Descriptions.Item>
      </Descriptions>
      {o.lists.map((l) => (
        <CampaignListCard key={l.key} list={l} org={org} canPlace={o.can.placeMobile} />
      ))}
    </>
  );
}

interface EmptyBranch {
  id: number;
  name: string;
  fullName: string;
  category: string;
  specialKind: string | null;
  graduationAt: string | null;
  parentName: string;
  updatedAt: string;
}

/** GRAD-8: emptied graduate and temporary branches, deleted in batch (history stays). */
function EmptyBranchesView() {
  const { actingOrgId, reloadTreeNode } = useManage();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<number[]>([]);
  const q = useQuery({
    queryKey: ['empty-branches', actingOrgId, page],
    queryFn: () => api.get<Page<EmptyBranch>>('/api/graduation/empty-branches', { orgId: actingOrgId, query: { page, pageSize: 20 } }),
    placeholderData: keepPreviousData,
  });
  const remove = useMutation({
    mutationFn: (branchIds: number[]) => api.post<{ deleted: number }>('/api/graduation/empty-branches/delete', { branchIds }, { orgId: actingOrgId }),
    onSuccess: (r) => {
      message.success(`已删除 ${r.deleted} 个团支部，历史记录仍保留`);
      setSelected([]);
      reloadTreeNode(actingOrgId);
      void queryClient.invalidateQueries({ queryKey: ['empty-branches'] });
      void queryClient.invalidateQueries({ queryKey: ['children'] });
    },
    onError: (err) => message.error(errorMessage(err)),
  });
  const columns: ColumnsType<EmptyBranch> = [
    { title: '团支部', dataIndex: 'name', width: 200, ellipsis: true },
    {
      title: '类别',
      key: 'kind',
      width: 170,
      render: (_: unknown, r: EmptyBranch) => (r.specialKind ? <Tag color="blue">{SPECIAL_KIND_LABELS[r.specialKind as keyof typeof SPECIAL_KIND_LABELS]}</Tag> : <Tag color="purple">毕业生团组织 {r.graduationAt ?? ''}</Tag>),
    },
    { title: '上级组织', dataIndex: 'parentName', width: 180, ellipsis: true },
  ];
  return (
    <>
      <Space wrap style={{ marginBottom: 8 }}>
        <Button
          danger
          icon={<DeleteOutlined />}
          disabled={selected.length === 0}
          loading={remove.isPending}
          onClick={() =>
            modal.confirm({
              title: `删除所选 ${selected.length} 个已清空的团支部？`,
              content: '这些团支部已没有团员和下级组织。删除后不再出现在组织树中，历史记录（转接、操作日志、团员的组织经历）仍保留。',
              okText: '删除',
              okButtonProps: { danger: true },
              cancelText: '取消',
              onOk: () => remove.mutateAsync(selected),
            })
          }
        >
          批量删除（{selected.length}）
        </Button>
        <Typography.Text type="secondary">已清空的毕业生团组织、毕业学生流动团员团支部、延迟毕业团支部和县级学社衔接临时团支部（GRAD-8）</Typography.Text>
      </Space>
      <Table<EmptyBranch>
        rowKey="id"
        size="small"
        loading={q.isFetching}
        columns={columns}
        dataSource={q.data?.items ?? []}
        scroll={{ x: 520 }}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as number[]), getCheckboxProps: (r) => ({ 'aria-label': `选择${r.name}` }) }}
        locale={{ emptyText: <Empty description="没有已清空的毕业生团组织或临时团支部" /> }}
        pagination={{ current: page, pageSize: 20, total: q.data?.total ?? 0, onChange: setPage, showSizeChanger: false, size: 'small' }}
      />
    </>
  );
}

/** 管理中心 · 学社衔接: the graduation season after the conversion, in one place. */
export function CampaignTab({ org }: { org: Org }) {
  return (
    <Tabs
      size="small"
      items={[
        { key: 'deadlines', label: '期限与清单', children: <DeadlinesView org={org} /> },
        { key: 'destinations', label: '毕业去向', children: <DestinationsView org={org} /> },
        { key: 'empty', label: '已清空组织', children: <EmptyBranchesView /> },
      ]}
    />
  );
}
