import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import { one, rows, type Executor, type Tx } from '../db/client';
import { transferNodes, transfers } from '../db/schema';
import { DAY_MS, NODE_REMIND_DAYS, NODE_KIND_LABELS, dueAt } from '../domain/transfers';
import type { AppContext } from '../server/context';
import { advance, completeMany, noticeMany, writeSweepRecords, type Completion, type CompletingTransfer } from '../server/modules/transfers/transfers.engine';
import type { TransferRow } from '../server/modules/transfers/transfers.repo';

const SYSTEM = { name: '系统自动通过' };
/** Due nodes decided per transaction: large enough that per-statement costs vanish, small enough to keep locks short. */
export const SWEEP_BATCH = 10000;
const SWEEP_WORKERS = 2;

const arr = (values: unknown[], type: string) => sql`${sql.param(values)}::${sql.raw(type)}[]`;

/**
 * TR-5, run by the scheduler under an advisory lock (and safe without it: every change is guarded by
 * the transfer's row lock and the node's state). No look-back limit: every node due at or before now
 * is approved, in due order, and the decision is dated at its due time, so the next node opens then —
 * a server down for a month replays the whole chain (a node opened by one batch is due in a later
 * one). Allocation nodes never time out (TR-3). Then reminders for nodes open 10 days or more, once
 * per node. Running it twice changes nothing the second time.
 *
 * Set-based (issue 6/7): each transaction takes up to SWEEP_BATCH due nodes and decides them with a
 * few statements for the whole batch — the same outcome, audit rows and notices as deciding them one
 * by one. Transfers an admin is deciding right now are skipped (SKIP LOCKED): the admin's decision
 * stands, and were it rolled back, the next run picks the node up.
 */
export async function sweepTransferDeadlines(ctx: AppContext): Promise<{ approved: number; reminded: number }> {
  const now = ctx.clock.now();
  let approved = 0;
  // On PostgreSQL two batches run at once (SKIP LOCKED hands each its own nodes), so one batch's
  // statements run while the other's rows are prepared; PGlite has one connection.
  const workers = ctx.database.kind === 'pglite' ? 1 : SWEEP_WORKERS;
  const skipChecks = await maySkipReferenceChecks(ctx.db);
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (;;) {
        const n = await ctx.db.transaction((tx) => approveDueBatch(tx, ctx, now, skipChecks));
        if (n === 0) break;
        approved += n;
      }
    }),
  );

  const cutoff = new Date(now.getTime() - NODE_REMIND_DAYS * DAY_MS);
  const reminded = await ctx.db.transaction(async (tx) => {
    const nodes = await tx
      .update(transferNodes)
      .set({ remindedAt: now })
      .where(and(eq(transferNodes.state, 'PENDING'), isNull(transferNodes.remindedAt), lte(transferNodes.openedAt, cutoff)))
      .returning();
    if (nodes.length === 0) return 0;
    const names = new Map(
      (await tx.select({ id: transfers.id, memberName: transfers.memberName }).from(transfers).where(sql`${transfers.id} = ANY(${arr([...new Set(nodes.map((n) => n.transferId))], 'int')})`)).map((t) => [
        t.id,
        t.memberName,
      ]),
    );
    await noticeMany(
      tx,
      nodes.map((n) => {
        const due = n.dueAt ? `，将于${n.dueAt.toISOString().slice(0, 10)}到期${n.timeoutAction === 'AUTO_APPROVE' ? '并由系统自动通过' : ''}` : '';
        return { orgId: n.orgId, transferId: n.transferId, nodeId: n.id, kind: 'REMINDER', message: `${names.get(n.transferId) ?? ''}的组织关系转接（${NODE_KIND_LABELS[n.kind]}）已超过10天未处理${due}`, at: now };
      }),
    );
    return nodes.length;
  });
  return { approved, reminded };
}

/**
 * Whether this connection's role may set session_replication_role (a superuser, or PostgreSQL 15's
 * `GRANT SET ON PARAMETER session_replication_role`, docs/OPERATIONS.md). Without it the sweep runs
 * with PostgreSQL's foreign-key checks: the same rows, only slower.
 */
export async function maySkipReferenceChecks(ex: Executor): Promise<boolean> {
  try {
    return (await one<{ ok: boolean }>(ex, sql`SELECT has_parameter_privilege('session_replication_role', 'SET') AS ok`))?.ok === true;
  } catch {
    return false; // before PostgreSQL 15 the function does not exist
  }
}

/** One batch of TR-5 auto-approvals in `tx`; returns how many nodes it approved (0: nothing left). */
async function approveDueBatch(tx: Tx, ctx: AppContext, now: Date, skipChecks: boolean): Promise<number> {
  // Until `advance` below, the batch's statements skip PostgreSQL's per-row foreign-key checks (a
  // fifth of the sweep's time, docs/PERFORMANCE.md); drizzle/0021 keeps every trigger of ours firing.
  // Each reference they write is already proved in this transaction: the transfers are locked here,
  // the members in `completeMany`, the nodes by their update, the target branches under key share by
  // `placementTargets`; a notice's org is its node's or its transfer's, held by those rows' own keys;
  // decided_by_* are set to NULL. `advance` (the other completions) writes with the checks. A key
  // added later to a table written here must be proved here too, or its write moved after `origin`.
  if (skipChecks) await tx.execute(sql`SET LOCAL session_replication_role = replica`);
  // The transfer row is the lock every decision takes first (decideNode, cancel): held here, no
  // admin can decide these nodes until the batch commits; held by an admin or by the other worker,
  // the transfer is skipped and the next due one taken instead. SKIP LOCKED has to come before the
  // LIMIT, so the due nodes are sorted before locking: first only a window of the earliest (a top-N
  // sort in memory, room for the other worker's batch), the whole due set only when that window held
  // nothing to lock — sorting all of it for every batch was most of the batch's first statement.
  // The locked transfers' columns come back with the lock: FOR UPDATE returns the row it locked, its
  // latest committed version, so no second read of the same rows is needed.
  const lockDue = (window: number | null) =>
    rows<{ node: number } & CompletingTransfer>(
      tx,
      sql`SELECT c.id AS node, t.id, t.member_id AS "memberId", t.member_name AS "memberName", t.from_path AS "fromPath",
                 t.reason, t.to_org_id AS "toOrgId", t.started_by_org_id AS "startedByOrgId"
            FROM (SELECT n.id, n.transfer_id, n.due_at FROM transfer_nodes n
                   WHERE n.state = 'PENDING' AND n.timeout_action = 'AUTO_APPROVE' AND n.due_at <= ${now.toISOString()}::timestamptz
                   ORDER BY n.due_at, n.id ${window === null ? sql`` : sql`LIMIT ${window}`}) AS c
            JOIN transfers t ON t.id = c.transfer_id
           WHERE t.status = 'OPEN'
           ORDER BY c.due_at, c.id
           LIMIT ${SWEEP_BATCH}
             FOR UPDATE OF t SKIP LOCKED`,
    );
  let lockedRows = await lockDue(SWEEP_BATCH * (SWEEP_WORKERS + 1));
  if (lockedRows.length === 0) lockedRows = await lockDue(null);
  if (lockedRows.length === 0) return 0;

  // Decided by id (the primary key) with the state checked again: a node decided since the snapshot
  // of the lock statement stays as it is. The state is compared as text so that the partial index of
  // pending nodes cannot serve this statement: with the statistics of a moment before the due nodes
  // appeared, the planner read every due node through it for every batch instead of the ids.
  const decided = await tx
    .update(transferNodes)
    .set({ state: 'AUTO_APPROVED', decidedAt: sql`${transferNodes.dueAt}`, decidedByPersonId: null, decidedByName: null, decidedByOrgId: null })
    .where(
      and(
        sql`${transferNodes.id} = ANY(${arr(lockedRows.map((r) => r.node), 'int')})`,
        sql`${transferNodes.state}::text = 'PENDING'`,
        eq(transferNodes.timeoutAction, 'AUTO_APPROVE'),
        lte(transferNodes.dueAt, now),
      ),
    )
    // Only what the batch uses: rows of 10,000 nodes and transfers cost more to parse than to write.
    .returning({ id: transferNodes.id, transferId: transferNodes.transferId, seq: transferNodes.seq, kind: transferNodes.kind, orgId: transferNodes.orgId, dueAt: transferNodes.dueAt });
  if (decided.length === 0) return 0;
  decided.sort((a, b) => a.dueAt!.getTime() - b.dueAt!.getTime() || a.id - b.id);
  const byId = new Map<number, CompletingTransfer>(lockedRows.map(({ node: _node, ...t }) => [t.id, t]));

  // What follows each decided node (TR-2/3): the next waiting node opens at the due time, or the
  // transfer completes — in bulk for a transfer to a branch, through `advance` for the rest.
  const nextNodes = await tx
    .selectDistinctOn([transferNodes.transferId], { id: transferNodes.id, transferId: transferNodes.transferId })
    .from(transferNodes)
    .where(and(sql`${transferNodes.transferId} = ANY(${arr(decided.map((n) => n.transferId), 'int')})`, eq(transferNodes.state, 'WAITING')))
    .orderBy(asc(transferNodes.transferId), asc(transferNodes.seq));
  const next = new Map(nextNodes.map((n) => [n.transferId, n.id]));

  const opened: { id: number; at: Date }[] = [];
  const toBranch: Completion[] = [];
  const other: Completion[] = [];
  for (const node of decided) {
    const t = byId.get(node.transferId)!;
    const at = node.dueAt!;
    const nextId = next.get(t.id);
    if (nextId !== undefined) opened.push({ id: nextId, at });
    else if (t.reason !== 'SPECIAL_UNIT' && t.toOrgId !== null) toBranch.push({ transfer: t, at });
    else other.push({ transfer: t, at });
  }

  if (opened.length > 0) {
    await tx.execute(sql`UPDATE transfer_nodes AS n SET state = 'PENDING', opened_at = v.o, due_at = v.d
        FROM unnest(${arr(opened.map((o) => o.id), 'int')}, ${arr(opened.map((o) => o.at.toISOString()), 'timestamptz')},
                    ${arr(opened.map((o) => dueAt(o.at).toISOString()), 'timestamptz')}) AS v(id, o, d)
       WHERE n.id = v.id AND n.id = ANY(${arr(opened.map((o) => o.id), 'int')})`);
  }
  const done = await completeMany(tx, toBranch);
  // The audit row says when the system acted; the node keeps the due time as its decision time.
  await writeSweepRecords(tx, ctx.clock.now(), SYSTEM, decided.map((n) => n.id), done.moved);
  const rest = [...other, ...done.rest];
  if (rest.length > 0) {
    if (skipChecks) await tx.execute(sql`SET LOCAL session_replication_role = origin`);
    const full = new Map<number, TransferRow>(
      (await tx.select().from(transfers).where(sql`${transfers.id} = ANY(${arr(rest.map((c) => c.transfer.id), 'int')})`)).map((t) => [t.id, t]),
    );
    for (const c of rest) await advance(tx, ctx, full.get(c.transfer.id)!, c.at, SYSTEM);
  }
  return decided.length;
}
