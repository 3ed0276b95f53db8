import { and, asc, desc, eq, like, sql, type SQL } from 'drizzle-orm';
import type { ListMembersQuery } from '../../../contracts/members';
import { cappedTotal, outer, type Executor } from '../../../db/client';
import { members, memberships, orgs, persons } from '../../../db/schema';
import { inSubtree } from '../orgs/orgs.repo';

export const memberColumns = {
  id: members.id,
  personId: members.personId,
  name: persons.name,
  idNumber: persons.idNumberMasked,
  gender: persons.gender,
  birthDate: persons.birthDate,
  phone: persons.phoneMasked,
  phoneIdx: persons.phoneIdx,
  email: persons.email,
  ethnicity: members.ethnicity,
  politicalStatus: members.politicalStatus,
  joinedLeagueAt: members.joinedLeagueAt,
  branchId: members.branchId,
  orgPath: members.orgPath,
  branchName: orgs.name,
  branchFullName: orgs.fullName,
  branchCategory: orgs.category,
  branchGraduationAt: orgs.graduationAt,
  isCadre: members.isCadre,
  leaguePosition: members.leaguePosition,
  identityStatus: members.identityStatus,
  identityIssues: members.identityIssues,
  identityEvidence: members.identityEvidence,
  profileComplete: members.profileComplete,
  graduateStatus: members.graduateStatus,
  graduationAt: members.graduationAt,
  status: members.status,
  developmentNumber: members.developmentNumber,
  admittedAt: members.admittedAt,
  developedByOrgId: members.developedByOrgId,
  // A name only: the developing org may lie outside the reader's scope (seed 002: it keeps finding them).
  developedByOrgName: sql<string | null>`(SELECT d.name FROM orgs d WHERE d.id = ${outer(members.developedByOrgId)})`,
  education: members.education,
  highestEducation: members.highestEducation,
  occupation: members.occupation,
  workUnit: members.workUnit,
  hukouAddress: members.hukouAddress,
  residenceAddress: members.residenceAddress,
  destinationUnit: members.destinationUnit,
  destinationAddress: members.destinationAddress,
  destinationRegionCode: members.destinationRegionCode,
  parentsAddress: members.parentsAddress,
  leftAt: members.leftAt,
  leaveReason: members.leaveReason,
  leaveNote: members.leaveNote,
  createdAt: members.createdAt,
  updatedAt: members.updatedAt,
};

export type MemberRow = Awaited<ReturnType<typeof selectMembers>>[number];

/** The columns a list row shows (`toListItem`): a page reads and maps these, not the whole record. */
const LIST_KEYS = ['id', 'personId', 'name', 'idNumber', 'gender', 'birthDate', 'phone', 'ethnicity', 'politicalStatus', 'joinedLeagueAt', 'branchId', 'branchName', 'isCadre', 'leaguePosition', 'identityStatus', 'profileComplete', 'graduateStatus', 'status', 'createdAt'] as const;
const listColumns = Object.fromEntries(LIST_KEYS.map((k) => [k, memberColumns[k]])) as Pick<typeof memberColumns, (typeof LIST_KEYS)[number]>;
export type MemberListRow = Pick<MemberRow, keyof typeof listColumns>;

function selectMembers(ex: Executor, where: SQL | undefined) {
  return ex
    .select(memberColumns)
    .from(members)
    .innerJoin(persons, eq(persons.id, members.personId))
    .innerJoin(orgs, eq(orgs.id, members.branchId))
    .where(where);
}

/** A member whose (current or last) branch is inside the scope; missing and out-of-scope look alike. */
export async function findMemberInScope(ex: Executor, id: number, scopePath: string): Promise<MemberRow | null> {
  const [row] = await selectMembers(ex, and(eq(members.id, id), inSubtree(members.orgPath, scopePath)));
  return row ?? null;
}

export async function findMemberById(ex: Executor, id: number): Promise<MemberRow | null> {
  const [row] = await selectMembers(ex, eq(members.id, id));
  return row ?? null;
}

export async function findMemberByPerson(ex: Executor, personId: number): Promise<MemberRow | null> {
  const [row] = await selectMembers(ex, eq(members.personId, personId));
  return row ?? null;
}

export async function membershipHistory(ex: Executor, memberId: number) {
  return ex
    .select({
      branchId: memberships.branchId,
      branchName: orgs.name,
      startedAt: memberships.startedAt,
      startReason: memberships.startReason,
      endedAt: memberships.endedAt,
      endReason: memberships.endReason,
      note: memberships.note,
    })
    .from(memberships)
    .innerJoin(orgs, eq(orgs.id, memberships.branchId))
    .where(eq(memberships.memberId, memberId))
    .orderBy(desc(memberships.startedAt), desc(memberships.id));
}

const SORTS: Record<ListMembersQuery['sort'], SQL[]> = {
  branch: [asc(members.orgPath), asc(members.id)],
  name: [asc(persons.name), asc(members.id)],
  '-name': [desc(persons.name), desc(members.id)],
  joinedLeagueAt: [asc(members.joinedLeagueAt), asc(members.id)],
  '-joinedLeagueAt': [desc(members.joinedLeagueAt), desc(members.id)],
  createdAt: [asc(members.createdAt), asc(members.id)],
  '-createdAt': [desc(members.createdAt), desc(members.id)],
};

export interface MemberFilter {
  path: string;
  status: 'ACTIVE' | 'LEFT' | 'ALL';
  namePrefix?: string;
  idNumberIdx?: Buffer;
  politicalStatus?: ListMembersQuery['politicalStatus'];
  isCadre?: boolean;
  profileComplete?: boolean;
  identityStatus?: ListMembersQuery['identityStatus'];
}

/** The one WHERE clause of member lists and exports: scope first, so every read is scoped (SEC-1). */
export function memberWhere(f: MemberFilter): SQL {
  const escaped = f.namePrefix?.replace(/[\\%_]/g, (c) => `\\${c}`);
  return and(
    inSubtree(members.orgPath, f.path),
    f.status === 'ALL' ? undefined : eq(members.status, f.status),
    escaped ? like(persons.name, `${escaped}%`) : undefined,
    f.idNumberIdx ? eq(persons.idNumberIdx, f.idNumberIdx) : undefined,
    f.politicalStatus ? eq(members.politicalStatus, f.politicalStatus) : undefined,
    f.isCadre === undefined ? undefined : eq(members.isCadre, f.isCadre),
    f.profileComplete === undefined ? undefined : eq(members.profileComplete, f.profileComplete),
    f.identityStatus ? eq(members.identityStatus, f.identityStatus) : undefined,
  )!;
}

/** One page and its total (exact up to `exactCountLimit`, see `cappedTotal`). */
export async function listMembers(ex: Executor, f: MemberFilter, sort: ListMembersQuery['sort'], page: number, pageSize: number, exactCountLimit: number) {
  const where = memberWhere(f);
  // The persons join is needed only when a filter is on the person.
  const needsPerson = f.namePrefix !== undefined || f.idNumberIdx !== undefined;
  // A builder each: `.limit()` changes the builder it is called on.
  const matches = () =>
    needsPerson
      ? ex.select({ one: sql`1` }).from(members).innerJoin(persons, eq(persons.id, members.personId)).where(where)
      : ex.select({ one: sql`1` }).from(members).where(where);
  const [items, { total, totalIsEstimate }] = await Promise.all([
    ex
      .select(listColumns)
      .from(members)
      .innerJoin(persons, eq(persons.id, members.personId))
      .innerJoin(orgs, eq(orgs.id, members.branchId))
      .where(where)
      .orderBy(...SORTS[sort])
      .limit(pageSize)
      .offset((page - 1) * pageSize),
    cappedTotal(ex, matches(), matches(), exactCountLimit),
  ]);
  return { items, total, totalIsEstimate };
}

/**
 * Batches for exports of any size with bounded memory, in the list's order: keyset batches in branch
 * order (the default), otherwise the list's sort with the id as tie-breaker, page by page.
 */
export async function* memberBatches(ex: Executor, f: MemberFilter, sort: ListMembersQuery['sort'] = 'branch', batchSize = 1000) {
  if (sort !== 'branch') {
    for (let offset = 0; ; offset += batchSize) {
      const batch = await selectMembers(ex, memberWhere(f))
        .orderBy(...SORTS[sort])
        .limit(batchSize)
        .offset(offset);
      if (batch.length > 0) yield batch;
      if (batch.length < batchSize) return;
    }
  }
  let after: { path: string; id: number } | null = null;
  for (;;) {
    const where: SQL = after
      ? and(memberWhere(f), sql`(${members.orgPath}, ${members.id}) > (${after.path}, ${after.id})`)!
      : memberWhere(f);
    const batch = await selectMembers(ex, where).orderBy(asc(members.orgPath), asc(members.id)).limit(batchSize);
    if (batch.length === 0) return;
    yield batch;
    const last = batch[batch.length - 1]!;
    after = { path: last.orgPath, id: last.id };
    if (batch.length < batchSize) return;
  }
}
