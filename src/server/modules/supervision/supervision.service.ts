import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { rows as queryRows, type Executor } from '../../../db/client';
import { withRollups } from '../../../db/rollups';
import { eduCounts, leagueCensus, orgs } from '../../../db/schema';
import { chinaDate } from '../../../domain/dates';
import { DomainError, assertRule } from '../../../domain/errors';
import { pathIds } from '../../../domain/scope';
import { checkEduExplanation, gapsOverLimit, type EduCountField } from '../../../domain/supervision';
import {
  DEV_COLUMNS,
  EDU_COLUMNS,
  FIGURE_TITLES,
  GRADUATION_COLUMNS,
  ROLLUP_COLUMNS,
  formatCell,
  type FigureColumn,
  type FigureId,
  TRANSFER_COLUMNS,
  rankLagging,
} from '../../../domain/supervision-figures';
import { neutralizeCell } from '../../../lib/xlsx';
import { adminAuditActor, writeAudit } from '../../audit';
import type { AdminActor, AppContext } from '../../context';
import { inSubtree, namesOf, type OrgRow } from '../orgs/orgs.repo';
import { orgInScopeOr404 } from '../orgs/orgs.service';

/** The org a dashboard looks at: `orgId` if given (in scope, else 404 + audit), or the acting org. */
export async function dashboardOrg(ctx: AppContext, actor: AdminActor, orgId: number | undefined): Promise<OrgRow> {
  return orgInScopeOr404(ctx, actor, orgId ?? actor.scope.orgId);
}

export function currentYear(ctx: AppContext): number {
  return Number(chinaDate(ctx.clock.now()).slice(0, 4));
}

/** From the acting org down to `org` (never above the scope). */
async function breadcrumb(ex: Executor, actor: AdminActor, org: OrgRow) {
  const ids = pathIds(org.path);
  const from = ids.indexOf(actor.scope.orgId);
  const chain = ids.slice(from < 0 ? ids.length - 1 : from);
  const names = await namesOf(ex, chain);
  return chain.map((id) => ({ id, name: names.get(id) ?? String(id) }));
}

function head(o: OrgRow) {
  return { id: o.id, name: o.name, kind: o.kind, leadershipLevel: o.leadershipLevel };
}

interface RollupRow {
  org_id: number;
  name: string;
  kind: string;
  has_children: boolean;
  census: number | null;
  members_active: number;
  members_complete: number;
  members_since_2017: number;
  members_since_2019: number;
  members_late_2019: number;
  branches: number;
  branches_entered: number;
  school_branches: number;
  school_branches_marked: number;
  school_members: number;
  schools: number;
}

const ORDER = sql`o.kind, o.special_kind NULLS FIRST, o.region_code NULLS LAST, o.name, o.id`;

/**
 * ST-1…ST-4 for `org` and each live child: one rollup row each (maintained by triggers), so the cost
 * is the number of children, whatever the number of members below.
 */
async function rollupRows(ex: Executor, org: OrgRow, year: number) {
  const select = (ids: SQL) => sql`SELECT o.id AS org_id, o.name, o.kind::text AS kind,
      EXISTS (SELECT 1 FROM orgs c WHERE c.parent_id = o.id AND c.deleted_at IS NULL) AS has_children,
      lc.count AS census,
      coalesce(r.members_active, 0) AS members_active, coalesce(r.members_complete, 0) AS members_complete,
      coalesce(r.members_since_2017, 0) AS members_since_2017, coalesce(r.members_since_2019, 0) AS members_since_2019,
      coalesce(r.members_late_2019, 0) AS members_late_2019, coalesce(r.branches, 0) AS branches,
      coalesce(r.branches_entered, 0) AS branches_entered, coalesce(r.school_branches, 0) AS school_branches,
      coalesce(r.school_branches_marked, 0) AS school_branches_marked, coalesce(r.school_members, 0) AS school_members,
      coalesce(r.schools, 0) AS schools
    FROM ${withRollups(ids)}
    LEFT JOIN league_census lc ON lc.org_id = o.id AND lc.year = ${year}`;
  const [own, children] = await Promise.all([
    queryRows<RollupRow>(ex, sql`${select(sql`SELECT ${org.id}::int`)} WHERE o.id = ${org.id}`),
    queryRows<RollupRow>(
      ex,
      sql`${select(sql`SELECT c.id FROM orgs c WHERE c.parent_id = ${org.id} AND c.deleted_at IS NULL`)} WHERE o.parent_id = ${org.id} AND o.deleted_at IS NULL ORDER BY ${ORDER}`,
    ),
  ]);
  const map = (r: RollupRow) => ({
    orgId: r.org_id,
    name: r.name,
    kind: r.kind,
    hasChildren: r.has_children,
    census: r.census,
    membersActive: r.members_active,
    membersComplete: r.members_complete,
    membersSince2017: r.members_since_2017,
    membersSince2019: r.members_since_2019,
    membersLate2019: r.members_late_2019,
    branches: r.branches,
    branchesEntered: r.branches_entered,
    schoolBranches: r.school_branches,
    schoolBranchesMarked: r.school_branches_marked,
    schoolMembers: r.school_members,
    schools: r.schools,
  });
  return { total: map(own[0]!), rows: children.map(map) };
}

export async function figures(ctx: AppContext, actor: AdminActor, q: { orgId?: number; year?: number }) {
  const org = await dashboardOrg(ctx, actor, q.orgId);
  const year = q.year ?? currentYear(ctx);
  const [{ total, rows }, crumbs] = await Promise.all([rollupRows(ctx.db, org, year), breadcrumb(ctx.db, actor, org)]);
  return { org: head(org), breadcrumb: crumbs, year, canEnterCensus: actor.scope.kind === 'LEADERSHIP', total, rows };
}

/** Children of `org` with the drill-down facts, in the tree's order. */
async function childList(ex: Executor, org: OrgRow) {
  return queryRows<{ org_id: number; name: string; kind: string; has_children: boolean }>(
    ex,
    sql`SELECT o.id AS org_id, o.name, o.kind::text AS kind,
          EXISTS (SELECT 1 FROM orgs c WHERE c.parent_id = o.id AND c.deleted_at IS NULL) AS has_children
        FROM orgs o WHERE o.parent_id = ${org.id} AND o.deleted_at IS NULL ORDER BY ${ORDER}`,
  );
}

/** The id of the child of `org` a path lies under (SQL): the path element after `org`'s own. */
function childKey(org: OrgRow, column: unknown) {
  return sql`nullif(split_part(${column}, '/', ${org.depth + 3}), '')::int`;
}

/**
 * ST-5 for one graduation year: branches whose graduation time falls in the year (the year's
 * 毕业生团支部) and their active members, read from branch_stats; the 教统 columns come from the REP-3
 * entries. Scans the year's school branches of the subtree (far fewer than members). branch_stats is a
 * grouped view (base + deltas): it is restricted with `= ANY(…)` like `withRollups`, because a join or
 * LATERAL condition is not pushed into the grouping and aggregates every branch of the province.
 */
async function graduationFacts(ex: Executor, org: OrgRow, year: number) {
  const list = await queryRows<{ child: number | null; branches: number; members: number }>(
    ex,
    sql`WITH g AS MATERIALIZED (
          SELECT o.id, o.path FROM orgs o
           WHERE ${inSubtree(sql`o.path`, org.path)} AND o.kind = 'BRANCH' AND o.deleted_at IS NULL
             AND o.graduation_at >= ${`${year}-01`} AND o.graduation_at <= ${`${year}-12`})
        SELECT ${childKey(org, sql`g.path`)} AS child, count(*)::int AS branches, coalesce(sum(b.active), 0)::int AS members
          FROM g LEFT JOIN branch_stats b ON b.branch_id = g.id AND b.branch_id = ANY(ARRAY(SELECT id FROM g))
         GROUP BY 1`,
  );
  const byChild = new Map<number, { branches: number; members: number }>();
  const total = { branches: 0, members: 0 };
  for (const r of list) {
    total.branches += r.branches;
    total.members += r.members;
    if (r.child !== null) byChild.set(r.child, { branches: r.branches, members: r.members });
  }
  return { total, byChild };
}

async function eduEntries(ex: Executor, ids: number[], year: number) {
  if (ids.length === 0) return new Map<number, typeof eduCounts.$inferSelect>();
  const list = await ex.select().from(eduCounts).where(and(eq(eduCounts.year, year), sql`${eduCounts.orgId} IN ${ids}`));
  return new Map(list.map((e) => [e.orgId, e]));
}

export async function graduation(ctx: AppContext, actor: AdminActor, q: { orgId?: number; year?: number }) {
  const org = await dashboardOrg(ctx, actor, q.orgId);
  const year = q.year ?? currentYear(ctx);
  const [children, facts, crumbs] = await Promise.all([childList(ctx.db, org), graduationFacts(ctx.db, org, year), breadcrumb(ctx.db, actor, org)]);
  const edu = await eduEntries(ctx.db, [org.id, ...children.map((c) => c.org_id)], year);
  const row = (id: number, name: string, kind: string, hasChildren: boolean, f: { branches: number; members: number } | undefined) => {
    const e = edu.get(id);
    return {
      orgId: id,
      name,
      kind,
      hasChildren,
      gradBranches: f?.branches ?? 0,
      gradMembers: f?.members ?? 0,
      eduGradClasses: e ? e.gradClasses : null,
      eduGraduatingStudents: e ? e.graduatingStudents : null,
    };
  };
  return {
    org: head(org),
    breadcrumb: crumbs,
    year,
    total: row(org.id, org.name, org.kind, children.length > 0, facts.total),
    rows: children.map((c) => row(c.org_id, c.name, c.kind, c.has_children, facts.byChild.get(c.org_id))),
  };
}

/** One count per child of `org` (null: the org itself), from a grouped query. */
function byChild(list: { child: number | null; n: number }[]) {
  const map = new Map<number | null, number>();
  for (const r of list) map.set(r.child, (map.get(r.child) ?? 0) + r.n);
  return map;
}

/**
 * ST-6 for one campaign year (TR-12): per child, 学社衔接 transfers started from its subtree this year
 * and those completed; graduates still in its branches with no open transfer; approval nodes addressed
 * into it and pending for more than 10 days (TR-5). Each count reads a small indexed set (the year's
 * transfers, the graduates, the pending nodes), never all members.
 */
export async function transferProgress(ctx: AppContext, actor: AdminActor, q: { orgId?: number; year?: number }) {
  const org = await dashboardOrg(ctx, actor, q.orgId);
  const year = q.year ?? currentYear(ctx);
  const from = new Date(`${year}-01-01T00:00:00+08:00`);
  const to = new Date(`${year + 1}-01-01T00:00:00+08:00`);
  const cutoff = new Date(ctx.clock.now().getTime() - 10 * 86_400_000);
  const ex = ctx.database.readDb;
  const [children, crumbs, started, completed, waiting, overdue] = await Promise.all([
    childList(ex, org),
    breadcrumb(ex, actor, org),
    queryRows<{ child: number | null; n: number }>(
      ex,
      sql`SELECT ${childKey(org, sql`t.from_path`)} AS child, count(*)::int AS n FROM transfers t
           WHERE ${inSubtree(sql`t.from_path`, org.path)} AND t.school_to_society AND t.status <> 'CANCELLED'
             AND t.created_at >= ${from} AND t.created_at < ${to} GROUP BY 1`,
    ),
    queryRows<{ child: number | null; n: number }>(
      ex,
      sql`SELECT ${childKey(org, sql`t.from_path`)} AS child, count(*)::int AS n FROM transfers t
           WHERE ${inSubtree(sql`t.from_path`, org.path)} AND t.school_to_society AND t.status = 'COMPLETED'
             AND t.created_at >= ${from} AND t.created_at < ${to} GROUP BY 1`,
    ),
    queryRows<{ child: number | null; n: number }>(
      ex,
      sql`SELECT ${childKey(org, sql`m.org_path`)} AS child, count(*)::int AS n FROM members m
           WHERE ${inSubtree(sql`m.org_path`, org.path)} AND m.graduate_status = 'GRADUATE' AND m.status = 'ACTIVE'
             AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.member_id = m.id AND t.status = 'OPEN') GROUP BY 1`,
    ),
    queryRows<{ child: number | null; n: number }>(
      ex,
      sql`SELECT ${childKey(org, sql`o.path`)} AS child, count(*)::int AS n FROM transfer_nodes n JOIN orgs o ON o.id = n.org_id
           WHERE n.state = 'PENDING' AND n.opened_at < ${cutoff} AND ${inSubtree(sql`o.path`, org.path)} GROUP BY 1`,
    ),
  ]);
  const s = byChild(started);
  const c = byChild(completed);
  const w = byChild(waiting);
  const o = byChild(overdue);
  const sum = (m: Map<number | null, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const rows = rankLagging(
    children.map((ch) => ({
      orgId: ch.org_id,
      name: ch.name,
      kind: ch.kind,
      hasChildren: ch.has_children,
      notStarted: w.get(ch.org_id) ?? 0,
      started: s.get(ch.org_id) ?? 0,
      completed: c.get(ch.org_id) ?? 0,
      overdueNodes: o.get(ch.org_id) ?? 0,
    })),
  );
  const total = { orgId: org.id, name: org.name, kind: org.kind, hasChildren: children.length > 0, notStarted: sum(w), started: sum(s), completed: sum(c), overdueNodes: sum(o), rank: null };
  return { org: head(org), breadcrumb: crumbs, year, total, rows };
}

/**
 * ST-7: the numbers each child received from this org (or, for the org itself, from above), and how
 * many of them are used by a member or explained as unused. Ranges are few; each count is an index
 * range scan over the unique development number.
 */
export async function devFigures(ctx: AppContext, actor: AdminActor, q: { orgId?: number }) {
  const org = await dashboardOrg(ctx, actor, q.orgId);
  const [children, crumbs] = await Promise.all([childList(ctx.db, org), breadcrumb(ctx.db, actor, org)]);
  const ids = [org.id, ...children.map((c) => c.org_id)];
  const counts = await queryRows<{ org_id: number; issued: number; used: number; explained: number }>(
    ctx.db,
    sql`SELECT r.recipient_org_id AS org_id, sum(r.size)::int AS issued,
          coalesce(sum((SELECT count(*) FROM members m WHERE length(m.development_number) = 12
                          AND m.development_number >= r.start_number AND m.development_number <= r.end_number)), 0)::int AS used,
          coalesce(sum((SELECT count(*) FROM dev_number_voids v
                         WHERE v.number >= r.start_number AND v.number <= r.end_number)), 0)::int AS explained
        FROM dev_number_ranges r WHERE r.recipient_org_id IN ${ids} GROUP BY r.recipient_org_id`,
  );
  const byOrg = new Map(counts.map((c) => [c.org_id, c]));
  const row = (id: number, name: string, kind: string, hasChildren: boolean) => {
    const c = byOrg.get(id);
    const issued = c?.issued ?? 0;
    const used = c?.used ?? 0;
    const explained = c?.explained ?? 0;
    return { orgId: id, name, kind, hasChildren, issued, used, explained, unused: Math.max(0, issued - used - explained) };
  };
  const rows = children.map((c) => row(c.org_id, c.name, c.kind, c.has_children));
  let total = row(org.id, org.name, org.kind, children.length > 0);
  if (total.issued === 0) {
    // A top issuer received nothing: its total is what it issued below.
    const sum = (k: 'issued' | 'used' | 'explained' | 'unused') => rows.reduce((s, r) => s + r[k], 0);
    total = { ...total, issued: sum('issued'), used: sum('used'), explained: sum('explained'), unused: sum('unused') };
  }
  return { org: head(org), breadcrumb: crumbs, year: currentYear(ctx), total, rows };
}

/** The league's own counts REP-3 compares with: schools with a code, the year's graduating branches, student members. */
async function leagueCountsOf(ex: Executor, org: OrgRow, year: number) {
  const [children, grad] = await Promise.all([
    queryRows<{ org_id: number; schools: number; school_members: number }>(
      ex,
      sql`SELECT o.id AS org_id, coalesce(r.schools, 0) AS schools, coalesce(r.school_members, 0) AS school_members
            FROM ${withRollups(sql`SELECT c.id FROM orgs c WHERE c.id = ${org.id} OR (c.parent_id = ${org.id} AND c.deleted_at IS NULL)`)}
           WHERE o.id = ${org.id} OR (o.parent_id = ${org.id} AND o.deleted_at IS NULL)`,
    ),
    graduationFacts(ex, org, year),
  ]);
  const league = new Map<number, Record<EduCountField, number>>();
  for (const c of children) {
    const g = c.org_id === org.id ? grad.total : grad.byChild.get(c.org_id);
    league.set(c.org_id, { schools: c.schools, gradClasses: g?.branches ?? 0, studentMembers: c.school_members });
  }
  return league;
}

export async function eduFigures(ctx: AppContext, actor: AdminActor, q: { orgId?: number; year?: number }) {
  const org = await dashboardOrg(ctx, actor, q.orgId);
  const year = q.year ?? currentYear(ctx);
  const [children, crumbs, league] = await Promise.all([childList(ctx.db, org), breadcrumb(ctx.db, actor, org), leagueCountsOf(ctx.db, org, year)]);
  const edu = await eduEntries(ctx.db, [org.id, ...children.map((c) => c.org_id)], year);
  const row = (id: number, name: string, kind: string, hasChildren: boolean) => {
    const l = league.get(id) ?? { schools: 0, gradClasses: 0, studentMembers: 0 };
    const e = edu.get(id);
    return {
      orgId: id,
      name,
      kind,
      hasChildren,
      entered: !!e,
      eduSchools: e?.schools ?? null,
      leagueSchools: l.schools,
      eduGradClasses: e?.gradClasses ?? null,
      leagueGradClasses: l.gradClasses,
      eduStudents: e?.students ?? null,
      eduStudentMembers: e?.studentMembers ?? null,
      leagueStudentMembers: l.studentMembers,
      eduGraduatingStudents: e?.graduatingStudents ?? null,
      overLimit: e ? gapsOverLimit(e, l) : [],
      explanation: e?.explanation ?? null,
    };
  };
  return {
    org: head(org),
    breadcrumb: crumbs,
    year,
    canEnter: actor.scope.kind === 'LEADERSHIP' && org.id === actor.scope.orgId,
    total: row(org.id, org.name, org.kind, children.length > 0),
    rows: children.map((c) => row(c.org_id, c.name, c.kind, c.has_children)),
  };
}

/** REP-3: a leadership org enters the 教统 counts of its own area; over 5% off needs an explanation. */
export async function saveEduCounts(
  ctx: AppContext,
  actor: AdminActor,
  input: { year: number; schools: number; gradClasses: number; students: number; studentMembers: number; graduatingStudents: number; explanation?: string | null },
) {
  if (actor.scope.kind !== 'LEADERSHIP') throw new DomainError('ST_LEADERSHIP_ONLY');
  const org = await dashboardOrg(ctx, actor, undefined);
  const league = (await leagueCountsOf(ctx.db, org, input.year)).get(org.id)!;
  assertRule(checkEduExplanation(input, league, input.explanation));
  const now = ctx.clock.now();
  const values = {
    schools: input.schools,
    gradClasses: input.gradClasses,
    students: input.students,
    studentMembers: input.studentMembers,
    graduatingStudents: input.graduatingStudents,
    leagueSnapshot: league,
    explanation: input.explanation ?? null,
    enteredBy: actor.personId,
    enteredAt: now,
  };
  await ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(eduCounts).where(and(eq(eduCounts.orgId, org.id), eq(eduCounts.year, input.year)));
    await tx
      .insert(eduCounts)
      .values({ orgId: org.id, year: input.year, ...values })
      .onConflictDoUpdate({ target: [eduCounts.orgId, eduCounts.year], set: values });
    await writeAudit(tx, ctx, adminAuditActor(actor), {
      action: 'EDU_COUNTS_SAVE',
      result: 'OK',
      objectType: 'org',
      objectId: org.id,
      objectLabel: `${org.name} ${input.year}年教统数据`,
      orgPath: org.path,
      changes: {
        edu: {
          before: before ? { schools: before.schools, gradClasses: before.gradClasses, students: before.students, studentMembers: before.studentMembers } : null,
          after: { schools: input.schools, gradClasses: input.gradClasses, students: input.students, studentMembers: input.studentMembers },
        },
      },
    });
  });
  return eduFigures(ctx, actor, { year: input.year });
}

/** ST-1: the annual 团统数 of an org in scope, entered by a leadership organ. */
export async function saveCensus(ctx: AppContext, actor: AdminActor, input: { orgId: number; year: number; count: number }) {
  if (actor.scope.kind !== 'LEADERSHIP') throw new DomainError('ST_LEADERSHIP_ONLY');
  const org = await orgInScopeOr404(ctx, actor, input.orgId);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(leagueCensus).where(and(eq(leagueCensus.orgId, org.id), eq(leagueCensus.year, input.year)));
    const values = { count: input.count, enteredByOrgId: actor.scope.orgId, enteredBy: actor.personId, enteredAt: now };
    await tx.insert(leagueCensus).values({ orgId: org.id, year: input.year, ...values }).onConflictDoUpdate({ target: [leagueCensus.orgId, leagueCensus.year], set: values });
    await writeAudit(tx, ctx, adminAuditActor(actor), {
      action: 'CENSUS_SAVE',
      result: 'OK',
      objectType: 'org',
      objectId: org.id,
      objectLabel: `${org.name} ${input.year}年团统数`,
      orgPath: org.path,
      changes: { count: { before: before?.count ?? null, after: input.count } },
    });
  });
  return { orgId: org.id, year: input.year, count: input.count };
}

/** ST-4: the school branches of the subtree without a graduation mark (seed 003 attachment 4). */
export async function unmarkedBranches(ctx: AppContext, actor: AdminActor, q: { orgId?: number; page: number; pageSize: number }) {
  const org = await dashboardOrg(ctx, actor, q.orgId);
  const where = sql`${inSubtree(sql`o.path`, org.path)} AND sup_is_school_branch(o) AND o.graduation_at IS NULL AND o.graduation_exempt_reason IS NULL`;
  const [items, [total]] = await Promise.all([
    queryRows<{ id: number; name: string; full_name: string; parent_name: string | null; region_name: string | null }>(
      ctx.db,
      sql`SELECT o.id, o.name, o.full_name, p.name AS parent_name, c.name AS region_name
            FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id
            LEFT JOIN orgs c ON c.id = ${childKey(org, sql`o.path`)}
           WHERE ${where} ORDER BY o.path LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
    ),
    queryRows<{ n: number }>(ctx.db, sql`SELECT count(*)::int AS n FROM orgs o WHERE ${where}`),
  ]);
  return {
    items: items.map((r) => ({ id: r.id, name: r.name, fullName: r.full_name, parentName: r.parent_name, regionName: r.region_name })),
    total: total?.n ?? 0,
    page: q.page,
    pageSize: q.pageSize,
  };
}

/** One-sheet workbook of a figure table: a row per child, then 合计 (the org itself). */
function figureWorkbook<R extends { name: string }>(title: string, orgName: string, columns: FigureColumn<R>[], rows: R[], total: R) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(title.slice(0, 31));
  ws.addRow([`${orgName} · ${title}`]).font = { bold: true, size: 13 };
  const header = ws.addRow(['组织', ...columns.map((c) => c.label)]);
  header.font = { bold: true };
  for (const r of rows) ws.addRow([r.name, ...columns.map((c) => formatCell(c.kind, c.value(r)))].map(neutralizeCell));
  ws.addRow([`合计（${total.name}）`, ...columns.map((c) => formatCell(c.kind, c.value(total)))].map(neutralizeCell)).font = { bold: true };
  ws.columns.forEach((col, i) => (col.width = i === 0 ? 30 : 16));
  return wb;
}

export async function exportFigure(ctx: AppContext, actor: AdminActor, q: { figure: FigureId; orgId?: number; year?: number }) {
  let wb: ExcelJS.Workbook;
  let orgName: string;
  const title = FIGURE_TITLES[q.figure];
  if (q.figure === 'ST5') {
    const d = await graduation(ctx, actor, q);
    wb = figureWorkbook(`${title}（${d.year}年）`, d.org.name, GRADUATION_COLUMNS, d.rows, d.total);
    orgName = d.org.name;
  } else if (q.figure === 'ST6') {
    const d = await transferProgress(ctx, actor, q);
    wb = figureWorkbook(`${title}（${d.year}年）`, d.org.name, TRANSFER_COLUMNS, d.rows, d.total);
    orgName = d.org.name;
  } else if (q.figure === 'ST7') {
    const d = await devFigures(ctx, actor, q);
    wb = figureWorkbook(title, d.org.name, DEV_COLUMNS, d.rows, d.total);
    orgName = d.org.name;
  } else if (q.figure === 'REP3') {
    const d = await eduFigures(ctx, actor, q);
    wb = figureWorkbook(`${title}（${d.year}年）`, d.org.name, EDU_COLUMNS, d.rows, d.total);
    orgName = d.org.name;
  } else {
    const d = await figures(ctx, actor, q);
    wb = figureWorkbook(q.figure === 'ST1' ? `${title}（${d.year}年）` : title, d.org.name, ROLLUP_COLUMNS[q.figure], d.rows, d.total);
    orgName = d.org.name;
  }
  const [org] = await ctx.db.select({ path: orgs.path }).from(orgs).where(and(eq(orgs.id, q.orgId ?? actor.scope.orgId), isNull(orgs.deletedAt)));
  const orgPath = org!.path;
  await writeAudit(ctx.db, ctx, adminAuditActor(actor), {
    action: 'SUPERVISION_EXPORT',
    result: 'OK',
    objectType: 'org',
    objectId: q.orgId ?? actor.scope.orgId,
    objectLabel: `${orgName} · ${title}`,
    orgPath,
  });
  return { buffer: Buffer.from(await wb.xlsx.writeBuffer()), filename: `${orgName}-${title}-${chinaDate(ctx.clock.now())}.xlsx` };
}
