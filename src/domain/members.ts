import { addMonths, ageOn, lastDayOfMonth, yearOf } from './dates';
import type { IdentityEvidence, IdentityStatus, OrgCategory } from './enums';
import { OK, refuse, type RuleResult } from './errors';

export interface IdentityIssue {
  code:
    | 'MEM_3_EVIDENCE_MISSING'
    | 'MEM_3_APPLICATION_FORM_REQUIRED'
    | 'MEM_3_TOO_YOUNG'
    | 'DEV_3_MISSING'
    | 'DEV_3_FORMAT'
    | 'DEV_3_YEAR';
  message: string;
}

/** Years that the development-number rule treats as one (DEV-3). */
const INTERCHANGEABLE_YEARS: ReadonlySet<string> = new Set(['2017', '2018']);

/**
 * DEV-3: exactly 12 digits whose first four are the joining year (2017 and 2018 interchangeable).
 * Uniqueness is the database's job (DEV_3_NUMBER_TAKEN).
 */
export function checkDevelopmentNumber(number: string | null | undefined, joinedLeagueAt: string): IdentityIssue[] {
  if (!number) return [{ code: 'DEV_3_MISSING', message: '2017年及以后入团的团员须有发展团员编号' }];
  if (!/^\d{12}$/.test(number)) {
    return [{ code: 'DEV_3_FORMAT', message: `发展团员编号应为12位数字，实际为“${number}”` }];
  }
  const prefix = number.slice(0, 4);
  const joinYear = joinedLeagueAt.slice(0, 4);
  const sameYear = prefix === joinYear || (INTERCHANGEABLE_YEARS.has(prefix) && INTERCHANGEABLE_YEARS.has(joinYear));
  if (!sameYear) {
    return [{ code: 'DEV_3_YEAR', message: `发展团员编号前四位（${prefix}）应与入团年份（${joinYear}）一致` }];
  }
  return [];
}

/**
 * MEM-3: is this person's league membership established?
 * Joined before 2017 (2016 included, as the original system does): one of 入团志愿书 / 团员证 /
 * 组织关系介绍信, and aged 12 or more on joining. Joined 2017 or later: 入团志愿书, aged 13 or more,
 * and a valid development number. Only the month of joining is known, so the age is taken on the
 * last day of that month: the member gets the benefit of the doubt.
 */
export function assessIdentity(input: {
  birthDate: string;
  joinedLeagueAt: string;
  identityEvidence: IdentityEvidence | null | undefined;
  developmentNumber: string | null | undefined;
}): { status: IdentityStatus; issues: IdentityIssue[] } {
  const issues: IdentityIssue[] = [];
  const joinYear = yearOf(input.joinedLeagueAt);
  const ageOnJoining = ageOn(input.birthDate, lastDayOfMonth(input.joinedLeagueAt));
  if (joinYear <= 2016) {
    if (!input.identityEvidence) {
      issues.push({ code: 'MEM_3_EVIDENCE_MISSING', message: '缺少团员身份认定依据（入团志愿书、团员证或组织关系介绍信三者之一）' });
    }
    if (ageOnJoining < 12) issues.push({ code: 'MEM_3_TOO_YOUNG', message: `入团时${ageOnJoining}周岁，2017年以前入团的须年满12周岁` });
  } else {
    if (input.identityEvidence !== 'APPLICATION_FORM') {
      issues.push({ code: 'MEM_3_APPLICATION_FORM_REQUIRED', message: '2017年及以后入团的团员须有入团志愿书' });
    }
    if (ageOnJoining < 13) issues.push({ code: 'MEM_3_TOO_YOUNG', message: `入团时${ageOnJoining}周岁，2017年及以后入团的须年满13周岁` });
    issues.push(...checkDevelopmentNumber(input.developmentNumber, input.joinedLeagueAt));
  }
  return { status: issues.length === 0 ? 'VERIFIED' : 'NEEDS_RECTIFICATION', issues };
}

/** 入团年月 must fall after birth and not in the future. */
export function checkJoinedLeagueAt(joinedLeagueAt: string, birthDate: string, today: string): RuleResult {
  if (joinedLeagueAt > today.slice(0, 7)) return refuse('VALIDATION_FAILED', '入团年月不能晚于当前月份');
  if (joinedLeagueAt < birthDate.slice(0, 7)) return refuse('VALIDATION_FAILED', '入团年月不能早于出生年月');
  return OK;
}

export const PHONE_RE = /^1[3-9]\d{9}$/;

export function isValidPhone(phone: string): boolean {
  return PHONE_RE.test(phone);
}

/**
 * MEM-1: a graduating student must have a phone. Graduating = in a 毕业生团组织, or in a branch whose
 * graduation time falls in the current year, or individually marked 毕业生.
 */
export function isGraduating(input: {
  branchCategory: OrgCategory;
  branchGraduationAt: string | null;
  graduateStatus: string | null | undefined;
  today: string;
}): boolean {
  if (input.graduateStatus === 'TEACHER') return false; // GRAD-6: a teacher is not a student
  if (input.branchCategory === 'GRADUATE' || input.graduateStatus === 'GRADUATE') return true;
  return !!input.branchGraduationAt && input.branchGraduationAt.slice(0, 4) === input.today.slice(0, 4);
}

/** MEM-1: a cadre names the post; a non-cadre has none. */
export function checkCadreFields(isCadre: boolean, leaguePosition: string | null | undefined): RuleResult {
  if (isCadre && !leaguePosition) return refuse('MEM_1_POSITION_REQUIRED');
  if (!isCadre && leaguePosition) return refuse('VALIDATION_FAILED', '非团干部不应填写团内职务');
  return OK;
}

/** The fields of a complete profile (ST-2, MEM-1), with their labels. */
export const PROFILE_FIELDS = {
  phone: '手机号码',
  ethnicity: '民族',
  politicalStatus: '政治面貌',
  joinedLeagueAt: '入团年月',
  education: '全日制学历',
  highestEducation: '最高学历',
  occupation: '职业',
  workUnit: '工作/学习单位',
  hukouAddress: '户籍所在地',
  residenceAddress: '现居住地',
  developmentNumber: '发展团员编号',
  leaguePosition: '团内职务',
} as const;
export type ProfileField = keyof typeof PROFILE_FIELDS;

type ProfileInput = { [K in ProfileField]?: string | null } & { isCadre: boolean; hasPhone: boolean };

/**
 * ST-2: which fields of a profile are still empty. The development number counts only for members who
 * joined in 2017 or later, and the post only for cadres.
 */
export function missingProfileFields(m: ProfileInput): ProfileField[] {
  const missing: ProfileField[] = [];
  for (const field of Object.keys(PROFILE_FIELDS) as ProfileField[]) {
    if (field === 'phone') {
      if (!m.hasPhone) missing.push(field);
      continue;
    }
    if (field === 'developmentNumber' && (!m.joinedLeagueAt || yearOf(m.joinedLeagueAt) < 2017)) continue;
    if (field === 'leaguePosition' && !m.isCadre) continue;
    const value = m[field];
    if (value === null || value === undefined || String(value).trim() === '') missing.push(field);
  }
  return missing;
}

/** The record fields the derived facts (MEM-3 identity, ST-2 completeness) are computed from. */
export interface RecordFacts {
  birthDate: string;
  joinedLeagueAt: string;
  identityEvidence: IdentityEvidence | null;
  developmentNumber: string | null;
  isCadre: boolean;
  hasPhone: boolean;
  ethnicity: string | null;
  politicalStatus: string | null;
  education: string | null;
  highestEducation: string | null;
  occupation: string | null;
  workUnit: string | null;
  hukouAddress: string | null;
  residenceAddress: string | null;
  leaguePosition: string | null;
}

/**
 * Identity status and completeness are stored so lists can filter on them; they are always derived
 * here (the single-entry form, edits, and the import worker at validation time). No clock involved.
 */
export function derivedFacts(f: RecordFacts): { identityStatus: IdentityStatus; identityIssues: IdentityIssue[]; profileComplete: boolean } {
  const identity = assessIdentity(f);
  return {
    identityStatus: identity.status,
    identityIssues: identity.issues,
    profileComplete: missingProfileFields(f).length === 0,
  };
}

/** MEM-4: entered more than one month after the branch meeting that admitted the member. */
export function isLateEntry(admittedAt: string | null | undefined, enteredOn: string): boolean {
  if (!admittedAt) return false;
  return enteredOn > addMonths(admittedAt, 1);
}

/** MEM-8: members aged 28 or more who hold no league post are listed for 离团. */
export const LEAVING_AGE = 28;
export function isDueToLeave(birthDate: string, holdsPost: boolean, today: string): boolean {
  return !holdsPost && ageOn(birthDate, today) >= LEAVING_AGE;
}

/** What an admin in scope may do with a member record (the UI shows only these actions). */
export function memberPermissions(status: 'ACTIVE' | 'LEFT') {
  const active = status === 'ACTIVE';
  return { edit: active, leave: active, restore: !active, resetPassword: active, reveal: true };
}
