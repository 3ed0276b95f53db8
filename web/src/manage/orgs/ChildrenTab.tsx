import { CalendarOutlined, DeleteOutlined, EditOutlined, MoreOutlined, PlusOutlined, SwapOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Dropdown, Form, Segmented, Space, Spin, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { INDUSTRY_CATEGORY_LABELS, LEADERSHIP_LEVEL_LABELS, ORG_KIND_LABELS, SPECIAL_KIND_LABELS } from '../../../../src/domain/enums';
import { api, errorMessage } from '../../api/client';
import type { Org, OrgSummary, Page } from '../../api/types';
import { FormErrors } from '../../components/FormErrors';
import { OrgSelect } from '../../components/OrgSelect';
import { ResponsiveModal } from '../../components/ResponsiveModal';
import { townshipLabel } from '../../lib/format';
import { useIsMobile } from '../../lib/useIsMobile';
import { useManage, useOrg } from '../context';
import { FindingsView } from './FindingsView';
import { GraduationMarkModal, graduationMarkLabel } from './GraduationMarkModal';
import { OrgFormModal } from './OrgFormModal';

type Dialog = { action: 'create' } | { action: 'edit' | 'move'; org: Org } | { action: 'mark'; branches: OrgSummary[] };

/** GRAD-1: ordinary branches carry a graduation time; special ones do not. */
const markable = (o: OrgSummary) => o.kind === 'BRANCH' && o.specialKind === null;

function KindTags({ o }: { o: OrgSummary }) {
  return (
    <Space size={[4, 4]} wrap>
      <span>
        {ORG_KIND_LABELS[o.kind]}
        {o.leadershipLevel ? `（${LEADERSHIP_LEVEL_LABELS[o.leadershipLevel]}）` : ''}
      </span>
      {o.specialKind && <Tag color="blue">{SPECIAL_KIND_LABELS[o.specialKind]}</Tag>}
      {o.category === 'GRADUATE' && <Tag color="purple">毕业生团组织</Tag>}
    </Space>
  );
}

/** 移动: a new parent chosen by name; the server checks the placement rules. */
function MoveOrgModal({ org, onClose }: { org: Org; onClose: () => void }) {
  const { actingOrgId, reloadTreeNode } = useManage();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ newParentId: number }>();
  const [error, setError] = useState<string | null>(null);
  const move = useMutation({
    mutationFn: (newParentId: number) => api.post<Org>(`/api/orgs/${org.id}/move`, { newParentId }, { orgId: actingOrgId }),
    onSuccess: (moved) => {
      if (org.parentId !== null) reloadTreeNode(org.parentId);
      if (moved.parentId !== null) reloadTreeNode(moved.parentId);
      void queryClient.invalidateQueries({ queryKey: ['children', actingOrgId] });
      void queryClient.invalidateQueries({ queryKey: ['org', actingOrgId] });
      message.success(`已将 ${org.name} 移到新的上级组织`);
      onClose();
    },
    onError: (err) => setError(errorMessage(err)),
  });
  return (
    <ResponsiveModal open title={`移动组织 · ${org.name}`} okText="移动" onOk={() => form.submit()} onCancel={onClose} confirmLoading={move.isPending} width={560}>
      <Typography.Paragraph type="secondary">该组织连同其下级组织和团员一起移到新的上级组织之下。</Typography.Paragraph>
      <FormErrors message={error} />
      <Form form={form} name="moveOrg" layout="vertical" onFinish={(v) => move.mutate(v.newParentId)}>
        <Form.Item label="新的上级组织" name="newParentId" rules={[{ required: true, message: '请选择新的上级组织' }]}>
          <OrgSelect actingOrgId={actingOrgId} excludeId={org.id} placeholder="输入组织名称搜索" />
        </Form.Item>
      </Form>
    </ResponsiveModal>
  );
}

/** 删除 after a confirmation; the server refuses an org that is not empty (ORG-7) and says why. */
function useDeleteOrg() {
  const { actingOrgId, currentOrgId, selectOrg, reloadTreeNode } = useManage();
  const queryClient = useQueryClient();
  const { modal, message } = App.useApp();
  return (org: Org) =>
    modal.confirm({
      title: `删除 ${org.name}？`,
      content: '只有没有团员、下级组织、在任团干部和未办结转接的组织才能删除。删除后历史记录仍保留。',
      okText: '删除',
      okButtonProps: { danger: true },
      cancelText: '取消',
      onOk: async () => {
        try {
          await api.delete(`/api/orgs/${org.id}`, { orgId: actingOrgId });
          message.success(`已删除 ${org.name}`);
          if (org.parentId !== null) {
            reloadTreeNode(org.parentId);
            if (currentOrgId === org.id) selectOrg(org.parentId);
          }
          void queryClient.invalidateQueries({ queryKey: ['children', actingOrgId] });
          void queryClient.invalidateQueries({ queryKey: ['org', actingOrgId] });
        } catch (err) {
          modal.error({ title: '无法删除', content: errorMessage(err) });
        }
      },
    });
}

/** Row menu: loads the org to learn what `can` allows. */
function RowMenu({ summary, onDialog }: { summary: OrgSummary; onDialog: (d: Dialog) => void }) {
  const { actingOrgId } = useManage();
  const [open, setOpen] = useState(false);
  const org = useOrg(actingOrgId, open ? summary.id : undefined);
  const del = useDeleteOrg();
  const can = org.data?.can;
  const items = org.isPending
    ? [{ key: 'loading', label: <Spin size="small" />, disabled: true }]
    : org.isError
      ? [{ key: 'error', label: errorMessage(org.error), disabled: true }]
      : [
          ...(can?.edit ? [{ key: 'edit', icon: <EditOutlined />, label: '编辑' }] : []),
          ...(can?.move ? [{ key: 'move', icon: <SwapOutlined />, label: '移动' }] : []),
          ...(can?.delete ? [{ key: 'delete', icon: <DeleteOutlined />, label: '删除', danger: true }] : []),
        ];
  return (
    <Dropdown
      trigger={['click']}
      open={open}
      onOpenChange={setOpen}
      menu={{
        items,
        onClick: ({ key }) => {
          setOpen(false);
          if (!org.data) return;
          if (key === 'delete') del(org.data);
          else if (key === 'edit' || key === 'move') onDialog({ action: key, org: org.data });
        },
      }}
    >
      <Button size="small" icon={<MoreOutlined />} aria-label={`${summary.name}的操作`}>
        操作
      </Button>
    </Dropdown>
  );
}

/** 下级组织 of the current org, and the 需整改组织 lists of its subtree. */
export function ChildrenTab({ org }: { org: Org }) {
  const { actingOrgId, selectOrg } = useManage();
  const mobile = useIsMobile();
  const [view, setView] = useState<'children' | 'findings'>('children');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [selected, setSelected] = useState<OrgSummary[]>([]);
  const del = useDeleteOrg();

  const children = useQuery({
    queryKey: ['children', actingOrgId, org.id, page, pageSize],
    queryFn: () => api.get<Page<OrgSummary>>(`/api/orgs/${org.id}/children`, { orgId: actingOrgId, query: { page, pageSize } }),
    placeholderData: keepPreviousData,
    enabled: view === 'children',
  });

  const columns: ColumnsType<OrgSummary> = [
    {
      title: '组织简称',
      dataIndex: 'name',
      key: 'name',
      fixed: 'left',
      width: mobile ? 130 : 220,
      render: (_v, o) => (
        <Typography.Link onClick={() => selectOrg(o.id)} title={o.fullName}>
          {o.name}
        </Typography.Link>
      ),
    },
    { title: '类型', key: 'kind', width: 200, render: (_v, o) => <KindTags o={o} /> },
    { title: '下级组织', dataIndex: 'childCount', key: 'childCount', width: 90, align: 'right' },
    { title: '团员数', dataIndex: 'memberCount', key: 'memberCount', width: 80, align: 'right', render: (v: number, o) => (o.kind === 'BRANCH' ? v : '—') },
    { title: '乡镇街道', dataIndex: 'isTownship', key: 'isTownship', width: 90, render: (v: boolean | null, o) => (o.kind === 'BRANCH' ? '—' : townshipLabel(v)) },
    { title: '行业类别', dataIndex: 'industryCategory', key: 'industryCategory', width: 160, render: (v: OrgSummary['industryCategory']) => INDUSTRY_CATEGORY_LABELS[v] },
    { title: '学校编码', dataIndex: 'schoolCode', key: 'schoolCode', width: 120, render: (v: string | null) => v ?? '' },
    ...(org.can.markGraduation
      ? [
          {
            title: '团员毕业时间',
            key: 'graduation',
            width: 150,
            render: (_v: unknown, o: OrgSummary) =>
              markable(o) ? (
                <Space size={4}>
                  {graduationMarkLabel(o) || <Typography.Text type="warning">未标记</Typography.Text>}
                  <Button size="small" type="text" icon={<CalendarOutlined />} aria-label={`修改${o.name}的毕业时间`} onClick={() => setDialog({ action: 'mark', branches: [o] })} />
                </Space>
              ) : (
                '—'
              ),
          },
        ]
      : []),
    { title: '操作', key: 'actions', fixed: 'right', width: 90, render: (_v, o) => <RowMenu summary={o} onDialog={setDialog} /> },
  ];

  return (
    <div>
      <Space wrap style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }}>
        <Segmented
          value={view}
          onChange={(v) => setView(v as typeof view)}
          options={[
            { value: 'children', label: '下级组织' },
            { value: 'findings', label: '需整改组织' },
          ]}
        />
        {view === 'children' && (
          <Space wrap>
            {org.can.createChildKinds.length > 0 && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ action: 'create' })}>
                新建下级组织
              </Button>
            )}
            {org.can.markGraduation && (
              <Button icon={<CalendarOutlined />} disabled={selected.length === 0} onClick={() => setDialog({ action: 'mark', branches: selected })}>
                标记团支部团员毕业时间{selected.length ? `（${selected.length}）` : ''}
              </Button>
            )}
            {org.can.edit && (
              <Button icon={<EditOutlined />} onClick={() => setDialog({ action: 'edit', org })}>
                编辑本组织
              </Button>
            )}
            {org.can.move && (
              <Button icon={<SwapOutlined />} onClick={() => setDialog({ action: 'move', org })}>
                移动本组织
              </Button>
            )}
            {org.can.delete && (
              <Button danger icon={<DeleteOutlined />} onClick={() => del(org)}>
                删除本组织
              </Button>
            )}
          </Space>
        )}
      </Space>

      {view === 'findings' ? (
        <FindingsView org={org} />
      ) : org.kind === 'BRANCH' ? (
        <Alert type="info" showIcon title="团支部是组织树的末端，下面不能再建组织（ORG-2）。" />
      ) : (
        <>
          {children.isError && <Alert type="error" showIcon title={errorMessage(children.error)} style={{ marginBottom: 8 }} />}
          <Table<OrgSummary>
            rowKey="id"
            size="small"
            columns={columns}
            dataSource={children.data?.items}
            loading={children.isFetching}
            rowSelection={
              org.can.markGraduation
                ? {
                    selectedRowKeys: selected.map((o) => o.id),
                    onChange: (_keys, rows) => setSelected(rows),
                    getCheckboxProps: (o) => ({ disabled: !markable(o), 'aria-label': `选择${o.name}` }),
                    preserveSelectedRowKeys: true,
                  }
                : undefined
            }
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: '暂无下级组织' }}
            pagination={{
              current: page,
              pageSize,
              total: children.data?.total ?? 0,
              showSizeChanger: true,
              pageSizeOptions: [20, 50, 100],
              showTotal: (t) => `共 ${t} 个下级组织`,
              simple: false,
            }}
            onChange={(p) => {
              setPage(p.current ?? 1);
              setPageSize(p.pageSize ?? 20);
            }}
          />
        </>
      )}

      {dialog?.action === 'create' && <OrgFormModal parent={org} onClose={() => setDialog(null)} />}
      {dialog?.action === 'edit' && <OrgFormModal org={dialog.org} onClose={() => setDialog(null)} />}
      {dialog?.action === 'move' && <MoveOrgModal org={dialog.org} onClose={() => setDialog(null)} />}
      {dialog?.action === 'mark' && (
        <GraduationMarkModal
          branches={dialog.branches}
          onClose={() => {
            setDialog(null);
            setSelected([]);
          }}
        />
      )}
    </div>
  );
}
