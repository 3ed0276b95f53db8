import { Descriptions, Tag, Timeline, Typography } from 'antd';
import type { Transfer } from '../../../src/contracts/transfers';
import {
  NODE_KIND_LABELS,
  NODE_STATE_LABELS,
  STARTER_SIDE_LABELS,
  TARGET_SCOPE_LABELS,
  TRANSFER_FIELD_LABELS,
  TRANSFER_REASON_LABELS,
  TRANSFER_STATUS_LABELS,
  type NodeState,
  type TransferField,
  type TransferStatus,
} from '../../../src/domain/transfers';
import { formatDate, formatDateTime } from '../lib/format';

const STATUS_COLORS: Record<TransferStatus, string> = { OPEN: 'processing', COMPLETED: 'success', REJECTED: 'error', CANCELLED: 'default' };
const NODE_COLORS: Record<NodeState, string> = {
  WAITING: 'gray',
  PENDING: 'blue',
  APPROVED: 'green',
  AUTO_APPROVED: 'green',
  ALLOCATED: 'green',
  REJECTED: 'red',
  CANCELLED: 'gray',
};

export function TransferStatusTag({ status }: { status: TransferStatus }) {
  return <Tag color={STATUS_COLORS[status]}>{TRANSFER_STATUS_LABELS[status]}</Tag>;
}

/** The facts of a transfer and its nodes as a timeline (admin detail and 个人中心 alike). */
export function TransferTimeline({ t, columns = 2 }: { t: Transfer; columns?: number }) {
  const fields = Object.entries(t.fields).filter(([, v]) => v) as [TransferField, string][];
  return (
    <>
      <Descriptions size="small" column={columns} style={{ marginBottom: 16 }}>
        <Descriptions.Item label="团员">{t.memberName}</Descriptions.Item>
        <Descriptions.Item label="状态">
          <TransferStatusTag status={t.status} />
          {t.schoolToSociety && <Tag color="purple">学社衔接</Tag>}
        </Descriptions.Item>
        <Descriptions.Item label="转接原因">{TRANSFER_REASON_LABELS[t.reason]}</Descriptions.Item>
        <Descriptions.Item label="发起方式">{STARTER_SIDE_LABELS[t.starterSide]}（{t.startedByName}）</Descriptions.Item>
        <Descriptions.Item label="转出组织">{t.fromBranchFullName}</Descriptions.Item>
        <Descriptions.Item label="转入组织">{t.toOrgFullName ?? (t.reason === 'SPECIAL_UNIT' ? '特殊单位专属库（省级团委审核）' : '—')}</Descriptions.Item>
        {t.targetScope !== 'NATIONAL' && <Descriptions.Item label="转入组织所在">{TARGET_SCOPE_LABELS[t.targetScope]}</Descriptions.Item>}
        {fields.map(([k, v]) => (
          <Descriptions.Item key={k} label={TRANSFER_FIELD_LABELS[k]}>
            {v}
          </Descriptions.Item>
        ))}
        {t.remark && <Descriptions.Item label="备注">{t.remark}</Descriptions.Item>}
        {t.finalBranchName && <Descriptions.Item label="现所在团支部">{t.finalBranchName}</Descriptions.Item>}
        {t.endNote && <Descriptions.Item label={t.status === 'REJECTED' ? '退回理由' : '说明'}>{t.endNote}</Descriptions.Item>}
      </Descriptions>
      <Timeline
        items={[
          { key: 'start', color: 'green', content: <span>{formatDateTime(t.createdAt)} · {t.startedByName}发起申请</span> },
          ...t.nodes.map((n) => ({
            key: n.id,
            color: NODE_COLORS[n.state],
            content: (
              <div>
                <Typography.Text strong>{NODE_KIND_LABELS[n.kind]}</Typography.Text> · {n.orgName}{' '}
                <Tag color={NODE_COLORS[n.state] === 'gray' ? undefined : NODE_COLORS[n.state]}>{NODE_STATE_LABELS[n.state]}</Tag>
                <div style={{ color: '#666', fontSize: 13 }}>
                  {n.state === 'PENDING' && n.dueAt && (
                    <>
                      {formatDateTime(n.openedAt)} 起待处理，
                      {n.timeoutAction === 'AUTO_APPROVE' ? `${formatDate(n.dueAt)} 前未处理将由系统自动通过` : '分配团支部须由管理员办理，不会自动完成'}
                    </>
                  )}
                  {n.decidedAt && (
                    <>
                      {formatDateTime(n.decidedAt)} · {n.decidedByName ?? '系统'}
                      {n.allocatedBranchName && `，分配到“${n.allocatedBranchName}”`}
                      {n.note && `，理由：${n.note}`}
                    </>
                  )}
                </div>
              </div>
            ),
          })),
          ...(t.status === 'COMPLETED'
            ? [{ key: 'end', color: 'green', content: <span>{formatDateTime(t.endedAt)} · 接转成功，转入“{t.finalBranchName}”</span> }]
            : t.status === 'CANCELLED'
              ? [{ key: 'end', color: 'gray', content: <span>{formatDateTime(t.endedAt)} · 已撤销</span> }]
              : []),
        ]}
      />
    </>
  );
}
