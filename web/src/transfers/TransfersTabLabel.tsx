import { useQuery } from '@tanstack/react-query';
import { Badge } from 'antd';
import type { InboxItem } from '../../../src/contracts/transfers';
import { api } from '../api/client';
import type { Page } from '../api/types';

/**
 * The 组织关系转接 tab's label with the number of approvals waiting: seed 001 says an admin is told at
 * login when a transfer has waited more than 10 days, so the count turns red then.
 */
export function TransfersTabLabel({ actingOrgId }: { actingOrgId: number }) {
  const inbox = useQuery({
    queryKey: ['transfer-inbox', actingOrgId, 1],
    queryFn: () => api.get<Page<InboxItem>>('/api/transfer-inbox', { orgId: actingOrgId, query: { page: 1, pageSize: 20 } }),
  });
  const total = inbox.data?.total ?? 0;
  const overdue = inbox.data?.items.some((i) => i.overdueSoon) ?? false;
  return (
    <Badge count={total} size="small" offset={[8, -2]} color={overdue ? '#cf1322' : '#1677ff'} title={overdue ? '有超过10天未处理的组织关系转接' : `${total}条待审批`}>
      组织关系转接
    </Badge>
  );
}
