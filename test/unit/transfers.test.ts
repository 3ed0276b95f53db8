import { describe, expect, it } from 'vitest';
import {
  GRADUATE_REASONS,
  ORDINARY_REASONS,
  REASON_SPECS,
  TRANSFER_TEXTS,
  ageDays,
  canActOnNode,
  checkReasonFields,
  checkRejectionReason,
  checkTarget,
  checkTargetScope,
  dueAt,
  isSchoolToSociety,
  nextWaitingNode,
  planNodes,
  textParts,
  timerAction,
  type TargetFacts,
} from '../../src/domain/transfers';

const org = (o: Partial<TargetFacts>): TargetFacts => ({
  id: 9,
  kind: 'BRANCH',
  specialKind: null,
  leadershipLevel: null,
  industryCategory: 'PRIVATE_ENTERPRISE',
  isTownship: false,
  parentIsTownship: false,
  schoolRootId: null,
  ...o,
});

describe('TR-6 reasons', () => {
  it('TR-6 a 毕业生团组织 member has exactly the 8 学社衔接 reasons; delayed graduates and teachers do not', () => {
    expect(GRADUATE_REASONS).toHaveLength(8);
    expect(isSchoolToSociety('GRADUATE', 'GRADUATE')).toBe(true);
    expect(isSchoolToSociety('GRADUATE', null)).toBe(true);
    expect(isSchoolToSociety('GRADUATE', 'DELAYED')).toBe(false);
    expect(isSchoolToSociety('GRADUATE', 'TEACHER')).toBe(false);
    expect(isSchoolToSociety('NORMAL', null)).toBe(false);
    expect(checkReasonFields('WORK_CHANGE', true, {})).toMatchObject({ ok: false, code: 'TR_6_REASON_NOT_ALLOWED' });
    expect(checkReasonFields('UNEMPLOYED', false, { address: 'x' })).toMatchObject({ ok: false, code: 'TR_6_REASON_NOT_ALLOWED' });
    for (const r of ORDINARY_REASONS) expect(checkReasonFields(r, false, {})).toEqual({ ok: true });
  });

  const full = { schoolName: '某大学', unitName: '某公司', address: '浙江省杭州市西湖区某路1号', abroadPlace: '英国伦敦', abroadPeriod: '2026-09至2028-06', contactName: '王某', contactPhone: '13800001111' };
  it.each(GRADUATE_REASONS)('TR-6 %s: required fields accepted, a missing one refused, a foreign one refused', (reason) => {
    const spec = REASON_SPECS[reason];
    const fields = Object.fromEntries(spec.fields.map((k) => [k, full[k]]));
    expect(checkReasonFields(reason, true, fields)).toEqual({ ok: true });
    for (const k of spec.fields) expect(checkReasonFields(reason, true, { ...fields, [k]: ' ' })).toMatchObject({ ok: false, code: 'TR_6_FIELD_REQUIRED' });
    const foreign = (Object.keys(full) as (keyof typeof full)[]).find((k) => !spec.fields.includes(k))!;
    expect(checkReasonFields(reason, true, { ...fields, [foreign]: full[foreign] })).toMatchObject({ ok: false, code: 'TR_6_FIELD_NOT_ALLOWED' });
  });

  it('TR-6 target constraints per reason', () => {
    const township = org({ kind: 'WORK_COMMITTEE', isTownship: true, industryCategory: 'GOVERNMENT' });
    const transition = org({ specialKind: 'TRANSITION', parentIsTownship: true });
    const village = org({ industryCategory: 'URBAN_COMMUNITY' });
    const company = org({});
    const school = org({ kind: 'COMMITTEE', industryCategory: 'HIGHER_EDUCATION', schoolRootId: 5 });
    const abroad = org({ specialKind: 'ABROAD_STUDY', industryCategory: 'HIGHER_EDUCATION', schoolRootId: 5 });
    const ok = { ok: true };
    expect(checkTarget('FURTHER_STUDY', school, 1)).toEqual(ok);
    expect(checkTarget('FURTHER_STUDY', company, 1)).toMatchObject({ code: 'TR_6_TARGET_MISMATCH' });
    expect(checkTarget('EMPLOYED_WITH_ORG', company, 1)).toEqual(ok);
    expect(checkTarget('EMPLOYED_WITH_ORG', transition, 1)).toMatchObject({ code: 'TR_6_TARGET_MISMATCH' });
    expect(checkTarget('EMPLOYED_NO_ORG', township, 1)).toEqual(ok);
    expect(checkTarget('EMPLOYED_NO_ORG', transition, 1)).toEqual(ok);
    expect(checkTarget('EMPLOYED_NO_ORG', company, 1)).toMatchObject({ code: 'TR_6_TARGET_MISMATCH' });
    expect(checkTarget('ABROAD_OFFICIAL', company, 1)).toEqual(ok);
    expect(checkTarget('ABROAD_OFFICIAL', township, 1)).toMatchObject({ code: 'TR_6_TARGET_MISMATCH' });
    expect(checkTarget('ABROAD_STUDY', abroad, 5)).toEqual(ok);
    expect(checkTarget('ABROAD_STUDY', abroad, 6)).toMatchObject({ code: 'TR_6_TARGET_MISMATCH' });
    expect(checkTarget('ABROAD_PRIVATE', transition, 1)).toEqual(ok);
    expect(checkTarget('ABROAD_PRIVATE', village, 1)).toMatchObject({ code: 'TR_6_TARGET_MISMATCH' });
    expect(checkTarget('UNEMPLOYED', village, 1)).toEqual(ok);
    expect(checkTarget('UNEMPLOYED', transition, 1)).toEqual(ok);
    expect(checkTarget('UNEMPLOYED', company, 1)).toMatchObject({ code: 'TR_6_TARGET_MISMATCH' });
    expect(checkTarget('SPECIAL_UNIT', null, 1)).toEqual(ok);
    expect(checkTarget('SPECIAL_UNIT', company, 1)).toMatchObject({ code: 'TR_6_TARGET_NOT_ALLOWED' });
    expect(checkTarget('UNEMPLOYED', null, 1)).toMatchObject({ code: 'TR_6_TARGET_REQUIRED' });
  });
});

describe('TR-7 北京/广东/福建', () => {
  it('TR-7 a national search excludes the three; a chosen one allows only itself', () => {
    expect(checkTargetScope('NATIONAL', '33')).toEqual({ ok: true });
    expect(checkTargetScope('NATIONAL', '11')).toMatchObject({ code: 'TR_7_SCOPE_MISMATCH' });
    expect(checkTargetScope('BEIJING', '11')).toEqual({ ok: true });
    expect(checkTargetScope('GUANGDONG', '35')).toMatchObject({ code: 'TR_7_SCOPE_MISMATCH' });
    expect(checkTargetScope('FUJIAN', '35')).toEqual({ ok: true });
  });
});

describe('TR-2/3/4 nodes', () => {
  const base = { reason: 'UNEMPLOYED' as const, sendingBranchId: 1, schoolRootId: 3, provinceOrgId: 4 };
  const kinds = (p: Parameters<typeof planNodes>[0]) => planNodes(p).map((n) => `${n.kind}@${n.orgId}`);
  it('TR-2 the starter side does not approve its own start; TR-3 a committee target adds allocation', () => {
    const branch = { id: 7, kind: 'BRANCH' as const };
    const committee = { id: 8, kind: 'WORK_COMMITTEE' as const };
    expect(kinds({ ...base, sendingStarted: true, receivingStarted: false, target: branch })).toEqual(['RECEIVING@7']);
    expect(kinds({ ...base, sendingStarted: true, receivingStarted: false, target: committee })).toEqual(['RECEIVING@8', 'ALLOCATION@8']);
    expect(kinds({ ...base, sendingStarted: false, receivingStarted: true, target: committee })).toEqual(['SENDING@1', 'ALLOCATION@8']);
    expect(kinds({ ...base, sendingStarted: false, receivingStarted: false, target: branch })).toEqual(['SENDING@1', 'RECEIVING@7']);
    expect(kinds({ ...base, reason: 'SPECIAL_UNIT', sendingStarted: false, receivingStarted: false, target: null })).toEqual(['SENDING@1', 'PROVINCIAL_REVIEW@4']);
    expect(kinds({ ...base, reason: 'ABROAD_STUDY', sendingStarted: true, receivingStarted: false, target: branch })).toEqual(['SCHOOL_APPROVAL@3']);
    const alloc = planNodes({ ...base, sendingStarted: true, receivingStarted: true, target: committee });
    expect(alloc).toEqual([{ kind: 'ALLOCATION', orgId: 8, timeoutAction: 'NONE' }]);
  });

  it('TR-4 a branch node: the branch or its direct parent; other nodes: the org itself', () => {
    expect(canActOnNode(7, { orgId: 7, orgKind: 'BRANCH', orgParentId: 6 })).toBe(true);
    expect(canActOnNode(6, { orgId: 7, orgKind: 'BRANCH', orgParentId: 6 })).toBe(true);
    expect(canActOnNode(5, { orgId: 7, orgKind: 'BRANCH', orgParentId: 6 })).toBe(false);
    expect(canActOnNode(5, { orgId: 8, orgKind: 'COMMITTEE', orgParentId: 5 })).toBe(false);
  });

  it('TR-2/3 the chain goes on at the lowest waiting node; none left completes', () => {
    const chain = [
      { id: 1, seq: 1, state: 'APPROVED' as const },
      { id: 3, seq: 3, state: 'WAITING' as const },
      { id: 2, seq: 2, state: 'WAITING' as const },
    ];
    expect(nextWaitingNode(chain)?.id).toBe(2);
    expect(nextWaitingNode([{ id: 1, seq: 1, state: 'PENDING' as const }])).toBeNull();
    expect(nextWaitingNode([])).toBeNull();
  });
});

describe('TR-5 deadlines', () => {
  const opened = new Date('2026-06-01T00:00:00Z');
  const node = { state: 'PENDING' as const, openedAt: opened, dueAt: dueAt(opened), timeoutAction: 'AUTO_APPROVE' as const, remindedAt: null };
  const day = (n: number) => new Date(opened.getTime() + n * 86_400_000);
  it('TR-5 day 9 nothing, day 10 reminder, day 15 auto-approve; allocation never', () => {
    expect(timerAction(node, day(9))).toBeNull();
    expect(timerAction(node, day(10))).toBe('REMIND');
    expect(timerAction({ ...node, remindedAt: day(10) }, day(11))).toBeNull();
    expect(timerAction(node, day(15))).toBe('AUTO_APPROVE');
    expect(timerAction({ ...node, timeoutAction: 'NONE' }, day(40))).toBe('REMIND');
    expect(timerAction({ ...node, timeoutAction: 'NONE', remindedAt: day(10) }, day(40))).toBeNull();
    expect(ageDays(opened, day(9.5))).toBe(9);
  });
});

describe('TR-8 rejection reasons', () => {
  it('TR-8 a reason is required and discriminating ones are refused', () => {
    expect(checkRejectionReason(' ')).toMatchObject({ code: 'TR_8_REASON_REQUIRED' });
    expect(checkRejectionReason('非正式员工')).toMatchObject({ code: 'TR_8_REASON_NOT_ACCEPTED' });
    expect(checkRejectionReason('该同志不是本单位正式职工')).toMatchObject({ code: 'TR_8_REASON_NOT_ACCEPTED' });
    expect(checkRejectionReason('非本地户籍')).toMatchObject({ code: 'TR_8_REASON_NOT_ACCEPTED' });
    expect(checkRejectionReason('户口不在本地')).toMatchObject({ code: 'TR_8_REASON_NOT_ACCEPTED' });
    expect(checkRejectionReason('本单位查无此人，请核实工作单位')).toEqual({ ok: true });
  });
});

describe('TRANSFER_TEXTS and textParts (the sweep fills the same texts in SQL)', () => {
  it('every text splits into the parts around its two values, which put back together give the text', () => {
    for (const text of Object.values(TRANSFER_TEXTS)) {
      const [before, between, after] = textParts(text);
      expect(before + '甲' + between + '乙' + after).toBe(text('甲', '乙'));
    }
    expect(textParts(TRANSFER_TEXTS.completionNotice)).toEqual(['', '的组织关系已转入“', '”，接转成功']);
  });

  it('refuses a text whose values come in the other order or twice', () => {
    expect(() => textParts((a, b) => `${b}与${a}`)).toThrow();
    expect(() => textParts((a, b) => `${a}${b}${a}`)).toThrow();
  });
});
