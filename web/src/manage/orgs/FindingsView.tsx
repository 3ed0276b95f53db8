import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Select, Table, Typography } from 'antd';
import { useState } from 'react';
import { type ORG_FINDINGS, ORG_FINDING_LABELS } from '../../../../src/contracts/orgs';
import { ORG_KIND_LABELS } from '../../../../src/domain/enums';
import { api, errorMessage } from '../../api/client';
import type { Org, OrgFinding, Page } from '../../api/types';
import { optionsOf } from '../../lib/format';
import { useIsMobile } from '../../lib/useIsMobile';
import { useManage } from '../context';

type FindingType = (typeof ORG_FINDINGS)[number];

/** 需整改组织 (ORG-2, ORG-4, ORG-5) in the subtree of the org picked in the tree. */
export function FindingsView({ org }: { org: Org }) {
  const { actingOrgId, selectOrg } = useManage();
  const mobile = useIsMobile();
  const [type, setType] = useState<FindingType>('INCOMPLETE_COMMITTEE');
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const list = useQuery({
    queryKey: ['findings', actingOrgId, org.id, type, page, pageSize],
    queryFn: () => api.get<Page<OrgFinding>>('/api/org-findings', { orgId: actingOrgId, query: { type, orgId: org.id, page, pageSize } }),
    placeholderData: keepPreviousData,
  });
  return (
    <div>
      <Select<FindingType>
        value={type}
        onChange={(v) => {
          setType(v);
          setPage(1);
        }}
        options={optionsOf(ORG_FINDING_LABELS)}
        style={{ width: mobile ? '100%' : 460, marginBottom: 8 }}
        aria-label="整改类型"
      />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        范围：{org.name} 及全部下级组织
      </Typography.Paragraph>
      {list.isError && <Alert type="error" showIcon title={errorMessage(list.error)} style={{ marginBottom: 8 }} />}
      <Table<OrgFinding>
        rowKey="id"
        size="small"
        dataSource={list.data?.items}
        loading={list.isFetching}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: '没有需要整改的组织' }}
        columns={[
          {
            title: '组织简称',
            dataIndex: 'name',
            key: 'name',
            fixed: 'left',
            width: 200,
            render: (_v, o) => <Typography.Link onClick={() => selectOrg(o.id)}>{o.name}</Typography.Link>,
          },
          { title: '组织全称', dataIndex: 'fullName', key: 'fullName', width: 360 },
          { title: '类型', dataIndex: 'kind', key: 'kind', width: 100, render: (v: OrgFinding['kind']) => ORG_KIND_LABELS[v] },
          { title: '团员数', dataIndex: 'memberCount', key: 'memberCount', width: 80, align: 'right' },
          { title: '学校编码', dataIndex: 'schoolCode', key: 'schoolCode', width: 120, render: (v: string | null) => v ?? '' },
        ]}
        pagination={{
          current: page,
          pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
          showTotal: (t) => `共 ${t} 个`,
        }}
        onChange={(p) => {
          setPage(p.current ?? 1);
          setPageSize(p.pageSize ?? 20);
        }}
      />
    </div>
  );
}
