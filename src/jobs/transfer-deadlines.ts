import { and, asc, eq, isNull, lte, sql } from 'drizzle-orm';
import { transferNodes, transfers } from '../db/schema';
import { DAY_MS, NODE_REMIND_DAYS, NODE_KIND_LABELS } from '../domain/transfers';
import { writeAudit } from '../server/audit';
import type { AppContext } from '../server/context';
import { advance, notice } from '../server/modules/transfers/transfers.engine';
import { lockTransfer } from '../server/modules/transfers/transfers.repo';

const SYSTEM = { name: '系统自动通过' };
const BATCH = 200;

/**
 * TR-5, run by the scheduler under an advisory lock (and safe without it: every change is guarded by
 * the node's state). No look-back limit: every node due at or before now is approved, in due order,
 * and the decision is dated at its due time, so the next node opens then — a server down for a month
 * replays the whole chain. Allocation nodes never time out (TR-3). Then reminders for nodes open 10
 * days or more, once per node. Running it twice changes nothing the second time.
 */
export async function sweepTransferDeadlines(ctx: AppContext): Promise<{ approved: number; reminded: number }> {
  const now = ctx.clock.now();
  let approved = 0;
  for (;;) {
    const due = await ctx.db
      .select({ id: transferNodes.id, transferId: transferNodes.transferId })
      .from(transferNodes)
      .where(and(eq(transferNodes.state, 'PENDING'), eq(transferNodes.timeoutAction, 'AUTO_APPROVE'), lte(transferNodes.dueAt, now)))
      .orderBy(asc(transferNodes.dueAt), asc(transferNodes.id))
      .limit(BATCH);
    if (due.length === 0) break;
    for (const d of due) {
      const done = await ctx.db.transaction(async (tx) => {
        const t = await lockTransfer(tx, d.transferId);
        if (!t || t.status !== 'OPEN') return false;
        const [node] = await tx
          .update(transferNodes)
          .set({ state: 'AUTO_APPROVED', decidedAt: sql`${transferNodes.dueAt}`, decidedByPersonId: null, decidedByName: null, decidedByOrgId: null })
          .where(and(eq(transferNodes.id, d.id), eq(transferNodes.state, 'PENDING'), lte(transferNodes.dueAt, now)))
          .returning();
        if (!node) return false;
        const at = node.dueAt!;
        // The audit row says when the system acted; the node keeps the due time as its decision time.
        await writeAudit(tx, ctx, SYSTEM, {
          action: 'TRANSFER_AUTO_APPROVE',
          result: 'OK',
          objectType: 'transfer',
          objectId: t.id,
          objectLabel: t.memberName,
          orgPath: t.fromPath,
          changes: { [`node${node.seq}`]: { before: 'PENDING', after: 'AUTO_APPROVED' } },
          reason: `${NODE_KIND_LABELS[node.kind]}超过15天未处理，系统自动通过（到期时间 ${at.toISOString()}）`,
        });
        await notice(tx, ctx, { orgId: node.orgId, transferId: t.id, nodeId: node.id, kind: 'AUTO_APPROVED', message: `${t.memberName}的组织关系转接（${NODE_KIND_LABELS[node.kind]}）超过15天未处理，已由系统自动通过` }, at);
        await advance(tx, ctx, t, at, SYSTEM);
        return true;
      });
      if (done) approved++;
    }
  }

  const cutoff = new Date(now.getTime() - NODE_REMIND_DAYS * DAY_MS);
  const reminded = await ctx.db.transaction(async (tx) => {
    const nodes = await tx
      .update(transferNodes)
      .set({ remindedAt: now })
      .where(and(eq(transferNodes.state, 'PENDING'), isNull(transferNodes.remindedAt), lte(transferNodes.openedAt, cutoff)))
      .returning();
    for (const n of nodes) {
      const [t] = await tx.select({ memberName: transfers.memberName }).from(transfers).where(eq(transfers.id, n.transferId));
      const due = n.dueAt ? `，将于${n.dueAt.toISOString().slice(0, 10)}到期${n.timeoutAction === 'AUTO_APPROVE' ? '并由系统自动通过' : ''}` : '';
      await notice(tx, ctx, { orgId: n.orgId, transferId: n.transferId, nodeId: n.id, kind: 'REMINDER', message: `${t?.memberName ?? ''}的组织关系转接（${NODE_KIND_LABELS[n.kind]}）已超过10天未处理${due}` });
    }
    return nodes.length;
  });
  return { approved, reminded };
}
