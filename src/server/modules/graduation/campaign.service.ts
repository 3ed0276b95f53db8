import type { PassThrough } from 'node:stream';
import { eq, sql } from 'drizzle-orm';
import type { CampaignItem, CampaignList, CampaignOverview, DestinationInput } from '../../../contracts/campaign';
import { rows, type Executor, type Tx } from '../../../db/client';
import { members } from '../../../db/schema';
import {
  DESTINATION_FIELDS,
  MOBILE_LIMIT_MONTHS,
  TRANSITION_LIMIT_MONTHS,
  campaignDeadlines,
  checkMobilePlacement,
  isDestinationComplete,
  isGraduateForDestination,
  isPast,
  newGradeLabel,
  overdueCutoff,
  type Destination,
} from '../../../domain/campaign';
import { chinaDate } from '../../../domain/dates';
import { INDUSTRY_CATEGORIES } from '../../../domain/enums';
import { DomainError, assertRule } from '../../../domain/errors';
import { checkDelayActor } from '../../../domain/graduation';
import { isSchoolDomain } from '../../../domain/orgs';
import { findRegion, regionFullName } from '../../../lib/regions';
import { streamWorkbook } from '../../../lib/xlsx';
import { DESTINATION_COLUMNS } from '../imports/destination-import';
import { adminAuditActor, diffFields, writeAudit } from '../../audit';
import type { AdminActor, AppContext } from '../../context';
import { findOrg, inSubtree, type OrgRow } from '../orgs/orgs.repo';
import { orgInScopeOr404 } from '../orgs/orgs.service';
import { memberInScopeOr404, reassign, schoolSpecialBranch } from './graduation.service';

/**
 * The graduation season after the conversion (MEM-7, TR-10 … TR-12): graduates' destinations, the
 * lists each deadline produces and the 毕业学生流动团员团支部. Rules live in src/domain/campaign.ts.
 */

/** The SQL twin of `isGraduateForDestination`, over `m` (members) joined with `b` (its branch). */
const GRADUATE_SQL = sql`(m.graduate_status IS DISTINCT FROM 'TEACHER' AND (m.graduate_status IN ('GRADUATE', 'DELAYED') OR b.category = 'GRADUATE' OR b.graduation_at IS NOT NULL))`;

async function scopeOrg(ctx: AppContext, actor: AdminActor, orgId: number | undefined): Promise<OrgRow> {
  return orgInScopeOr404(ctx, actor, orgId ?? actor.scope.orgId);
}

interface DestinationRow {
  memberId: number;
  name: string;
  idNumber: string;
  branchId: number;
  branchName: string;
  graduateStatus: string | null;
  graduationAt: string | null;
  destinationUnit: string | null;
  destinationAddress: string | null;
  destinationRegionCode: string | null;
  hukouAddress: string | null;
  residenceAddress: string | null;
  parentsAddress: string | null;
}

const COMPLETE_SQL = sql`(m.destination_unit IS NOT NULL AND m.destination_address IS NOT NULL AND m.destination_region_code IS NOT NULL)`;

function destinationQuery(path: string, where: ReturnType<typeof sql>, tail: ReturnType<typeof sql>) {
  return sql`SELECT m.id AS "memberId", p.name, p.id_number_masked AS "idNumber", b.id AS "branchId", b.name AS "branchName",
      m.graduate_status AS "graduateStatus", m.graduation_at AS "graduationAt", m.destination_unit AS "destinationUnit",
      m.destination_address AS "destinationAddress", m.destination_region_code AS "destinationRegionCode",
      m.hukou_address AS "hukouAddress", m.residence_address AS "residenceAddress", m.parents_address AS "parentsAddress"
    FROM members m JOIN persons p ON p.id = m.person_id JOIN orgs b ON b.id = m.branch_id
    WHERE m.status = 'ACTIVE' AND ${inSubtree(sql`m.org_path`, path)} AND ${GRADUATE_SQL} AND ${where}
    ORDER BY b.path, m.id ${tail}`;
}

function presentDestination(r: DestinationRow) {
  return { ...r, graduationAt: r.graduationAt?.trim() ?? null, destinationRegionName: regionFullName(r.destinationRegionCode), complete: isDestinationComplete(r) };
}

/** MEM-7: the graduates of an org's subtree with their destinations and the completion counts. */
export async function listDestinations(ctx: AppContext, actor: AdminActor, q: { orgId?: number; page: number; pageSize: number; incompleteOnly?: boolean }) {
  const org = await scopeOrg(ctx, actor, q.orgId);
  const db = ctx.database.readDb;
  const filter = q.incompleteOnly ? sql`NOT ${COMPLETE_SQL}` : sql`TRUE`;
  const [items, [counts]] = await Promise.all([
    rows<DestinationRow>(db, destinationQuery(org.path, filter, sql`LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`)),
    rows<{ graduates: number; completed: number; filtered: number }>(
      db,
      sql`SELECT count(*)::int AS graduates, count(*) FILTER (WHERE ${COMPLETE_SQL})::int AS completed, count(*) FILTER (WHERE ${filter})::int AS filtered
        FROM members m JOIN orgs b ON b.id = m.branch_id
        WHERE m.status = 'ACTIVE' AND ${inSubtree(sql`m.org_path`, org.path)} AND ${GRADUATE_SQL}`,
    ),
  ]);
  return { items: items.map(presentDestination), total: counts?.filtered ?? 0, page: q.page, pageSize: q.pageSize, graduates: counts?.graduates ?? 0, completed: counts?.completed ?? 0 };
}

/** Every graduate of the subtree, in batches, for the export (the import's columns). */
export async function* destinationBatches(ex: Executor, path: string, batchSize = 1000) {
  for (let offset = 0; ; offset += batchSize) {
    const batch = await rows<DestinationRow>(ex, destinationQuery(path, sql`TRUE`, sql`LIMIT ${batchSize} OFFSET ${offset}`));
    if (batch.length > 0) yield batch.map(presentDestination);
    if (batch.length < batchSize) return;
  }
}

/** MEM-7 problems of one destination, by field: lengths and a real township code. */
export function destinationProblems(d: Partial<Destination>): { field: keyof Destination; message: string }[] {
  const out: { field: keyof Destination; message: string }[] = [];
  for (const [field, spec] of Object.entries(DESTINATION_FIELDS) as [keyof Destination, { label: string; max: number }][]) {
    const v = d[field];
    if (v && v.length > spec.max) out.push({ field, message: `${spec.label}不能超过${spec.max}个字` });
  }
  const code = d.destinationRegionCode;
  if (code && findRegion(code)?.level !== 'TOWNSHIP') out.push({ field: 'destinationRegionCode', message: `“${code}”不是乡镇街道的区划代码（9位）` });
  return out;
}

/** Writes one graduate's destination inside `tx`, audited with before/after. */
export async function writeDestination(tx: Tx, ctx: Pick<AppContext, 'clock'>, auditActor: Parameters<typeof writeAudit>[2], member: typeof members.$inferSelect, label: string, d: Destination, reason?: string) {
  const changes = diffFields(member as unknown as Record<string, unknown>, d);
  if (Object.keys(changes).length === 0) return false;
  await tx.update(members).set({ ...d, updatedAt: ctx.clock.now() }).where(eq(members.id, member.id));
  await writeAudit(tx, ctx, auditActor, { action: 'MEMBER_DESTINATION_UPDATE', result: 'OK', objectType: 'member', objectId: member.id, objectLabel: label, orgPath: member.orgPath, changes, ...(reason ? { reason } : {}) });
  return true;
}

/** MEM-7 on screen: one graduate's destination. */
export async function updateDestination(ctx: AppContext, actor: AdminActor, memberId: number, input: DestinationInput) {
  const member = await memberInScopeOr404(ctx, actor, memberId);
  const branch = (await findOrg(ctx.db, member.branchId!))!;
  if (!isGraduateForDestination(member, branch)) throw new DomainError('MEM_7_NOT_GRADUATE');
  const d: Destination = {
    destinationUnit: input.destinationUnit || null,
    destinationAddress: input.destinationAddress || null,
    destinationRegionCode: input.destinationRegionCode || null,
    hukouAddress: input.hukouAddress || null,
    residenceAddress: input.residenceAddress || null,
    parentsAddress: input.parentsAddress || null,
  };
  const problem = destinationProblems(d)[0];
  if (problem) throw new DomainError(problem.field === 'destinationRegionCode' ? 'MEM_7_REGION_NOT_TOWNSHIP' : 'VALIDATION_FAILED', problem.message);
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(members).where(eq(members.id, memberId)).for('update');
    await writeDestination(tx, ctx, adminAuditActor(actor), row!, member.name, d);
  });
  const [item] = await rows<DestinationRow>(ctx.db, destinationQuery(branch.path, sql`m.id = ${memberId}`, sql``));
  return presentDestination(item!);
}

// ---------------------------------------------------------------------------------------------
// TR-10 … TR-12 lists

const LIST_LIMIT = 200;
const monthDay = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8))}日`;
const SCHOOL_CATEGORIES_SQL = sql.raw(
  INDUSTRY_CATEGORIES.filter(isSchoolDomain)
    .map((c) => `'${c}'`)
    .join(', '),
);

interface ListSpec {
  key: string;
  title: string;
  rule: string;
  active: boolean;
  query: ReturnType<typeof sql>;
}

/** In the branch since: the start of the member's open period, China date. */
const SINCE_SQL = sql`(SELECT to_char(ms.started_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') FROM memberships ms WHERE ms.member_id = m.id AND ms.ended_at IS NULL LIMIT 1)`;

/**
 * TR-10 … TR-12: the lists of the season for an org's subtree. Each is computed from the data and
 * the clock (no stored flags), capped at 200 rows with the full total.
 */
export async function campaignOverview(ctx: AppContext, actor: AdminActor, orgId: number | undefined): Promise<CampaignOverview> {
  const org = await scopeOrg(ctx, actor, orgId);
  const today = chinaDate(ctx.clock.now());
  const year = Number(today.slice(0, 4));
  const d = campaignDeadlines(year, ctx.config.campaignDeadlines);
  const inScope = inSubtree(sql`m.org_path`, org.path);
  const mobileSince = overdueCutoff(today, MOBILE_LIMIT_MONTHS);
  const transitionSince = overdueCutoff(today, TRANSITION_LIMIT_MONTHS);
  const yearStart = `${year}-01-01`;
  const specs: ListSpec[] = [
    {
      key: 'UNPLACED',
      title: `${monthDay(d.start)}后仍未办理转接的毕业生`,
      rule: 'TR-10 / TR-12',
      active: isPast(d.start, today),
      // Graduates of 毕业生团组织 (not 延迟毕业) with no open or completed transfer.
      query: sql`SELECT 'MEMBER' AS kind, m.id, p.name, b.id AS "orgId", b.name AS "orgName", ${SINCE_SQL} AS since, ${d.start} AS "dueAt", NULL AS note
        FROM members m JOIN persons p ON p.id = m.person_id JOIN orgs b ON b.id = m.branch_id
        WHERE m.status = 'ACTIVE' AND ${inScope} AND b.category = 'GRADUATE' AND b.special_kind IS NULL AND m.graduate_status = 'GRADUATE'
          AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.member_id = m.id AND t.status IN ('OPEN', 'COMPLETED'))
        ORDER BY b.path, m.id`,
    },
    {
      key: 'MOBILE_OVERDUE',
      title: '在毕业学生流动团员团支部超过6个月',
      rule: 'TR-10',
      active: true,
      query: sql`SELECT * FROM (SELECT 'MEMBER' AS kind, m.id, p.name, b.id AS "orgId", b.name AS "orgName", ${SINCE_SQL} AS since, NULL AS "dueAt", NULL AS note, b.path
        FROM members m JOIN persons p ON p.id = m.person_id JOIN orgs b ON b.id = m.branch_id
        WHERE m.status = 'ACTIVE' AND ${inScope} AND b.special_kind = 'MOBILE_GRADUATES') x WHERE since < ${mobileSince} ORDER BY path, id`,
    },
    {
      key: 'TRANSITION_OVERDUE',
      title: '在县级学社衔接临时团支部超过一年',
      rule: 'TR-11',
      active: true,
      query: sql`SELECT * FROM (SELECT 'MEMBER' AS kind, m.id, p.name, b.id AS "orgId", b.name AS "orgName", ${SINCE_SQL} AS since, NULL AS "dueAt", NULL AS note, b.path
        FROM members m JOIN persons p ON p.id = m.person_id JOIN orgs b ON b.id = m.branch_id JOIN orgs par ON par.id = b.parent_id
        WHERE m.status = 'ACTIVE' AND ${inScope} AND b.special_kind = 'TRANSITION' AND par.is_township IS NOT TRUE) x WHERE since < ${transitionSince} ORDER BY path, id`,
    },
    {
      key: 'NOT_RECEIVED',
      title: `${monthDay(d.received)}前未被接收的学社衔接转接`,
      rule: 'TR-12',
      active: isPast(d.received, today),
      query: sql`SELECT 'TRANSFER' AS kind, t.id, t.member_name AS name, t.to_org_id AS "orgId", o.name AS "orgName",
          to_char(t.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS since, ${d.received} AS "dueAt", NULL AS note
        FROM transfers t LEFT JOIN orgs o ON o.id = t.to_org_id
        WHERE t.status = 'OPEN' AND t.school_to_society AND t.reason <> 'FURTHER_STUDY' AND t.created_at >= ${yearStart}::date
          AND (${inSubtree(sql`t.from_path`, org.path)} OR ${inSubtree(sql`t.to_path`, org.path)})
        ORDER BY t.created_at, t.id`,
    },
    {
      key: 'FURTHER_STUDY_LATE',
      title: `${monthDay(d.furtherStudy)}前未办结的升学转接`,
      rule: 'TR-12',
      active: isPast(d.furtherStudy, today),
      query: sql`SELECT 'TRANSFER' AS kind, t.id, t.member_name AS name, t.to_org_id AS "orgId", o.name AS "orgName",
          to_char(t.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS since, ${d.furtherStudy} AS "dueAt", NULL AS note
        FROM transfers t LEFT JOIN orgs o ON o.id = t.to_org_id
        WHERE t.status = 'OPEN' AND t.reason = 'FURTHER_STUDY' AND t.created_at >= ${yearStart}::date
          AND (${inSubtree(sql`t.from_path`, org.path)} OR ${inSubtree(sql`t.to_path`, org.path)})
        ORDER BY t.created_at, t.id`,
    },
    {
      key: 'NO_NEW_BRANCH',
      title: `入学一个月后仍没有${newGradeLabel(year)}团支部的学校团组织`,
      rule: 'TR-12',
      active: isPast(d.newBranchesBy, today),
      // School committees whose class branches carry a 年级 in their names but none of this year's.
      query: sql`SELECT 'ORG' AS kind, c.id, c.name, c.id AS "orgId", c.name AS "orgName", NULL AS since, ${d.newBranchesBy} AS "dueAt", NULL AS note
        FROM orgs c
        WHERE c.deleted_at IS NULL AND ${inSubtree(sql`c.path`, org.path)} AND c.kind IN ('COMMITTEE', 'WORK_COMMITTEE', 'GENERAL_BRANCH')
          AND c.industry_category IN (${SCHOOL_CATEGORIES_SQL})
          AND EXISTS (SELECT 1 FROM orgs k WHERE k.parent_id = c.id AND k.deleted_at IS NULL AND k.kind = 'BRANCH' AND k.name ~ '(19|20)[0-9]{2}级')
          AND NOT EXISTS (SELECT 1 FROM orgs k WHERE k.parent_id = c.id AND k.deleted_at IS NULL AND k.kind = 'BRANCH' AND k.name LIKE ${`%${newGradeLabel(year)}%`})
        ORDER BY c.path`,
    },
  ];
  const db = ctx.database.readDb;
  const lists: CampaignList[] = await Promise.all(
    specs.map(async (s) => {
      if (!s.active) return { key: s.key, title: s.title, rule: s.rule, active: false, total: 0, items: [] };
      const [items, [total]] = await Promise.all([
        rows<CampaignItem & { path?: string }>(db, sql`SELECT * FROM (${s.query}) q LIMIT ${LIST_LIMIT}`),
        rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM (${s.query}) q`),
      ]);
      return {
        key: s.key,
        title: s.title,
        rule: s.rule,
        active: true,
        total: total?.n ?? 0,
        items: items.map((i) => ({ kind: i.kind, id: i.id, name: i.name, orgId: i.orgId, orgName: i.orgName, since: i.since, dueAt: i.dueAt, note: i.note })),
      };
    }),
  );
  return { today, deadlines: d, lists, can: { placeMobile: checkMobilePlacement(today, d).ok } };
}

/**
 * TR-10: after the start deadline, unemployed graduates (毕业生团组织, no open or completed transfer)
 * move into their school's 毕业学生流动团员团支部. All or nothing: every member is checked first.
 */
export async function placeInMobileBranch(ctx: AppContext, actor: AdminActor, memberIds: number[]) {
  const today = chinaDate(ctx.clock.now());
  assertRule(checkMobilePlacement(today, campaignDeadlines(Number(today.slice(0, 4)), ctx.config.campaignDeadlines)));
  const ids = [...new Set(memberIds)];
  const targets: { member: Awaited<ReturnType<typeof memberInScopeOr404>>; branch: OrgRow; parent: OrgRow }[] = [];
  for (const id of ids) {
    const member = await memberInScopeOr404(ctx, actor, id);
    const branch = (await findOrg(ctx.db, member.branchId!))!;
    const allowed = checkDelayActor({ ...actor.scope, id: actor.scope.orgId }, branch);
    if (!allowed.ok) throw new DomainError('TR_10_ACTOR');
    const [transfer] = await rows<{ id: number }>(ctx.db, sql`SELECT id FROM transfers WHERE member_id = ${id} AND status IN ('OPEN', 'COMPLETED') LIMIT 1`);
    if (branch.category !== 'GRADUATE' || branch.specialKind !== null || member.graduateStatus !== 'GRADUATE' || transfer) {
      throw new DomainError('TR_10_NOT_UNEMPLOYED', `${member.name}：只能转入毕业生团组织中尚未办理组织关系转接的毕业生`);
    }
    const parent = await findOrg(ctx.db, branch.parentId!);
    if (!parent || !isSchoolDomain(parent.industryCategory) || parent.kind === 'LEADERSHIP' || parent.kind === 'BRANCH') throw new DomainError('TR_10_NO_SCHOOL_COMMITTEE');
    targets.push({ member, branch, parent });
  }
  const now = ctx.clock.now();
  const branches = new Map<number, string>();
  await ctx.db.transaction(async (tx) => {
    for (const { member, branch, parent } of targets) {
      const mobile = (await schoolSpecialBranch(tx, ctx, actor, parent, 'MOBILE_GRADUATES', '转入未就业毕业生时自动创建（TR-10）'))!;
      branches.set(mobile.id, mobile.name);
      await reassign(tx, now, member, mobile, '未就业毕业生转入毕业学生流动团员团支部（TR-10）');
      await writeAudit(tx, ctx, adminAuditActor(actor), {
        action: 'MEMBER_MOBILE_PLACE',
        result: 'OK',
        objectType: 'member',
        objectId: member.id,
        objectLabel: member.name,
        orgPath: mobile.path,
        changes: { branch: { before: branch.name, after: mobile.name } },
        reason: '未就业毕业生转入毕业学生流动团员团支部（TR-10）',
      });
    }
  });
  return { moved: targets.length, branches: [...branches].map(([id, name]) => ({ id, name })) };
}

/**
 * MEM-7 export: every graduate of the org's subtree with the destination columns, in the import's
 * layout (DESTINATION_COLUMNS), masked (SEC-4); audited like the member export.
 */
export async function exportDestinations(ctx: AppContext, actor: AdminActor, orgId: number | undefined, onError: (err: unknown) => void): Promise<PassThrough> {
  const org = await scopeOrg(ctx, actor, orgId);
  await writeAudit(ctx.db, ctx, adminAuditActor(actor), { action: 'DESTINATION_EXPORT', result: 'OK', objectType: 'org', objectId: org.id, objectLabel: org.name, orgPath: org.path });
  const db = ctx.database.readDb;
  async function* out() {
    for await (const batch of destinationBatches(db, org.path)) {
      yield batch.map((r) => [
        r.memberId,
        r.name,
        r.idNumber,
        r.branchName,
        r.destinationUnit ?? '',
        r.destinationAddress ?? '',
        r.destinationRegionCode ?? '',
        r.destinationRegionName ?? '',
        r.hukouAddress ?? '',
        r.residenceAddress ?? '',
        r.parentsAddress ?? '',
      ]);
    }
  }
  return streamWorkbook('毕业生去向', DESTINATION_COLUMNS, out(), onError);
}
