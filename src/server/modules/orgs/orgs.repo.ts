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

/**
 * The grams a name must contain to match `q` anywhere (drizzle/0003_org_name_grams.sql): the query's
 * adjacent character pairs, or the character itself for a one-character query. Whitespace and
 * LIKE wildcards are left out: the check on the row (`orgNameContains`) covers those.
 */
export function queryGrams(q: string): string[] {
  const chars = [...q.toLowerCase()];
  const grams = chars.length === 1 ? chars : chars.slice(0, -1).map((c, i) => c + chars[i + 1]);
  return [...new Set(grams.filter((g) => !/[\s%_\\]/.test(g)))];
}

/**
 * Orgs whose short or full name contains `q`, answered from the gram index and confirmed on the row.
 * The confirmation is `strpos(name, q) > 0` when `q` has no letter with a case (Chinese, digits,
 * punctuation: nearly every search), and otherwise `lower(x) LIKE lower(p)`, which is what ILIKE
 * computes in a UTF-8 database. `lower()` of a 25-character full name was most of the statement's
 * time (2 µs a row: 5.5 of 7.8 ms for the 2,732 matches of “中学团委” at province scale); for a term
 * without cased letters, containing it and containing it ignoring case are the same thing. Neither
 * form is served by a pg_trgm index, so the planner never ANDs one with the gram index (a pg_trgm
 * bitmap is lossy and its recheck recomputed `zh_grams` for every candidate: 团支部 took 15 s).
 */
export function orgNameMatches(q: string, grams = queryGrams(q)): SQL {
  const candidates = orgNameCandidates(grams);
  return sql`(${candidates ? sql`${candidates} AND ` : sql``}${orgNameContains(q)})`;
}

/**
 * The row-level half of `orgNameMatches` alone: exact, and cheap enough to be checked on every entry
 * of an index walked in result order (`orgs_search_rank_idx`), which the gram condition is not
 * (`zh_grams` costs about 60 µs a row when evaluated outside its index).
 */
export function orgNameContains(q: string): SQL {
  if (isCaseless(q)) return sql`(strpos(${orgs.name}, ${q}) > 0 OR strpos(${orgs.fullName}, ${q}) > 0)`;
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql`(lower(${orgs.name}) LIKE lower(${pattern}) OR lower(${orgs.fullName}) LIKE lower(${pattern}))`;
}

/** True when no character of `q` has a case: then `x` contains `q` exactly when `lower(x)` does. */
export function isCaseless(q: string): boolean {
  return q.toLowerCase() === q && q.toUpperCase() === q;
}

/**
 * The gram-index half of `orgNameMatches`: a superset of the matches (undefined when there is no
 * gram). Any subset of the query's grams gives a superset too; see `pickGrams`.
 */
export function orgNameCandidates(grams: string[]): SQL | undefined {
  if (grams.length === 0) return undefined;
  return sql`zh_grams(${orgs.name} || ' ' || ${orgs.fullName}) @> ARRAY[${sql.join(grams.map((g) => sql`${g}`), sql`, `)}]::text[]`;
}

/** The frequencies ANALYZE keeps for the common grams (share of rows); a gram not in it is rarer. */
export type GramStats = Map<string, number>;

/**
 * The grams worth asking the index for: those too rare for ANALYZE to list (each a short posting
 * list; together they narrow the candidates most), or failing any, the single least frequent one.
 * The frequent ones add little but cost much: “演示企业3” is 演示 (145,053 orgs), 示企 and 企业
 * (108,311 each) and 业3 (6,935); 业3 alone gives the same 6,935 candidates at half the index time,
 * and a row estimate from one gram's frequency instead of the product of four (998 against 6,935),
 * so the choice between ranking every match and walking the rank index is made on a true figure.
 * Without statistics (never analyzed): all of them.
 */
export function pickGrams(grams: string[], stats: GramStats | null): string[] {
  if (!stats || grams.length <= 1) return grams;
  const rare = grams.filter((g) => !stats.has(g));
  if (rare.length > 0) return rare;
  return [grams.reduce((best, g) => (stats.get(g)! < stats.get(best)! ? g : best))];
}

/**
 * The gram statistics of `orgs_name_grams_idx` (pg_stats keeps the most common elements of an
 * indexed expression and their frequencies, followed by three summary numbers). Kept a minute per
 * database: they change only with ANALYZE.
 */
export async function gramStats(ex: Executor): Promise<GramStats | null> {
  const now = Date.now();
  const hit = gramStatsCache.get(ex);
  if (hit && now - hit.at < GRAM_STATS_TTL_MS) return hit.stats;
  const row = await one<{ elems: string[] | null; freqs: number[] | null }>(
    ex,
    sql`SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs
          FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'orgs_name_grams_idx'`,
  );
  let stats: GramStats | null = null;
  if (row?.elems && row.freqs && row.freqs.length === row.elems.length + 3) {
    const freqs = row.freqs;
    stats = new Map(row.elems.map((g, i) => [g, Number(freqs[i])]));
  }
  gramStatsCache.set(ex, { stats, at: now });
  return stats;
}
const gramStatsCache = new WeakMap<Executor, { stats: GramStats | null; at: number }>();
const GRAM_STATS_TTL_MS = 60_000;

/**
 * The live orgs members are about to be placed in (id, path, kind), read under FOR KEY SHARE. An org
 * move locks its whole subtree FOR UPDATE first (`moveOrg`), the one row lock that conflicts with key
 * share: either the placement commits first and the move's member update carries the member along, or
 * the placement waits and reads the moved path. A path read before (outside the lock) could be the
 * one a move had just rewritten. Key share is what the writes' own foreign-key checks take anyway.
 */
export async function placementTargets(ex: Executor, ids: number[]) {
  return ex
    .select({ id: orgs.id, path: orgs.path, kind: orgs.kind })
    .from(orgs)
    .where(and(sql`${orgs.id} = ANY(${sql.param(ids)}::int[])`, isNull(orgs.deletedAt)))
    .orderBy(asc(orgs.id))
    .for('key share');
}

/** A live org inside the scope, or null: missing and out-of-scope look the same (SEC-1). */
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

/**
 * The names of an org's ancestors from the one at `fromDepth` down to its parent, top down (where a
 * search hit sits below the acting org), read with the row instead of in a second round trip.
 */
export function ancestorNamesFrom(fromDepth: number) {
  return sql<string[]>`ARRAY(SELECT a.name FROM orgs a WHERE a.id = ANY(string_to_array(trim(BOTH '/' FROM ${outer(orgs.path)}), '/')::int[]) AND a.depth >= ${fromDepth} AND a.id <> ${outer(orgs.id)} ORDER BY a.depth)`;
}

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
