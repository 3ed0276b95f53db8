// The node engine (TR-2/3/5): opening nodes, advancing, completing (the member moves), notices.
// Every function here runs inside the caller's transaction and uses only `tx`; the two single-statement
// writes (`applyDecision`, `completeInOne`) may also run on their own, a statement being atomic.
import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { rows, type Executor, type Tx } from '../../../db/client';
import { orgs, transferNodes, transferNotices, transferSpecialPools, transfers } from '../../../db/schema';
import { DomainError } from '../../../domain/errors';
import { childPath } from '../../../domain/scope';
import { dueAt, NODE_KIND_LABELS, TRANSFER_REASON_LABELS } from '../../../domain/transfers';
import { AUDIT_COLUMNS, auditActorColumns, type AuditChanges, type AuditEntry, type AuditWho } from '../../audit';
import type { AppContext } from '../../context';
import { nextOrgId } from '../orgs/orgs.repo';
import type { NodeRow, TransferRow } from './transfers.repo';

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

  await completeInOne(tx, { transfer, branch, at, loggedAt: ctx.clock.now(), who });
}

/** One admin's decision on a pending node (TR-2/3/4/8), with its audit row on the transfer. */
export interface NodeDecision {
  nodeId: number;
  state: 'APPROVED' | 'REJECTED' | 'ALLOCATED';
  by: { personId: number; name: string; orgId: number };
  note: string | null;
  allocatedBranchId: number | null;
  audit: { action: string; orgPath: string; changes: AuditChanges; reason: string };
}

/**
 * The decision as the first CTEs: the open transfer's row is locked first (as by every writer of its
 * nodes; a no-op when the caller holds it), then the node is decided only while still pending — a
 * node changed by the lock's previous holder is re-read by the update, so of two admins one wins.
 */
function decidedCte(transfer: TransferRow, d: NodeDecision, at: Date): SQL {
  return sql`locked AS (SELECT id FROM transfers WHERE id = ${transfer.id} AND status = 'OPEN' FOR UPDATE),
    decided AS (
      UPDATE transfer_nodes SET state = ${d.state}::transfer_node_state, decided_at = ${at.toISOString()}::timestamptz, decided_by_person_id = ${d.by.personId},
             decided_by_name = ${d.by.name}, decided_by_org_id = ${d.by.orgId}, note = ${d.note}::text, allocated_branch_id = ${d.allocatedBranchId}::int
       WHERE id = ${d.nodeId} AND transfer_id = ${transfer.id} AND state = 'PENDING' AND EXISTS (SELECT 1 FROM locked) RETURNING id)`;
}

function decisionAuditRow(d: NodeDecision): SQL {
  return sql`(0, ${d.audit.action}::text, ${d.audit.orgPath}::text, ${JSON.stringify(d.audit.changes)}::jsonb, ${d.audit.reason}::text)`;
}

/**
 * A decision and what follows it in one statement (each round trip counts when 50 admins approve
 * at once; on its own it needs no transaction around it): the node is decided and its audit row
 * written, then — only if it was still pending — the next node opens at `at` (due `dueAt`, TR-5).
 * Returns false, with nothing written, when the transfer was no longer open or the node no longer
 * pending.
 */
export async function applyDecision(ex: Executor, transfer: TransferRow, d: NodeDecision, at: Date, who: AuditWho, open: { nodeId: number; dueAt: Date } | null): Promise<boolean> {
  const iso = at.toISOString();
  const opened = open
    ? sql`, opened AS (
        UPDATE transfer_nodes SET state = 'PENDING', opened_at = ${iso}::timestamptz, due_at = ${open.dueAt.toISOString()}::timestamptz
         WHERE id = ${open.nodeId} AND state = 'WAITING' AND EXISTS (SELECT 1 FROM decided))`
    : sql``;
  const [row] = await rows<{ n: number }>(
    ex,
    sql`WITH ${decidedCte(transfer, d, at)}${opened},
      logged AS (
        INSERT INTO audit_log (${AUDIT_COLUMNS})
        SELECT ${auditActorColumns(at, who)}, v.action, 'transfer', ${String(transfer.id)}, ${transfer.memberName}, v.path, v.changes, 'OK', v.reason
          FROM decided, (VALUES ${decisionAuditRow(d)}) AS v(ord, action, path, changes, reason))
    SELECT count(*)::int AS n FROM decided`,
  );
  return (row?.n ?? 0) > 0;
}

/**
 * TR-3 in one statement: the member is locked and read, the open membership period ends and the
 * new one starts (the end runs first, so the one-open-period index sees it closed), the member moves,
 * the transfer closes, the audit rows (old branch, then new) and the notice are written. With
 * `decision` the transfer is locked and the node decided first in the same statement, and its
 * audit row comes before the others; then nothing is written unless the transfer was open and the
 * node still pending (returns false). The member's row is locked after the transfer's, as in the sweep.
 */
export async function completeInOne(
  ex: Executor,
  p: { transfer: TransferRow; branch: { id: number; path: string; name: string }; at: Date; loggedAt: Date; who: AuditWho; decision?: NodeDecision },
): Promise<boolean> {
  const { transfer: t, branch, decision } = p;
  const iso = p.at.toISOString();
  const note = `组织关系转接#${t.id}`;
  const changes = sql`jsonb_build_object('branchId', jsonb_build_object('before', m.branch_id, 'after', ${branch.id}::int))`;
  const reason = `${TRANSFER_REASON_LABELS[t.reason]}：转入“${branch.name}”`;
  const notice =
    t.startedByOrgId === null
      ? sql``
      : sql`, noticed AS (
        INSERT INTO transfer_notices (org_id, transfer_id, node_id, kind, message, created_at)
        SELECT ${t.startedByOrgId}::int, ${t.id}::int, NULL, 'COMPLETED', ${`${t.memberName}的组织关系已转入“${branch.name}”，接转成功`}::text, ${iso}::timestamptz FROM m
        ON CONFLICT DO NOTHING)`;
  const [row] = await rows<{ n: number }>(
    ex,
    sql`WITH ${decision ? sql`${decidedCte(t, decision, p.at)},` : sql``}
      m AS (SELECT id, branch_id, org_path FROM members WHERE id = ${t.memberId}${decision ? sql` AND EXISTS (SELECT 1 FROM decided)` : sql``} FOR UPDATE),
      ended AS (
        UPDATE memberships SET ended_at = ${iso}::timestamptz, end_reason = 'TRANSFER', note = ${note}
         WHERE member_id = (SELECT id FROM m) AND ended_at IS NULL RETURNING 1),
      started AS (
        INSERT INTO memberships (member_id, branch_id, started_at, start_reason, note)
        SELECT m.id, ${branch.id}, ${iso}::timestamptz, 'TRANSFER', ${note} FROM m, (SELECT count(*) FROM ended) AS e),
      moved AS (
        UPDATE members SET branch_id = ${branch.id}, org_path = ${branch.path}, updated_at = ${iso}::timestamptz WHERE id = (SELECT id FROM m) RETURNING 1),
      closed AS (
        UPDATE transfers SET status = 'COMPLETED', ended_at = ${iso}::timestamptz, final_branch_id = ${branch.id}
         WHERE id = ${t.id} AND EXISTS (SELECT 1 FROM moved)),
      logged AS (
        INSERT INTO audit_log (${AUDIT_COLUMNS})
        SELECT ${auditActorColumns(p.loggedAt, p.who)}, v.action, 'transfer', ${String(t.id)}, ${t.memberName}, v.path, v.changes, 'OK', v.reason
          FROM m CROSS JOIN LATERAL (VALUES ${decision ? sql`${decisionAuditRow(decision)},` : sql``}
                 (1, 'TRANSFER_COMPLETE', m.org_path::text, ${changes}, ${reason}::text),
                 (2, 'TRANSFER_COMPLETE', ${branch.path}::text, ${changes}, ${reason}::text)) AS v(ord, action, path, changes, reason)
         WHERE v.ord <> 2 OR m.org_path <> ${branch.path}
         ORDER BY v.ord)${notice}
    SELECT count(*)::int AS n FROM m`,
  );
  return (row?.n ?? 0) > 0;
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

/** What a bulk completion reads of a transfer (the sweep selects only these columns). */
export type CompletingTransfer = Pick<TransferRow, 'id' | 'memberId' | 'memberName' | 'fromPath' | 'reason' | 'toOrgId' | 'startedByOrgId'>;

/** A transfer whose last node was just decided and whose member goes to `branchId` at `at`. */
export interface Completion {
  transfer: CompletingTransfer;
  at: Date;
}

const arr = (values: unknown[], type: string) => sql`${sql.param(values)}::${sql.raw(type)}[]`;

/**
 * TR-3 for many transfers at once (the TR-5 sweep): the same writes as `complete` in one statement for
 * the whole set — lock the members, end and open membership periods, move the members, close the
 * transfers — so the members' rollup triggers run once per batch instead of once per member.
 * Only transfers to a named branch come here; the caller routes the others (特殊单位, allocation, a
 * target that is no longer a live branch) through `advance`. Returns the audit rows and notices for
 * the caller to write in bulk, in the order `complete` would have written them.
 */
export async function completeMany(tx: Tx, items: Completion[]): Promise<{ audits: BulkAudit[]; notices: BulkNotice[]; rest: Completion[] }> {
  if (items.length === 0) return { audits: [], notices: [], rest: [] };
  const branchIds = [...new Set(items.map((c) => c.transfer.toOrgId!))];
  const branchRows = await tx
    .select({ id: orgs.id, path: orgs.path, name: orgs.name, kind: orgs.kind })
    .from(orgs)
    .where(and(sql`${orgs.id} = ANY(${arr(branchIds, 'int')})`, isNull(orgs.deletedAt)));
  const branches = new Map(branchRows.filter((b) => b.kind === 'BRANCH').map((b) => [b.id, b]));
  const rest = items.filter((c) => !branches.has(c.transfer.toOrgId!));
  const go = items.filter((c) => branches.has(c.transfer.toOrgId!));
  if (go.length === 0) return { audits: [], notices: [], rest };

  const memberIds = go.map((c) => c.transfer.memberId);
  const tids = go.map((c) => c.transfer.id);
  const to = go.map((c) => branches.get(c.transfer.toOrgId!)!);
  // One statement for the whole set (each CTE one pass): the members are locked in id order, as every
  // other writer of members does, and read before they move (the audit rows' "before"); the open
  // periods end before the new ones start (the one-open-period index); the member moves and the
  // transfers close. Every target table is also restricted by `= ANY(ids)`: joined only to the
  // unnest, the planner walked a whole primary key in a merge join (all members per batch).
  const before = await rows<{ id: number; branchId: number; orgPath: string }>(
    tx,
    sql`WITH v AS MATERIALIZED (
        SELECT * FROM json_to_recordset(${JSON.stringify(go.map((c, i) => ({ tid: c.transfer.id, mid: c.transfer.memberId, b: to[i]!.id, p: to[i]!.path, at: c.at.toISOString(), note: `组织关系转接#${c.transfer.id}` })))}::json)
               AS v(tid int, mid int, b int, p text, at timestamptz, note text)),
      locked AS (
        SELECT m.id, m.branch_id, m.org_path FROM members m WHERE m.id = ANY(${arr(memberIds, 'int')}) ORDER BY m.id FOR UPDATE),
      ended AS (
        UPDATE memberships AS ms SET ended_at = v.at, end_reason = 'TRANSFER', note = v.note
          FROM v WHERE ms.member_id = v.mid AND ms.member_id = ANY(${arr(memberIds, 'int')}) AND ms.ended_at IS NULL
                   AND (SELECT count(*) FROM locked) >= 0
        RETURNING 1),
      started AS (
        INSERT INTO memberships (member_id, branch_id, started_at, start_reason, note)
        SELECT v.mid, v.b, v.at, 'TRANSFER', v.note FROM v WHERE (SELECT count(*) FROM ended) >= 0
        RETURNING 1),
      moved AS (
        UPDATE members AS m SET branch_id = v.b, org_path = v.p, updated_at = v.at
          FROM v WHERE m.id = v.mid AND m.id = ANY(${arr(memberIds, 'int')}) AND (SELECT count(*) FROM locked) >= 0
        RETURNING 1),
      closed AS (
        UPDATE transfers AS t SET status = 'COMPLETED', ended_at = v.at, final_branch_id = v.b
          FROM v WHERE t.id = v.tid AND t.id = ANY(${arr(tids, 'int')})
        RETURNING 1)
      SELECT l.id, l.branch_id AS "branchId", l.org_path AS "orgPath" FROM locked l
       WHERE (SELECT count(*) FROM started) + (SELECT count(*) FROM moved) + (SELECT count(*) FROM closed) >= 0`,
  );
  const byMember = new Map(before.map((m) => [m.id, m]));

  const audits: BulkAudit[] = [];
  const notices: BulkNotice[] = [];
  go.forEach((c, i) => {
    const t = c.transfer;
    const branch = to[i]!;
    const member = byMember.get(t.memberId)!;
    for (const orgPath of new Set([member.orgPath, branch.path])) {
      audits.push({
        transferId: t.id,
        entry: {
          action: 'TRANSFER_COMPLETE',
          result: 'OK',
          objectType: 'transfer',
          objectId: t.id,
          objectLabel: t.memberName,
          orgPath,
          changes: { branchId: { before: member.branchId, after: branch.id } },
          reason: `${TRANSFER_REASON_LABELS[t.reason]}：转入“${branch.name}”`,
        },
      });
    }
    if (t.startedByOrgId !== null) {
      notices.push({ orgId: t.startedByOrgId, transferId: t.id, nodeId: null, kind: 'COMPLETED', message: `${t.memberName}的组织关系已转入“${branch.name}”，接转成功`, at: c.at });
    }
  });
  return { audits, notices, rest };
}

export interface BulkAudit {
  transferId: number;
  entry: AuditEntry;
}
export interface BulkNotice {
  orgId: number;
  transferId: number;
  nodeId: number | null;
  kind: string;
  message: string;
  at: Date;
}

/** `notice` for many at once; a repeated (node, kind) is skipped, as there. One JSON parameter, as above. */
export async function noticeMany(tx: Tx, list: BulkNotice[]): Promise<void> {
  for (let i = 0; i < list.length; i += 5000) {
    const part = list.slice(i, i + 5000).map((n) => ({ o: n.orgId, t: n.transferId, n: n.nodeId, k: n.kind, m: n.message, at: n.at.toISOString() }));
    await tx.execute(sql`INSERT INTO transfer_notices (org_id, transfer_id, node_id, kind, message, created_at)
        SELECT v.o, v.t, v.n, v.k, v.m, v.at
          FROM ROWS FROM (json_to_recordset(${JSON.stringify(part)}::json) AS (o int, t int, n int, k text, m text, at timestamptz))
               WITH ORDINALITY AS v(o, t, n, k, m, at, ord)
         ORDER BY v.ord
        ON CONFLICT DO NOTHING`);
  }
}
