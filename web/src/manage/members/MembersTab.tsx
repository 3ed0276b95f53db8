import { DownloadOutlined, PlusOutlined, TagsOutlined, UndoOutlined, UploadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Segmented, Space, Table, Typography } from 'antd';
import type { ColumnsType, SorterResult } from 'antd/es/table/interface';
import { useState } from 'react';
import { MEMBER_SORTS } from '../../../../src/contracts/members';
import { GENDER_LABELS, POLITICAL_STATUS_LABELS } from '../../../../src/domain/enums';
import { api, download, errorMessage } from '../../api/client';
import type { MemberListItem, Org, Page } from '../../api/types';
import { ResponsiveModal } from '../../components/ResponsiveModal';
import { formatDate } from '../../lib/format';
import { useIsMobile } from '../../lib/useIsMobile';
import { MemberTags } from '../../members/MemberView';
import { useManage } from '../context';
import { ImportDrawer } from '../imports/ImportDrawer';
import { LeaveModal, RestoreModal, useMember, useResetPassword, type MemberAction, type MemberRef } from './MemberActions';
import { MemberCards } from './MemberCards';
import { MemberDetailDrawer } from './MemberDetailDrawer';
import { MemberFilterBar, type MemberFilters } from './MemberFilters';
import { GraduateMarkModal } from './GraduateMarkModal';
import { MemberFormModal } from './MemberFormModal';
import { MemberRowMenu } from './MemberRowMenu';

type Sort = (typeof MEMBER_SORTS)[number];
type StatusFilter = 'ACTIVE' | 'LEFT' | 'ALL';

/** 团员: the members of the current org's subtree, filtered, sorted and paged by the server. */
export function MembersTab({ org }: { org: Org }) {
  const { actingOrgId } = useManage();
  const mobile = useIsMobile();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<MemberListItem[]>([]);
  const [marking, setMarking] = useState(false);
  const [filters, setFilters] = useState<MemberFilters>({});
  const [status, setStatus] = useState<StatusFilter>('ACTIVE');
  const [sort, setSort] = useState<Sort>('branch');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  // The detail drawer stays open under the dialogs opened from it, so closing one returns to the (refreshed) detail.
  const [detail, setDetail] = useState<{ id: number; reveal?: boolean } | null>(null);
  const [dialog, setDialog] = useState<{ action: 'create' } | { action: 'edit' | 'leave' | 'restore'; member: MemberRef } | null>(null);
  const [exporting, setExporting] = useState(false);
  const [importing, setImporting] = useState(false);
  const resetPassword = useResetPassword();
  // The edit form needs the whole record (loaded by the drawer already when opened from there).
  const editing = useMember(actingOrgId, dialog?.action === 'edit' ? dialog.member.id : undefined);

  const query = { orgId: org.id, ...filters, status, sort };
  const list = useQuery({
    queryKey: ['members', actingOrgId, query, page, pageSize],
    queryFn: ({ signal }) => api.get<Page<MemberListItem>>('/api/members', { orgId: actingOrgId, query: { ...query, page, pageSize }, signal }),
    placeholderData: keepPreviousData,
  });

  /** A row's action: its `can` came with the list, so nothing is loaded to offer it. */
  const onAction = (action: MemberAction, m: MemberRef) => {
    if (action === 'detail') setDetail({ id: m.id });
    else if (action === 'reveal') setDetail({ id: m.id, reveal: true });
    else if (action === 'resetPassword') resetPassword(m);
    else setDialog({ action, member: m });
  };

  const exportExcel = async () => {
    setExporting(true);
    try {
      const name = await download('/api/members/export', { orgId: actingOrgId, query }, '团员名单.xlsx');
      message.success(`已导出：${name}`);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setExporting(false);
    }
  };

  // GRAD-6: revoking a mark makes the member an ordinary graduate of their class again.
  const revokeMarks = () => {
    const marked = selected.filter((m) => m.graduateStatus === 'DELAYED' || m.graduateStatus === 'TEACHER');
    if (marked.length === 0) {
      message.info('所选团员中没有延迟毕业团员或教师标记');
      return;
    }
    modal.confirm({
      title: `撤销 ${marked.length} 名团员的延迟毕业团员/教师标记？`,
      content: '撤销后恢复为正常毕业学生团员，毕业时间恢复为原团支部的毕业时间；延迟毕业团员回到原团支部。',
      okText: '撤销标记',
      cancelText: '取消',
      onOk: async () => {
        try {
          await api.post('/api/graduation/member-marks/revoke', { memberIds: marked.map((m) => m.id) }, { orgId: actingOrgId });
          message.success(`已撤销 ${marked.length} 名团员的标记`);
          setSelected([]);
          void queryClient.invalidateQueries({ queryKey: ['members', actingOrgId] });
          void queryClient.invalidateQueries({ queryKey: ['children', actingOrgId] });
        } catch (err) {
          modal.error({ title: '无法撤销', content: errorMessage(err) });
        }
      },
    });
  };

  const sortOrder = (field: 'name' | 'joinedLeagueAt' | 'createdAt' | 'branch') =>
    sort === field ? ('ascend' as const) : sort === `-${field}` ? ('descend' as const) : null;

  const columns: ColumnsType<MemberListItem> = [
    {
      title: '姓名',
      dataIndex: 'name',
      key: 'name',
      fixed: 'left',
      width: 110,
      sorter: true,
      sortOrder: sortOrder('name'),
      render: (_v, m) => (
        <Typography.Link onClick={() => setDetail({ id: m.id })}>{m.name}</Typography.Link>
      ),
    },
    { title: '身份证号码', dataIndex: 'idNumber', key: 'idNumber', width: 190, render: (v: string) => <span style={{ fontFamily: 'monospace' }}>{v}</span> },
    { title: '性别', dataIndex: 'gender', key: 'gender', width: 60, render: (v: MemberListItem['gender']) => GENDER_LABELS[v] },
    { title: '手机号码', dataIndex: 'phone', key: 'phone', width: 130, render: (v: string | null) => v ?? <Typography.Text type="secondary">未登记</Typography.Text> },
    { title: '政治面貌', dataIndex: 'politicalStatus', key: 'politicalStatus', width: 110, render: (v: MemberListItem['politicalStatus']) => POLITICAL_STATUS_LABELS[v] },
    { title: '入团年月', dataIndex: 'joinedLeagueAt', key: 'joinedLeagueAt', width: 110, sorter: true, sortOrder: sortOrder('joinedLeagueAt') },
    { title: '所在团支部', dataIndex: 'branchName', key: 'branch', width: 220, sorter: true, sortDirections: ['ascend'], sortOrder: sortOrder('branch'), ellipsis: true },
    { title: '状态', key: 'tags', width: 200, render: (_v, m) => <MemberTags m={m} /> },
    { title: '录入时间', dataIndex: 'createdAt', key: 'createdAt', width: 110, sorter: true, sortOrder: sortOrder('createdAt'), render: (v: string) => formatDate(v) },
    {
      title: '操作',
      key: 'actions',
      fixed: 'right',
      width: 140,
      render: (_v, m) => (
        <Space size={4}>
          <Button size="small" type="link" onClick={() => setDetail({ id: m.id })}>
            详情
          </Button>
          <MemberRowMenu member={m} onAction={onAction} />
        </Space>
      ),
    },
  ];

  const applyFilters = (f: MemberFilters) => {
    setFilters(f);
    setPage(1);
  };

  const data = list.data;
  const toolbar = (
    <Space wrap style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }}>
      <Segmented<StatusFilter>
        value={status}
        onChange={(v) => {
          setStatus(v);
          setPage(1);
        }}
        options={[
          { value: 'ACTIVE', label: '在团' },
          { value: 'LEFT', label: '已离团' },
          { value: 'ALL', label: '全部' },
        ]}
      />
      <Space wrap>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ action: 'create' })}>
          录入团员
        </Button>
        <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>
          导入
        </Button>
        <Button icon={<DownloadOutlined />} loading={exporting} onClick={() => void exportExcel()}>
          导出Excel
        </Button>
        {org.can.markGraduates && !mobile && (
          <>
            <Button icon={<TagsOutlined />} disabled={selected.length === 0} onClick={() => setMarking(true)}>
              标记延迟毕业团员/教师{selected.length ? `（${selected.length}）` : ''}
            </Button>
            <Button icon={<UndoOutlined />} disabled={selected.length === 0} onClick={revokeMarks}>
              撤销标记
            </Button>
          </>
        )}
      </Space>
    </Space>
  );

  return (
    <div>
      <MemberFilterBar onChange={applyFilters} />
      {toolbar}
      {list.isError && <Typography.Paragraph type="danger">{errorMessage(list.error)}</Typography.Paragraph>}
      {mobile ? (
        <MemberCards data={data} loading={list.isFetching} page={page} pageSize={pageSize} onPage={setPage} onAction={onAction} />
      ) : (
        <Table<MemberListItem>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={data?.items}
          loading={list.isFetching}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: '没有符合条件的团员' }}
          rowSelection={
            org.can.markGraduates
              ? {
                  selectedRowKeys: selected.map((m) => m.id),
                  onChange: (_keys, rows) => setSelected(rows),
                  getCheckboxProps: (m) => ({ disabled: m.status !== 'ACTIVE', 'aria-label': `选择${m.name}` }),
                  preserveSelectedRowKeys: true,
                }
              : undefined
          }
          pagination={{
            current: page,
            pageSize,
            total: data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [10, 20, 50, 100],
            showTotal: (t) => (data?.totalIsEstimate ? `约 ${t.toLocaleString()} 名团员（数量很大，按估算显示；加筛选条件可得精确数）` : `共 ${t} 名团员`),
          }}
          onChange={(p, _f, sorter) => {
            const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<MemberListItem> | undefined;
            const key = s?.columnKey as string | undefined;
            const next: Sort = !s?.order || !key ? 'branch' : ((s.order === 'descend' && key !== 'branch' ? `-${key}` : key) as Sort);
            if (next !== sort) {
              setSort(MEMBER_SORTS.includes(next) ? next : 'branch');
              setPage(1);
            } else {
              setPage(p.current ?? 1);
            }
            setPageSize(p.pageSize ?? 20);
          }}
        />
      )}
      {!mobile && data && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          身份证号码和手机号码已脱敏显示；需要时可在“更多”中查看完整号码（将记入操作日志）。
        </Typography.Text>
      )}

      {detail && (
        <MemberDetailDrawer
          key={detail.id}
          memberId={detail.id}
          autoReveal={detail.reveal}
          onClose={() => setDetail(null)}
          onAction={onAction}
        />
      )}
      {importing && <ImportDrawer kind="MEMBERS" org={org} onClose={() => setImporting(false)} />}
      {dialog?.action === 'create' && <MemberFormModal org={org} onClose={() => setDialog(null)} />}
      {dialog?.action === 'edit' && editing.isError && (
        <ResponsiveModal open title={`编辑团员 · ${dialog.member.name}`} footer={null} onCancel={() => setDialog(null)} width={520}>
          <Alert type="error" showIcon title={errorMessage(editing.error)} />
        </ResponsiveModal>
      )}
      {dialog?.action === 'edit' && editing.data && <MemberFormModal org={org} member={editing.data} onClose={() => setDialog(null)} />}
      {marking && (
        <GraduateMarkModal
          members={selected}
          onClose={() => {
            setMarking(false);
            setSelected([]);
          }}
        />
      )}
      {dialog?.action === 'leave' && <LeaveModal member={dialog.member} onClose={() => setDialog(null)} />}
      {dialog?.action === 'restore' && <RestoreModal member={dialog.member} onClose={() => setDialog(null)} />}
    </div>
  );
}
