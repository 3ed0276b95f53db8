import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IDENTITY_EVIDENCES, type IdentityEvidence } from '../../src/domain/enums';
import type { RuleResult } from '../../src/domain/errors';
import {
  LEAVING_AGE,
  PROFILE_FIELDS,
  assessIdentity,
  checkCadreFields,
  checkDevelopmentNumber,
  checkJoinedLeagueAt,
  isDueToLeave,
  isGraduating,
  isLateEntry,
  isValidPhone,
  missingProfileFields,
  type ProfileField,
} from '../../src/domain/members';

function codeOf(r: RuleResult): string | null {
  return r.ok ? null : r.code;
}

function identity(birthDate: string, joinedLeagueAt: string, evidence: IdentityEvidence | null, developmentNumber: string | null = null) {
  const r = assessIdentity({ birthDate, joinedLeagueAt, identityEvidence: evidence, developmentNumber });
  return { ...r, codes: r.issues.map((i) => i.code) };
}

describe('assessIdentity (MEM-3)', () => {
  it.each(IDENTITY_EVIDENCES)('MEM-3 joined before 2017: %s alone establishes membership, no development number needed', (evidence) => {
    expect(identity('1999-05-01', '2013-05', evidence)).toEqual({ status: 'VERIFIED', issues: [], codes: [] });
  });

  it.each(IDENTITY_EVIDENCES)('MEM-3 joined in 2016 is treated like the years before: %s at age 12 suffices', (evidence) => {
    // 12 on 2016-09-30, the last day of the joining month; not yet 13; no development number
    expect(identity('2004-09-30', '2016-09', evidence).status).toBe('VERIFIED');
  });

  it('MEM-3 joined in 2016 ignores a malformed development number', () => {
    expect(identity('2004-01-01', '2016-12', 'MEMBER_CARD', 'abc').status).toBe('VERIFIED');
  });

  it('MEM-3 joined before 2017 without any document needs rectification', () => {
    const r = identity('1999-05-01', '2016-05', null);
    expect(r.status).toBe('NEEDS_RECTIFICATION');
    expect(r.codes).toEqual(['MEM_3_EVIDENCE_MISSING']);
    expect(r.issues[0]!.message).toContain('入团志愿书');
  });

  it('MEM-3 joined before 2017: 12 on the last day of the joining month passes, the day after fails', () => {
    expect(identity('2004-09-30', '2016-09', 'APPLICATION_FORM').status).toBe('VERIFIED');
    const r = identity('2004-10-01', '2016-09', 'APPLICATION_FORM');
    expect(r.codes).toEqual(['MEM_3_TOO_YOUNG']);
    expect(r.issues[0]!.message).toContain('11周岁');
    expect(r.issues[0]!.message).toContain('12周岁');
  });

  it('MEM-3 joined 2017 or later with 入团志愿书, aged 13 and a valid number is verified', () => {
    expect(identity('2005-03-15', '2019-05', 'APPLICATION_FORM', '201900012345')).toEqual({ status: 'VERIFIED', issues: [], codes: [] });
  });

  it.each([
    ['MEMBER_CARD', 'MEMBER_CARD'],
    ['INTRODUCTION_LETTER', 'INTRODUCTION_LETTER'],
    ['no document', null],
  ] as const)('MEM-3 joined 2017 or later with %s needs 入团志愿书', (_label, evidence) => {
    const r = identity('2005-03-15', '2019-05', evidence, '201900012345');
    expect(r.status).toBe('NEEDS_RECTIFICATION');
    expect(r.codes).toEqual(['MEM_3_APPLICATION_FORM_REQUIRED']);
  });

  it('MEM-3 joined 2017 or later: 13 on the last day of the joining month passes, the day after fails', () => {
    expect(identity('2006-05-31', '2019-05', 'APPLICATION_FORM', '201900000001').status).toBe('VERIFIED');
    const r = identity('2006-06-01', '2019-05', 'APPLICATION_FORM', '201900000001');
    expect(r.codes).toEqual(['MEM_3_TOO_YOUNG']);
    expect(r.issues[0]!.message).toContain('12周岁');
    expect(r.issues[0]!.message).toContain('13周岁');
  });

  it('MEM-3 the age-13 boundary holds at a February month end, leap and common', () => {
    expect(identity('2007-02-28', '2020-02', 'APPLICATION_FORM', '202000000001').status).toBe('VERIFIED');
    expect(identity('2007-03-01', '2020-02', 'APPLICATION_FORM', '202000000001').codes).toEqual(['MEM_3_TOO_YOUNG']);
    expect(identity('2006-02-28', '2019-02', 'APPLICATION_FORM', '201900000001').status).toBe('VERIFIED');
    expect(identity('2006-03-01', '2019-02', 'APPLICATION_FORM', '201900000001').codes).toEqual(['MEM_3_TOO_YOUNG']);
  });

  it('MEM-3 born on 29 February, one is 13 on 28 February of a common year', () => {
    expect(identity('2004-02-29', '2017-02', 'APPLICATION_FORM', '201700000001').status).toBe('VERIFIED');
    expect(identity('2004-02-29', '2017-01', 'APPLICATION_FORM', '201700000001').codes).toEqual(['MEM_3_TOO_YOUNG']);
  });

  it('MEM-3 joined 2017 or later at 12 needs rectification although 12 would do before 2017', () => {
    expect(identity('2005-09-30', '2017-09', 'APPLICATION_FORM', '201700000001').codes).toEqual(['MEM_3_TOO_YOUNG']);
    expect(identity('2004-09-30', '2016-09', 'APPLICATION_FORM').codes).toEqual([]); // also 12
  });

  it('MEM-3 joined 2017 or later without a development number needs rectification', () => {
    const r = identity('2005-03-15', '2019-05', 'APPLICATION_FORM', null);
    expect(r.codes).toEqual(['DEV_3_MISSING']);
    expect(identity('2005-03-15', '2019-05', 'APPLICATION_FORM', '').codes).toEqual(['DEV_3_MISSING']);
  });

  it('MEM-3 lists every problem at once', () => {
    expect(identity('2008-01-01', '2019-05', null, null).codes).toEqual(['MEM_3_APPLICATION_FORM_REQUIRED', 'MEM_3_TOO_YOUNG', 'DEV_3_MISSING']);
    expect(identity('2008-01-01', '2015-05', null).codes).toEqual(['MEM_3_EVIDENCE_MISSING', 'MEM_3_TOO_YOUNG']);
  });

  it('MEM-3 the status is VERIFIED exactly when there is no issue', () => {
    const ym = fc.tuple(fc.integer({ min: 2005, max: 2024 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`);
    const birth = fc
      .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2012-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    const evidence = fc.constantFrom<IdentityEvidence | null>(null, ...IDENTITY_EVIDENCES);
    const number = fc.option(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 11, maxLength: 13 }), { nil: null });
    fc.assert(
      fc.property(birth, ym, evidence, number, (b, j, e, n) => {
        const r = assessIdentity({ birthDate: b, joinedLeagueAt: j, identityEvidence: e, developmentNumber: n });
        return (r.status === 'VERIFIED') === (r.issues.length === 0);
      }),
    );
  });
});

describe('checkDevelopmentNumber (DEV-3)', () => {
  it('DEV-3 accepts exactly 12 digits starting with the joining year', () => {
    expect(checkDevelopmentNumber('201912345678', '2019-05')).toEqual([]);
    expect(checkDevelopmentNumber('202400000001', '2024-12')).toEqual([]);
  });

  it.each([
    ['11 digits', '20191234567'],
    ['13 digits', '2019123456789'],
    ['a letter', '2019A2345678'],
    ['spaces', '2019 1234567'],
    ['a dash', '2019-1234567'],
  ])('DEV-3 refuses %s as a format error, quoting the number', (_label, n) => {
    const issues = checkDevelopmentNumber(n, '2019-05');
    expect(issues.map((i) => i.code)).toEqual(['DEV_3_FORMAT']);
    expect(issues[0]!.message).toContain(n);
  });

  it('DEV-3 refuses a prefix that is not the joining year, naming both', () => {
    const issues = checkDevelopmentNumber('201812345678', '2019-05');
    expect(issues.map((i) => i.code)).toEqual(['DEV_3_YEAR']);
    expect(issues[0]!.message).toContain('2018');
    expect(issues[0]!.message).toContain('2019');
  });

  it('DEV-3 2017 and 2018 are interchangeable', () => {
    expect(checkDevelopmentNumber('201812345678', '2017-05')).toEqual([]);
    expect(checkDevelopmentNumber('201712345678', '2018-11')).toEqual([]);
    expect(checkDevelopmentNumber('201712345678', '2017-11')).toEqual([]);
  });

  it('DEV-3 only 2017 and 2018 are interchangeable', () => {
    expect(checkDevelopmentNumber('201712345678', '2019-01').map((i) => i.code)).toEqual(['DEV_3_YEAR']);
    expect(checkDevelopmentNumber('201912345678', '2018-01').map((i) => i.code)).toEqual(['DEV_3_YEAR']);
    expect(checkDevelopmentNumber('201612345678', '2017-01').map((i) => i.code)).toEqual(['DEV_3_YEAR']);
    expect(checkDevelopmentNumber('202012345678', '2019-12').map((i) => i.code)).toEqual(['DEV_3_YEAR']);
  });

  it('DEV-3 a missing number is reported as missing', () => {
    expect(checkDevelopmentNumber(null, '2019-05').map((i) => i.code)).toEqual(['DEV_3_MISSING']);
    expect(checkDevelopmentNumber(undefined, '2019-05').map((i) => i.code)).toEqual(['DEV_3_MISSING']);
    expect(checkDevelopmentNumber('', '2019-05').map((i) => i.code)).toEqual(['DEV_3_MISSING']);
  });

  it('DEV-3 any 12-digit number with the joining year as prefix is accepted', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2017, max: 2099 }),
        fc.integer({ min: 1, max: 12 }),
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 8, maxLength: 8 }),
        (y, m, rest) => checkDevelopmentNumber(`${y}${rest}`, `${y}-${String(m).padStart(2, '0')}`).length === 0,
      ),
    );
  });
});

describe('checkJoinedLeagueAt', () => {
  it('MEM-1 a joining month between the birth month and this month is accepted, both ends included', () => {
    expect(checkJoinedLeagueAt('2019-05', '2005-03-15', '2024-06-01')).toEqual({ ok: true });
    expect(checkJoinedLeagueAt('2024-06', '2005-03-15', '2024-06-01')).toEqual({ ok: true });
    expect(checkJoinedLeagueAt('2005-03', '2005-03-15', '2024-06-01')).toEqual({ ok: true });
  });

  it('MEM-1 a joining month in the future is refused', () => {
    const r = checkJoinedLeagueAt('2024-07', '2005-03-15', '2024-06-30');
    expect(codeOf(r)).toBe('VALIDATION_FAILED');
    expect(r.ok ? '' : r.message).toContain('晚于');
  });

  it('MEM-1 a joining month before birth is refused', () => {
    const r = checkJoinedLeagueAt('2005-02', '2005-03-15', '2024-06-01');
    expect(codeOf(r)).toBe('VALIDATION_FAILED');
    expect(r.ok ? '' : r.message).toContain('早于');
  });
});

describe('isGraduating', () => {
  const base = { branchCategory: 'NORMAL' as const, branchGraduationAt: null, graduateStatus: null, today: '2024-03-01' };

  it('MEM-1 members of a 毕业生团组织 are graduating', () => {
    expect(isGraduating({ ...base, branchCategory: 'GRADUATE' })).toBe(true);
  });

  it('MEM-1 members of a branch graduating this year are graduating', () => {
    expect(isGraduating({ ...base, branchGraduationAt: '2024-06' })).toBe(true);
    expect(isGraduating({ ...base, branchGraduationAt: '2024-12' })).toBe(true);
  });

  it('MEM-1 members of a branch graduating another year are not', () => {
    expect(isGraduating({ ...base, branchGraduationAt: '2025-06' })).toBe(false);
    expect(isGraduating({ ...base, branchGraduationAt: '2023-06' })).toBe(false);
    expect(isGraduating(base)).toBe(false);
  });

  it('MEM-1 a member marked 毕业生 is graduating wherever they sit', () => {
    expect(isGraduating({ ...base, graduateStatus: 'GRADUATE' })).toBe(true);
  });

  it('GRAD-6 a member marked 教师 is not a graduating student, even in a graduating branch', () => {
    expect(isGraduating({ ...base, branchCategory: 'GRADUATE', graduateStatus: 'TEACHER' })).toBe(false);
    expect(isGraduating({ ...base, branchGraduationAt: '2024-06', graduateStatus: 'TEACHER' })).toBe(false);
  });
});

describe('checkCadreFields / isValidPhone', () => {
  it('MEM-1 a cadre names the league post', () => {
    expect(codeOf(checkCadreFields(true, null))).toBe('MEM_1_POSITION_REQUIRED');
    expect(codeOf(checkCadreFields(true, ''))).toBe('MEM_1_POSITION_REQUIRED');
    expect(codeOf(checkCadreFields(true, undefined))).toBe('MEM_1_POSITION_REQUIRED');
    expect(checkCadreFields(true, '组织委员')).toEqual({ ok: true });
  });

  it('MEM-1 a non-cadre has no league post', () => {
    expect(codeOf(checkCadreFields(false, '书记'))).toBe('VALIDATION_FAILED');
    expect(checkCadreFields(false, null)).toEqual({ ok: true });
    expect(checkCadreFields(false, '')).toEqual({ ok: true });
  });

  it('MEM-1 a mobile phone is 11 digits starting 13–19', () => {
    expect(isValidPhone('13800138000')).toBe(true);
    expect(isValidPhone('19912345678')).toBe(true);
    for (const bad of ['12800138000', '1380013800', '138001380000', '23800138000', '1380013800a', '+8613800138000', '']) {
      expect(isValidPhone(bad), bad).toBe(false);
    }
  });
});

describe('missingProfileFields (ST-2)', () => {
  const full = {
    isCadre: true,
    hasPhone: true,
    ethnicity: '汉族',
    politicalStatus: 'LEAGUE_MEMBER',
    joinedLeagueAt: '2019-05',
    education: '大学本科',
    highestEducation: '大学本科',
    occupation: '学生',
    workUnit: '清华大学',
    hukouAddress: '北京市海淀区',
    residenceAddress: '北京市海淀区',
    developmentNumber: '201900000001',
    leaguePosition: '书记',
  };

  it('ST-2 a complete profile has nothing missing', () => {
    expect(missingProfileFields(full)).toEqual([]);
  });

  it('ST-2 an empty profile of a 2019 cadre misses every field', () => {
    expect(missingProfileFields({ isCadre: true, hasPhone: false })).toEqual(
      // joinedLeagueAt is missing, so the development number is not asked for yet
      (Object.keys(PROFILE_FIELDS) as ProfileField[]).filter((f) => f !== 'developmentNumber'),
    );
  });

  it.each(
    (Object.keys(PROFILE_FIELDS) as ProfileField[]).filter((f) => f !== 'phone'),
  )('ST-2 %s is reported when null, empty or blank', (field) => {
    for (const value of [null, undefined, '', '   ']) {
      expect(missingProfileFields({ ...full, [field]: value })).toContain(field);
    }
  });

  it('ST-2 the phone counts through hasPhone (the number itself is encrypted)', () => {
    expect(missingProfileFields({ ...full, hasPhone: false })).toEqual(['phone']);
    expect(missingProfileFields({ ...full, phone: null, hasPhone: true })).toEqual([]);
  });

  it('ST-2 the development number counts only for members who joined in 2017 or later', () => {
    expect(missingProfileFields({ ...full, joinedLeagueAt: '2016-12', developmentNumber: null })).toEqual([]);
    expect(missingProfileFields({ ...full, joinedLeagueAt: '2017-01', developmentNumber: null })).toEqual(['developmentNumber']);
  });

  it('ST-2 the league post counts only for cadres', () => {
    expect(missingProfileFields({ ...full, isCadre: false, leaguePosition: null })).toEqual([]);
    expect(missingProfileFields({ ...full, isCadre: true, leaguePosition: null })).toEqual(['leaguePosition']);
  });
});

describe('isLateEntry (MEM-4)', () => {
  it('MEM-4 entered within one month of the branch meeting is on time, the day after is late', () => {
    expect(isLateEntry('2019-03-15', '2019-03-15')).toBe(false);
    expect(isLateEntry('2019-03-15', '2019-04-15')).toBe(false);
    expect(isLateEntry('2019-03-15', '2019-04-16')).toBe(true);
  });

  it('MEM-4 the month is clamped to the month end (31 January → 28/29 February)', () => {
    expect(isLateEntry('2019-01-31', '2019-02-28')).toBe(false);
    expect(isLateEntry('2019-01-31', '2019-03-01')).toBe(true);
    expect(isLateEntry('2020-01-31', '2020-02-29')).toBe(false);
    expect(isLateEntry('2020-01-31', '2020-03-01')).toBe(true);
    expect(isLateEntry('2019-08-31', '2019-09-30')).toBe(false);
    expect(isLateEntry('2019-08-31', '2019-10-01')).toBe(true);
  });

  it('MEM-4 crosses the year end', () => {
    expect(isLateEntry('2019-12-20', '2020-01-20')).toBe(false);
    expect(isLateEntry('2019-12-20', '2020-01-21')).toBe(true);
  });

  it('MEM-4 without a meeting date nothing is late', () => {
    expect(isLateEntry(null, '2030-01-01')).toBe(false);
    expect(isLateEntry(undefined, '2030-01-01')).toBe(false);
  });
});

describe('isDueToLeave (MEM-8)', () => {
  it('MEM-8 a member without a post is listed from the 28th birthday on', () => {
    expect(LEAVING_AGE).toBe(28);
    expect(isDueToLeave('1996-05-10', false, '2024-05-09')).toBe(false);
    expect(isDueToLeave('1996-05-10', false, '2024-05-10')).toBe(true);
    expect(isDueToLeave('1996-05-10', false, '2030-01-01')).toBe(true);
  });

  it('MEM-8 post holders are never listed', () => {
    expect(isDueToLeave('1996-05-10', true, '2024-05-10')).toBe(false);
    expect(isDueToLeave('1970-01-01', true, '2024-05-10')).toBe(false);
  });

  it('MEM-8 born on 29 February: listed on 28 February of a common year', () => {
    expect(isDueToLeave('1996-02-29', false, '2024-02-29')).toBe(true);
    expect(isDueToLeave('2000-02-29', false, '2028-02-28')).toBe(false); // 2028 is a leap year
    expect(isDueToLeave('1997-02-28', false, '2025-02-28')).toBe(true);
    expect(isDueToLeave('1996-02-29', false, '2024-02-28')).toBe(false);
  });
});
