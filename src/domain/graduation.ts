import type { GraduationExemptReason, IndustryCategory, OrgCategory, OrgKind } from './enums';
import { OK, refuse, type RuleResult } from './errors';
import { isSchoolDomain } from './orgs';

/**
 * Graduation rules (GRAD-1 … GRAD-7): who marks a branch's graduation time, what a mark is, when
 * branches become 毕业生团组织, and who may be marked 延迟毕业团员 or 教师. Pure: no database, no clock.
 */

interface ActorOrg {
  kind: OrgKind;
  industryCategory: IndustryCategory;
}

/** GRAD-1: school-domain 团委/团工委/团总支 admins mark; leadership organs and branches cannot. */
export function checkMarkActor(actor: ActorOrg): RuleResult {
  if (!isSchoolDomain(actor.industryCategory)) return refuse('GRAD_1_SCHOOL_COMMITTEE_ONLY');
  if (actor.kind === 'LEADERSHIP' || actor.kind === 'BRANCH') return refuse('GRAD_1_SCHOOL_COMMITTEE_ONLY');
  return OK;
}

export interface GraduationMark {
  graduationAt: string | null;
  exemptReason: GraduationExemptReason | null;
}

/** GRAD-2: a year-month, or a reason instead (教师支部/混合支部), never both and never neither. */
export function checkMark(mark: GraduationMark, today: string): RuleResult {
  if ((mark.graduationAt === null) === (mark.exemptReason === null)) return refuse('GRAD_2_TIME_XOR_REASON');
  if (mark.graduationAt !== null) {
    const year = Number(mark.graduationAt.slice(0, 4));
    const thisYear = Number(today.slice(0, 4));
    // Corrections of last year's marks are allowed; nobody studies for more than ten years ahead.
    if (year < thisYear - 1 || year > thisYear + 10) return refuse('GRAD_2_TIME_OUT_OF_RANGE', `预计毕业时间应在${thisYear - 1}年至${thisYear + 10}年之间`);
  }
  return OK;
}

/** GRAD-1: only branches carry a graduation time. */
export function checkMarkTarget(target: { kind: OrgKind; specialKind: string | null }): RuleResult {
  if (target.kind !== 'BRANCH') return refuse('GRAD_1_BRANCH_ONLY');
  return OK;
}

/** 学制 the form offers (GRAD-7), in years. */
export const PROGRAM_YEARS = {
  本科: 4,
  本科五年制: 5,
  专科: 3,
  中职: 3,
  研究生两年制: 2,
  研究生两年半制: 2.5,
  研究生三年制: 3,
  博士: 4,
} as const;
export type Program = keyof typeof PROGRAM_YEARS;

/**
 * GRAD-7: students enter in September; they graduate three months before the last month of their
 * program — 2020级本科 (4 years) → 2024-06, a 2.5-year master's from 2020 → 2022-12.
 */
export function proposeGraduationAt(entryYear: number, years: number): string {
  const months = entryYear * 12 + 8 + Math.round(years * 12) - 3; // September is month index 8
  const year = Math.floor(months / 12);
  return `${year}-${String((months % 12) + 1).padStart(2, '0')}`;
}

/** "2023级计算机1班团支部" → 2023: the 年级 the form starts from. */
export function gradeOf(branchName: string): number | null {
  const m = /(20\d{2})级/.exec(branchName);
  return m ? Number(m[1]) : null;
}

/** The configured conversion day of `year` ('MM-DD', default 6月1日), as a date. */
export const DEFAULT_CONVERSION_DAY = '06-01';

/**
 * GRAD-5: on or after the conversion day, a branch marked with a time in the current year that is
 * not yet a 毕业生团组织 becomes one. A branch already converted is never converted again.
 */
export function isDueForConversion(branch: { category: OrgCategory; graduationAt: string | null }, today: string, conversionDay = DEFAULT_CONVERSION_DAY): boolean {
  if (branch.category === 'GRADUATE' || !branch.graduationAt) return false;
  const year = today.slice(0, 4);
  return branch.graduationAt.slice(0, 4) === year && today >= `${year}-${conversionDay}`;
}

/** A branch is graduating once it is a 毕业生团组织 or carries a graduation time (GRAD-6). */
export function isGraduatingBranch(branch: { category: OrgCategory; graduationAt: string | null }): boolean {
  return branch.category === 'GRADUATE' || branch.graduationAt !== null;
}

/**
 * GRAD-6: who may mark 延迟毕业团员/教师 — the admins of school-domain 团委/团工委/团总支 above the member
 * or, where a school has only a branch, that branch's direct parent.
 */
export function checkDelayActor(actor: ActorOrg & { id: number }, branch: { parentId: number | null }): RuleResult {
  if (actor.id === branch.parentId) return OK;
  if (isSchoolDomain(actor.industryCategory) && actor.kind !== 'LEADERSHIP' && actor.kind !== 'BRANCH') return OK;
  return refuse('GRAD_6_ACTOR');
}

export type GraduateMark = { kind: 'DELAYED'; graduationAt: string; reason: string } | { kind: 'TEACHER' };

/** GRAD-6: a delayed graduate's time is later than the branch's, with a reason; a teacher has no date. */
export function checkGraduateMark(branch: { category: OrgCategory; graduationAt: string | null }, mark: GraduateMark): RuleResult {
  if (!isGraduatingBranch(branch)) return refuse('GRAD_6_NOT_GRADUATING_BRANCH');
  if (mark.kind === 'TEACHER') return OK;
  if (!mark.reason.trim()) return refuse('GRAD_6_REASON_REQUIRED');
  if (branch.graduationAt && mark.graduationAt <= branch.graduationAt) {
    return refuse('GRAD_6_DATE_NOT_LATER', `延迟毕业团员的预计毕业时间必须晚于所在团支部的毕业时间（${branch.graduationAt}）`);
  }
  return OK;
}

/** The `can` flags of an org for the acting admin: GRAD-1 below a committee, GRAD-6 for its members. */
export function graduationPermissions(actor: ActorOrg & { id: number }, org: { kind: OrgKind; parentId: number | null }): { markGraduation: boolean; markGraduates: boolean } {
  const schoolCommittee = checkMarkActor(actor).ok;
  return {
    markGraduation: schoolCommittee && org.kind !== 'BRANCH',
    markGraduates: schoolCommittee || (org.kind === 'BRANCH' && checkDelayActor(actor, org).ok),
  };
}

/**
 * GRAD-8, ORG-7: the branches of the graduation campaign that are deleted once emptied — 毕业生团组织,
 * 毕业学生流动团员团支部, 延迟毕业团支部 and a county-level 学社衔接临时团支部 (TR-11). A township's own
 * 学社衔接临时团支部 stays (ORG-3: every township has one).
 */
export function isCampaignBranch(branch: { kind: OrgKind; category: OrgCategory; specialKind: string | null }, parent: { isTownship: boolean | null }): boolean {
  if (branch.kind !== 'BRANCH') return false;
  if (branch.specialKind === 'TRANSITION') return parent.isTownship !== true;
  return branch.category === 'GRADUATE' || branch.specialKind === 'MOBILE_GRADUATES' || branch.specialKind === 'DELAYED';
}
