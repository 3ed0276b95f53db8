import { describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../src/domain/id-number';
import { checkMemberEntry } from '../../src/domain/member-entry';

const TODAY = '2026-03-02';
const ID = makeIdNumber('339901', '20050301', '123');
const base = { idNumber: ID, joinedLeagueAt: '2020-05', isCadre: false, identityEvidence: 'APPLICATION_FORM' as const, developmentNumber: '202000000001' };
const normal = { category: 'NORMAL' as const, graduationAt: null };

describe('member entry rules shared by the form and the import (MEM-1..4, CAD-1)', () => {
  it('MEM-2 a valid entry has no problems and yields birth date and gender', () => {
    const r = checkMemberEntry(base, normal, TODAY);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.id).toMatchObject({ birthDate: '2005-03-01', gender: 'MALE' });
  });

  it('lists every problem at once instead of the first', () => {
    const r = checkMemberEntry({ ...base, idNumber: ID.slice(0, 17) + (ID.endsWith('0') ? '1' : '0'), isCadre: true, leaguePosition: null }, normal, TODAY);
    expect(r.errors.map((e) => e.code)).toEqual(['MEM_2_CHECK_DIGIT', 'MEM_1_POSITION_REQUIRED']);
  });

  it('CAD-1 a branch post must be one of the branch posts; a non-cadre names none', () => {
    expect(checkMemberEntry({ ...base, isCadre: true, leaguePosition: '主席' }, normal, TODAY).errors[0]!.code).toBe('CAD_1_POSITION_INVALID');
    expect(checkMemberEntry({ ...base, isCadre: false, leaguePosition: '书记' }, normal, TODAY).errors[0]!.field).toBe('isCadre');
  });

  it('MEM-1 a graduating student needs a phone; the branch decides', () => {
    const graduating = { category: 'NORMAL' as const, graduationAt: '2026-06' };
    expect(checkMemberEntry(base, graduating, TODAY).errors.map((e) => e.code)).toEqual(['MEM_1_PHONE_REQUIRED']);
    expect(checkMemberEntry({ ...base, phone: '13800000000' }, graduating, TODAY).errors).toEqual([]);
    expect(checkMemberEntry(base, null, TODAY).errors).toEqual([]);
  });

  it('MEM-3 and MEM-4 are warnings, never errors', () => {
    const r = checkMemberEntry({ ...base, identityEvidence: null, developmentNumber: null, admittedAt: '2025-12-01' }, normal, TODAY);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.code)).toEqual(['MEM_3_APPLICATION_FORM_REQUIRED', 'DEV_3_MISSING', 'MEM_4_LATE_ENTRY']);
  });

  it('joining in the future or before birth is an error', () => {
    expect(checkMemberEntry({ ...base, joinedLeagueAt: '2027-01' }, normal, TODAY).errors[0]!.message).toBe('入团年月不能晚于当前月份');
    expect(checkMemberEntry({ ...base, joinedLeagueAt: '2004-01' }, normal, TODAY).errors[0]!.message).toBe('入团年月不能早于出生年月');
  });
});
