import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../../src/db/client';

/** Orgs whose rollup (base + pending deltas) or branch_stats differ from a direct count of active members. */
export async function rollupDrift(ex: Executor): Promise<unknown[]> {
  const orgDrift = await rows(
    ex,
    sql`SELECT o.id, o.name, COALESCE(r.members_active, 0) AS rollup, d.direct
        FROM orgs o
        LEFT JOIN org_rollups r ON r.org_id = o.id
        CROSS JOIN LATERAL (SELECT count(*)::int AS direct FROM members m WHERE m.status = 'ACTIVE' AND left(m.org_path, length(o.path)) = o.path) d
        WHERE COALESCE(r.members_active, 0) <> d.direct`,
  );
  const branchDrift = await rows(
    ex,
    sql`SELECT o.id, COALESCE(s.active, 0) AS stats, d.direct
        FROM orgs o
        LEFT JOIN branch_stats s ON s.branch_id = o.id
        CROSS JOIN LATERAL (SELECT count(*)::int AS direct FROM members m WHERE m.status = 'ACTIVE' AND m.branch_id = o.id) d
        WHERE o.kind = 'BRANCH' AND COALESCE(s.active, 0) <> d.direct`,
  );
  return [...orgDrift, ...branchDrift];
}
