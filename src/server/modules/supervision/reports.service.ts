import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Report } from '../../../contracts/supervision';
import { rows as queryRows, type Executor, type Tx } from '../../../db/client';
import {
  accounts,
  adminGrants,
  archivedMembers,
  cadrePositions,
  members,
  memberships,
  orgs,
  persons,
  sessions,
  transfers,
  upwardReports,
  upwardReportSteps,
} from '../../../db/schema';
import { DomainError, assertRule } from '../../../domain/errors';
import {
  DELETION_REASON_LABELS,
  checkTownshipClaim,
  reportActions,
  statusAfterForward,
  type DeletionReason,
  type ReportStatus,
  type ReportType,
} from '../../../domain/supervision';
import { adminAuditActor, refuseOutOfScope, writeAudit } from '../../audit';
import type { AdminActor, AppContext } from '../../context';
import { findMemberById, findMemberInScope } from '../members/members.repo';
import { findOrg, inSubtree } from '../orgs/orgs.repo';
import { orgInScopeOr404 } from '../orgs/orgs.service';

type ReportRow = typeof upwardReports.$inferSelect;

async function present(ex: Executor, list: ReportRow[]): Promise<Report[]> {
  if (list.length === 0) return [];
  const steps = await ex
    .select({ s: upwardReportSteps, orgName: orgs.name })
    .from(upwardReportSteps)
    .innerJoin(orgs, eq(orgs.id, upwardReportSteps.orgId))
    .where(inArray(upwardReportSteps.reportId, list.map((r) => r.id)))
    .orderBy(asc(upwardReportSteps.id));
  const orgIds = [...new Set(list.flatMap((r) => [r.originOrgId, r.currentOrgId]))];
  const holders = await ex.select({ id: orgs.id, name: orgs.name, kind: orgs.kind, leadershipLevel: orgs.leadershipLevel }).from(orgs).where(inArray(orgs.id, orgIds));
  const byId = new Map(holders.map((h) => [h.id, h]));
  return list.map((r) => ({
    id: r.id,
    type: r.type as ReportType,
    status: r.status as ReportStatus,
    originOrgId: r.originOrgId,
    originOrgName: byId.get(r.originOrgId)?.name ?? '',
    currentOrgId: r.currentOrgId,
    currentOrgName: byId.get(r.currentOrgId)?.name ?? '',
    subjectLabel: r.subjectLabel,
    payload: r.payload,
    outcome: r.outcome,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    steps: steps
      .filter((s) => s.s.reportId === r.id)
      .map((s) => ({ orgId: s.s.orgId, orgName: s.orgName, action: s.s.action, actorName: s.s.actorName, note: s.s.note, at: s.s.at.toISOString() })),
    can: { forward: false, refuse: false, execute: false },
  }));
}

/** What the acting org may do with a report: only while it sits at this org. */
function withCan(r: Report, actor: AdminActor): Report {
  if (r.currentOrgId !== actor.scope.orgId) return r;
  return { ...r, can: reportActions(r.status, actor.scope) };
}

async function step(tx: Tx, ctx: AppContext, actor: AdminActor, reportId: number, action: string, note: string | null | undefined) {
  await tx.insert(upwardReportSteps).values({
    reportId,
    orgId: actor.scope.orgId,
    action,
    actorPersonId: actor.personId,
    actorName: actor.name,
    note: note ?? null,
    at: ctx.clock.now(),
  });
}

/** Files a report at the acting org: it goes to the org directly above (REP-1/2). */
async function file(
  ctx: AppContext,
  actor: AdminActor,
  r: { type: ReportType; subjectLabel: string; payload: Record<string, unknown>; subjectKey: string; subjectPath: string; note?: string | null },
): Promise<Report> {
  const self = await findOrg(ctx.db, actor.scope.orgId);
  if (!self?.parentId) throw new DomainError('REP_NO_PARENT');
  const parent = (await findOrg(ctx.db, self.parentId))!;
  const now = ctx.clock.now();
  const id = await ctx.db.transaction(async (tx) => {
    // One open report per subject: serialize filings about the same subject.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`report:${r.type}:${r.subjectKey}`}))`);
    const open = await queryRows<{ id: number }>(
      tx,
      sql`SELECT id FROM upward_reports WHERE type = ${r.type} AND status IN ('PENDING', 'AT_BACKEND') AND payload->>'subjectKey' = ${r.subjectKey}`,
    );
    if (open.length > 0) throw new DomainError('REP_ALREADY_OPEN');
    const [row] = await tx
      .insert(upwardReports)
      .values({
        type: r.type,
        status: statusAfterForward(parent),
        originOrgId: self.id,
        originPath: self.path,
        currentOrgId: parent.id,
        subjectLabel: r.subjectLabel,
        payload: { ...r.payload, subjectKey: r.subjectKey },
        createdBy: actor.personId,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: upwardReports.id });
    await step(tx, ctx, actor, row!.id, 'FILE', r.note);
    await writeAudit(tx, ctx, adminAuditActor(actor), {
      action: 'REPORT_FILE',
      result: 'OK',
      objectType: 'report',
      objectId: row!.id,
      objectLabel: r.subjectLabel,
      orgPath: r.subjectPath,
      changes: { currentOrgId: { before: null, after: parent.id } },
      reason: r.note ?? undefined,
    });
    return row!.id;
  });
  return getReport(ctx, actor, id);
}

/** REP-1: the name or ID number was mis-entered; the record goes up for deletion by the back end. */
export async function fileMemberDeletion(ctx: AppContext, actor: AdminActor, input: { memberId: number; reason: DeletionReason; note?: string | null }) {
  const m = await findMemberInScope(ctx.db, input.memberId, actor.scope.path);
  if (!m) return refuseOutOfScope(ctx, actor, 'member', input.memberId, async () => (await findMemberById(ctx.db, input.memberId)) !== null);
  return file(ctx, actor, {
    type: 'MEMBER_DELETION',
    subjectKey: `member:${m.id}`,
    subjectPath: m.orgPath,
    subjectLabel: `${m.name}（${m.idNumber}）· ${m.branchName} · ${DELETION_REASON_LABELS[input.reason]}`,
    payload: { memberId: m.id, personId: m.personId, name: m.name, idNumberMasked: m.idNumber, branchId: m.branchId, branchName: m.branchName, reason: input.reason },
    note: input.note,
  });
}

/** REP-2: the township flag shows the wrong answer; the report names the org's full name. */
export async function fileTownshipFlag(ctx: AppContext, actor: AdminActor, input: { orgId: number; claimed: boolean; note?: string | null }) {
  const org = await orgInScopeOr404(ctx, actor, input.orgId);
  if (!['COMMITTEE', 'WORK_COMMITTEE', 'GENERAL_BRANCH'].includes(org.kind)) throw new DomainError('REP_2_NOT_TOWNSHIP_CANDIDATE');
  assertRule(checkTownshipClaim(org.isTownship, input.claimed));
  const shown = org.isTownship === null ? '空' : org.isTownship ? '是' : '否';
  return file(ctx, actor, {
    type: 'TOWNSHIP_FLAG',
    subjectKey: `org:${org.id}`,
    subjectPath: org.path,
    subjectLabel: `${org.fullName}：系统识别为“${shown}”，应为“${input.claimed ? '是' : '否'}”`,
    payload: { orgId: org.id, fullName: org.fullName, current: org.isTownship, claimed: input.claimed },
    note: input.note,
  });
}

/** A report the acting org may see: it sits here, was filed at or below here, or passed through here. */
async function visibleReport(ex: Executor, actor: AdminActor, id: number): Promise<ReportRow | null> {
  const [row] = await ex
    .select()
    .from(upwardReports)
    .where(
      and(
        eq(upwardReports.id, id),
        sql`(${upwardReports.currentOrgId} = ${actor.scope.orgId} OR ${inSubtree(upwardReports.originPath, actor.scope.path)}
             OR EXISTS (SELECT 1 FROM upward_report_steps s WHERE s.report_id = ${upwardReports.id} AND s.org_id = ${actor.scope.orgId}))`,
      ),
    );
  return row ?? null;
}

export async function getReport(ctx: AppContext, actor: AdminActor, id: number): Promise<Report> {
  const row = await visibleReport(ctx.db, actor, id);
  if (!row) return refuseOutOfScope(ctx, actor, 'report', id, async () => (await ctx.db.select({ id: upwardReports.id }).from(upwardReports).where(eq(upwardReports.id, id))).length > 0);
  return withCan((await present(ctx.db, [row]))[0]!, actor);
}

/** 上报事项: `todo` waits for this org; `filed` came from this org's subtree; `handled` passed through here. */
export async function listReports(ctx: AppContext, actor: AdminActor, q: { box: 'todo' | 'filed' | 'handled'; page: number; pageSize: number }) {
  const where =
    q.box === 'todo'
      ? sql`${upwardReports.currentOrgId} = ${actor.scope.orgId} AND ${upwardReports.status} IN ('PENDING', 'AT_BACKEND')`
      : q.box === 'filed'
        ? inSubtree(upwardReports.originPath, actor.scope.path)
        : sql`EXISTS (SELECT 1 FROM upward_report_steps s WHERE s.report_id = ${upwardReports.id} AND s.org_id = ${actor.scope.orgId} AND s.action <> 'FILE')`;
  const [list, [total]] = await Promise.all([
    ctx.db.select().from(upwardReports).where(where).orderBy(desc(upwardReports.updatedAt), desc(upwardReports.id)).limit(q.pageSize).offset((q.page - 1) * q.pageSize),
    queryRows<{ n: number }>(ctx.db, sql`SELECT count(*)::int AS n FROM upward_reports WHERE ${where}`),
  ]);
  return { items: (await present(ctx.db, list)).map((r) => withCan(r, actor)), total: total?.n ?? 0, page: q.page, pageSize: q.pageSize };
}

/** Inside the transaction: the report, locked, still open and still at the acting org. */
async function lockHeld(tx: Tx, actor: AdminActor, id: number): Promise<ReportRow> {
  const [row] = await tx.select().from(upwardReports).where(eq(upwardReports.id, id)).for('update');
  if (!row || row.currentOrgId !== actor.scope.orgId) throw new DomainError('NOT_FOUND');
  if (row.status !== 'PENDING' && row.status !== 'AT_BACKEND') throw new DomainError('REP_CLOSED');
  return row;
}

/** Before a step: visible (else 404 + audit), at this org (else 404), then the transaction re-checks. */
async function heldOr404(ctx: AppContext, actor: AdminActor, id: number): Promise<ReportRow> {
  const row = await visibleReport(ctx.db, actor, id);
  if (!row) return refuseOutOfScope(ctx, actor, 'report', id, async () => (await ctx.db.select({ id: upwardReports.id }).from(upwardReports).where(eq(upwardReports.id, id))).length > 0);
  if (row.status === 'DONE' || row.status === 'REFUSED') throw new DomainError('REP_CLOSED');
  if (row.currentOrgId !== actor.scope.orgId) throw new DomainError('REP_NOT_AT_YOUR_LEVEL');
  return row;
}

/** One level up: the province's forward reaches the national back end (AT_BACKEND). */
export async function forwardReport(ctx: AppContext, actor: AdminActor, id: number, input: { note?: string | null }) {
  await heldOr404(ctx, actor, id);
  if (!reportActions('PENDING', actor.scope).forward) throw new DomainError('REP_BACKEND_CANNOT_FORWARD');
  const self = await findOrg(ctx.db, actor.scope.orgId);
  if (!self?.parentId) throw new DomainError('REP_NO_PARENT');
  const parent = (await findOrg(ctx.db, self.parentId))!;
  await ctx.db.transaction(async (tx) => {
    const row = await lockHeld(tx, actor, id);
    const status = statusAfterForward(parent);
    await tx.update(upwardReports).set({ currentOrgId: parent.id, status, updatedAt: ctx.clock.now() }).where(eq(upwardReports.id, id));
    await step(tx, ctx, actor, id, 'FORWARD', input.note);
    await writeAudit(tx, ctx, adminAuditActor(actor), {
      action: 'REPORT_FORWARD',
      result: 'OK',
      objectType: 'report',
      objectId: id,
      objectLabel: row.subjectLabel,
      orgPath: row.originPath,
      changes: { currentOrgId: { before: row.currentOrgId, after: parent.id }, status: { before: row.status, after: status } },
      reason: input.note ?? undefined,
    });
  });
  return getReport(ctx, actor, id);
}

/** Any level may send a report back with a reason; the filer sees it under 我方上报. */
export async function refuseReport(ctx: AppContext, actor: AdminActor, id: number, input: { reason: string }) {
  await heldOr404(ctx, actor, id);
  await ctx.db.transaction(async (tx) => {
    const row = await lockHeld(tx, actor, id);
    await tx.update(upwardReports).set({ status: 'REFUSED', outcome: `${actor.scope.name}退回：${input.reason}`, updatedAt: ctx.clock.now() }).where(eq(upwardReports.id, id));
    await step(tx, ctx, actor, id, 'REFUSE', input.reason);
    await writeAudit(tx, ctx, adminAuditActor(actor), {
      action: 'REPORT_REFUSE',
      result: 'OK',
      objectType: 'report',
      objectId: id,
      objectLabel: row.subjectLabel,
      orgPath: row.originPath,
      changes: { status: { before: row.status, after: 'REFUSED' } },
      reason: input.reason,
    });
  });
  return getReport(ctx, actor, id);
}

/**
 * The national back end carries a report out. REP-1: the member record is archived (snapshot) and
 * deleted with its periods; the person goes too unless they hold another role, so the branch can
 * enter the member again with the right name and ID number. REP-2: the township flag is set.
 */
export async function executeReport(ctx: AppContext, actor: AdminActor, id: number, input: { note?: string | null }) {
  await heldOr404(ctx, actor, id);
  if (!reportActions('AT_BACKEND', actor.scope).execute) throw new DomainError('REP_BACKEND_ONLY');
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const row = await lockHeld(tx, actor, id);
    let outcome: string;
    if (row.type === 'MEMBER_DELETION') outcome = await deleteMember(tx, ctx, actor, row, now);
    else outcome = await correctTownship(tx, ctx, actor, row);
    await tx.update(upwardReports).set({ status: 'DONE', outcome, updatedAt: now }).where(eq(upwardReports.id, id));
    await step(tx, ctx, actor, id, 'EXECUTE', input.note);
    await writeAudit(tx, ctx, adminAuditActor(actor), {
      action: 'REPORT_EXECUTE',
      result: 'OK',
      objectType: 'report',
      objectId: id,
      objectLabel: row.subjectLabel,
      orgPath: row.originPath,
      changes: { status: { before: row.status, after: 'DONE' } },
      reason: input.note ?? undefined,
    });
  });
  return getReport(ctx, actor, id);
}

async function deleteMember(tx: Tx, ctx: AppContext, actor: AdminActor, report: ReportRow, now: Date): Promise<string> {
  const p = report.payload as { memberId: number; personId: number; branchName: string };
  const [m] = await tx.select().from(members).where(eq(members.id, p.memberId)).for('update');
  if (!m || m.personId !== p.personId) throw new DomainError('REP_1_MEMBER_GONE');
  // A transfer is history the league keeps (TR): a record that has moved is not a mis-entry to erase.
  const [moved] = await tx.select({ id: transfers.id }).from(transfers).where(eq(transfers.memberId, m.id)).limit(1);
  if (moved) throw new DomainError('REP_1_HAS_TRANSFERS');
  const [person] = await tx.select().from(persons).where(eq(persons.id, m.personId));
  const periods = await tx.select().from(memberships).where(eq(memberships.memberId, m.id));
  const posts = await tx.select().from(cadrePositions).where(eq(cadrePositions.personId, m.personId));
  const grants = await tx.select({ id: adminGrants.id }).from(adminGrants).where(eq(adminGrants.personId, m.personId));
  // The person stays when they hold a post outside the branch or any admin grant (another role).
  const otherRoles = grants.length > 0 || posts.some((c) => c.orgId !== m.branchId);
  await tx.delete(memberships).where(eq(memberships.memberId, m.id));
  await tx.delete(members).where(eq(members.id, m.id));
  await tx.delete(cadrePositions).where(and(eq(cadrePositions.personId, m.personId), eq(cadrePositions.orgId, m.branchId)));
  if (!otherRoles) {
    await tx.delete(sessions).where(eq(sessions.personId, m.personId));
    await tx.delete(accounts).where(eq(accounts.personId, m.personId));
    await tx.delete(persons).where(eq(persons.id, m.personId));
  }
  await tx.insert(archivedMembers).values({
    memberId: m.id,
    reportId: report.id,
    branchId: m.branchId,
    orgPath: m.orgPath,
    name: person!.name,
    idNumberMasked: person!.idNumberMasked,
    snapshot: {
      member: { ...m, createdAt: m.createdAt.toISOString(), updatedAt: m.updatedAt.toISOString(), leftAt: m.leftAt?.toISOString() ?? null },
      person: { name: person!.name, idNumberMasked: person!.idNumberMasked, gender: person!.gender, birthDate: person!.birthDate },
      memberships: periods.map((x) => ({ ...x, startedAt: x.startedAt.toISOString(), endedAt: x.endedAt?.toISOString() ?? null })),
      branchPosts: posts.filter((c) => c.orgId === m.branchId),
    },
    personDeleted: !otherRoles,
    archivedAt: now,
  });
  await writeAudit(tx, ctx, adminAuditActor(actor), {
    action: 'MEMBER_DELETE_BY_REPORT',
    result: 'OK',
    objectType: 'member',
    objectId: m.id,
    objectLabel: `${person!.name}（${person!.idNumberMasked}）`,
    orgPath: m.orgPath,
    changes: { status: { before: m.status, after: 'ARCHIVED' } },
    reason: `上报事项 #${report.id}`,
  });
  return `已由后台删除（记录已归档），请“${p.branchName}”重新录入该团员的正确信息`;
}

async function correctTownship(tx: Tx, ctx: AppContext, actor: AdminActor, report: ReportRow): Promise<string> {
  const p = report.payload as { orgId: number; claimed: boolean };
  const [org] = await tx.select().from(orgs).where(and(eq(orgs.id, p.orgId), isNull(orgs.deletedAt))).for('update');
  if (!org) throw new DomainError('NOT_FOUND');
  await tx.update(orgs).set({ isTownship: p.claimed, updatedAt: ctx.clock.now() }).where(eq(orgs.id, org.id));
  await writeAudit(tx, ctx, adminAuditActor(actor), {
    action: 'ORG_TOWNSHIP_CORRECT',
    result: 'OK',
    objectType: 'org',
    objectId: org.id,
    objectLabel: org.fullName,
    orgPath: org.path,
    changes: { isTownship: { before: org.isTownship, after: p.claimed } },
    reason: `上报事项 #${report.id}`,
  });
  return `已由后台更正为“${p.claimed ? '是' : '否'}乡镇街道团委”`;
}
