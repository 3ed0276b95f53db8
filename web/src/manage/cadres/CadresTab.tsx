import { HistoryOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { CADRE_NATURE_LABELS } from '../../../../src/domain/enums';
import { api, errorMessage } from '../../api/client';
import type { Cadre, Org, Page } from '../../api/types';
import { useIsMobile } from '../../lib/useIsMobile';
import { useManage } from '../context';
import { ImportDrawer } from '../imports/ImportDrawer';
import { ChangeOrEndModal, CreateCadreModal, HistoryModal } from './CadreModals';
type Dialog = { action: 'create' } | { action: 'change' | 'end' | 'history'; cadre: Cadre };

/** 团干部: the current org's own cadres (本级团干部). */
export function CadresTab({ org }: { org: Org }) {
  const { actingOrgId } = useManage();
  const mobile = useIsMobile();
  const [includeEnded, setIncludeEnded] = useState(false);
  const [page, setPage] = useState(1);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [importing, setImporting] = useState(false);
  const list = useQuery({
    queryKey: ['cadres', actingOrgId, org.id, includeEnded, page],
    queryFn: () => api.get<Page<Cadre>>('/api/cadres', { orgId: actingOrgId, query: { orgId: org.id, includeEnded, page, pageSize: 50 } }),
    placeholderData: keepPreviousData,
  });

  const items = list.data?.items ?? [];
  // What may be done with each post is the server's `can`; the notes only explain its answers.
  const adminsCannotEnd = items.some((c) => c.isAdmin && c.can.change && !c.can.end);
  const anyPostAction = items.some((c) => c.can.change || c.can.end);

  const columns: ColumnsType<Cadre> = [
    { title: '姓名', dataIndex: 'name', key: 'name', fixed: 'left', width: 100 },
    {
      title: '职务',
      key: 'position',
      width: 150,
      render: (_v, c) => (
        <Space size={4} wrap>
          <span>{c.position}</span>
          {c.nature && <Tag>{CADRE_NATURE_LABELS[c.nature]}</Tag>}
          {c.isAdmin && <Tag color="red">管理员</Tag>}
        </Space>
      ),
    },
    { title: '身份证号码', dataIndex: 'idNumber', key: 'idNumber', width: 190, render: (v: string) => <span style={{ fontFamily: 'monospace' }}>{v}</span> },
    { title: '手机号码', dataIndex: 'phone', key: 'phone', width: 130, render: (v: string | null) => v ?? '' },
    { title: '任职日期', dataIndex: 'startedAt', key: 'startedAt', width: 110 },
    { title: '卸任日期', dataIndex: 'endedAt', key: 'endedAt', width: 110, render: (v: string | null, c) => (v ? `${v}${c.endNote ? `（${c.endNote}）` : ''}` : '在任') },
    {
      title: '操作',
      key: 'actions',
      fixed: 'right',
      // On a phone the buttons stack, so the fixed column leaves room for the rest.
      width: mobile ? 110 : anyPostAction ? 210 : 100,
      render: (_v, c) => (
        <Space size={0} wrap>
          {c.can.change && (
            <Button size="small" type="link" onClick={() => setDialog({ action: 'change', cadre: c })}>
              职务变更
            </Button>
          )}
          {c.can.end && (
            <Button size="small" type="link" danger onClick={() => setDialog({ action: 'end', cadre: c })}>
              卸任
            </Button>
          )}
          <Button size="small" type="link" icon={<HistoryOutlined />} onClick={() => setDialog({ action: 'history', cadre: c })}>
            任职历史
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <div>
      {org.kind === 'BRANCH' && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title="团支部的团干部随团员信息一起录入（CAD-1）"
          description="在“团员”中录入或编辑团员时，打开“是否团干部”并选择团内职务即可；职务变更、卸任也在团员信息中修改。"
        />
      )}
      <Space wrap style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }}>
        <Space>
          <Switch
            checked={includeEnded}
            onChange={(v) => {
              setIncludeEnded(v);
              setPage(1);
            }}
            aria-label="显示已卸任"
          />
          <span>显示已卸任</span>
        </Space>
        {/* No `can` for entering a cadre: the org's kind decides (CAD-1), and the server refuses a branch. */}
        {org.kind !== 'BRANCH' && (
          <Space wrap>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ action: 'create' })}>
              录入本级团干部
            </Button>
            <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>
              批量导入
            </Button>
          </Space>
        )}
      </Space>
      {list.isError && <Alert type="error" showIcon title={errorMessage(list.error)} style={{ marginBottom: 8 }} />}
      {importing && <ImportDrawer kind="CADRES" org={org} onClose={() => setImporting(false)} />}
      <Table<Cadre>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={list.data?.items}
        footer={
          adminsCannotEnd
            ? () => (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  标有“管理员”的团干部须先在“管理员”中撤销其管理员身份，才能办理卸任。
                </Typography.Text>
              )
            : undefined
        }
        loading={list.isFetching}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: '暂无团干部' }}
        pagination={{ current: page, pageSize: 50, total: list.data?.total ?? 0, onChange: setPage, showTotal: (t) => `共 ${t} 条` }}
      />
      {dialog?.action === 'create' && <CreateCadreModal org={org} onClose={() => setDialog(null)} />}
      {(dialog?.action === 'change' || dialog?.action === 'end') && (
        <ChangeOrEndModal org={org} cadre={dialog.cadre} action={dialog.action} onClose={() => setDialog(null)} />
      )}
      {dialog?.action === 'history' && <HistoryModal cadre={dialog.cadre} onClose={() => setDialog(null)} />}
    </div>
  );
}
