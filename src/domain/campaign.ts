import { OK, refuse, type RuleResult } from './errors';

/**
 * The graduation season's limits and deadlines (TR-10, TR-11, TR-12) and the graduate-destination
 * rules (MEM-7). Pure: dates in, verdicts out; the server passes China-time dates from its clock.
 */

/** TR-12's deadlines as month-days; each year may move any of them (config `CAMPAIGN_DEADLINES`). */
export interface CampaignDays {
  /** Every non-升学 graduate's transfer started, and unemployed ones into the 流动团员团支部 (TR-10). */
  start: string;
  /** Non-升学 transfers received. */
  received: string;
  /** 升学 transfers done. */
  furtherStudy: string;
  /** Enrolment day: new students' branches are expected `newBranchDays` later. */
  enrolment: string;
  newBranchDays: number;
}

export const DEFAULT_CAMPAIGN_DAYS: CampaignDays = { start: '07-25', received: '09-20', furtherStudy: '10-15', enrolment: '09-01', newBranchDays: 30 };

export type CampaignOverrides = Record<string, Partial<CampaignDays>>;

export interface CampaignDeadlines {
  year: number;
  start: string;
  received: string;
  furtherStudy: string;
  enrolment: string;
  newBranchesBy: string;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Adds months to a YYYY-MM-DD date, clamping to the month's last day (08-31 + 6 → 02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const idx = y * 12 + (m - 1) + months;
  const year = Math.floor(idx / 12);
  const month = (idx % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** TR-12: the year's deadlines as dates, the defaults overridden per year. */
export function campaignDeadlines(year: number, overrides: CampaignOverrides = {}): CampaignDeadlines {
  const days = { ...DEFAULT_CAMPAIGN_DAYS, ...overrides[String(year)] };
  const enrolment = `${year}-${days.enrolment}`;
  return {
    year,
    start: `${year}-${days.start}`,
    received: `${year}-${days.received}`,
    furtherStudy: `${year}-${days.furtherStudy}`,
    enrolment,
    newBranchesBy: addDays(enrolment, days.newBranchDays),
  };
}

/** Deadlines are "by" dates: a list appears the day after. */
export function isPast(deadline: string, today: string): boolean {
  return today > deadline;
}

/** TR-10: unemployed graduates are put into the 毕业学生流动团员团支部 after the start deadline. */
export function checkMobilePlacement(today: string, d: CampaignDeadlines): RuleResult {
  if (!isPast(d.start, today)) return refuse('TR_10_TOO_EARLY', `${Number(d.start.slice(5, 7))}月${Number(d.start.slice(8))}日之后才能将未就业毕业生转入毕业学生流动团员团支部`);
  return OK;
}

/** TR-10: a member may stay in the 毕业学生流动团员团支部 six months. */
export const MOBILE_LIMIT_MONTHS = 6;
/** TR-11: a member may stay in a county-level 学社衔接临时团支部 one year. */
export const TRANSITION_LIMIT_MONTHS = 12;

/** The day a stay that began on `since` becomes overdue (the day after the limit). */
export function overdueFrom(since: string, months: number): string {
  return addDays(addMonths(since, months), 1);
}

/** Stays that began before this date are over the limit today (the SQL lists use it as is). */
export function overdueCutoff(today: string, months: number): string {
  return addMonths(today, -months);
}

export function isOverdue(since: string, months: number, today: string): boolean {
  return since < overdueCutoff(today, months);
}

/** The new grade a school expects branches for after enrolment: “2026级”. */
export function newGradeLabel(year: number): string {
  return `${year}级`;
}

/** MEM-7 destination fields, their labels and their lengths (the member form's limits). */
export const DESTINATION_FIELDS = {
  destinationUnit: { label: '去向单位', max: 100 },
  destinationAddress: { label: '单位地址', max: 200 },
  destinationRegionCode: { label: '单位所在乡镇街道代码', max: 12 },
  hukouAddress: { label: '户籍所在地', max: 200 },
  residenceAddress: { label: '本人居住地', max: 200 },
  parentsAddress: { label: '父母居住地', max: 200 },
} as const;
export type DestinationField = keyof typeof DESTINATION_FIELDS;
export type Destination = Record<DestinationField, string | null>;

/** MEM-7: a destination is complete when the unit, its address and its township are all given. */
export function isDestinationComplete(d: Pick<Destination, 'destinationUnit' | 'destinationAddress' | 'destinationRegionCode'>): boolean {
  return Boolean(d.destinationUnit && d.destinationAddress && d.destinationRegionCode);
}

/** MEM-7: graduates (毕业生, or still in a graduating branch) carry a destination; 教师 do not. */
export function isGraduateForDestination(member: { graduateStatus: string | null }, branch: { category: string; graduationAt: string | null }): boolean {
  if (member.graduateStatus === 'TEACHER') return false;
  return member.graduateStatus === 'GRADUATE' || member.graduateStatus === 'DELAYED' || branch.category === 'GRADUATE' || branch.graduationAt !== null;
}
