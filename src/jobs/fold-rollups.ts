import { sql } from 'drizzle-orm';
import type { AppContext } from '../server/context';

/**
 * Folds the supervision rollup deltas (drizzle/0010_rollup_deltas.sql) into the base table. Readers
 * see base + pending deltas through the `org_rollups` view, so the figures are exact whether or not
 * this has run; it only keeps the delta table small.
 */
export async function foldRollupDeltas(ctx: Pick<AppContext, 'db'>): Promise<void> {
  await ctx.db.execute(sql`SELECT sup_fold_rollup_deltas()`);
}
