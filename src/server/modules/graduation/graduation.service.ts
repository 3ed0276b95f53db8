import { and, count, desc, eq, inArray, isNull, like, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { GraduateMarkInput, MarkBranchesRequest, MarkMembersRequest } from '../../../contracts/graduation';
import { outer, type Tx } from '../../../db/client';
import { members, memberships, orgs, persons } from '../../../db/schema';
import { chinaDate } from '../../../domain/dates';
import { DomainError, assertRule } from '../../../domain/errors';
import { checkDelayActor, checkGraduateMark, checkMark, checkMarkActor, checkMarkTarget, isCampaignBranch, isDueForConversion } from '../../../domain/graduation';
import { SPECIAL_KIND_LABELS } from '../../../domain/enums';
import { LEAGUE_PREFIX, checkSpecialBranchParent, unitPart } from '../../../domain/orgs';
import { childPath } from '../../../domain/scope';
import { adminAuditActor, diffFields, refuseOutOfScope, writeAudit } from '../../audit';
import type { AdminActor, AppContext } from '../../context';
import { findMemberById, findMemberInScope, type MemberRow } from '../members/members.repo';
import { findOrg, findOrgInScope, inSubtree, nextOrgId, placementTargets, type OrgRow } from '../orgs/orgs.repo';
import { deleteOrgIn } from '../orgs/orgs.service';

/**
 * Graduation (GRAD-1 … GRAD-6): marking branches, marking members 延迟毕业团员/教师 and revoking it, and
 * the yearly conversion. The rules are in src/domain/graduation.ts; this file loads, locks and writes.
 */

async function branchInScopeOr404(ctx: AppContext, actor: AdminActor, id: number): Promise<OrgRow> {
  const org = await findOrgInScope(ctx.db, id, actor.scope.path);
  if (org) return org;
  return refuseOutOfScope(ctx, actor, 'org', id, async () => (await findOrg(ctx.db, id)) !== null);
}

export async function memberInScopeOr404(ctx: AppContext, actor: AdminActor, id: number): Promise<MemberRow> {
  const row = await findMemberInScope(ctx.db, id, actor.scope.path);
  if (row && row.status === 'ACTIVE') return row;
  return refuseOutOfScope(ctx, actor, 'member', id, async () => (await findMemberById(ctx.db, id)) !== null);
}

/** GRAD-1…4: one shared mark on every selected branch, after the warning was confirmed; audited per branch. */
export async function markBranches(ctx: AppContext, actor: AdminActor, req: MarkBranchesRequest) {
  assertRule(checkMarkActor(actor.scope));
  const today = chinaDate(ctx.clock.now());
  assertRule(checkMark({ graduationAt: req.graduationAt, exemptReason: req.exemptReason }, today));
  if (!req.confirm) throw new DomainError('GRAD_4_CONFIRM_REQUIRED');
  const ids = [...new Set(req.branchIds)];
  for (const id of ids) {
    const branch = await branchInScopeOr404(ctx, actor, id);
    const target = checkMarkTarget(branch);
    if (!target.ok) throw new DomainError(target.code, `“${branch.name}”：${target.message}`);
  }
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    const items = [];
    for (const id of ids) {
      const [before] = await tx.select().from(orgs).where(and(eq(orgs.id, id), isNull(orgs.deletedAt))).for('update');
      if (!before) throw new DomainError('NOT_FOUND');
      const after = { graduationAt: req.graduationAt, graduationExemptReason: req.exemptReason };
      const [row] = await tx.update(orgs).set({ ...after, updatedAt: now }).where(eq(orgs.id, id)).returning();
      // A corrected time also corrects the graduates already converted with the old one (GRAD-4).
      if (row!.category === 'GRADUATE' && req.graduationAt) {
        await tx
          .update(members)
          .set({ graduationAt: req.graduationAt, updatedAt: now })
          .where(and(eq(members.branchId, id), eq(members.status, 'ACTIVE'), eq(members.graduateStatus, 'GRADUATE')));
      }
      const changes = diffFields(before, after);
      if (Object.keys(changes).length) {
        await writeAudit(tx, ctx, adminAuditActor(actor), {
          action: before.graduationAt || before.graduationExemptReason ? 'GRADUATION_MARK_CORRECT' : 'GRADUATION_MARK',
          result: 'OK',
          objectType: 'org',
          objectId: id,
          objectLabel: before.name,
          orgPath: before.path,
          changes,
        });
      }
      items.push({ id: row!.id, name: row!.name, graduationAt: row!.graduationAt, graduationExemptReason: row!.graduationExemptReason, category: row!.category });
    }
    return { items };
  });
}

/**
 * A school's special branch of the graduation campaign below `parent` — 延迟毕业团支部 (GRAD-6) or
 * 毕业学生流动团员团支部 (TR-10) — created on first use; null where ORG-1 allows none there.
 */
export async function schoolSpecialBranch(tx: Tx, ctx: AppContext, actor: AdminActor, parent: OrgRow, kind: 'DELAYED' | 'MOBILE_GRADUATES', why: string): Promise<OrgRow | null> {
  if (!checkSpecialBranchParent(parent, kind).ok) return null;
  const [existing] = await tx
    .select()
    .from(orgs)
    .where(and(eq(orgs.parentId, parent.id), eq(orgs.specialKind, kind), isNull(orgs.deletedAt)))
    .limit(1);
  if (existing) return existing;
  const id = await nextOrgId(tx);
  const now = ctx.clock.now();
  const name = SPECIAL_KIND_LABELS[kind];
  const [created] = await tx
    .insert(orgs)
    .values({
      id,
      parentId: parent.id,
      path: childPath(parent.path, id),
      depth: parent.depth + 1,
      name,
      fullName: `${LEAGUE_PREFIX}${unitPart(parent.fullName)}${name.replace(/团支部$/, '支部委员会')}`,
      kind: 'BRANCH',
      specialKind: kind,
      industryCategory: parent.industryCategory,
      regionCode: parent.regionCode,
      isTownship: false,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  await writeAudit(tx, ctx, adminAuditActor(actor), { action: 'ORG_CREATE', result: 'OK', objectType: 'org', objectId: id, objectLabel: created!.name, orgPath: created!.path, reason: why });
  return created!;
}

/**
 * Ends the member's open period and opens one in `to` (调整团支部), with `to`'s path as
 * `placementTargets` reads it (`to` may have been read before the transaction).
 */
export async function reassign(tx: Tx, now: Date, member: { id: number }, to: OrgRow, note: string) {
  const [here] = await placementTargets(tx, [to.id]);
  if (!here) throw new DomainError('NOT_FOUND');
  await tx
    .update(memberships)
    .set({ endedAt: now, endReason: 'REASSIGN' })
    .where(and(eq(memberships.memberId, member.id), isNull(memberships.endedAt)));
  await tx.insert(memberships).values({ memberId: member.id, branchId: to.id, startedAt: now, startReason: 'REASSIGN', note });
  await tx.update(members).set({ branchId: to.id, orgPath: here.path, updatedAt: now }).where(eq(members.id, member.id));
}

function markLabel(mark: GraduateMarkInput): string {
  return mark.kind === 'TEACHER' ? '教师' : `延迟毕业团员（预计${mark.graduationAt}毕业）`;
}

/**
 * GRAD-6: marks members 延迟毕业团员 (gathered into the school's 延迟毕业团支部) or 教师. All or nothing:
 * every member is checked before anything is written.
 */
export async function markMembers(ctx: AppContext, actor: AdminActor, req: MarkMembersRequest) {
  const ids = [...new Set(req.memberIds)];
  const targets: { member: MemberRow; branch: OrgRow }[] = [];
  for (const id of ids) {
    const member = await memberInScopeOr404(ctx, actor, id);
    const branch = (await findOrg(ctx.db, member.branchId!))!;
    assertRule(checkDelayActor({ ...actor.scope, id: actor.scope.orgId }, branch));
    // A member already in the 延迟毕业团支部 is judged against the branch they came from.
    const origin = branch.specialKind === 'DELAYED' ? ((await originBranch(ctx, member.id)) ?? branch) : branch;
    const result = checkGraduateMark(origin, req.mark);
    if (!result.ok) throw new DomainError(result.code, `${member.name}：${result.message}`);
    targets.push({ member, branch });
  }
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    for (const { member, branch } of targets) {
      const after =
        req.mark.kind === 'TEACHER'
          ? { graduateStatus: 'TEACHER' as const, graduationAt: null, graduationNote: null }
          : { graduateStatus: 'DELAYED' as const, graduationAt: req.mark.graduationAt, graduationNote: req.mark.reason };
      await tx.update(members).set({ ...after, updatedAt: now }).where(eq(members.id, member.id));
      let moved: OrgRow | null = null;
      if (req.mark.kind === 'DELAYED' && branch.specialKind !== 'DELAYED') {
        const parent = await findOrg(tx, branch.parentId!);
        moved = parent ? await schoolSpecialBranch(tx, ctx, actor, parent, 'DELAYED', '标记延迟毕业团员时自动创建（GRAD-6）') : null;
        if (moved) await reassign(tx, now, member, moved, '标记为延迟毕业团员');
      }
      await writeAudit(tx, ctx, adminAuditActor(actor), {
        action: 'GRADUATE_MARK',
        result: 'OK',
        objectType: 'member',
        objectId: member.id,
        objectLabel: member.name,
        orgPath: (moved ?? branch).path,
        changes: diffFields({ graduateStatus: member.graduateStatus, graduationAt: member.graduationAt, branch: branch.name }, { ...after, branch: (moved ?? branch).name }),
        reason: markLabel(req.mark),
      });
    }
  });
  return { items: await presentMarked(ctx, ids) };
}

/** The branch a member was in before the current period (where a delayed graduate came from). */
async function originBranch(ctx: Pick<AppContext, 'db'>, memberId: number): Promise<OrgRow | null> {
  const [prev] = await ctx.db
    .select({ branchId: memberships.branchId })
    .from(memberships)
    .where(and(eq(memberships.memberId, memberId), eq(memberships.endReason, 'REASSIGN')))
    .orderBy(desc(memberships.endedAt), desc(memberships.id))
    .limit(1);
  return prev ? findOrg(ctx.db, prev.branchId) : null;
}

/** GRAD-6: revoking a mark makes the member an ordinary graduate of their class again, back in it. */
export async function revokeMemberMarks(ctx: AppContext, actor: AdminActor, memberIds: number[]) {
  const ids = [...new Set(memberIds)];
  const targets: { member: MemberRow; branch: OrgRow; origin: OrgRow }[] = [];
  for (const id of ids) {
    const member = await memberInScopeOr404(ctx, actor, id);
    const branch = (await findOrg(ctx.db, member.branchId!))!;
    const origin = branch.specialKind === 'DELAYED' ? ((await originBranch(ctx, id)) ?? branch) : branch;
    assertRule(checkDelayActor({ ...actor.scope, id: actor.scope.orgId }, origin));
    if (member.graduateStatus !== 'DELAYED' && member.graduateStatus !== 'TEACHER') throw new DomainError('GRAD_6_NOT_MARKED', `${member.name}：该团员没有延迟毕业团员或教师标记`);
    targets.push({ member, branch, origin });
  }
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    for (const { member, branch, origin } of targets) {
      const after = { graduateStatus: origin.category === 'GRADUATE' ? ('GRADUATE' as const) : null, graduationAt: origin.graduationAt, graduationNote: null };
      await tx.update(members).set({ ...after, updatedAt: now }).where(eq(members.id, member.id));
      if (origin.id !== branch.id) await reassign(tx, now, member, origin, '撤销延迟毕业团员标记');
      await writeAudit(tx, ctx, adminAuditActor(actor), {
        action: 'GRADUATE_MARK_REVOKE',
        result: 'OK',
        objectType: 'member',
        objectId: member.id,
        objectLabel: member.name,
        orgPath: origin.path,
        changes: diffFields({ graduateStatus: member.graduateStatus, graduationAt: member.graduationAt, branch: branch.name }, { ...after, branch: origin.name }),
      });
    }
  });
  return { items: await presentMarked(ctx, ids) };
}

async function presentMarked(ctx: AppContext, ids: number[]) {
  return ctx.db
    .select({ id: members.id, name: persons.name, graduateStatus: members.graduateStatus, graduationAt: members.graduationAt, branchId: members.branchId, branchName: orgs.name })
    .from(members)
    .innerJoin(persons, eq(persons.id, members.personId))
    .innerJoin(orgs, eq(orgs.id, members.branchId))
    .where(inArray(members.id, ids))
    .orderBy(members.id);
}

/**
 * GRAD-5, run by the scheduler: on and after the conversion day, branches marked with this year's
 * time become 毕业生团组织 and their members 毕业生 with the branch's time; 延迟毕业团员 and 教师 keep
 * their marks. Idempotent: a converted branch is not selected again.
 */
export async function convertGraduatingBranches(ctx: AppContext): Promise<{ branches: number; members: number }> {
  const today = chinaDate(ctx.clock.now());
  const year = today.slice(0, 4);
  const candidates = await ctx.db
    .select({ id: orgs.id, name: orgs.name, path: orgs.path, category: orgs.category, graduationAt: orgs.graduationAt })
    .from(orgs)
    .where(and(eq(orgs.category, 'NORMAL'), like(orgs.graduationAt, `${year}-%`), isNull(orgs.deletedAt)));
  const due = candidates.filter((b) => isDueForConversion(b, today, ctx.config.graduationConversionDay));
  if (due.length === 0) return { branches: 0, members: 0 };
  const now = ctx.clock.now();
  let converted = 0;
  await ctx.db.transaction(async (tx) => {
    for (const b of due) {
      // The category check again, under the row lock: two processes never convert one branch twice.
      const [row] = await tx.update(orgs).set({ category: 'GRADUATE', updatedAt: now }).where(and(eq(orgs.id, b.id), eq(orgs.category, 'NORMAL'))).returning({ id: orgs.id });
      if (!row) continue;
      const changed = await tx
        .update(members)
        .set({ graduateStatus: 'GRADUATE', graduationAt: b.graduationAt, updatedAt: now })
        .where(and(eq(members.branchId, b.id), eq(members.status, 'ACTIVE'), isNull(members.graduateStatus)))
        .returning({ id: members.id });
      converted += changed.length;
      await writeAudit(tx, ctx, null, {
        action: 'GRADUATION_CONVERT',
        result: 'OK',
        objectType: 'org',
        objectId: b.id,
        objectLabel: b.name,
        orgPath: b.path,
        changes: { category: { before: 'NORMAL', after: 'GRADUATE' } },
        reason: `系统于${today}将毕业时间为${b.graduationAt}的团支部转为毕业生团组织，${changed.length}名团员标记为毕业生（GRAD-5）`,
      });
    }
  });
  return { branches: due.length, members: converted };
}

/**
 * GRAD-8: emptied campaign branches in the scope (no active member left), which an admin deletes in
 * batch; the same SQL predicate as `isCampaignBranch`, so the list is paged by the database.
 */
export async function listEmptyBranches(ctx: AppContext, actor: AdminActor, page: number, pageSize: number) {
  const parent = alias(orgs, 'parent');
  const where = and(
    inSubtree(orgs.path, actor.scope.path),
    isNull(orgs.deletedAt),
    eq(orgs.kind, 'BRANCH'),
    sql`(${orgs.category} = 'GRADUATE' OR ${orgs.specialKind} IN ('MOBILE_GRADUATES', 'DELAYED') OR (${orgs.specialKind} = 'TRANSITION' AND ${parent.isTownship} IS NOT TRUE))`,
    sql`NOT EXISTS (SELECT 1 FROM members m WHERE m.branch_id = ${outer(orgs.id)} AND m.status = 'ACTIVE')`,
    sql`NOT EXISTS (SELECT 1 FROM orgs c WHERE c.parent_id = ${outer(orgs.id)} AND c.deleted_at IS NULL)`,
  );
  const [items, [total]] = await Promise.all([
    ctx.database.readDb
      .select({ id: orgs.id, name: orgs.name, fullName: orgs.fullName, category: orgs.category, specialKind: orgs.specialKind, graduationAt: orgs.graduationAt, parentName: parent.name, updatedAt: orgs.updatedAt })
      .from(orgs)
      .innerJoin(parent, eq(parent.id, orgs.parentId))
      .where(where)
      .orderBy(orgs.path)
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    ctx.database.readDb.select({ n: count() }).from(orgs).innerJoin(parent, eq(parent.id, orgs.parentId)).where(where),
  ]);
  return { items: items.map((i) => ({ ...i, updatedAt: i.updatedAt.toISOString() })), total: total?.n ?? 0, page, pageSize };
}

/**
 * GRAD-8: deletes the chosen emptied campaign branches through the one ORG-7 deletion (history
 * stays), in one transaction: if any is not a campaign branch or not empty, nothing is deleted.
 */
export async function deleteEmptyBranches(ctx: AppContext, actor: AdminActor, branchIds: number[]) {
  const ids = [...new Set(branchIds)];
  for (const id of ids) {
    const branch = await branchInScopeOr404(ctx, actor, id);
    const parent = branch.parentId ? await findOrg(ctx.db, branch.parentId) : null;
    if (!parent || !isCampaignBranch(branch, parent)) throw new DomainError('GRAD_8_NOT_CAMPAIGN_BRANCH', `“${branch.name}”不是毕业生团组织或学社衔接期间的临时团支部，请在“下级组织”中单独删除`);
  }
  await ctx.db.transaction(async (tx) => {
    for (const id of ids) await deleteOrgIn(tx, ctx, actor, id);
  });
  return { deleted: ids.length };
}
