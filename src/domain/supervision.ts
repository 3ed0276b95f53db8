/**
 * Supervision rules (ST, DEV-1/2, REP-1/2/3): what each figure counts, the targets, the 5% rule of
 * REP-3, the ranges of development numbers and the steps of a report upward. Pure; the database
 * keeps the same definitions in drizzle/*_supervision_rollups.sql (sup_member_vector, sup_org_vector).
 */
import { addMonths } from './dates';
import type { IndustryCategory, LeadershipLevel, OrgKind } from './enums';
import { refuse, OK, type RuleResult } from './errors';
import { isSchoolDomain } from './orgs';

/** ST-1 target: members entered ≥ 95% of the annual 团统数. ST-2 targets: 100%. */
export const ST1_TARGET = 0.95;
export const ST2_TARGET = 1;
/** REP-3: a gap between 教统 and the league's own count above 5% needs a written explanation. */
export const REP3_GAP_LIMIT = 0.05;

/** A share (0…1), or null when there is nothing to divide by. */
export function ratio(part: number, whole: number | null | undefined): number | null {
  if (!whole) return null;
  return part / whole;
}

/** The facts of one member that the figures count (mirror of sup_member_vector). */
export interface MemberFacts {
  status: 'ACTIVE' | 'LEFT';
  profileComplete: boolean;
  joinedLeagueAt: string;
  admittedAt: string | null;
  /** China date the record was entered. */
  enteredOn: string;
}

export function memberFigures(m: MemberFacts) {
  const active = m.status === 'ACTIVE';
  const since2019 = active && m.joinedLeagueAt >= '2019';
  return {
    active: active ? 1 : 0,
    complete: active && m.profileComplete ? 1 : 0,
    since2017: active && m.joinedLeagueAt >= '2017' ? 1 : 0,
    since2019: since2019 ? 1 : 0,
    // MEM-4: entered more than one month after the branch meeting that admitted them.
    late2019: since2019 && m.admittedAt !== null && m.enteredOn > addMonths(m.admittedAt, 1) ? 1 : 0,
  };
}

/** The facts of one org that the figures count (mirror of sup_org_vector). */
export interface OrgFacts {
  kind: OrgKind;
  specialKind: string | null;
  industryCategory: IndustryCategory;
  deleted: boolean;
  schoolCode: string | null;
  graduationAt: string | null;
  graduationExemptReason: string | null;
}

/** ST-4: live ordinary branches of the school domain are the ones to mark. */
export function isSchoolBranch(o: OrgFacts): boolean {
  return o.kind === 'BRANCH' && o.specialKind === null && !o.deleted && isSchoolDomain(o.industryCategory);
}

export function isMarked(o: Pick<OrgFacts, 'graduationAt' | 'graduationExemptReason'>): boolean {
  return o.graduationAt !== null || o.graduationExemptReason !== null;
}

/** ST-2: a branch counts as 完成录入 once it has at least one active member. */
export function isBranchEntered(o: OrgFacts, activeMembers: number): boolean {
  return o.kind === 'BRANCH' && !o.deleted && activeMembers > 0;
}

// ---------------------------------------------------------------- REP-3

export const EDU_COUNT_FIELDS = ['schools', 'gradClasses', 'studentMembers'] as const;
export type EduCountField = (typeof EDU_COUNT_FIELDS)[number];
export const EDU_COUNT_LABELS: Record<EduCountField | 'students' | 'graduatingStudents', string> = {
  schools: '学校数',
  gradClasses: '毕业班数',
  students: '在校学生数',
  studentMembers: '学生团员数',
  graduatingStudents: '毕业学生数',
};

/** Relative gap of the league's count to the education system's (教统 is the reference). */
export function gapOf(edu: number, league: number): number {
  if (edu === 0) return league === 0 ? 0 : 1;
  return Math.abs(league - edu) / edu;
}

/** REP-3: the compared figures whose gap exceeds 5%. */
export function gapsOverLimit(edu: Record<EduCountField, number>, league: Record<EduCountField, number>): EduCountField[] {
  return EDU_COUNT_FIELDS.filter((k) => gapOf(edu[k], league[k]) > REP3_GAP_LIMIT);
}

export function checkEduExplanation(edu: Record<EduCountField, number>, league: Record<EduCountField, number>, explanation: string | null | undefined): RuleResult {
  const over = gapsOverLimit(edu, league);
  if (over.length > 0 && !(explanation && explanation.trim().length >= 10)) {
    return refuse('REP_3_EXPLANATION_REQUIRED', `${over.map((k) => EDU_COUNT_LABELS[k]).join('、')}与团内统计差距超过5%，请填写不少于10个字的情况说明`);
  }
  return OK;
}

// ---------------------------------------------------------------- DEV-1/2

/** DEV-1: at most this many numbers in one issued range. */
export const DEV_RANGE_MAX = 100_000;

export const DEV_VOID_REASONS = ['NOT_DEVELOPED', 'CANCELLED', 'MISPRINTED', 'LOST', 'OTHER'] as const;
export type DevVoidReason = (typeof DEV_VOID_REASONS)[number];
export const DEV_VOID_REASON_LABELS: Record<DevVoidReason, string> = {
  NOT_DEVELOPED: '未发展（编号未使用）',
  CANCELLED: '发展程序中止',
  MISPRINTED: '填写错误作废',
  LOST: '遗失',
  OTHER: '其他',
};

export interface NumberRange {
  start: string;
  end: string;
}

/** DEV-1: 12 digits, the same joining year (first four digits), start ≤ end, not too large. */
export function checkRange(r: NumberRange): RuleResult {
  if (!/^\d{12}$/.test(r.start) || !/^\d{12}$/.test(r.end)) return refuse('DEV_1_RANGE_FORMAT');
  if (r.start.slice(0, 4) !== r.end.slice(0, 4)) return refuse('DEV_1_RANGE_FORMAT', '号段的起止编号须属于同一年度（前四位相同）');
  const year = Number(r.start.slice(0, 4));
  if (year < 2017) return refuse('DEV_1_RANGE_FORMAT', '发展团员编号自2017年起使用，号段年度不能早于2017年');
  if (r.start > r.end) return refuse('DEV_1_RANGE_FORMAT', '起始编号不能大于截止编号');
  if (rangeSize(r) > DEV_RANGE_MAX) return refuse('DEV_1_RANGE_FORMAT', `一次下发的号段不能超过${DEV_RANGE_MAX}个编号`);
  return OK;
}

export function rangeSize(r: NumberRange): number {
  return Number(r.end.slice(4)) - Number(r.start.slice(4)) + 1;
}

export function rangeContains(outer: NumberRange, inner: NumberRange): boolean {
  return outer.start <= inner.start && inner.end <= outer.end;
}

export function rangesOverlap(a: NumberRange, b: NumberRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/** Top issuers create fresh ranges; every other org re-issues part of what it received. */
export function issuesFreshRanges(o: { kind: OrgKind; leadershipLevel: LeadershipLevel | null }): boolean {
  return o.kind === 'LEADERSHIP' && (o.leadershipLevel === 'NATIONAL' || o.leadershipLevel === 'PROVINCIAL');
}

/** ST-7 accounting of one org's received numbers. */
export function devAccount(issued: number, used: number, explained: number) {
  const unused = Math.max(0, issued - used - explained);
  return { issued, used, explained, unused, accounted: issued === 0 ? null : (used + explained) / issued };
}

// ---------------------------------------------------------------- REP-1/2

export const REPORT_TYPES = ['MEMBER_DELETION', 'TOWNSHIP_FLAG'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];
export const REPORT_TYPE_LABELS: Record<ReportType, string> = {
  MEMBER_DELETION: '信息录入错误团员删除',
  TOWNSHIP_FLAG: '乡镇街道团委识别更正',
};

export const REPORT_STATUSES = ['PENDING', 'AT_BACKEND', 'DONE', 'REFUSED'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export const REPORT_STATUS_LABELS: Record<ReportStatus, string> = {
  PENDING: '逐级上报中',
  AT_BACKEND: '待后台处理',
  DONE: '已处理',
  REFUSED: '已退回',
};

export const DELETION_REASONS = ['ID_NUMBER', 'NAME'] as const;
export type DeletionReason = (typeof DELETION_REASONS)[number];
export const DELETION_REASON_LABELS: Record<DeletionReason, string> = {
  ID_NUMBER: '身份证信息录入错误',
  NAME: '姓名录入错误',
};

export const REPORT_ACTION_LABELS: Record<string, string> = {
  FILE: '上报',
  FORWARD: '审核通过并上报',
  REFUSE: '退回',
  EXECUTE: '后台处理完成',
};

/** The national organ is the back end: it executes, it never forwards. */
export function isBackend(o: { kind: OrgKind; leadershipLevel: LeadershipLevel | null }): boolean {
  return o.kind === 'LEADERSHIP' && o.leadershipLevel === 'NATIONAL';
}

/** What the org a report currently sits at may do with it. */
export function reportActions(status: ReportStatus, holder: { kind: OrgKind; leadershipLevel: LeadershipLevel | null }) {
  const open = status === 'PENDING' || status === 'AT_BACKEND';
  const backend = isBackend(holder);
  return { forward: open && !backend, refuse: open, execute: open && backend };
}

/** The status after a forward: arriving at the national organ means 待后台处理. */
export function statusAfterForward(next: { kind: OrgKind; leadershipLevel: LeadershipLevel | null }): ReportStatus {
  return isBackend(next) ? 'AT_BACKEND' : 'PENDING';
}

/** REP-2: the three wrong cases — the claim must differ from what the system shows. */
export function checkTownshipClaim(current: boolean | null, claimed: boolean): RuleResult {
  if (current === claimed) return refuse('REP_2_FLAG_ALREADY', `系统识别结果已是“${claimed ? '是' : '否'}”，无需更正`);
  if (current === null && !claimed) return refuse('REP_2_FLAG_ALREADY', '系统识别结果为“空”时，只需上报“是乡镇街道团委”的情况');
  return OK;
}
