import { Card, Empty, Pagination, Space, Spin, Typography } from 'antd';
import { GENDER_LABELS, POLITICAL_STATUS_LABELS } from '../../../../src/domain/enums';
import type { MemberListItem, Page } from '../../api/types';
import { MemberTags } from '../../members/MemberView';
import type { MemberAction } from './MemberActions';
import { MemberRowMenu } from './MemberRowMenu';

/** On a phone the member list is a column of compact cards instead of a wide table. */
export function MemberCards({
  data,
  loading,
  page,
  pageSize,
  onPage,
  onAction,
}: {
  data: Page<MemberListItem> | undefined;
  loading: boolean;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
  onAction: (a: MemberAction, m: MemberListItem) => void;
}) {
  return (
    <Spin spinning={loading}>
      {data && data.items.length === 0 && <Empty description="没有符合条件的团员" />}
      <Space orientation="vertical" style={{ width: '100%' }} size={8}>
        {data?.items.map((m) => (
          <Card key={m.id} size="small" styles={{ body: { padding: 12 } }}>
            <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-start', gap: 8 }}>
              <div style={{ minWidth: 0 }}>
                <Typography.Link strong onClick={() => onAction('detail', m)}>
                  {m.name}
                </Typography.Link>
                <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>
                  {GENDER_LABELS[m.gender]} · {POLITICAL_STATUS_LABELS[m.politicalStatus]}
                </Typography.Text>
                <div style={{ fontFamily: 'monospace', fontSize: 12 }}>{m.idNumber}</div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis>
                  {m.branchName} · 入团 {m.joinedLeagueAt}
                </Typography.Text>
              </div>
              <MemberRowMenu member={m} onAction={onAction} />
            </div>
            <div style={{ marginTop: 6 }}>
              <MemberTags m={m} />
            </div>
          </Card>
        ))}
      </Space>
      {data && data.total > 0 && (
        <Pagination
          style={{ marginTop: 12, textAlign: 'center' }}
          simple
          current={page}
          pageSize={pageSize}
          total={data.total}
          onChange={onPage}
        />
      )}
    </Spin>
  );
}
