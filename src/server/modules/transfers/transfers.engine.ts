// The node engine (TR-2/3/5): opening nodes, advancing, completing (the member moves), notices.
// Every function here runs inside the caller's transaction and uses only `tx`.
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { rows, type Tx } from '../../../db/client';
import { members, orgs, transferNodes, transferNotices, transferSpecialPools, transfers } from '../../../db/schema';
import { DomainError } from '../../../domain/errors';
import { childPath } from '../../../domain/scope';
import { dueAt, NODE_KIND_LABELS, TRANSFER_REASON_LABELS } from '../../../domain/transfers';
import type { AuditEntry } from '../../audit';
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

  const [member] = await tx.select({ branchId: members.branchId, orgPath: members.orgPath }).from(members).where(eq(members.id, transfer.memberId)).for('update');
  // Two statements instead of four (each round trip counts when 50 admins approve at once): the open
  // period ends and the new one starts — the CTE's update runs first, so the one-open-period index
  // sees the old period closed —, then the member moves and the transfer closes.
  const iso = at.toISOString();
  const note = `组织关系转接#${transfer.id}`;
  await tx.execute(sql`WITH ended AS (
      UPDATE memberships SET ended_at = ${iso}::timestamptz, end_reason = 'TRANSFER', note = ${note}
       WHERE member_id = ${transfer.memberId} AND ended_at IS NULL RETURNING 1)
    INSERT INTO memberships (member_id, branch_id, started_at, start_reason, note)
    SELECT ${transfer.memberId}, ${branch.id}, ${iso}::timestamptz, 'TRANSFER', ${note} FROM (SELECT count(*) FROM ended) AS e`);
  await tx.execute(sql`WITH moved AS (
      UPDATE members SET branch_id = ${branch.id}, org_path = ${branch.path}, updated_at = ${iso}::timestamptz WHERE id = ${transfer.memberId} RETURNING 1)
    UPDATE transfers SET status = 'COMPLETED', ended_at = ${iso}::timestamptz, final_branch_id = ${branch.id}
     WHERE id = ${transfer.id} AND (SELECT count(*) FROM moved) >= 0`);

  // Logged under the old branch and the new one (one statement for both rows).
  await writeAuditMany(
    tx,
    ctx.clock.now(),
    who,
    [...new Set([member!.orgPath, branch.path])].map((orgPath) => ({
      action: 'TRANSFER_COMPLETE',
      result: 'OK' as const,
      objectType: 'transfer',
      objectId: transfer.id,
      objectLabel: transfer.memberName,
      orgPath,
      changes: { branchId: { before: member!.branchId, after: branch.id } },
      reason: `${TRANSFER_REASON_LABELS[transfer.reason]}：转入“${branch.name}”`,
    })),
  );
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

/**
 * Audit rows of one actor in one statement, in the given order: the same columns as writeAudit. The
 * rows travel as one JSON parameter: node-postgres escapes every element of an array parameter in
 * JavaScript, which for the sweep's 30,000 rows per batch cost more than the insert itself.
 */
export async function writeAuditMany(tx: Tx, at: Date, who: AuditWho, rows: AuditEntry[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const part = rows.slice(i, i + 5000).map((e) => ({
      action: e.action,
      ot: e.objectType ?? null,
      oid: e.objectId === undefined ? null : String(e.objectId),
      label: e.objectLabel ?? null,
      path: e.orgPath ?? null,
      changes: e.changes ?? null,
      result: e.result,
      reason: e.reason ?? null,
    }));
    await tx.execute(sql`INSERT INTO audit_log (at, actor_person_id, actor_name, acting_org_id, ip, request_id, action, object_type, object_id, object_label, org_path, changes, result, reason)
        SELECT ${at.toISOString()}::timestamptz, ${who?.personId ?? null}::int, ${who?.name ?? null}::text, ${who?.actingOrgId ?? null}::int,
               ${who?.ip ?? null}::text, ${who?.requestId ?? null}::text, v.action, v.ot, v.oid, v.label, v.path, v.changes, v.result::audit_result, v.reason
          FROM ROWS FROM (json_to_recordset(${JSON.stringify(part)}::json)
                          AS (action text, ot text, oid text, label text, path text, changes jsonb, result text, reason text))
               WITH ORDINALITY AS v(action, ot, oid, label, path, changes, result, reason, ord)
         ORDER BY v.ord`);
  }
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
