import { type ErrorDetail } from './errors';

/**
 * MEM-6 and SEC-2: accounts, passwords and sessions as pure decisions over stored facts.
 * Durations are configuration; these are the defaults of SPEC.md.
 */
export interface AccountPolicy {
  maxFailures: number; // failures before the lock
  lockMinutes: number;
  failureWindowMinutes: number; // failures older than this are forgotten
  ipMaxFailures: number; // per source address, within the window
  initialPasswordDays: number; // unused initial passwords expire
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
}

export const DEFAULT_ACCOUNT_POLICY: AccountPolicy = {
  maxFailures: 5,
  lockMinutes: 15,
  failureWindowMinutes: 15,
  ipMaxFailures: 30,
  initialPasswordDays: 30,
  sessionIdleMinutes: 30,
  sessionAbsoluteHours: 12,
};

/** MEM-6: the initial password is the last 8 characters of the ID number. */
export function initialPassword(idNumber: string): string {
  return idNumber.slice(-8);
}

export function initialPasswordExpired(issuedAt: Date, now: Date, policy: AccountPolicy): boolean {
  return now.getTime() - issuedAt.getTime() > policy.initialPasswordDays * 86_400_000;
}

/** A failure counter for one key (an account's username or a source address). */
export interface FailureGuard {
  failures: number;
  windowStartedAt: Date;
  lockedUntil: Date | null;
}

export function isLocked(guard: FailureGuard | null, now: Date): boolean {
  return !!guard?.lockedUntil && guard.lockedUntil.getTime() > now.getTime();
}

/** The guard after one more failure; it locks when the count reaches `max` within the window. */
export function recordFailure(guard: FailureGuard | null, now: Date, max: number, policy: AccountPolicy): FailureGuard {
  // A failure that races past the lock check counts, but never shortens the lock (the window may be over).
  if (guard && isLocked(guard, now)) return { ...guard, failures: guard.failures + 1 };
  const windowMs = policy.failureWindowMinutes * 60_000;
  const fresh = !guard || now.getTime() - guard.windowStartedAt.getTime() > windowMs || (guard.lockedUntil && guard.lockedUntil <= now);
  const failures = fresh ? 1 : guard.failures + 1;
  const windowStartedAt = fresh ? now : guard.windowStartedAt;
  const lockedUntil = failures >= max ? new Date(now.getTime() + policy.lockMinutes * 60_000) : null;
  return { failures, windowStartedAt, lockedUntil };
}

export type SessionState = 'ACTIVE' | 'IDLE_EXPIRED' | 'ABSOLUTE_EXPIRED' | 'REVOKED';

export function sessionState(
  s: { createdAt: Date; lastSeenAt: Date; revokedAt: Date | null },
  now: Date,
  policy: AccountPolicy,
): SessionState {
  if (s.revokedAt) return 'REVOKED';
  if (now.getTime() - s.createdAt.getTime() > policy.sessionAbsoluteHours * 3_600_000) return 'ABSOLUTE_EXPIRED';
  if (now.getTime() - s.lastSeenAt.getTime() > policy.sessionIdleMinutes * 60_000) return 'IDLE_EXPIRED';
  return 'ACTIVE';
}

/** A short list of passwords everyone tries first; the check also refuses anything built on them. */
const COMMON_PASSWORDS = [
  '12345678', '123456789', '1234567890', '87654321', '11111111', '88888888', '66666666', '00000000',
  'password', 'password1', 'passw0rd', 'qwertyui', 'qwerty123', 'abc12345', 'abcd1234', 'a1234567',
  '1qaz2wsx', 'iloveyou', 'woaini1314', '5201314', 'aa123456', 'zxcvbnm1', 'admin123', 'asdf1234',
  'zhtj1234', 'tuanyuan', 'gongqingtuan', 'qq123456', '1q2w3e4r', 'a12345678', '147258369', '123123123',
];

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * SEC-2 / MLPS 8.1.4.1 a): length plus a block-list instead of character classes. Refuses the ID
 * number, any 6-digit window of it, the birth date, the phone and common passwords; long
 * passphrases in any script are welcome and kept exactly as typed.
 */
export function checkPasswordPolicy(
  password: string,
  person: { idNumber: string; birthDate: string; phone: string | null },
): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const add = (code: string, message: string) => problems.push({ field: 'newPassword', code, message });
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) add('TOO_SHORT', `密码至少${PASSWORD_MIN_LENGTH}个字符`);
  if (length > PASSWORD_MAX_LENGTH) add('TOO_LONG', `密码最多${PASSWORD_MAX_LENGTH}个字符`);
  if (password.trim() !== password || password.trim() === '') add('WHITESPACE', '密码首尾不能是空格');
  const lower = password.toLowerCase();
  // Personal data typed with separators ("2004-06-15", "138 0000 0000") is still personal data.
  const forms = [lower, lower.replace(/[\s\-./_:]+/g, '')];
  const contains = (part: string) => forms.some((form) => form.includes(part));
  const id = person.idNumber.toLowerCase();
  if (contains(id.slice(-8))) add('INITIAL', '不能使用初始密码（身份证号码后8位）');
  for (let i = 0; i + 6 <= id.length; i++) {
    if (contains(id.slice(i, i + 6))) {
      add('ID_NUMBER', '密码不能包含身份证号码中连续的6位');
      break;
    }
  }
  const ymd = person.birthDate.replaceAll('-', '');
  if (contains(ymd) || contains(ymd.slice(2))) add('BIRTH_DATE', '密码不能包含出生日期');
  if (person.phone && contains(person.phone)) add('PHONE', '密码不能包含手机号码');
  if (COMMON_PASSWORDS.some((c) => lower === c || (c.length >= 8 && lower.includes(c)))) add('COMMON', '密码过于常见，请换一个');
  if (/^(.)\1+$/.test(password)) add('REPEATED', '密码不能由同一个字符重复组成');
  return problems;
}

/** An admin's password older than this must be changed at the next login (MLPS; 0 disables). */
export function passwordTooOld(changedAt: Date | null, now: Date, maxAgeDays: number): boolean {
  if (maxAgeDays <= 0 || !changedAt) return false;
  return now.getTime() - changedAt.getTime() > maxAgeDays * 86_400_000;
}
