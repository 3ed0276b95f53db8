import { describe, expect, it } from 'vitest';
import {
  PROGRAM_YEARS,
  checkDelayActor,
  checkGraduateMark,
  checkMark,
  checkMarkActor,
  checkMarkTarget,
  gradeOf,
  isDueForConversion,
  proposeGraduationAt,
} from '../../src/domain/graduation';

const code = (r: { ok: boolean; code?: string }) => (r.ok ? 'OK' : r.code);

describe('GRAD-7 the proposed graduation time', () => {
  it('2020级本科 → 2024年6月', () => expect(proposeGraduationAt(2020, PROGRAM_YEARS.本科)).toBe('2024-06'));
  it('研究生 2 / 2.5 / 3 years from 2020 → 2022-06 / 2022-12 / 2023-06', () => {
    expect(proposeGraduationAt(2020, PROGRAM_YEARS.研究生两年制)).toBe('2022-06');
    expect(proposeGraduationAt(2020, PROGRAM_YEARS.研究生两年半制)).toBe('2022-12');
    expect(proposeGraduationAt(2020, PROGRAM_YEARS.研究生三年制)).toBe('2023-06');
  });
  it('reads the 年级 from a class name', () => {
    expect(gradeOf('2023级计算机1班团支部')).toBe(2023);
    expect(gradeOf('教工团支部')).toBeNull();
  });
});

describe('GRAD-1 who marks and what', () => {
  it('school-domain 团委/团工委/团总支 may; leadership organs, branches and other domains may not', () => {
    expect(code(checkMarkActor({ kind: 'COMMITTEE', industryCategory: 'HIGHER_EDUCATION' }))).toBe('OK');
    expect(code(checkMarkActor({ kind: 'GENERAL_BRANCH', industryCategory: 'VOCATIONAL_SCHOOL' }))).toBe('OK');
    expect(code(checkMarkActor({ kind: 'LEADERSHIP', industryCategory: 'GOVERNMENT' }))).toBe('GRAD_1_SCHOOL_COMMITTEE_ONLY');
    expect(code(checkMarkActor({ kind: 'BRANCH', industryCategory: 'HIGHER_EDUCATION' }))).toBe('GRAD_1_SCHOOL_COMMITTEE_ONLY');
    expect(code(checkMarkActor({ kind: 'COMMITTEE', industryCategory: 'PRIVATE_ENTERPRISE' }))).toBe('GRAD_1_SCHOOL_COMMITTEE_ONLY');
  });
  it('only ordinary branches carry a time', () => {
    expect(code(checkMarkTarget({ kind: 'BRANCH', specialKind: null }))).toBe('OK');
    expect(code(checkMarkTarget({ kind: 'COMMITTEE', specialKind: null }))).toBe('GRAD_1_BRANCH_ONLY');
  });
});

describe('GRAD-2 a time or a reason, never both', () => {
  const today = '2026-03-02';
  it('accepts either alone', () => {
    expect(code(checkMark({ graduationAt: '2026-06', exemptReason: null }, today))).toBe('OK');
    expect(code(checkMark({ graduationAt: null, exemptReason: 'TEACHERS' }, today))).toBe('OK');
  });
  it('refuses both and neither', () => {
    expect(code(checkMark({ graduationAt: '2026-06', exemptReason: 'MIXED' }, today))).toBe('GRAD_2_TIME_XOR_REASON');
    expect(code(checkMark({ graduationAt: null, exemptReason: null }, today))).toBe('GRAD_2_TIME_XOR_REASON');
  });
  it('refuses times far in the past or future', () => {
    expect(code(checkMark({ graduationAt: '2020-06', exemptReason: null }, today))).toBe('GRAD_2_TIME_OUT_OF_RANGE');
    expect(code(checkMark({ graduationAt: '2037-06', exemptReason: null }, today))).toBe('GRAD_2_TIME_OUT_OF_RANGE');
    expect(code(checkMark({ graduationAt: '2025-06', exemptReason: null }, today))).toBe('OK');
  });
});

describe('GRAD-5 conversion day', () => {
  const marked = { category: 'NORMAL' as const, graduationAt: '2026-06' };
  it('converts on and after the conversion day of the graduation year, not before', () => {
    expect(isDueForConversion(marked, '2026-05-31')).toBe(false);
    expect(isDueForConversion(marked, '2026-06-01')).toBe(true);
    expect(isDueForConversion(marked, '2026-09-01')).toBe(true);
    expect(isDueForConversion({ ...marked, graduationAt: '2027-06' }, '2026-06-01')).toBe(false);
  });
  it('never converts twice, and follows a configured day', () => {
    expect(isDueForConversion({ ...marked, category: 'GRADUATE' }, '2026-06-02')).toBe(false);
    expect(isDueForConversion(marked, '2026-06-01', '07-01')).toBe(false);
    expect(isDueForConversion({ category: 'NORMAL', graduationAt: null }, '2026-06-01')).toBe(false);
  });
});

describe('GRAD-6 延迟毕业团员 and 教师', () => {
  const branch = { category: 'NORMAL' as const, graduationAt: '2026-06' };
  it('a delayed graduate needs a later time and a reason; a teacher needs neither', () => {
    expect(code(checkGraduateMark(branch, { kind: 'DELAYED', graduationAt: '2027-06', reason: '休学一年' }))).toBe('OK');
    expect(code(checkGraduateMark(branch, { kind: 'DELAYED', graduationAt: '2026-06', reason: '休学一年' }))).toBe('GRAD_6_DATE_NOT_LATER');
    expect(code(checkGraduateMark(branch, { kind: 'DELAYED', graduationAt: '2027-06', reason: ' ' }))).toBe('GRAD_6_REASON_REQUIRED');
    expect(code(checkGraduateMark(branch, { kind: 'TEACHER' }))).toBe('OK');
  });
  it('only in a graduating branch', () => {
    expect(code(checkGraduateMark({ category: 'NORMAL', graduationAt: null }, { kind: 'TEACHER' }))).toBe('GRAD_6_NOT_GRADUATING_BRANCH');
    expect(code(checkGraduateMark({ category: 'GRADUATE', graduationAt: null }, { kind: 'TEACHER' }))).toBe('OK');
  });
  it('school committees mark; a leadership organ only as the direct parent of a school with just a branch', () => {
    const branchUnderCollege = { parentId: 10 };
    expect(code(checkDelayActor({ id: 10, kind: 'COMMITTEE', industryCategory: 'HIGHER_EDUCATION' }, branchUnderCollege))).toBe('OK');
    expect(code(checkDelayActor({ id: 3, kind: 'LEADERSHIP', industryCategory: 'GOVERNMENT' }, branchUnderCollege))).toBe('GRAD_6_ACTOR');
    expect(code(checkDelayActor({ id: 3, kind: 'LEADERSHIP', industryCategory: 'GOVERNMENT' }, { parentId: 3 }))).toBe('OK');
    expect(code(checkDelayActor({ id: 11, kind: 'BRANCH', industryCategory: 'HIGHER_EDUCATION' }, branchUnderCollege))).toBe('GRAD_6_ACTOR');
  });
});
