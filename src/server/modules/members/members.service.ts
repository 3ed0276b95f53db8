import { and, count, eq, isNull } from 'drizzle-orm';
import type { Page } from '../../../contracts/common';
import type {
  CreateMemberRequest,
  ListMembersQuery,
  Member,
  MemberListItem,
  UpdateMemberRequest,
} from '../../../contracts/members';
import type { Tx } from '../../../db/client';
import { accounts, cadrePositions, members, memberships, orgs, persons } from '../../../db/schema';
import { chinaDate } from '../../../domain/dates';
import { DomainError, assertRule, type ErrorCode } from '../../../domain/errors';
import { branchPhoneErrors, branchPostErrors, memberRecordErrors, type EntryProblem } from '../../../domain/member-entry';
import { normalizeIdNumber } from '../../../domain/id-number';
import { maskIdNumber } from '../../../domain/masking';
import {
  checkJoinedLeagueAt,
  derivedFacts,
  isDueToLeave,
  memberPermissions,
  isGraduating,
  isLateEntry,
  missingProfileFields,
  type RecordFacts,
} from '../../../domain/members';
import { isWithin } from '../../../domain/scope';
import { hashPassword, temporaryPassword } from '../../../lib/passwords';
import { adminAuditActor, auditOutOfScope, diffFields, refuseOutOfScope, writeAudit } from '../../audit';
import type { AdminActor, AppContext } from '../../context';
import { syncBranchCadre } from '../cadres/cadres.repo';
import { assertDevNumberUsable } from '../supervision/dev-numbers.service';
import { revokeSessionsOf } from '../auth/session-store';
import { findOrg, findOrgInScope } from '../orgs/orgs.repo';
import { lockOrgInScope, orgInScopeOr404 } from '../orgs/orgs.service';
import { ensureAccount, findOrCreatePerson, findPersonByIdNumber, personConflict, phoneColumns } from '../people/persons';
import {
  findMemberById,
  findMemberInScope,
  listMembers as listMemberRows,
  membershipHistory,
  type MemberFilter,
  type MemberListRow,
  type MemberRow,
} from './members.repo';

const auditActor = adminAuditActor;

// Pure (src/domain), so the import worker computes the same facts at validation time.
export { derivedFacts };

function factsOf(row: MemberRow): RecordFacts {
  return { ...row, hasPhone: row.phoneIdx !== null };
}

export function toListItem(row: MemberListRow): MemberListItem {
  return {
    id: row.id,
    personId: row.personId,
    name: row.name,
    idNumber: row.idNumber,
    gender: row.gender,
    birthDate: row.birthDate,
    phone: row.phone,
    ethnicity: row.ethnicity,
    politicalStatus: row.politicalStatus,
    joinedLeagueAt: row.joinedLeagueAt,
    branchId: row.branchId,
    branchName: row.branchName,
    isCadre: row.isCadre,
    leaguePosition: row.leaguePosition,
    identityStatus: row.identityStatus,
    profileComplete: row.profileComplete,
    graduateStatus: row.graduateStatus,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    can: memberPermissions(row.status),
  };
}

/** The full record as the API shows it (masked); 个人中心 drops the admin's `can`. */
export async function presentMember(ctx: AppContext, row: MemberRow): Promise<Member> {
  const today = chinaDate(ctx.clock.now());
  const [history, [posts]] = await Promise.all([
    membershipHistory(ctx.db, row.id),
    ctx.db
      .select({ n: count() })
      .from(cadrePositions)
      .where(and(eq(cadrePositions.personId, row.personId), isNull(cadrePositions.endedAt))),
  ]);
  return {
    ...toListItem(row),
    branchFullName: row.branchFullName,
    developmentNumber: row.developmentNumber,
    admittedAt: row.admittedAt,
    identityEvidence: row.identityEvidence,
    identityIssues: row.identityIssues,
    developedByOrgId: row.developedByOrgId,
    developedByOrgName: row.developedByOrgName,
    education: row.education,
    highestEducation: row.highestEducation,
    occupation: row.occupation,
    workUnit: row.workUnit,
    hukouAddress: row.hukouAddress,
    residenceAddress: row.residenceAddress,
    email: row.email,
    graduationAt: row.graduationAt,
    destinationUnit: row.destinationUnit,
    destinationAddress: row.destinationAddress,
    destinationRegionCode: row.destinationRegionCode,
    parentsAddress: row.parentsAddress,
    missingFields: missingProfileFields(factsOf(row)),
    lateEntry: isLateEntry(row.admittedAt, chinaDate(row.createdAt)),
    dueToLeave: row.status === 'ACTIVE' && isDueToLeave(row.birthDate, row.isCadre || (posts?.n ?? 0) > 0, today),
    leftAt: row.leftAt?.toISOString() ?? null,
    leaveReason: row.leaveReason,
    leaveNote: row.leaveNote,
    updatedAt: row.updatedAt.toISOString(),
    memberships: history.map((h) => ({
      ...h,
      startedAt: h.startedAt.toISOString(),
      endedAt: h.endedAt?.toISOString() ?? null,
    })),
  };
}

/**
 * Loads a member in scope, or audits the refusal (when it exists elsewhere) and answers 404. Called
 * before a change's transaction (the refusal must survive its rollback); inside it, `lockMemberInScope`.
 */
async function memberInScopeOr404(ctx: AppContext, actor: AdminActor, id: number): Promise<MemberRow> {
  const row = await findMemberInScope(ctx.db, id, actor.scope.path);
  if (row) return row;
  return refuseOutOfScope(ctx, actor, 'member', id, async () => (await findMemberById(ctx.db, id)) !== null);
}

/** Inside a change's transaction: locks the member row first, then reads it (still in scope). */
async function lockMemberInScope(tx: Tx, actor: AdminActor, id: number): Promise<MemberRow> {
  await tx.select({ id: members.id }).from(members).where(eq(members.id, id)).for('update');
  const row = await findMemberInScope(tx, id, actor.scope.path);
  if (!row) throw new DomainError('NOT_FOUND');
  return row;
}

/** MEM-6 / ORG-6: members sit in a 团支部 inside the scope. */
async function branchInScope(ctx: AppContext, actor: AdminActor, branchId: number) {
  const branch = await orgInScopeOr404(ctx, actor, branchId);
  if (branch.kind !== 'BRANCH') throw new DomainError('ORG_6_BRANCH_ONLY', `“${branch.name}”不是团支部，团员只能录入到团支部`);
  return branch;
}

function checkBranchPost(isCadre: boolean, position: string | null | undefined) {
  throwFirst(branchPostErrors(isCadre, position));
}

/** The form refuses on the first problem; an ID-number problem names its field, as before. */
function throwFirst(problems: EntryProblem[]): void {
  const first = problems[0];
  if (!first) return;
  const details = first.field === 'idNumber' ? [{ field: 'idNumber', code: first.code, message: first.message }] : [];
  throw new DomainError(first.code as ErrorCode, first.message, details);
}

export async function getMember(ctx: AppContext, actor: AdminActor, id: number): Promise<Member> {
  return presentMember(ctx, await memberInScopeOr404(ctx, actor, id));
}

/** Turns list query parameters into the scoped filter; a foreign org or ID number finds nothing. */
export async function memberFilter(ctx: AppContext, actor: AdminActor, q: ListMembersQuery): Promise<MemberFilter | null> {
  let path = actor.scope.path;
  if (q.orgId !== undefined) {
    const org = await findOrgInScope(ctx.db, q.orgId, actor.scope.path);
    if (!org) {
      // Another subtree lists like a missing org (empty); the attempt is logged.
      await auditOutOfScope(ctx, actor, 'org', q.orgId, async () => (await findOrg(ctx.db, q.orgId!)) !== null);
      return null;
    }
    path = org.path;
  }
  return {
    path,
    status: q.status,
    namePrefix: q.name || undefined,
    idNumberIdx: q.idNumber ? ctx.cipher.blindIndex('id', normalizeIdNumber(q.idNumber)) : undefined,
    politicalStatus: q.politicalStatus,
    isCadre: q.isCadre,
    profileComplete: q.profileComplete,
    identityStatus: q.identityStatus,
  };
}

export async function listMembers(ctx: AppContext, actor: AdminActor, q: ListMembersQuery): Promise<Page<MemberListItem>> {
  const filter = await memberFilter(ctx, actor, q);
  if (!filter) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
  const { items, total, totalIsEstimate } = await listMemberRows(ctx.database.readDb, filter, q.sort, q.page, q.pageSize, ctx.config.exactCountLimit);
  return { items: items.map(toListItem), total, totalIsEstimate, page: q.page, pageSize: q.pageSize };
}

/**
 * Enters a member (MEM-1/2/3, ORG-6): person, member record, the first membership period, the branch
 * cadre post and the account (MEM-6), all in one transaction.
 */
export async function createMember(ctx: AppContext, actor: AdminActor, input: CreateMemberRequest): Promise<Member> {
  const now = ctx.clock.now();
  const today = chinaDate(now);
  // The shared entry rules (src/domain/member-entry.ts), as the Excel import applies them; the form refuses on the first.
  const record = memberRecordErrors(input, today);
  throwFirst(record.errors);
  const id = record.id!;
  const branch = await branchInScope(ctx, actor, input.branchId);
  throwFirst(branchPhoneErrors(input, branch, today));
  if (input.developedByOrgId && !(await findOrg(ctx.db, input.developedByOrgId))) {
    throw new DomainError('VALIDATION_FAILED', '“发展其入团的团组织”不存在', [{ field: 'developedByOrgId', message: '组织不存在' }]);
  }

  const memberId = await ctx.db
    .transaction(async (tx) => {
      // Locked and read again: the path written is the branch's own now, even if it moved since it was checked.
      const here = await lockOrgInScope(tx, actor, branch.id, 'share');
      await assertDevNumberUsable(tx, input.developmentNumber, here.path); // DEV-1/2
      const existing = await findPersonByIdNumber(tx, ctx.cipher, id.value, true);
      if (existing) {
        const [other] = await tx
          .select({ id: members.id, path: members.orgPath, branchName: orgs.name })
          .from(members)
          .innerJoin(orgs, eq(orgs.id, members.branchId))
          .where(eq(members.personId, existing.id));
        if (other) {
          // The admin learns where only if that branch is theirs to see (SEC-1).
          const where = isWithin(other.path, actor.scope.path) ? `“${other.branchName}”` : '其他组织';
          throw new DomainError('MEM_2_ID_NUMBER_TAKEN', `该身份证号码已在${where}登记为团员，如需调整请办理组织关系转接`);
        }
      }
      const { person } = await findOrCreatePerson(tx, ctx, {
        name: input.name,
        idNumber: id.value,
        birthDate: id.birthDate,
        gender: id.gender,
        phone: input.phone,
        email: input.email,
      });
      const record = {
        ethnicity: input.ethnicity,
        politicalStatus: input.politicalStatus,
        joinedLeagueAt: input.joinedLeagueAt,
        admittedAt: input.admittedAt ?? null,
        developmentNumber: input.developmentNumber ?? null,
        developedByOrgId: input.developedByOrgId ?? null,
        identityEvidence: input.identityEvidence ?? null,
        isCadre: input.isCadre,
        leaguePosition: input.isCadre ? (input.leaguePosition ?? null) : null,
        education: input.education ?? null,
        highestEducation: input.highestEducation ?? null,
        occupation: input.occupation ?? null,
        workUnit: input.workUnit ?? null,
        hukouAddress: input.hukouAddress ?? null,
        residenceAddress: input.residenceAddress ?? null,
        destinationUnit: input.destinationUnit ?? null,
        destinationAddress: input.destinationAddress ?? null,
        destinationRegionCode: input.destinationRegionCode ?? null,
        parentsAddress: input.parentsAddress ?? null,
      };
      const [member] = await tx
        .insert(members)
        .values({
          personId: person.id,
          branchId: here.id,
          orgPath: here.path,
          ...record,
          ...derivedFacts({ ...record, birthDate: id.birthDate, hasPhone: person.phoneIdx !== null }),
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: members.id });
      await tx.insert(memberships).values({ memberId: member!.id, branchId: branch.id, startedAt: now, startReason: 'ENTRY' });
      if (record.isCadre) await syncBranchCadre(tx, person.id, branch.id, record.leaguePosition, today);
      await ensureAccount(tx, person.id, now);
      await writeAudit(tx, ctx, auditActor(actor), {
        action: 'MEMBER_CREATE',
        result: 'OK',
        objectType: 'member',
        objectId: member!.id,
        objectLabel: `${input.name}（${maskIdNumber(id.value)}）`,
        orgPath: here.path,
        changes: diffFields({}, { branchId: branch.id, politicalStatus: record.politicalStatus, joinedLeagueAt: record.joinedLeagueAt, isCadre: record.isCadre }),
      });
      return member!.id;
    })
    .catch((err: unknown) => {
      throw personConflict(err) ?? err;
    });
  return presentMember(ctx, (await findMemberById(ctx.db, memberId))!);
}

/** MEM-5: every field but name, ID number and branch is editable by an admin in scope. */
export async function updateMember(ctx: AppContext, actor: AdminActor, id: number, patch: UpdateMemberRequest): Promise<Member> {
  const now = ctx.clock.now();
  const today = chinaDate(now);
  await memberInScopeOr404(ctx, actor, id);
  await ctx.db
    .transaction(async (tx) => {
      const row = await lockMemberInScope(tx, actor, id);
      if (row.status !== 'ACTIVE') throw new DomainError('MEMBER_NOT_ACTIVE');
      await applyRecordChanges(tx, ctx, row, patch, today, now, { actor: auditActor(actor), action: 'MEMBER_UPDATE' });
    })
    .catch((err: unknown) => {
      throw personConflict(err) ?? err;
    });
  return presentMember(ctx, (await findMemberById(ctx.db, id))!);
}

/**
 * Applies a patch to a member record and its person (phone, email), recomputing the derived facts and
 * the branch cadre post, and audits the changed fields. Shared by admins and 个人中心.
 */
export async function applyRecordChanges(
  tx: Tx,
  ctx: AppContext,
  row: MemberRow,
  patch: UpdateMemberRequest,
  today: string,
  now: Date,
  audit: { actor: Parameters<typeof writeAudit>[2]; action: string },
): Promise<void> {
  const { phone, email, ...recordPatch } = patch;
  const isCadre = recordPatch.isCadre ?? row.isCadre;
  const leaguePosition = recordPatch.leaguePosition !== undefined ? recordPatch.leaguePosition : isCadre ? row.leaguePosition : null;
  if (recordPatch.isCadre !== undefined || recordPatch.leaguePosition !== undefined) checkBranchPost(isCadre, leaguePosition);
  if (recordPatch.joinedLeagueAt) assertRule(checkJoinedLeagueAt(recordPatch.joinedLeagueAt, row.birthDate, today));
  if (recordPatch.developedByOrgId && !(await findOrg(tx, recordPatch.developedByOrgId))) {
    throw new DomainError('VALIDATION_FAILED', '“发展其入团的团组织”不存在', [{ field: 'developedByOrgId', message: '组织不存在' }]);
  }
  const hasPhone = phone === undefined ? row.phoneIdx !== null : phone !== null;
  if (!hasPhone && isGraduating({ branchCategory: row.branchCategory, branchGraduationAt: row.branchGraduationAt, graduateStatus: row.graduateStatus, today })) {
    throw new DomainError('MEM_1_PHONE_REQUIRED');
  }
  const nextRecord = { ...recordPatch, isCadre, leaguePosition: isCadre ? leaguePosition : null };
  const merged = { ...row, ...nextRecord };
  const derived = derivedFacts({ ...merged, hasPhone });
  const changes = diffFields(row as unknown as Record<string, unknown>, { ...nextRecord, ...derived });
  if (phone !== undefined) {
    const cols = phoneColumns(ctx.cipher, phone);
    const unchanged = cols.phoneIdx === null ? row.phoneIdx === null : !!row.phoneIdx && row.phoneIdx.equals(cols.phoneIdx);
    if (!unchanged) {
      await tx.update(persons).set({ ...cols, updatedAt: now }).where(eq(persons.id, row.personId));
      changes.phone = { before: row.phone, after: cols.phoneMasked };
    }
  }
  if (email !== undefined && (email ?? null) !== row.email) {
    await tx.update(persons).set({ email: email ?? null, updatedAt: now }).where(eq(persons.id, row.personId));
    changes.email = { before: row.email, after: email ?? null };
  }
  await tx.update(members).set({ ...nextRecord, ...derived, updatedAt: now }).where(eq(members.id, row.id));
  if (isCadre !== row.isCadre || (isCadre ? leaguePosition : null) !== row.leaguePosition) {
    await syncBranchCadre(tx, row.personId, row.branchId, isCadre ? leaguePosition : null, today);
  }
  if (Object.keys(changes).length > 0) {
    await writeAudit(tx, ctx, audit.actor, {
      action: audit.action,
      result: 'OK',
      objectType: 'member',
      objectId: row.id,
      objectLabel: `${row.name}（${row.idNumber}）`,
      orgPath: row.orgPath,
      changes,
    });
  }
}

/** MEM-8: a member leaves only with a reason; the record and its history stay. */
export async function leaveMember(ctx: AppContext, actor: AdminActor, id: number, input: { reason: NonNullable<MemberRow['leaveReason']>; note?: string | null }): Promise<Member> {
  const now = ctx.clock.now();
  await memberInScopeOr404(ctx, actor, id);
  await ctx.db.transaction(async (tx) => {
    const row = await lockMemberInScope(tx, actor, id);
    if (row.status === 'LEFT') throw new DomainError('MEM_8_ALREADY_LEFT');
    // Leaving ends the branch post (refused while the person administers the branch): the record
    // then says 非团干部, so a later restore never brings back a post nobody holds.
    await syncBranchCadre(tx, row.personId, row.branchId, null, chinaDate(now), '离团');
    const derived = derivedFacts({ ...factsOf(row), isCadre: false, leaguePosition: null });
    await tx
      .update(members)
      .set({ status: 'LEFT', leftAt: now, leaveReason: input.reason, leaveNote: input.note ?? null, isCadre: false, leaguePosition: null, ...derived, updatedAt: now })
      .where(eq(members.id, id));
    await tx
      .update(memberships)
      .set({ endedAt: now, endReason: 'LEFT', note: input.note ?? null })
      .where(and(eq(memberships.memberId, id), isNull(memberships.endedAt)));
    await writeAudit(tx, ctx, auditActor(actor), {
      action: 'MEMBER_LEAVE',
      result: 'OK',
      objectType: 'member',
      objectId: id,
      objectLabel: `${row.name}（${row.idNumber}）`,
      orgPath: row.orgPath,
      changes: {
        status: { before: 'ACTIVE', after: 'LEFT' },
        leaveReason: { before: null, after: input.reason },
        ...diffFields({ isCadre: row.isCadre, leaguePosition: row.leaguePosition }, { isCadre: false, leaguePosition: null }),
      },
      reason: input.note ?? undefined,
    });
  });
  return presentMember(ctx, (await findMemberById(ctx.db, id))!);
}

/** MEM-8: restores a member who left, into a branch of the actor's scope. */
export async function restoreMember(ctx: AppContext, actor: AdminActor, id: number, input: { branchId: number; note?: string | null }): Promise<Member> {
  const now = ctx.clock.now();
  await memberInScopeOr404(ctx, actor, id);
  await branchInScope(ctx, actor, input.branchId);
  await ctx.db.transaction(async (tx) => {
    const row = await lockMemberInScope(tx, actor, id);
    if (row.status !== 'LEFT') throw new DomainError('MEM_8_NOT_LEFT');
    const branch = await lockOrgInScope(tx, actor, input.branchId, 'share');
    await tx
      .update(members)
      .set({ status: 'ACTIVE', branchId: branch.id, orgPath: branch.path, leftAt: null, leaveReason: null, leaveNote: null, updatedAt: now })
      .where(eq(members.id, id));
    await tx.insert(memberships).values({ memberId: id, branchId: branch.id, startedAt: now, startReason: 'RESTORE', note: input.note ?? null });
    await writeAudit(tx, ctx, auditActor(actor), {
      action: 'MEMBER_RESTORE',
      result: 'OK',
      objectType: 'member',
      objectId: id,
      objectLabel: `${row.name}（${row.idNumber}）`,
      orgPath: branch.path,
      changes: { status: { before: 'LEFT', after: 'ACTIVE' }, branchId: { before: row.branchId, after: branch.id } },
      reason: input.note ?? undefined,
    });
  });
  return presentMember(ctx, (await findMemberById(ctx.db, id))!);
}

/** SEC-4: the full ID number and phone, for an admin in scope; every reveal is audited. */
export async function revealMember(ctx: AppContext, actor: AdminActor, id: number): Promise<{ idNumber: string; phone: string | null }> {
  const row = await memberInScopeOr404(ctx, actor, id);
  const [person] = await ctx.db.select({ idNumberEnc: persons.idNumberEnc, phoneEnc: persons.phoneEnc }).from(persons).where(eq(persons.id, row.personId));
  await writeAudit(ctx.db, ctx, auditActor(actor), {
    action: 'MEMBER_REVEAL',
    result: 'OK',
    objectType: 'member',
    objectId: id,
    objectLabel: `${row.name}（${row.idNumber}）`,
    orgPath: row.orgPath,
  });
  return { idNumber: ctx.cipher.decrypt(person!.idNumberEnc), phone: person!.phoneEnc ? ctx.cipher.decrypt(person!.phoneEnc) : null };
}

/**
 * MEM-6: an admin resets a member's password to a random one-time password, shown once; it must be
 * changed at the next login and expires like an initial password. All the member's sessions end.
 */
export async function resetMemberPassword(ctx: AppContext, actor: AdminActor, id: number): Promise<{ temporaryPassword: string; expiresAt: string }> {
  const row = await memberInScopeOr404(ctx, actor, id);
  if (row.status !== 'ACTIVE') throw new DomainError('MEMBER_NOT_ACTIVE');
  const password = temporaryPassword();
  const hash = await hashPassword(password);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await tx
      .insert(accounts)
      .values({ personId: row.personId, passwordHash: hash, mustChangePassword: true, issuedAt: now })
      .onConflictDoUpdate({ target: accounts.personId, set: { passwordHash: hash, mustChangePassword: true, issuedAt: now, passwordChangedAt: null } });
    await revokeSessionsOf(tx, row.personId, now);
    await writeAudit(tx, ctx, auditActor(actor), {
      action: 'PASSWORD_RESET',
      result: 'OK',
      objectType: 'member',
      objectId: id,
      objectLabel: `${row.name}（${row.idNumber}）`,
      orgPath: row.orgPath,
    });
  });
  return { temporaryPassword: password, expiresAt: new Date(now.getTime() + ctx.config.policy.initialPasswordDays * 86_400_000).toISOString() };
}
