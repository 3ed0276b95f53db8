/** Calendar helpers on plain strings (YYYY-MM-DD dates, YYYY-MM year-months), UTC, no time zones. */

export const YEAR_MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isYearMonth(s: string): boolean {
  return YEAR_MONTH_RE.test(s);
}

export function isDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function yearOf(yearMonthOrDate: string): number {
  return Number(yearMonthOrDate.slice(0, 4));
}

/** Last calendar day of a year-month, as YYYY-MM-DD. */
export function lastDayOfMonth(yearMonth: string): string {
  const y = Number(yearMonth.slice(0, 4));
  const m = Number(yearMonth.slice(5, 7));
  const d = new Date(Date.UTC(y, m, 0));
  return d.toISOString().slice(0, 10);
}

/**
 * Whole years between a birth date and a date (both YYYY-MM-DD). Born on 29 February, one has the
 * birthday on 28 February of a common year: a period with no corresponding day ends on the month's
 * last day (民法典 第二百零二条), as in addMonths.
 */
export function ageOn(birthDate: string, on: string): number {
  const by = Number(birthDate.slice(0, 4));
  const oy = Number(on.slice(0, 4));
  const birthday = birthDate.slice(5) === '02-29' && lastDayOfMonth(`${oy}-02`) !== `${oy}-02-29` ? '02-28' : birthDate.slice(5);
  const birthdayPassed = on.slice(5) >= birthday;
  return oy - by - (birthdayPassed ? 0 : 1);
}

/** Adds whole months to a date; the day is clamped to the target month's last day. */
export function addMonths(date: string, months: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const d = Number(date.slice(8, 10));
  const target = new Date(Date.UTC(y, m, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}

/** YYYY-MM-DD of an instant, in China Standard Time (UTC+8), where the league's calendar runs. */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
