import { describe, expect, it } from 'vitest';
import {
  checkEduExplanation,
  checkRange,
  checkTownshipClaim,
  devAccount,
  gapOf,
  gapsOverLimit,
  isBranchEntered,
  isMarked,
  isSchoolBranch,
  memberFigures,
  rangeContains,
  rangeSize,
  rangesOverlap,
  ratio,
  reportActions,
  statusAfterForward,
} from '../../src/domain/supervision';
import { DEV_COLUMNS, ROLLUP_COLUMNS, formatCell } from '../../src/domain/supervision-figures';
import { rankLagging } from '../../src/domain/supervision-figures';

const org = { kind: 'BRANCH' as const, specialKind: null, industryCategory: 'HIGHER_EDUCATION' as const, deleted: false, schoolCode: null, graduationAt: null, graduationExemptReason: null };
const province = { kind: 'LEADERSHIP' as const, leadershipLevel: 'PROVINCIAL' as const };
const national = { kind: 'LEADERSHIP' as const, leadershipLevel: 'NATIONAL' as const };

describe('ST figure definitions', () => {
  it('ST-2/ST-3 a member counts only while active; 2017+ and 2019+ by joining year; late = entered over a month after admission (MEM-4)', () => {
    const base = { status: 'ACTIVE' as const, profileComplete: true, joinedLeagueAt: '2019-05', admittedAt: '2019-05-10', enteredOn: '2019-06-10' };
    expect(memberFigures(base)).toEqual({ active: 1, complete: 1, since2017: 1, since2019: 1, late2019: 0 });
    expect(memberFigures({ ...base, enteredOn: '2019-06-11' }).late2019).toBe(1);
    expect(memberFigures({ ...base, admittedAt: '2019-01-31', enteredOn: '2019-02-28' }).late2019).toBe(0);
    expect(memberFigures({ ...base, joinedLeagueAt: '2018-12', enteredOn: '2020-01-01' })).toMatchObject({ since2017: 1, since2019: 0, late2019: 0 });
    expect(memberFigures({ ...base, joinedLeagueAt: '2016-12' })).toMatchObject({ since2017: 0 });
    expect(memberFigures({ ...base, status: 'LEFT' })).toEqual({ active: 0, complete: 0, since2017: 0, since2019: 0, late2019: 0 });
  });

  it('ST-4 school branches: live, ordinary, school domain; marked by a time or a reason', () => {
    expect(isSchoolBranch(org)).toBe(true);
    expect(isSchoolBranch({ ...org, specialKind: 'TRANSITION' })).toBe(false);
    expect(isSchoolBranch({ ...org, industryCategory: 'RURAL' })).toBe(false);
    expect(isSchoolBranch({ ...org, deleted: true })).toBe(false);
    expect(isSchoolBranch({ ...org, kind: 'COMMITTEE' })).toBe(false);
    expect(isMarked({ graduationAt: '2026-06', graduationExemptReason: null })).toBe(true);
    expect(isMarked({ graduationAt: null, graduationExemptReason: 'TEACHERS' })).toBe(true);
    expect(isMarked({ graduationAt: null, graduationExemptReason: null })).toBe(false);
  });

  it('ST-2 a branch is 完成录入 with at least one active member', () => {
    expect(isBranchEntered(org, 1)).toBe(true);
    expect(isBranchEntered(org, 0)).toBe(false);
    expect(isBranchEntered({ ...org, kind: 'COMMITTEE' }, 5)).toBe(false);
  });

  it('ST-1 rates: members over 团统数, none without a census; cells formatted for tables and Excel', () => {
    expect(ratio(95, 100)).toBe(0.95);
    expect(ratio(1, 0)).toBeNull();
    const row = { orgId: 1, name: 'x', census: 200, membersActive: 190, membersComplete: 0, membersSince2017: 0, membersSince2019: 4, membersLate2019: 1, branches: 0, branchesEntered: 0, schoolBranches: 3, schoolBranchesMarked: 1, schoolMembers: 0, schools: 0 };
    expect(ROLLUP_COLUMNS.ST1.map((c) => formatCell(c.kind, c.value(row)))).toEqual([200, 190, '95.0%']);
    expect(ROLLUP_COLUMNS.ST2.map((c) => formatCell(c.kind, c.value(row)))).toEqual([0, 0, '—', 190, 0, '0.0%']);
    expect(ROLLUP_COLUMNS.ST3.at(-1)!.value(row)).toBe(0.75);
    expect(ROLLUP_COLUMNS.ST4.map((c) => c.value(row))).toEqual([3, 1, 2, 1 / 3]);
  });
});

describe('REP-3 the 5% rule', () => {
  it('gaps are relative to 教统; over 5% needs an explanation of at least 10 characters', () => {
    expect(gapOf(100, 95)).toBeCloseTo(0.05);
    expect(gapOf(0, 0)).toBe(0);
    expect(gapOf(0, 3)).toBe(1);
    const edu = { schools: 10, gradClasses: 20, studentMembers: 1000 };
    expect(gapsOverLimit(edu, { schools: 10, gradClasses: 19, studentMembers: 950 })).toEqual([]);
    expect(gapsOverLimit(edu, { schools: 9, gradClasses: 20, studentMembers: 949 })).toEqual(['schools', 'studentMembers']);
    expect(checkEduExplanation(edu, { schools: 10, gradClasses: 20, studentMembers: 949 }, null)).toMatchObject({ ok: false, code: 'REP_3_EXPLANATION_REQUIRED' });
    expect(checkEduExplanation(edu, { schools: 10, gradClasses: 20, studentMembers: 949 }, '太短')).toMatchObject({ ok: false });
    expect(checkEduExplanation(edu, { schools: 10, gradClasses: 20, studentMembers: 949 }, '民办学校团员尚未全部录入系统')).toEqual({ ok: true });
    expect(checkEduExplanation(edu, { schools: 10, gradClasses: 20, studentMembers: 960 }, null)).toEqual({ ok: true });
  });
});

describe('DEV-1/DEV-2 ranges and accounting', () => {
  it('DEV-1 a range: 12 digits, one year from 2017, start ≤ end, at most 100000', () => {
    expect(checkRange({ start: '202600000001', end: '202600000100' })).toEqual({ ok: true });
    expect(checkRange({ start: '20260000001', end: '202600000100' })).toMatchObject({ ok: false, code: 'DEV_1_RANGE_FORMAT' });
    expect(checkRange({ start: '202600000001', end: '202700000100' })).toMatchObject({ ok: false });
    expect(checkRange({ start: '201600000001', end: '201600000002' })).toMatchObject({ ok: false });
    expect(checkRange({ start: '202600000010', end: '202600000001' })).toMatchObject({ ok: false });
    expect(checkRange({ start: '202600000001', end: '202600100001' })).toMatchObject({ ok: false });
    expect(rangeSize({ start: '202600000001', end: '202600000100' })).toBe(100);
    expect(rangeContains({ start: '202600000001', end: '202600000100' }, { start: '202600000050', end: '202600000100' })).toBe(true);
    expect(rangeContains({ start: '202600000001', end: '202600000100' }, { start: '202600000050', end: '202600000101' })).toBe(false);
    expect(rangesOverlap({ start: '202600000001', end: '202600000010' }, { start: '202600000010', end: '202600000020' })).toBe(true);
    expect(rangesOverlap({ start: '202600000001', end: '202600000010' }, { start: '202600000011', end: '202600000020' })).toBe(false);
  });

  it('DEV-2 号号有下落: issued = used + explained + unused', () => {
    expect(devAccount(100, 60, 30)).toEqual({ issued: 100, used: 60, explained: 30, unused: 10, accounted: 0.9 });
    expect(devAccount(0, 0, 0).accounted).toBeNull();
    const row = { orgId: 1, name: 'x', issued: 10, used: 7, explained: 3, unused: 0 };
    expect(formatCell('ratio', DEV_COLUMNS.at(-1)!.value(row))).toBe('100.0%');
  });
});

describe('REP-1/REP-2 steps', () => {
  it('a level forwards or refuses; only the national back end executes; the province’s forward reaches it', () => {
    expect(reportActions('PENDING', province)).toEqual({ forward: true, refuse: true, execute: false });
    expect(reportActions('AT_BACKEND', national)).toEqual({ forward: false, refuse: true, execute: true });
    expect(reportActions('DONE', national)).toEqual({ forward: false, refuse: false, execute: false });
    expect(reportActions('REFUSED', province)).toEqual({ forward: false, refuse: false, execute: false });
    expect(statusAfterForward(national)).toBe('AT_BACKEND');
    expect(statusAfterForward(province)).toBe('PENDING');
  });

  it('REP-2 the three wrong cases only: is but 否, is not but 是, is but 空', () => {
    expect(checkTownshipClaim(false, true)).toEqual({ ok: true });
    expect(checkTownshipClaim(true, false)).toEqual({ ok: true });
    expect(checkTownshipClaim(null, true)).toEqual({ ok: true });
    expect(checkTownshipClaim(null, false)).toMatchObject({ ok: false, code: 'REP_2_FLAG_ALREADY' });
    expect(checkTownshipClaim(true, true)).toMatchObject({ ok: false });
  });
});

describe('ST-6 rankLagging (通报)', () => {
  it('ranks the lowest start rate first, then the most overdue approvals; idle rows get no rank', () => {
    const rows = rankLagging([
      { orgId: 1, name: 'A', notStarted: 0, started: 10, completed: 10, overdueNodes: 0 },
      { orgId: 2, name: 'B', notStarted: 5, started: 5, completed: 0, overdueNodes: 0 },
      { orgId: 3, name: 'C', notStarted: 0, started: 4, completed: 1, overdueNodes: 3 },
      { orgId: 4, name: 'D', notStarted: 0, started: 0, completed: 0, overdueNodes: 0 },
    ]);
    expect(rows.map((r) => [r.name, r.rank])).toEqual([
      ['A', 3],
      ['B', 1],
      ['C', 2],
      ['D', null],
    ]);
  });
});
