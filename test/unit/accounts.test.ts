import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ACCOUNT_POLICY,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  checkPasswordPolicy,
  initialPassword,
  initialPasswordExpired,
  isLocked,
  passwordTooOld,
  recordFailure,
  sessionState,
  type FailureGuard,
} from '../../src/domain/accounts';
import { PROVINCE_CODES, makeIdNumber } from '../../src/domain/id-number';

const policy = DEFAULT_ACCOUNT_POLICY;
const T0 = new Date('2024-06-01T08:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('initialPassword (MEM-6)', () => {
  it('MEM-6 the initial password is the last 8 characters of the ID number', () => {
    expect(initialPassword('110101199003074258')).toBe('03074258');
  });

  it('MEM-6 the initial password keeps a trailing X', () => {
    expect(initialPassword('11010519491231002X')).toBe('1231002X');
  });
});

describe('initialPasswordExpired (SEC-2)', () => {
  it('SEC-2 an unused initial password is valid for 30 days and expires after', () => {
    expect(policy.initialPasswordDays).toBe(30);
    expect(initialPasswordExpired(T0, T0, policy)).toBe(false);
    expect(initialPasswordExpired(T0, at(30 * DAY), policy)).toBe(false);
    expect(initialPasswordExpired(T0, at(30 * DAY + 1), policy)).toBe(true);
  });

  it('SEC-2 the period is configurable', () => {
    const weekly = { ...policy, initialPasswordDays: 7 };
    expect(initialPasswordExpired(T0, at(7 * DAY), weekly)).toBe(false);
    expect(initialPasswordExpired(T0, at(7 * DAY + 1), weekly)).toBe(true);
  });
});

describe('recordFailure / isLocked (SEC-2)', () => {
  function failures(times: number[], max = policy.maxFailures): FailureGuard | null {
    let g: FailureGuard | null = null;
    for (const t of times) g = recordFailure(g, at(t), max, policy);
    return g;
  }

  it('SEC-2 the first failure starts a window and does not lock', () => {
    expect(failures([0])).toEqual({ failures: 1, windowStartedAt: T0, lockedUntil: null });
    expect(isLocked(null, T0)).toBe(false);
  });

  it('SEC-2 locks at the 5th failure within the window, for 15 minutes from it', () => {
    const four = failures([0, MIN, 2 * MIN, 3 * MIN]);
    expect(four!.failures).toBe(4);
    expect(isLocked(four, at(3 * MIN))).toBe(false);
    const five = recordFailure(four, at(4 * MIN), policy.maxFailures, policy);
    expect(five.failures).toBe(5);
    expect(five.lockedUntil).toEqual(at(19 * MIN));
    expect(isLocked(five, at(4 * MIN))).toBe(true);
    expect(isLocked(five, at(19 * MIN - 1))).toBe(true);
    expect(isLocked(five, at(19 * MIN))).toBe(false);
  });

  it('SEC-2 the 5th failure exactly 15 minutes after the first still counts', () => {
    const g = failures([0, MIN, 2 * MIN, 3 * MIN, 15 * MIN]);
    expect(g!.failures).toBe(5);
    expect(isLocked(g, at(15 * MIN))).toBe(true);
  });

  it('SEC-2 failures older than the 15-minute window are forgotten', () => {
    const g = failures([0, MIN, 2 * MIN, 3 * MIN, 15 * MIN + 1]);
    expect(g).toEqual({ failures: 1, windowStartedAt: at(15 * MIN + 1), lockedUntil: null });
    expect(isLocked(g, at(15 * MIN + 1))).toBe(false);
  });

  it('SEC-2 after the lock expires the count starts again', () => {
    const locked = failures([0, 0, 0, 0, 0]);
    expect(isLocked(locked, at(15 * MIN - 1))).toBe(true);
    const next = recordFailure(locked, at(15 * MIN), policy.maxFailures, policy);
    expect(next).toEqual({ failures: 1, windowStartedAt: at(15 * MIN), lockedUntil: null });
  });

  it('SEC-2 a failure recorded while locked never shortens the lock', () => {
    // window opened at 0, locked at 10 min until 25 min; the window is over at 15 min, the lock is not
    const locked = failures([0, 10 * MIN, 10 * MIN, 10 * MIN, 10 * MIN]);
    expect(locked!.lockedUntil).toEqual(at(25 * MIN));
    const during = recordFailure(locked, at(16 * MIN), policy.maxFailures, policy);
    expect(isLocked(during, at(16 * MIN))).toBe(true);
    expect(during.lockedUntil!.getTime()).toBeGreaterThanOrEqual(at(25 * MIN).getTime());
  });

  it('SEC-2 no sequence of failures ever releases an active lock early', () => {
    const steps = fc.array(fc.integer({ min: 0, max: 20 * MIN }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(steps, (gaps) => {
        let g: FailureGuard | null = null;
        let t = 0;
        for (const gap of gaps) {
          t += gap;
          const now = at(t);
          const next = recordFailure(g, now, policy.maxFailures, policy);
          if (isLocked(g, now) && (!next.lockedUntil || next.lockedUntil < g!.lockedUntil!)) return false;
          g = next;
        }
        return true;
      }),
    );
  });

  it('SEC-2 the per-address limit uses its own maximum', () => {
    expect(policy.ipMaxFailures).toBe(30);
    const times = Array.from({ length: 29 }, (_, i) => i * 1000);
    const g = failures(times, policy.ipMaxFailures);
    expect(isLocked(g, at(29_000))).toBe(false);
    expect(isLocked(recordFailure(g, at(29_000), policy.ipMaxFailures, policy), at(29_000))).toBe(true);
  });
});

describe('sessionState (SEC-2)', () => {
  const session = (lastSeen: number, revokedAt: Date | null = null) => ({ createdAt: T0, lastSeenAt: at(lastSeen), revokedAt });

  it('SEC-2 a session idle for exactly 30 minutes is active; a millisecond more and it expires', () => {
    expect(sessionState(session(0), at(30 * MIN), policy)).toBe('ACTIVE');
    expect(sessionState(session(0), at(30 * MIN + 1), policy)).toBe('IDLE_EXPIRED');
  });

  it('SEC-2 activity keeps a session alive up to 12 hours in all, not a millisecond more', () => {
    expect(sessionState(session(12 * HOUR - MIN), at(12 * HOUR), policy)).toBe('ACTIVE');
    expect(sessionState(session(12 * HOUR), at(12 * HOUR + 1), policy)).toBe('ABSOLUTE_EXPIRED');
  });

  it('SEC-2 a revoked session is over at once, whatever its age', () => {
    expect(sessionState(session(0, T0), T0, policy)).toBe('REVOKED');
    expect(sessionState(session(0, T0), at(13 * HOUR), policy)).toBe('REVOKED');
  });

  it('SEC-2 the absolute limit is reported before the idle one', () => {
    expect(sessionState(session(0), at(13 * HOUR), policy)).toBe('ABSOLUTE_EXPIRED');
  });
});

describe('checkPasswordPolicy (SEC-2)', () => {
  const person = { idNumber: '110101199003074258', birthDate: '1990-03-07', phone: '13800138000' };
  const codes = (pw: string, p: Parameters<typeof checkPasswordPolicy>[1] = person) => checkPasswordPolicy(pw, p).map((d) => d.code);

  it.each([
    ['a long ASCII passphrase', 'correct horse battery staple'],
    ['a mixed password', 'Tr0ub4dor&3xyz'],
    ['a Chinese passphrase', '我爱北京天安门广场的春天'],
    ['exactly 8 Chinese characters', '春眠不觉晓处处闻'],
    ['8 characters of which some are emoji', '🌸🌼🌻🌷花开满园'],
  ])('SEC-2 accepts %s', (_label, pw) => {
    expect(checkPasswordPolicy(pw, person)).toEqual([]);
  });

  it('SEC-2 refuses fewer than 8 characters, counting characters not bytes', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(8);
    expect(codes('Ab3$xyz')).toEqual(['TOO_SHORT']);
    expect(codes('春眠不觉晓处处')).toEqual(['TOO_SHORT']); // 7 characters, 21 bytes in UTF-8
    expect(codes('🌸🌼🌻🌷花开满')).toEqual(['TOO_SHORT']); // 7 characters, 11 UTF-16 units
  });

  it('SEC-2 refuses more than 128 characters, counting characters', () => {
    expect(PASSWORD_MAX_LENGTH).toBe(128);
    expect(codes('春夏秋冬'.repeat(32))).toEqual([]);
    expect(codes(`${'春夏秋冬'.repeat(32)}雪`)).toEqual(['TOO_LONG']);
  });

  it('SEC-2 refuses leading or trailing spaces and blank passwords', () => {
    expect(codes(' correct horse battery')).toEqual(['WHITESPACE']);
    expect(codes('correct horse battery ')).toEqual(['WHITESPACE']);
    expect(codes('correct horse battery\t')).toEqual(['WHITESPACE']);
    expect(codes('          ')).toContain('WHITESPACE');
  });

  it('SEC-2 refuses the initial password, alone or inside a longer one', () => {
    expect(codes('03074258')).toContain('INITIAL');
    expect(codes('my03074258pass')).toContain('INITIAL');
  });

  it('SEC-2 refuses a lower-case x initial password too', () => {
    const p = { ...person, idNumber: '11010519491231002X', birthDate: '1949-12-31' };
    expect(codes('ab1231002xcd', p)).toContain('INITIAL');
    expect(codes('ab1231002Xcd', p)).toContain('INITIAL');
  });

  it('SEC-2 refuses any 6 consecutive characters of the ID number', () => {
    expect(codes('abc199003zz')).toEqual(['ID_NUMBER']);
    expect(codes('zz110101zzz')).toEqual(['ID_NUMBER']);
    const p = { ...person, idNumber: '11010519491231002X', birthDate: '1949-12-31' };
    expect(codes('hello31002xworld', p)).toEqual(['ID_NUMBER']);
  });

  it('SEC-2 refuses the birth date in 8 or 6 digits', () => {
    expect(codes('born19900307!')).toContain('BIRTH_DATE');
    expect(codes('born900307!!')).toContain('BIRTH_DATE');
  });

  it('SEC-2 refuses the phone number', () => {
    expect(codes('tel13800138000')).toEqual(['PHONE']);
    expect(codes('tel13800138000', { ...person, phone: null })).toEqual([]);
  });

  it('SEC-2 refuses personal data typed with separators', () => {
    expect(codes('born1990-03-07!')).toContain('BIRTH_DATE');
    expect(codes('born1990.03.07!')).toContain('BIRTH_DATE');
    expect(codes('tel138 0013 8000')).toContain('PHONE');
    expect(codes('id110101-1990-0307')).toContain('ID_NUMBER');
  });

  it('SEC-2 refuses common passwords, exactly or inside a longer one, in any case', () => {
    expect(codes('password')).toEqual(['COMMON']);
    expect(codes('Password1')).toEqual(['COMMON']);
    expect(codes('mypassword2024')).toEqual(['COMMON']);
    expect(codes('woaini1314')).toEqual(['COMMON']);
    expect(codes('xx12345678xx')).toEqual(['COMMON']);
  });

  it('SEC-2 refuses one character repeated', () => {
    expect(codes('qqqqqqqqqq')).toEqual(['REPEATED']);
    expect(codes('啊啊啊啊啊啊啊啊')).toEqual(['REPEATED']);
  });

  it('SEC-2 every refusal names the newPassword field and says why in Chinese', () => {
    const details = checkPasswordPolicy(' 03074258', person);
    expect(details.length).toBeGreaterThan(1);
    for (const d of details) {
      expect(d.field).toBe('newPassword');
      expect(d.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('SEC-2 no password containing any 6-character window of the ID number is accepted', () => {
    const id = fc
      .tuple(
        fc.constantFrom(...Object.keys(PROVINCE_CODES)),
        fc.integer({ min: 1000, max: 9999 }),
        fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2012-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 999 }),
      )
      .map(([p, r, d, s]) => makeIdNumber(`${p}${r}`, d.toISOString().slice(0, 10).replaceAll('-', ''), String(s).padStart(3, '0')));
    fc.assert(
      fc.property(id, fc.integer({ min: 0, max: 12 }), fc.string(), fc.string(), fc.boolean(), (idNumber, start, pre, post, lower) => {
        const birthDate = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
        const window = idNumber.slice(start, start + 6);
        const pw = `${pre}${lower ? window.toLowerCase() : window}${post}`;
        const details = checkPasswordPolicy(pw, { idNumber, birthDate, phone: null });
        return details.some((d) => d.code === 'ID_NUMBER');
      }),
    );
  });
});

describe('passwordTooOld', () => {
  it('SEC-2 an admin password older than the maximum age must be changed', () => {
    expect(passwordTooOld(T0, at(90 * DAY), 90)).toBe(false);
    expect(passwordTooOld(T0, at(90 * DAY + 1), 90)).toBe(true);
  });

  it('SEC-2 a maximum of 0 disables the rule, and a never-changed password is not "too old"', () => {
    expect(passwordTooOld(T0, at(10_000 * DAY), 0)).toBe(false);
    expect(passwordTooOld(T0, at(10_000 * DAY), -1)).toBe(false);
    expect(passwordTooOld(null, at(10_000 * DAY), 90)).toBe(false);
  });
});
