// The node engine (TR-2/3/5): opening nodes, advancing, completing (the member moves), notices.
// Every function here runs inside the caller's transaction and uses only `tx`; the two single-statement
// writes (`applyDecision`, `completeInOne`) may also run on their own, a statement being atomic.
import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { namedStatement, rows, type Executor, type Tx } from '../../../db/client';
import { orgs, transferNodes, transferNotices, transferSpecialPools, transfers } from '../../../db/schema';
import { DomainError } from '../../../domain/errors';
import { childPath } from '../../../domain/scope';
import { dueAt, NODE_KIND_LABELS, TRANSFER_REASON_LABELS, TRANSFER_TEXTS, textParts, transferMembershipNote } from '../../../domain/transfers';
import { AUDIT_COLUMNS, auditActorColumns, type AuditChanges, type AuditWho } from '../../audit';
import type { AppContext } from '../../context';
import { nextOrgId, placementTargets } from '../orgs/orgs.repo';
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

const P = (key: string) => sql.placeholder(key);

/**
 * The decision as the first CTEs: the open transfer's row is locked first (as by every writer of its
 * nodes; a no-op when the caller holds it), then the node is decided only while still pending — a
 * node changed by the lock's previous holder is re-read by the update, so of two admins one wins.
 * Values are placeholders (`decisionValues`): the statements below are built once and run by name.
 */
const decidedCte = sql`locked AS (SELECT id FROM transfers WHERE id = ${P('tid')}::int AND status = 'OPEN' FOR UPDATE),
    decided AS (
      UPDATE transfer_nodes SET state = ${P('state')}::transfer_node_state, decided_at = ${P('at')}::timestamptz, decided_by_person_id = ${P('byPerson')}::int,
             decided_by_name = ${P('byName')}::text, decided_by_org_id = ${P('byOrg')}::int, note = ${P('note')}::text, allocated_branch_id = ${P('allocated')}::int
       WHERE id = ${P('nodeId')}::int AND transfer_id = ${P('tid')}::int AND state = 'PENDING' AND EXISTS (SELECT 1 FROM locked) RETURNING id)`;

const decisionAuditRow = sql`(0, ${P('dAction')}::text, ${P('dPath')}::text, ${P('dChanges')}::jsonb, ${P('dReason')}::text)`;

/** Audit columns of one actor at one time as placeholders (`auditActorValues`), in AUDIT_COLUMNS order. */
const actorColumns = sql`${P('loggedAt')}::timestamptz, ${P('actorPerson')}::int, ${P('actorName')}::text, ${P('actingOrg')}::int, ${P('ip')}::text, ${P('requestId')}::text`;

function auditActorValues(at: Date, who: AuditWho) {
  return { loggedAt: at.toISOString(), actorPerson: who?.personId ?? null, actorName: who?.name ?? null, actingOrg: who?.actingOrgId ?? null, ip: who?.ip ?? null, requestId: who?.requestId ?? null };
}

function decisionValues(tid: number, d: NodeDecision, at: Date) {
  return {
    tid,
    state: d.state,
    at: at.toISOString(),
    byPerson: d.by.personId,
    byName: d.by.name,
    byOrg: d.by.orgId,
    note: d.note,
    allocated: d.allocatedBranchId,
    nodeId: d.nodeId,
    dAction: d.audit.action,
    dPath: d.audit.orgPath,
    dChanges: JSON.stringify(d.audit.changes),
    dReason: d.audit.reason,
  };
}

const decisionStatement = (open: boolean) =>
  namedStatement<{ n: number }>(
    open ? 'transfer_decide_open' : 'transfer_decide',
    sql`WITH ${decidedCte}${
      open
        ? sql`, opened AS (
        UPDATE transfer_nodes SET state = 'PENDING', opened_at = ${P('at')}::timestamptz, due_at = ${P('openDue')}::timestamptz
         WHERE id = ${P('openId')}::int AND state = 'WAITING' AND EXISTS (SELECT 1 FROM decided))`
        : sql``
    },
      logged AS (
        INSERT INTO audit_log (${AUDIT_COLUMNS})
        SELECT ${actorColumns}, v.action, 'transfer', ${P('tidText')}::text, ${P('memberName')}::text, v.path, v.changes, 'OK', v.reason
          FROM decided, (VALUES ${decisionAuditRow}) AS v(ord, action, path, changes, reason))
    SELECT count(*)::int AS n FROM decided`,
  );
const decideOnly = decisionStatement(false);
const decideAndOpen = decisionStatement(true);

/**
 * A decision and what follows it in one statement (each round trip counts when 50 admins approve
 * at once; on its own it needs no transaction around it): the node is decided and its audit row
 * written, then — only if it was still pending — the next node opens at `at` (due `dueAt`, TR-5).
 * Returns false, with nothing written, when the transfer was no longer open or the node no longer
 * pending.
 */
export async function applyDecision(ex: Executor, transfer: TransferRow, d: NodeDecision, at: Date, who: AuditWho, open: { nodeId: number; dueAt: Date } | null): Promise<boolean> {
  const values = { ...decisionValues(transfer.id, d, at), ...auditActorValues(at, who), tidText: String(transfer.id), memberName: transfer.memberName };
  const [row] = open
    ? await decideAndOpen(ex, { ...values, openId: open.nodeId, openDue: open.dueAt.toISOString() })
    : await decideOnly(ex, values);
  return (row?.n ?? 0) > 0;
}

const changesSql = sql`jsonb_build_object('branchId', jsonb_build_object('before', m.branch_id, 'after', ${P('branchId')}::int))`;
const completionStatement = (withDecision: boolean) =>
  namedStatement<{ n: number }>(
    withDecision ? 'transfer_decide_complete' : 'transfer_complete',
    sql`WITH ${withDecision ? sql`${decidedCte},` : sql``}
      b AS (SELECT path FROM orgs WHERE id = ${P('branchId')}::int${withDecision ? sql` AND EXISTS (SELECT 1 FROM decided)` : sql``} FOR KEY SHARE),
      m AS (SELECT id, branch_id, org_path FROM members WHERE id = ${P('memberId')}::int AND EXISTS (SELECT 1 FROM b) FOR UPDATE),
      ended AS (
        UPDATE memberships SET ended_at = ${P('at')}::timestamptz, end_reason = 'TRANSFER', note = ${P('note2')}::text
         WHERE member_id = (SELECT id FROM m) AND ended_at IS NULL RETURNING 1),
      started AS (
        INSERT INTO memberships (member_id, branch_id, started_at, start_reason, note)
        SELECT m.id, ${P('branchId')}::int, ${P('at')}::timestamptz, 'TRANSFER', ${P('note2')}::text FROM m, (SELECT count(*) FROM ended) AS e),
      moved AS (
        UPDATE members SET branch_id = ${P('branchId')}::int, org_path = (SELECT path FROM b), updated_at = ${P('at')}::timestamptz WHERE id = (SELECT id FROM m) RETURNING 1),
      closed AS (
        UPDATE transfers SET status = 'COMPLETED', ended_at = ${P('at')}::timestamptz, final_branch_id = ${P('branchId')}::int
         WHERE id = ${P('tid')}::int AND EXISTS (SELECT 1 FROM moved)),
      logged AS (
        INSERT INTO audit_log (${AUDIT_COLUMNS}, also_org_path)
        SELECT ${actorColumns}, v.action, 'transfer', ${P('tidText')}::text, ${P('memberName')}::text, v.path, v.changes, 'OK', v.reason,
               CASE WHEN v.ord = 1 THEN NULLIF(b.path::text, m.org_path::text) END
          FROM m CROSS JOIN b CROSS JOIN LATERAL (VALUES ${withDecision ? sql`${decisionAuditRow},` : sql``}
                 (1, 'TRANSFER_COMPLETE', m.org_path::text, ${changesSql}, ${P('reason')}::text)) AS v(ord, action, path, changes, reason)
         ORDER BY v.ord),
      noticed AS (
        INSERT INTO transfer_notices (org_id, transfer_id, node_id, kind, message, created_at)
        SELECT ${P('noticeOrg')}::int, ${P('tid')}::int, NULL, 'COMPLETED', ${P('noticeMessage')}::text, ${P('at')}::timestamptz FROM m
         WHERE ${P('noticeOrg')}::int IS NOT NULL
        ON CONFLICT DO NOTHING)
    SELECT count(*)::int AS n FROM m`,
  );
const completeOnly = completionStatement(false);
const decideAndComplete = completionStatement(true);

/**
 * TR-3 in one statement: the member is locked and read, the open membership period ends and the
 * new one starts (the end runs first, so the one-open-period index sees it closed), the member moves,
 * the transfer closes, the audit rows (old branch, then new) and the notice (to the starting org, when
 * an org started it) are written. With `decision` the transfer is locked and the node decided first in
 * the same statement, and its audit row comes before the others; then nothing is written unless the
 * transfer was open and the node still pending (returns false). The member's row is locked after the
 * transfer's, as in the sweep. The branch's path is read here under key share, as `placementTargets`
 * reads it (why: there), not taken from the caller's earlier read.
 */
export async function completeInOne(
  ex: Executor,
  p: { transfer: TransferRow; branch: { id: number; path: string; name: string }; at: Date; loggedAt: Date; who: AuditWho; decision?: NodeDecision },
): Promise<boolean> {
  const { transfer: t, branch, decision } = p;
  const values = {
    ...(decision ? decisionValues(t.id, decision, p.at) : { tid: t.id, at: p.at.toISOString() }),
    ...auditActorValues(p.loggedAt, p.who),
    memberId: t.memberId,
    note2: transferMembershipNote(t.id),
    branchId: branch.id,
    tidText: String(t.id),
    memberName: t.memberName,
    reason: TRANSFER_TEXTS.completionReason(TRANSFER_REASON_LABELS[t.reason], branch.name),
    noticeOrg: t.startedByOrgId,
    noticeMessage: TRANSFER_TEXTS.completionNotice(t.memberName, branch.name),
  };
  const [row] = await (decision ? decideAndComplete : completeOnly)(ex, values);
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
 * target that is no longer a live branch) through `advance`. Returns, for `writeSweepRecords`, each
 * completed transfer with its member's branch and path before the move.
 */
export async function completeMany(tx: Tx, items: Completion[]): Promise<{ moved: MovedMember[]; rest: Completion[] }> {
  if (items.length === 0) return { moved: [], rest: [] };
  const branchIds = [...new Set(items.map((c) => c.transfer.toOrgId!))];
  const branchRows = await placementTargets(tx, branchIds);
  const branches = new Map(branchRows.filter((b) => b.kind === 'BRANCH').map((b) => [b.id, b]));
  const rest = items.filter((c) => !branches.has(c.transfer.toOrgId!));
  const go = items.filter((c) => branches.has(c.transfer.toOrgId!));
  if (go.length === 0) return { moved: [], rest };

  const memberIds = go.map((c) => c.transfer.memberId);
  const tids = go.map((c) => c.transfer.id);
  const to = go.map((c) => branches.get(c.transfer.toOrgId!)!);
  // One statement for the whole set (each CTE one pass): the members are locked in id order, as every
  // other writer of members does, and read before they move (the audit rows' "before"); the open
  // periods end before the new ones start (the one-open-period index); the member moves and the
  // transfers close. Every target table is also restricted by `= ANY(ids)`: joined only to the
  // unnest, the planner walked a whole primary key in a merge join (all members per batch).
  const before = await rows<{ tid: number; branchId: number; orgPath: string }>(
    tx,
    sql`WITH v AS MATERIALIZED (
        SELECT * FROM json_to_recordset(${JSON.stringify(go.map((c, i) => ({ tid: c.transfer.id, mid: c.transfer.memberId, b: to[i]!.id, p: to[i]!.path, at: c.at.toISOString(), note: transferMembershipNote(c.transfer.id) })))}::json)
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
      SELECT v.tid, l.branch_id AS "branchId", l.org_path AS "orgPath" FROM locked l JOIN v ON v.mid = l.id
       WHERE (SELECT count(*) FROM started) + (SELECT count(*) FROM moved) + (SELECT count(*) FROM closed) >= 0`,
  );
  return { moved: before.map((b) => ({ transferId: b.tid, branchId: b.branchId, orgPath: b.orgPath })), rest };
}

/** A member moved by `completeMany`: where it was before. */
export interface MovedMember {
  transferId: number;
  branchId: number;
  orgPath: string;
}

/**
 * The TR-5 sweep's audit rows and notices for one batch, built in PostgreSQL from the rows just
 * written instead of sent as one JSON value per row (reading 30,000 such rows cost a batch more than
 * writing them). The rows and their order are those of deciding the nodes one by one: for each
 * decided node, in `decidedIds` order, its approval row (under the sending side's path) and, when the
 * transfer completed here, its completion row (the old branch, and also the new one when it differs); then
 * one AUTO_APPROVED notice per node to its org, and one COMPLETED notice per completion to the org
 * that started the transfer. `decidedIds` are AUTO_APPROVED nodes decided at their due time.
 */
export async function writeSweepRecords(tx: Tx, loggedAt: Date, who: AuditWho, decidedIds: number[], moved: MovedMember[]): Promise<void> {
  if (decidedIds.length === 0) return;
  const nodeLabels = JSON.stringify(NODE_KIND_LABELS);
  const reasonLabels = JSON.stringify(TRANSFER_REASON_LABELS);
  // TRANSFER_TEXTS filled in SQL: the same texts as one transfer at a time.
  const fill = (text: (a: string, b: string) => string, a: SQL, b: SQL) => {
    const [before, between, after] = textParts(text);
    return sql`(${before}::text || (${a}) || ${between}::text || (${b}) || ${after}::text)`;
  };
  await tx.execute(sql`
    WITH d AS MATERIALIZED (
      SELECT d.ord, n.id AS node_id, n.seq, n.kind::text AS kind, n.org_id, n.due_at, t.id AS tid, t.member_name, t.from_path, t.reason::text AS reason,
             t.started_by_org_id, t.final_branch_id, ${nodeLabels}::jsonb ->> n.kind::text AS node_label
        FROM unnest(${arr(decidedIds, 'int')}) WITH ORDINALITY AS d(id, ord)
        JOIN transfer_nodes n ON n.id = d.id AND n.id = ANY(${arr(decidedIds, 'int')})
        JOIN transfers t ON t.id = n.transfer_id),
    c AS MATERIALIZED (
      SELECT d.*, mv.branch_id AS before_branch, mv.org_path AS before_path, b.path AS branch_path, b.name AS branch_name
        FROM unnest(${arr(moved.map((m) => m.transferId), 'int')}, ${arr(moved.map((m) => m.branchId), 'int')}, ${arr(moved.map((m) => m.orgPath), 'text')})
             AS mv(tid, branch_id, org_path)
        JOIN d ON d.tid = mv.tid
        JOIN orgs b ON b.id = d.final_branch_id),
    logged AS (
      INSERT INTO audit_log (${AUDIT_COLUMNS}, also_org_path)
      SELECT ${auditActorColumns(loggedAt, who)}, r.action, 'transfer', r.tid::text, r.member_name, r.path, r.changes, 'OK', r.reason, r.also
        FROM (
          SELECT d.ord, 0 AS sub, 'TRANSFER_AUTO_APPROVE' AS action, d.tid, d.member_name, d.from_path::text AS path, NULL::text AS also,
                 jsonb_build_object('node' || d.seq, jsonb_build_object('before', 'PENDING', 'after', 'AUTO_APPROVED')) AS changes,
                 ${fill(TRANSFER_TEXTS.autoApprovalReason, sql`d.node_label`, sql`to_char(d.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`)} AS reason
            FROM d
          UNION ALL
          SELECT c.ord, 1, 'TRANSFER_COMPLETE', c.tid, c.member_name, c.before_path::text,
                 NULLIF(c.branch_path::text, c.before_path::text),
                 jsonb_build_object('branchId', jsonb_build_object('before', c.before_branch, 'after', c.final_branch_id)),
                 ${fill(TRANSFER_TEXTS.completionReason, sql`${reasonLabels}::jsonb ->> c.reason`, sql`c.branch_name`)}
            FROM c) AS r
       ORDER BY r.ord, r.sub
      RETURNING 1)
    INSERT INTO transfer_notices (org_id, transfer_id, node_id, kind, message, created_at)
    SELECT x.org_id, x.tid, x.node_id, x.kind, x.message, x.at
      FROM (
        SELECT 0 AS part, d.ord, d.org_id, d.tid, d.node_id, 'AUTO_APPROVED' AS kind,
               ${fill(TRANSFER_TEXTS.autoApprovalNotice, sql`d.member_name`, sql`d.node_label`)} AS message, d.due_at AS at
          FROM d
        UNION ALL
        SELECT 1, c.ord, c.started_by_org_id, c.tid, NULL, 'COMPLETED', ${fill(TRANSFER_TEXTS.completionNotice, sql`c.member_name`, sql`c.branch_name`)}, c.due_at
          FROM c WHERE c.started_by_org_id IS NOT NULL) AS x
     WHERE (SELECT count(*) FROM logged) >= 0
     ORDER BY x.part, x.ord
    ON CONFLICT DO NOTHING`);
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
