import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archivedMembers, auditLog, members, orgRollups, orgs, persons } from '../../src/db/schema';
import { createTestApp, type TestApp } from '../helpers/app';
import { Factory, memberInput, type Client, type OrgRow, type Tree } from '../helpers/factories';

let t: TestApp;
let f: Factory;
let tree: Tree;
let national: Client;
let province: Client;
let university: Client;
let college: Client;
let branch: Client;
let county: Client;
let cityAdmin: Client;
let cityBranch: OrgRow;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  cityBranch = await f.org(tree.city, { name: '市直机关团支部', kind: 'BRANCH' });
  national = (await f.admin(tree.root)).client;
  province = (await f.admin(tree.province)).client;
  university = (await f.admin(tree.university)).client;
  college = (await f.admin(tree.collegeA)).client;
  branch = (await f.admin(tree.branchA1)).client;
  county = (await f.admin(tree.county)).client;
  cityAdmin = (await f.admin(tree.city)).client;
});
afterAll(() => t.close());

const rollup = async (o: OrgRow) => (await t.ctx.db.select().from(orgRollups).where(eq(orgRollups.orgId, o.id)))[0]?.membersActive ?? 0;

describe('REP-1 deleting a mis-entered member climbs level by level to the back end', () => {
  it('branch → college → university → province → national; refusals at each step; the branch re-enters the member', async () => {
    const m = await f.member(tree.branchA1, { name: '张错字' });
    const before = await rollup(tree.university);

    // Out of scope: the county cannot report the university's member.
    expect((await county.post('/api/reports/member-deletion', { memberId: m.id, reason: 'NAME' })).status).toBe(404);

    const filed = await branch.post('/api/reports/member-deletion', { memberId: m.id, reason: 'NAME', note: '姓名应为张对字' });
    expect(filed.status).toBe(201);
    expect(filed.body).toMatchObject({ type: 'MEMBER_DELETION', status: 'PENDING', currentOrgId: tree.collegeA.id, originOrgId: tree.branchA1.id, can: { forward: false, refuse: false, execute: false } });
    expect(filed.body.subjectLabel).toContain('张错字');
    expect(filed.body.subjectLabel).not.toContain(m.idNumber);
    const id = filed.body.id;
    expect((await branch.post('/api/reports/member-deletion', { memberId: m.id, reason: 'NAME' })).body.error.code).toBe('REP_ALREADY_OPEN');

    // Only the level it sits at may act; the others get 404 (not theirs) or see it read-only.
    expect((await branch.post(`/api/reports/${id}/forward`, {})).status).toBe(404);
    expect((await province.post(`/api/reports/${id}/forward`, {})).status).toBe(404);
    const todo = await college.get('/api/reports?box=todo');
    expect(todo.body.items.map((r: { id: number }) => r.id)).toEqual([id]);
    expect(todo.body.items[0].can).toEqual({ forward: true, refuse: true, execute: false });
    expect((await college.post(`/api/reports/${id}/execute`, {})).body.error.code).toBe('REP_BACKEND_ONLY');

    expect((await college.post(`/api/reports/${id}/forward`, { note: '情况属实' })).body).toMatchObject({ status: 'PENDING', currentOrgId: tree.university.id });
    expect((await university.post(`/api/reports/${id}/forward`, {})).body).toMatchObject({ status: 'PENDING', currentOrgId: tree.province.id });
    const atBackend = await province.post(`/api/reports/${id}/forward`, {});
    expect(atBackend.body).toMatchObject({ status: 'AT_BACKEND', currentOrgId: tree.root.id });
    expect((await national.post(`/api/reports/${id}/forward`, {})).body.error.code).toBe('REP_BACKEND_CANNOT_FORWARD');

    const done = await national.post(`/api/reports/${id}/execute`, { note: '已删除' });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('DONE');
    expect(done.body.outcome).toContain('重新录入');
    expect(done.body.steps.map((s: { orgName: string; action: string }) => `${s.orgName}:${s.action}`)).toEqual([
      '2023级计算机1班团支部:FILE', '计算机学院团委:FORWARD', '演示大学团委:FORWARD', '浙江省团委:FORWARD', '团中央:EXECUTE',
    ]);
    expect((await national.post(`/api/reports/${id}/execute`, {})).body.error.code).toBe('REP_CLOSED');

    // Archived and gone; the rollups followed the delete.
    expect(await t.ctx.db.select().from(members).where(eq(members.id, m.id))).toEqual([]);
    const [archived] = await t.ctx.db.select().from(archivedMembers).where(eq(archivedMembers.memberId, m.id));
    expect(archived).toMatchObject({ reportId: id, name: '张错字', personDeleted: true, branchId: tree.branchA1.id });
    expect(await t.ctx.db.select().from(persons).where(eq(persons.id, m.person.id))).toEqual([]);
    expect(await rollup(tree.university)).toBe(before - 1);

    // The branch sees the outcome and enters the member again with the right name.
    const mine = await branch.get('/api/reports?box=filed');
    expect(mine.body.items[0]).toMatchObject({ id, status: 'DONE' });
    const again = await branch.post('/api/members', memberInput(tree.branchA1.id, 1, { name: '张对字', idNumber: m.idNumber }));
    expect(again.status).toBe(201);
    const audit = await t.ctx.db.select({ action: auditLog.action }).from(auditLog).where(sql`${auditLog.action} LIKE 'REPORT_%' OR ${auditLog.action} = 'MEMBER_DELETE_BY_REPORT'`);
    expect(audit.map((a) => a.action)).toEqual(['REPORT_FILE', 'REPORT_FORWARD', 'REPORT_FORWARD', 'REPORT_FORWARD', 'MEMBER_DELETE_BY_REPORT', 'REPORT_EXECUTE']);
  });

  it('a level may send a report back with a reason; it is then closed for everyone', async () => {
    const m = await f.member(tree.branchA1);
    const id = (await branch.post('/api/reports/member-deletion', { memberId: m.id, reason: 'ID_NUMBER' })).body.id;
    expect((await college.post(`/api/reports/${id}/refuse`, {})).status).toBe(400);
    const refused = await college.post(`/api/reports/${id}/refuse`, { reason: '身份证号码核对无误' });
    expect(refused.body).toMatchObject({ status: 'REFUSED' });
    expect(refused.body.outcome).toContain('身份证号码核对无误');
    expect((await college.post(`/api/reports/${id}/forward`, {})).body.error.code).toBe('REP_CLOSED');
    expect((await branch.get(`/api/reports/${id}`)).body.status).toBe('REFUSED');
    expect((await college.get('/api/reports?box=handled')).body.items.map((r: { id: number }) => r.id)).toContain(id);
    // Not visible to an unrelated org.
    expect((await county.get(`/api/reports/${id}`)).status).toBe(404);
    expect(await t.ctx.db.select().from(members).where(eq(members.id, m.id))).toHaveLength(1);
  });
});

describe('REP-2 correcting a township flag', () => {
  it('county → city → province → national sets the flag; a claim equal to the flag or on a branch is refused', async () => {
    expect(tree.township.isTownship).toBe(true);
    expect((await county.post('/api/reports/township-flag', { orgId: tree.township.id, claimed: true })).body.error.code).toBe('REP_2_FLAG_ALREADY');
    expect((await county.post('/api/reports/township-flag', { orgId: tree.transition.id, claimed: true })).body.error.code).toBe('REP_2_NOT_TOWNSHIP_CANDIDATE');
    expect((await county.post('/api/reports/township-flag', { orgId: tree.university.id, claimed: true })).status).toBe(404);
    const filed = await county.post('/api/reports/township-flag', { orgId: tree.township.id, claimed: false });
    expect(filed.status).toBe(201);
    expect(filed.body.subjectLabel).toContain(tree.township.fullName);
    const id = filed.body.id;
    expect((await cityAdmin.post(`/api/reports/${id}/forward`, {})).body.currentOrgId).toBe(tree.province.id);
    expect((await province.post(`/api/reports/${id}/forward`, {})).body.status).toBe('AT_BACKEND');
    expect((await national.post(`/api/reports/${id}/execute`, {})).body.status).toBe('DONE');
    const [org] = await t.ctx.db.select().from(orgs).where(eq(orgs.id, tree.township.id));
    expect(org!.isTownship).toBe(false);
    const [audit] = await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'ORG_TOWNSHIP_CORRECT'));
    expect(audit!.changes).toEqual({ isTownship: { before: true, after: false } });
  });
});

describe('DEV-1/DEV-2 development numbers', () => {
  it('ranges go down level by level; a member consumes one; unused ones are explained; ST-7 accounts for every number', async () => {
    const issued = await province.post('/api/dev-numbers/ranges', { recipientOrgId: tree.university.id, start: '202600000001', end: '202600000100' });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ size: 100, used: 0, recipientName: '演示大学团委' });
    expect((await province.post('/api/dev-numbers/ranges', { recipientOrgId: tree.collegeA.id, start: '202600000200', end: '202600000210' })).body.error.code).toBe('DEV_1_NOT_DIRECT_CHILD');
    expect((await province.post('/api/dev-numbers/ranges', { recipientOrgId: tree.city.id, start: '202600000050', end: '202600000150' })).body.error.code).toBe('DEV_1_OVERLAP');
    expect((await province.post('/api/dev-numbers/ranges', { recipientOrgId: tree.city.id, start: '202600000101', end: '202700000150' })).body.error.code).toBe('DEV_1_RANGE_FORMAT');
    expect((await province.post('/api/dev-numbers/ranges', { recipientOrgId: tree.city.id, start: '202600000101', end: '202600000150' })).status).toBe(201);
    expect((await university.post('/api/dev-numbers/ranges', { recipientOrgId: tree.collegeA.id, start: '202600000001', end: '202600000010' })).status).toBe(201);
    expect((await university.post('/api/dev-numbers/ranges', { recipientOrgId: tree.collegeB.id, start: '202600000005', end: '202600000012' })).body.error.code).toBe('DEV_1_OVERLAP');
    expect((await university.post('/api/dev-numbers/ranges', { recipientOrgId: tree.collegeB.id, start: '202600000300', end: '202600000310' })).body.error.code).toBe('DEV_1_NOT_HELD');
    const ranges = await college.get('/api/dev-numbers/ranges');
    expect(ranges.body.received.map((r: { start: string; end: string }) => `${r.start}-${r.end}`)).toEqual(['202600000001-202600000010']);
    expect(ranges.body.canIssueFresh).toBe(false);

    const input = (n: number, number: string, branchId = tree.branchA1.id) => memberInput(branchId, 100 + n, { joinedLeagueAt: '2026-01', developmentNumber: number });
    expect((await college.post('/api/members', input(1, '202600000003'))).status).toBe(201);
    const foreign = await cityAdmin.post('/api/members', input(2, '202600000004', cityBranch.id));
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.code).toBe('DEV_1_NUMBER_NOT_YOURS');

    expect((await college.post('/api/dev-numbers/voids', { number: '202600000005', reason: 'NOT_DEVELOPED', note: '发展对象未通过' })).status).toBe(201);
    expect((await college.post('/api/dev-numbers/voids', { number: '202600000005', reason: 'OTHER' })).body.error.code).toBe('DEV_2_ALREADY_EXPLAINED');
    expect((await college.post('/api/dev-numbers/voids', { number: '202600000003', reason: 'OTHER' })).body.error.code).toBe('DEV_2_NUMBER_USED');
    expect((await college.post('/api/dev-numbers/voids', { number: '202600000120', reason: 'OTHER' })).body.error.code).toBe('DEV_2_NOT_IN_RANGE');
    expect((await college.post('/api/members', input(3, '202600000005'))).body.error.code).toBe('DEV_1_NUMBER_VOIDED');

    const unused = await college.get(`/api/dev-numbers/unused?rangeId=${ranges.body.received[0].id}`);
    expect((await county.get(`/api/dev-numbers/unused?rangeId=${ranges.body.received[0].id}`)).status).toBe(404);
    expect(unused.body.numbers).toEqual(['202600000001', '202600000002', '202600000004', '202600000006', '202600000007', '202600000008', '202600000009', '202600000010']);

    // Reported upward: the province sees the explanation and the accounting per next-level org.
    const voids = await province.get('/api/dev-numbers/voids');
    expect(voids.body.items).toMatchObject([{ number: '202600000005', orgName: '计算机学院团委', reason: 'NOT_DEVELOPED' }]);
    expect((await county.get('/api/dev-numbers/voids')).body.total).toBe(0);
    const st7 = await province.get('/api/supervision/dev-numbers');
    expect(st7.status).toBe(200);
    const uni = st7.body.rows.find((r: { orgId: number }) => r.orgId === tree.university.id);
    expect(uni).toMatchObject({ issued: 100, used: 1, explained: 1, unused: 98 });
    expect(st7.body.rows.find((r: { orgId: number }) => r.orgId === tree.city.id)).toMatchObject({ issued: 50, used: 0, explained: 0, unused: 50 });
    expect(st7.body.total).toMatchObject({ issued: 150, used: 1, explained: 1, unused: 148 });
    const down = await university.get(`/api/supervision/dev-numbers?orgId=${tree.collegeA.id}`);
    expect(down.body.total).toMatchObject({ issued: 10, used: 1, explained: 1, unused: 8 });
  });
});

describe('REP-1 and transfers', () => {
  it('a member with a transfer on record is not erased: execution is refused and nothing changes', async () => {
    const m = await f.member(tree.branchA1, { name: '李转接' });
    const moved = await college.post('/api/transfers', { memberIds: [m.id], reason: 'WORK_CHANGE', targetOrgId: tree.branchB1.id });
    expect(moved.status, JSON.stringify(moved.body)).toBe(201);
    const filed = await branch.post('/api/reports/member-deletion', { memberId: m.id, reason: 'NAME' });
    expect(filed.status).toBe(201);
    for (const c of [college, university, province]) expect((await c.post(`/api/reports/${filed.body.id}/forward`, {})).status).toBe(200);
    const refused = await national.post(`/api/reports/${filed.body.id}/execute`, {});
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('REP_1_HAS_TRANSFERS');
    expect(await t.ctx.db.select().from(members).where(eq(members.id, m.id))).toHaveLength(1);
    expect(await t.ctx.db.select().from(archivedMembers).where(eq(archivedMembers.memberId, m.id))).toEqual([]);
  });
});
