import { eq, sql } from 'drizzle-orm';
import { rows } from '../../src/db/client';
import { orgs } from '../../src/db/schema';
import { inSubtree, moveSubtree } from '../../src/server/modules/orgs/orgs.repo';
import { lockOpenTransfers, moveTransferPaths } from '../../src/server/modules/transfers/transfers.repo';
import type { TestApp } from './app';

/**
 * `moveOrg`'s locks and rewrites without its checks and audit rows, held open until `release()`: the
 * open transfers touching the subtree, then the subtree FOR UPDATE, then orgs, members and transfers
 * rewritten under the new parent.
 */
export async function holdMove(t: TestApp, orgId: number, newParent: { id: number; path: string; depth: number }) {
  const [org] = await t.ctx.db.select().from(orgs).where(eq(orgs.id, orgId));
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let held!: () => void;
  const holding = new Promise<void>((r) => (held = r));
  const done = t.ctx.db.transaction(async (tx) => {
    await lockOpenTransfers(tx, org!.path);
    await tx.execute(sql`SELECT id FROM orgs WHERE ${inSubtree(orgs.path, org!.path)} ORDER BY id FOR UPDATE`);
    await moveSubtree(tx, org!, newParent, new Date());
    await moveTransferPaths(tx, org!.path, `${newParent.path}${org!.id}/`);
    held();
    await gate;
  });
  await holding;
  return { release, done };
}

/** Resolves once `request` waits for a row lock in this database, or once it has settled (it never waited). */
export async function waitsForLock<T>(t: TestApp, request: Promise<T>): Promise<void> {
  let settled = false;
  void request.finally(() => (settled = true)).catch(() => undefined);
  for (let i = 0; i < 200 && !settled; i++) {
    const [w] = await rows<{ n: number }>(t.ctx.db, sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    if (w!.n > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}
