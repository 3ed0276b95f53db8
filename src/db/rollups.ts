import { sql, type SQL } from 'drizzle-orm';

/**
 * A join of `orgs o` with the rollups of the orgs `ids` (a subquery of org ids) as `r`. org_rollups is
 * a grouped view (base + pending deltas): PostgreSQL pushes an `org_id = ANY(…)` restriction into it,
 * but not a join or LATERAL condition, which would aggregate every org of the province (300 ms at
 * 228,000 orgs) to return a handful of rows.
 */
export function withRollups(ids: SQL) {
  return sql`orgs o LEFT JOIN org_rollups r ON r.org_id = o.id AND r.org_id = ANY(ARRAY(${ids}))`;
}
