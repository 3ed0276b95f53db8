import { BRANCH_POSITIONS } from './cadres';
import type { OrgCategory } from './enums';
import type { ErrorCode } from './errors';
import { validateIdNumber, type IdNumberResult } from './id-number';
import { assessIdentity, checkCadreFields, checkJoinedLeagueAt, isGraduating, isLateEntry, type IdentityIssue } from './members';

/**
 * The entry rules of one member record (MEM-1..4, CAD-1 branch posts), in ONE place: the single-entry
 * form refuses on the first error; the Excel import lists all of them for every row. Warnings (MEM-3
 * identity, MEM-4 late entry) never refuse: the record is kept and listed for rectification.
 */
export type EntryField = 'idNumber' | 'joinedLeagueAt' | 'isCadre' | 'leaguePosition' | 'phone' | 'identityEvidence' | 'developmentNumber' | 'admittedAt';

export interface EntryProblem {
  field: EntryField;
  code: ErrorCode | IdentityIssue['code'] | 'MEM_4_LATE_ENTRY';
  message: string;
}

export interface MemberEntryInput {
  idNumber: string;
  joinedLeagueAt: string;
  isCadre: boolean;
  leaguePosition?: string | null;
  phone?: string | null;
  identityEvidence?: Parameters<typeof assessIdentity>[0]['identityEvidence'];
  developmentNumber?: string | null;
  admittedAt?: string | null;
}

export interface EntryBranch {
  category: OrgCategory;
  graduationAt: string | null;
}

/** MEM-2 then the record rules that do not need the branch; the valid ID number when there is one. */
export function memberRecordErrors(input: MemberEntryInput, today: string): { id: Extract<IdNumberResult, { ok: true }> | null; errors: EntryProblem[] } {
  const errors: EntryProblem[] = [];
  const id = validateIdNumber(input.idNumber, today);
  if (!id.ok) errors.push({ field: 'idNumber', code: id.code, message: id.message });
  if (id.ok) {
    const joined = checkJoinedLeagueAt(input.joinedLeagueAt, id.birthDate, today);
    if (!joined.ok) errors.push({ field: 'joinedLeagueAt', code: joined.code, message: joined.message });
  }
  errors.push(...branchPostErrors(input.isCadre, input.leaguePosition));
  return { id: id.ok ? id : null, errors };
}

/** MEM-1 + CAD-1: a cadre names one of the branch posts; a non-cadre names none. */
export function branchPostErrors(isCadre: boolean, position: string | null | undefined): EntryProblem[] {
  const post = checkCadreFields(isCadre, position);
  if (!post.ok) return [{ field: post.code === 'MEM_1_POSITION_REQUIRED' ? 'leaguePosition' : 'isCadre', code: post.code, message: post.message }];
  if (isCadre && position && !(BRANCH_POSITIONS as readonly string[]).includes(position)) {
    return [{ field: 'leaguePosition', code: 'CAD_1_POSITION_INVALID', message: `团内职务应为：${BRANCH_POSITIONS.join('、')}` }];
  }
  return [];
}

/** MEM-1: a graduating student's phone is required. */
export function branchPhoneErrors(input: Pick<MemberEntryInput, 'phone'>, branch: EntryBranch, today: string, graduateStatus?: string | null): EntryProblem[] {
  if (input.phone || !isGraduating({ branchCategory: branch.category, branchGraduationAt: branch.graduationAt, graduateStatus, today })) return [];
  return [{ field: 'phone', code: 'MEM_1_PHONE_REQUIRED', message: '毕业学生的手机号码为必填项' }];
}

/** MEM-3 identity issues and MEM-4 late entry: listed, never refused. */
export function memberEntryWarnings(input: MemberEntryInput, birthDate: string, today: string): EntryProblem[] {
  const warnings: EntryProblem[] = assessIdentity({ birthDate, joinedLeagueAt: input.joinedLeagueAt, identityEvidence: input.identityEvidence, developmentNumber: input.developmentNumber }).issues.map((i) => ({
    field: i.code.startsWith('DEV_3') ? 'developmentNumber' : 'identityEvidence',
    code: i.code,
    message: i.message,
  }));
  if (isLateEntry(input.admittedAt, today)) {
    warnings.push({ field: 'admittedAt', code: 'MEM_4_LATE_ENTRY', message: `录入时间晚于入团（支部大会通过）后一个月（${input.admittedAt}），将列入超期录入名单` });
  }
  return warnings;
}

/** Every rule of one entry at once (the import's view); `branch` is null when the branch is unknown. */
export function checkMemberEntry(input: MemberEntryInput, branch: EntryBranch | null, today: string) {
  const { id, errors } = memberRecordErrors(input, today);
  if (branch) errors.push(...branchPhoneErrors(input, branch, today));
  const warnings = id ? memberEntryWarnings(input, id.birthDate, today) : [];
  return { id, errors, warnings };
}
