import { and, asc, count, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { one, outer, type Executor } from '../../../db/client';
import { cadrePositions, members, orgs } from '../../../db/schema';
import { subtreeRange } from '../../../domain/scope';

export type OrgRow = typeof orgs.$inferSelect;

/** SQL predicate: `column` (a path) lies in the subtree of `scopePath`. One btree range scan. */
export function inSubtree(column: unknown, scopePath: string) {
  const { lo, hi } = subtreeRange(scopePath);
  return sql`(${column} >= ${lo} AND ${column} < ${hi})`;
}

/** A live org inside the scope, or null: missing and out-of-scope look the same (SEC-1). */
/**
 * The grams a name must contain to match `q` anywhere (drizzle/0003_org_name_grams.sql): the query's
 * adjacent character pairs, or the character itself for a one-character query. Whitespace and
 * LIKE wildcards are left out: ILIKE checks those.
 */
export function queryGrams(q: string): string[] {
  const chars = [...q.toLowerCase()];
  const grams = chars.length === 1 ? chars : chars.slice(0, -1).map((c, i) => c + chars[i + 1]);
  return [...new Set(grams.filter((g) => !/[\s%_\\]/.test(g)))];
}

/**
 * Orgs whose short or full name contains `q`, answered from the gram index and confirmed by a
 * case-insensitive LIKE. Written `lower(x) LIKE lower(p)`, which is what ILIKE computes in a UTF-8
 * database, so that the planner never combines the pg_trgm indexes with the gram index: every row a
 * pg_trgm bitmap returns is rechecked, and the recheck recomputes `zh_grams` (3-character terms such
 * as “团支部” took 15 s at province scale, “演示企业3” 1.2 s; with the gram index alone 0.1 s and 16 ms).
 */
export function orgNameMatches(q: string): SQL {
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const candidates = orgNameCandidates(q);
  return sql`(${candidates ? sql`${candidates} AND ` : sql``}(lower(${orgs.name}) LIKE lower(${pattern}) OR lower(${orgs.fullName}) LIKE lower(${pattern})))`;
}

/**
 * The gram-index half of `orgNameMatches`: a superset of the matches (undefined when `q` has no
 * gram). Its row estimate is the good one: ANALYZE keeps the frequencies of common grams.
 */
export function orgNameCandidates(q: string): SQL | undefined {
  const grams = queryGrams(q);
  if (grams.length === 0) return undefined;
  return sql`zh_grams(${orgs.name} || ' ' || ${orgs.fullName}) @> ARRAY[${sql.join(grams.map((g) => sql`${g}`), sql`, `)}]::text[]`;
}

export async function findOrgInScope(ex: Executor, id: number, scopePath: string): Promise<OrgRow | null> {
  const [row] = await ex
    .select()
    .from(orgs)
    .where(and(eq(orgs.id, id), isNull(orgs.deletedAt), inSubtree(orgs.path, scopePath)));
  return row ?? null;
}

export async function findOrg(ex: Executor, id: number): Promise<OrgRow | null> {
  const [row] = await ex.select().from(orgs).where(and(eq(orgs.id, id), isNull(orgs.deletedAt)));
  return row ?? null;
}

const childCountSql = sql<number>`(SELECT count(*)::int FROM orgs c WHERE c.parent_id = ${outer(orgs.id)} AND c.deleted_at IS NULL)`;
const memberCountSql = sql<number>`(SELECT count(*)::int FROM members m WHERE m.branch_id = ${outer(orgs.id)} AND m.status = 'ACTIVE')`;

export const summaryColumns = {
  id: orgs.id,
  parentId: orgs.parentId,
  path: orgs.path,
  name: orgs.name,
  fullName: orgs.fullName,
  kind: orgs.kind,
  leadershipLevel: orgs.leadershipLevel,
  specialKind: orgs.specialKind,
  category: orgs.category,
  industryCategory: orgs.industryCategory,
  regionCode: orgs.regionCode,
  isTownship: orgs.isTownship,
  schoolCode: orgs.schoolCode,
  graduationAt: orgs.graduationAt,
  graduationExemptReason: orgs.graduationExemptReason,
  childCount: childCountSql,
  memberCount: memberCountSql,
};

export async function listChildren(ex: Executor, parentId: number, page: number, pageSize: number) {
  const where = and(eq(orgs.parentId, parentId), isNull(orgs.deletedAt));
  const [items, [total]] = await Promise.all([
    ex
      .select(summaryColumns)
      .from(orgs)
      .where(where)
      // Leadership organs first, then committees, then branches (special ones last); within a kind in
      // the official order of region codes, then by name.
      .orderBy(asc(orgs.kind), sql`${orgs.specialKind} NULLS FIRST`, sql`${orgs.regionCode} NULLS LAST`, asc(orgs.name), asc(orgs.id))
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    ex.select({ n: count() }).from(orgs).where(where),
  ]);
  return { items, total: total?.n ?? 0 };
}

export async function countsOf(ex: Executor, org: OrgRow) {
  const result = await one<{ children: number; direct_members: number; subtree_members: number; active_cadres: number }>(
    ex,
    sql`SELECT
      (SELECT count(*)::int FROM orgs WHERE parent_id = ${org.id} AND deleted_at IS NULL) AS children,
      (SELECT count(*)::int FROM members WHERE branch_id = ${org.id} AND status = 'ACTIVE') AS direct_members,
      (SELECT count(*)::int FROM members WHERE ${inSubtree(members.orgPath, org.path)} AND status = 'ACTIVE') AS subtree_members,
      (SELECT count(*)::int FROM cadre_positions WHERE org_id = ${org.id} AND ended_at IS NULL) AS active_cadres`,
  );
  return {
    children: result?.children ?? 0,
    directMembers: result?.direct_members ?? 0,
    subtreeMembers: result?.subtree_members ?? 0,
    activeCadres: result?.active_cadres ?? 0,
  };
}

/** Names of the given org ids (for breadcrumbs). */
export async function namesOf(ex: Executor, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const list = await ex.select({ id: orgs.id, name: orgs.name }).from(orgs).where(inArray(orgs.id, ids));
  return new Map(list.map((r) => [r.id, r.name]));
}

export async function nextOrgId(ex: Executor): Promise<number> {
  const row = await one<{ id: number }>(ex, sql`SELECT nextval(pg_get_serial_sequence('orgs', 'id'))::int AS id`);
  return row!.id;
}

/**
 * Moves a subtree: rewrites the path and depth of every org below it and the path of every member in
 * it, in one statement (a data-modifying CTE), so readers never see half a move.
 */
export async function moveSubtree(
  ex: Executor,
  org: { id: number; path: string; depth: number },
  newParent: { id: number; path: string; depth: number },
  now: Date,
): Promise<{ orgs: number; members: number }> {
  const newPath = `${newParent.path}${org.id}/`;
  const delta = newParent.depth + 1 - org.depth;
  const cut = org.path.length + 1;
  const result = await one<{ orgs: number; members: number }>(
    ex,
    sql`WITH moved_orgs AS (
          UPDATE orgs
             SET path = ${newPath} || substr(path, ${cut}),
                 depth = depth + ${delta},
                 parent_id = CASE WHEN id = ${org.id} THEN ${newParent.id}::int ELSE parent_id END,
                 updated_at = ${now}
           WHERE ${inSubtree(orgs.path, org.path)}
       RETURNING id
        ), moved_members AS (
          UPDATE members
             SET org_path = ${newPath} || substr(org_path, ${cut})
           WHERE ${inSubtree(members.orgPath, org.path)}
       RETURNING id
        )
        SELECT (SELECT count(*)::int FROM moved_orgs) AS orgs, (SELECT count(*)::int FROM moved_members) AS members`,
  );
  return result ?? { orgs: 0, members: 0 };
}

export async function activeCadreCount(ex: Executor, orgId: number): Promise<number> {
  const [row] = await ex
    .select({ n: count() })
    .from(cadrePositions)
    .where(and(eq(cadrePositions.orgId, orgId), isNull(cadrePositions.endedAt)));
  return row?.n ?? 0;
}

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const code = e.code ?? e.cause?.code;
  const name = e.constraint ?? e.cause?.constraint;
  return code === '23505' && (!constraint || name === constraint);
}
