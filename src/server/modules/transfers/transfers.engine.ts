// The node engine (TR-2/3/5): opening nodes, advancing, completing (the member moves), notices.
// Every function here runs inside the caller's transaction and uses only `tx`.
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { members, memberships, orgs, transferNodes, transferNotices, transferSpecialPools, transfers } from '../../../db/schema';
import { DomainError } from '../../../domain/errors';
import { childPath } from '../../../domain/scope';
import { dueAt, NODE_KIND_LABELS, TRANSFER_REASON_LABELS } from '../../../domain/transfers';
import { writeAudit } from '../../audit';
import type { AppContext } from '../../context';
import { nextOrgId } from '../orgs/orgs.repo';
import type { NodeRow, TransferRow } from './transfers.repo';

export type AuditWho = { personId?: number; name?: string; actingOrgId?: number | null; ip?: string; requestId?: string } | null;

export async function notice(tx: Tx, ctx: Pick<AppContext, 'clock'>, n: { orgId: number | null; transferId: number; nodeId?: number; kind: string; message: string }, at?: Date) {
  if (n.orgId === null) return;
  await tx
    .insert(transferNotices)
    .values({ orgId: n.orgId, transferId: n.transferId, nodeId: n.nodeId ?? null, kind: n.kind, message: n.message, createdAt: at ?? ctx.clock.now() })
    .onConflictDoNothing();
}

/** Opens `node` at `at`: pending, due 15 days later (TR-5). */
export async function openNode(tx: Tx, node: NodeRow, at: Date): Promise<void> {
  await tx.update(transferNodes).set({ state: 'PENDING', openedAt: at, dueAt: dueAt(at) }).where(eq(transferNodes.id, node.id));
}

/**
 * After a node is decided: opens the next waiting node, or completes the transfer when none is left.
 * `at` is when the decision counts (the due time for a catch-up auto-approval), so a server that was
 * down for a month replays the chain in the right time order.
 */
export async function advance(tx: Tx, ctx: AppContext, transfer: TransferRow, at: Date, who: AuditWho, allocatedBranchId: number | null = null): Promise<'OPENED' | 'COMPLETED'> {
  const [next] = await tx
    .select()
    .from(transferNodes)
    .where(and(eq(transferNodes.transferId, transfer.id), eq(transferNodes.state, 'WAITING')))
    .orderBy(asc(transferNodes.seq))
    .limit(1);
  if (next) {
    await openNode(tx, next, at);
    return 'OPENED';
  }
  await complete(tx, ctx, transfer, at, who, allocatedBranchId);
  return 'COMPLETED';
}

/** TR-6 特殊单位专属库 of a province: one branch under the provincial committee, made on first use. */
async function specialPoolBranch(tx: Tx, ctx: AppContext, provinceOrgId: number): Promise<number> {
  const [pool] = await tx.select().from(transferSpecialPools).where(eq(transferSpecialPools.provinceOrgId, provinceOrgId));
  if (pool) return pool.branchId;
  const [province] = await tx.select().from(orgs).where(eq(orgs.id, provinceOrgId)).for('update');
  const [again] = await tx.select().from(transferSpecialPools).where(eq(transferSpecialPools.provinceOrgId, provinceOrgId));
  if (again) return again.branchId;
  const id = await nextOrgId(tx);
  const now = ctx.clock.now();
  await tx.insert(orgs).values({
    id,
    parentId: province!.id,
    path: childPath(province!.path, id),
    depth: province!.depth + 1,
    name: '特殊单位专属库',
    fullName: `${province!.fullName.replace(/委员会$/, '')}特殊单位专属库团支部委员会`,
    kind: 'BRANCH',
    industryCategory: 'OTHER',
    regionCode: province!.regionCode,
    isTownship: false,
    createdAt: now,
    updatedAt: now,
  });
  await tx.insert(transferSpecialPools).values({ provinceOrgId, branchId: id });
  return id;
}

/** TR-3: the member moves only here, when the last node is done: membership periods and path. */
async function complete(tx: Tx, ctx: AppContext, transfer: TransferRow, at: Date, who: AuditWho, allocatedBranchId: number | null): Promise<void> {
  let branchId = allocatedBranchId;
  if (branchId === null && transfer.reason === 'SPECIAL_UNIT') {
    const [review] = await tx.select().from(transferNodes).where(and(eq(transferNodes.transferId, transfer.id), eq(transferNodes.kind, 'PROVINCIAL_REVIEW')));
    branchId = await specialPoolBranch(tx, ctx, review!.orgId);
  }
  if (branchId === null) branchId = transfer.toOrgId;
  if (branchId === null) throw new Error(`transfer ${transfer.id} completes without a branch`);
  const [branch] = await tx.select().from(orgs).where(and(eq(orgs.id, branchId), isNull(orgs.deletedAt)));
  // The branch was checked before; only a concurrent delete or change gets here.
  if (!branch || branch.kind !== 'BRANCH') throw new DomainError('TR_3_ALLOCATE_BRANCH_ONLY');

  await tx.select({ id: members.id }).from(members).where(eq(members.id, transfer.memberId)).for('update');
  const [member] = await tx.select().from(members).where(eq(members.id, transfer.memberId));
  await tx
    .update(memberships)
    .set({ endedAt: at, endReason: 'TRANSFER', note: `组织关系转接#${transfer.id}` })
    .where(and(eq(memberships.memberId, transfer.memberId), isNull(memberships.endedAt)));
  await tx.insert(memberships).values({ memberId: transfer.memberId, branchId: branch.id, startedAt: at, startReason: 'TRANSFER', note: `组织关系转接#${transfer.id}` });
  await tx.update(members).set({ branchId: branch.id, orgPath: branch.path, updatedAt: at }).where(eq(members.id, transfer.memberId));
  await tx.update(transfers).set({ status: 'COMPLETED', endedAt: at, finalBranchId: branch.id }).where(eq(transfers.id, transfer.id));

  for (const orgPath of new Set([member!.orgPath, branch.path])) {
    await writeAudit(tx, ctx, who, {
      action: 'TRANSFER_COMPLETE',
      result: 'OK',
      objectType: 'transfer',
      objectId: transfer.id,
      objectLabel: transfer.memberName,
      orgPath,
      changes: { branchId: { before: member!.branchId, after: branch.id } },
      reason: `${TRANSFER_REASON_LABELS[transfer.reason]}：转入“${branch.name}”`,
    });
  }
  await notice(tx, ctx, { orgId: transfer.startedByOrgId, transferId: transfer.id, kind: 'COMPLETED', message: `${transfer.memberName}的组织关系已转入“${branch.name}”，接转成功` }, at);
}

/** Rejection or cancellation: the transfer ends, every open node is closed, the member stays. */
export async function closeTransfer(tx: Tx, transfer: TransferRow, status: 'REJECTED' | 'CANCELLED', at: Date, note: string | null): Promise<void> {
  await tx
    .update(transferNodes)
    .set({ state: 'CANCELLED' })
    .where(and(eq(transferNodes.transferId, transfer.id), inArray(transferNodes.state, ['WAITING', 'PENDING'])));
  await tx.update(transfers).set({ status, endedAt: at, endNote: note }).where(eq(transfers.id, transfer.id));
}

export function nodeLabel(node: Pick<NodeRow, 'kind'>): string {
  return NODE_KIND_LABELS[node.kind];
}
