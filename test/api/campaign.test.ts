/* eslint-disable @typescript-eslint/no-explicit-any -- responses are asserted field by field */
import ExcelJS from 'exceljs';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, members, orgs, transfers } from '../../src/db/schema';
import { convertGraduatingBranches } from '../../src/server/modules/graduation/graduation.service';
import { createTestApp, type TestApp } from '../helpers/app';
import { Factory, type Client, type OrgRow, type Tree } from '../helpers/factories';
import { commit, problems, uploadAndValidate } from '../helpers/imports';

let t: TestApp;
let f: Factory;
let tree: Tree;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-02T02:00:00.000Z' });
  f = new Factory(t);
  tree = await f.tree();
});
afterAll(() => t.close());

const at = (iso: string) => t.clock.freeze(new Date(iso));
const memberRow = async (id: number) => (await t.ctx.db.select().from(members).where(eq(members.id, id)))[0]!;
const audits = (action: string, objectId: number) =>
  t.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.objectId, String(objectId)))).orderBy(asc(auditLog.id));
/** A fresh admin of `org` (sessions expire while the clock moves by months). */
const adminOf = async (org: OrgRow): Promise<Client> => (await f.admin(org)).client;
const list = (overview: any, key: string) => overview.lists.find((l: any) => l.key === key);
const put = (c: Client, id: number, body: Record<string, unknown>) =>
  c.request('PATCH', `/api/graduation/destinations/${id}`, {
    destinationUnit: null,
    destinationAddress: null,
    destinationRegionCode: null,
    hukouAddress: null,
    residenceAddress: null,
    parentsAddress: null,
    ...body,
  });

async function insertTransfer(memberId: number, from: OrgRow, reason: string, createdAt: string, status: 'OPEN' | 'COMPLETED' = 'OPEN') {
  const m = await memberRow(memberId);
  const person = await f.person({});
  const [row] = await t.ctx.db
    .insert(transfers)
    .values({
      memberId,
      memberName: `团员${m.id}`,
      fromBranchId: from.id,
      fromPath: from.path,
      toOrgId: tree.township.id,
      toPath: tree.township.path,
      reason: reason as never,
      schoolToSociety: true,
      starterSide: 'SENDING',
      startedByPersonId: person.id,
      startedByName: '测试',
      status,
      createdAt: new Date(createdAt),
      endedAt: status === 'OPEN' ? null : new Date(createdAt),
    })
    .returning();
  return row!;
}

describe('the season: 6月1日, 7月25日 and six months later (GRAD-5, TR-10, TR-12)', () => {
  let branch: OrgRow;
  let m: { id: number }[];

  it('GRAD-5 marks in March, converts once on 6月1日', async () => {
    branch = await f.org(tree.collegeA, { name: '2022级计算机9班团支部', kind: 'BRANCH' });
    m = [];
    for (let i = 0; i < 4; i++) m.push(await f.member(branch));
    const college = await adminOf(tree.collegeA);
    const marked = await college.post('/api/graduation/branch-marks', { branchIds: [branch.id], graduationAt: '2026-06', exemptReason: null, confirm: true });
    expect(marked.status).toBe(200);
    at('2026-06-01T01:00:00.000Z');
    expect((await convertGraduatingBranches(t.ctx)).members).toBeGreaterThanOrEqual(4);
    expect(await convertGraduatingBranches(t.ctx)).toEqual({ branches: 0, members: 0 });
    expect(await audits('GRADUATION_CONVERT', branch.id)).toHaveLength(1);
    expect((await memberRow(m[0]!.id)).graduateStatus).toBe('GRADUATE');
  });

  it('TR-10 before 7月25日 the list is not due and placement is refused, nothing moves', async () => {
    at('2026-07-25T10:00:00.000Z'); // 7月25日 itself: still the deadline day
    const college = await adminOf(tree.collegeA);
    const overview = (await college.get('/api/graduation/campaign')).body;
    expect(list(overview, 'UNPLACED')).toMatchObject({ active: false, total: 0 });
    expect(overview.can.placeMobile).toBe(false);
    const res = await college.post('/api/graduation/mobile-placements', { memberIds: [m[0]!.id] });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('TR_10_TOO_EARLY');
    expect((await memberRow(m[0]!.id)).branchId).toBe(branch.id);
  });

  it('TR-10/TR-12 after 7月25日 graduates without a transfer are listed; those with one are not', async () => {
    await insertTransfer(m[3]!.id, branch, 'EMPLOYED_NO_ORG', '2026-07-10T02:00:00.000Z');
    at('2026-07-26T02:00:00.000Z');
    const college = await adminOf(tree.collegeA);
    const overview = (await college.get('/api/graduation/campaign')).body;
    const unplaced = list(overview, 'UNPLACED');
    expect(unplaced.active).toBe(true);
    const ids = unplaced.items.map((i: any) => i.id);
    expect(ids).toEqual(expect.arrayContaining([m[0]!.id, m[1]!.id, m[2]!.id]));
    expect(ids).not.toContain(m[3]!.id);
    expect(unplaced.items.find((i: any) => i.id === m[0]!.id)).toMatchObject({ kind: 'MEMBER', orgId: branch.id, dueAt: '2026-07-25' });
    // Another college sees none of them.
    const other = (await (await adminOf(tree.collegeB)).get('/api/graduation/campaign')).body;
    expect(list(other, 'UNPLACED').items.map((i: any) => i.id)).not.toContain(m[0]!.id);
  });

  it('TR-10 refused actors and members: another college 404, a branch admin 403, a graduate with a transfer 422 — nothing moves', async () => {
    const otherCollege = await adminOf(tree.collegeB);
    const foreign = await otherCollege.post('/api/graduation/mobile-placements', { memberIds: [m[0]!.id] });
    expect(foreign.status).toBe(404);
    const branchAdmin = await adminOf(branch);
    const byBranch = await branchAdmin.post('/api/graduation/mobile-placements', { memberIds: [m[0]!.id] });
    expect(byBranch.status).toBe(403);
    expect(byBranch.body.error.code).toBe('TR_10_ACTOR');
    const college = await adminOf(tree.collegeA);
    const withTransfer = await college.post('/api/graduation/mobile-placements', { memberIds: [m[0]!.id, m[3]!.id] });
    expect(withTransfer.status).toBe(422);
    expect(withTransfer.body.error.code).toBe('TR_10_NOT_UNEMPLOYED');
    expect((await memberRow(m[0]!.id)).branchId).toBe(branch.id);
    const mobile = await t.ctx.db.select().from(orgs).where(and(eq(orgs.parentId, tree.collegeA.id), eq(orgs.specialKind, 'MOBILE_GRADUATES')));
    expect(mobile).toHaveLength(0);
  });

  it('TR-10 a college admin puts unemployed graduates (batch) into the 毕业学生流动团员团支部, created once and audited', async () => {
    const college = await adminOf(tree.collegeA);
    const first = await college.post('/api/graduation/mobile-placements', { memberIds: [m[0]!.id, m[1]!.id] });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.moved).toBe(2);
    const second = await college.post('/api/graduation/mobile-placements', { memberIds: [m[2]!.id] });
    expect(second.body.branches).toEqual(first.body.branches);
    const [mobile] = await t.ctx.db.select().from(orgs).where(and(eq(orgs.parentId, tree.collegeA.id), eq(orgs.specialKind, 'MOBILE_GRADUATES')));
    expect(mobile).toMatchObject({ name: '毕业学生流动团员团支部', kind: 'BRANCH' });
    expect(await memberRow(m[0]!.id)).toMatchObject({ branchId: mobile!.id, graduateStatus: 'GRADUATE' });
    expect(await audits('MEMBER_MOBILE_PLACE', m[0]!.id)).toHaveLength(1);
    expect(await audits('ORG_CREATE', mobile!.id)).toHaveLength(1);
    const overview = (await college.get('/api/graduation/campaign')).body;
    expect(list(overview, 'UNPLACED').items.map((i: any) => i.id)).not.toContain(m[0]!.id);
    expect(list(overview, 'MOBILE_OVERDUE').items.map((i: any) => i.id)).not.toContain(m[0]!.id);
  });

  it('TR-10 six months later they are listed as overdue (not a day before)', async () => {
    at('2027-01-25T02:00:00.000Z');
    let overview = (await (await adminOf(tree.collegeA)).get('/api/graduation/campaign')).body;
    expect(list(overview, 'MOBILE_OVERDUE').items.map((i: any) => i.id)).not.toContain(m[0]!.id);
    at('2027-01-28T02:00:00.000Z');
    overview = (await (await adminOf(tree.university)).get('/api/graduation/campaign')).body;
    const overdue = list(overview, 'MOBILE_OVERDUE');
    expect(overdue.items.map((i: any) => i.id)).toEqual(expect.arrayContaining([m[0]!.id, m[1]!.id, m[2]!.id]));
    expect(overdue.items.find((i: any) => i.id === m[0]!.id)).toMatchObject({ since: '2026-07-26', orgName: '毕业学生流动团员团支部' });
    // The county above does not hold the university: nothing of it.
    const county = (await (await adminOf(tree.county)).get('/api/graduation/campaign')).body;
    expect(list(county, 'MOBILE_OVERDUE').items.map((i: any) => i.id)).not.toContain(m[0]!.id);
  });
});

describe('TR-11 county-level 学社衔接临时团支部: one year', () => {
  it('members there for more than a year are listed; a township’s own temporary branch is not this list', async () => {
    at('2026-03-02T02:00:00.000Z');
    const countyTransition = await f.org(tree.county, { name: '西湖区学社衔接临时团支部', kind: 'BRANCH', specialKind: 'TRANSITION' });
    const stays = await f.member(countyTransition);
    const township = await f.member(tree.transition);
    at('2027-03-02T02:00:00.000Z');
    let overview = (await (await adminOf(tree.county)).get('/api/graduation/campaign')).body;
    expect(list(overview, 'TRANSITION_OVERDUE').items.map((i: any) => i.id)).not.toContain(stays.id);
    at('2027-03-04T02:00:00.000Z');
    overview = (await (await adminOf(tree.county)).get('/api/graduation/campaign')).body;
    const ids = list(overview, 'TRANSITION_OVERDUE').items.map((i: any) => i.id);
    expect(ids).toContain(stays.id);
    expect(ids).not.toContain(township.id);
    // A college sees nothing of the county.
    const college = (await (await adminOf(tree.collegeA)).get('/api/graduation/campaign')).body;
    expect(list(college, 'TRANSITION_OVERDUE').items.map((i: any) => i.id)).not.toContain(stays.id);
  });
});

describe('TR-12 deadlines: 9月20日, 10月15日 and new-student branches', () => {
  it('open transfers after their deadline and schools without the new grade are listed', async () => {
    at('2028-03-02T02:00:00.000Z');
    const grad = await f.org(tree.collegeB, { name: '2024级经济9班团支部', kind: 'BRANCH', category: 'GRADUATE', graduationAt: '2028-06' });
    const [a, b] = [await f.member(grad), await f.member(grad)];
    const work = await insertTransfer(a.id, grad, 'EMPLOYED_NO_ORG', '2028-07-01T02:00:00.000Z');
    const study = await insertTransfer(b.id, grad, 'FURTHER_STUDY', '2028-07-02T02:00:00.000Z');
    at('2028-09-20T10:00:00.000Z');
    let o = (await (await adminOf(tree.collegeB)).get('/api/graduation/campaign')).body;
    expect(list(o, 'NOT_RECEIVED').active).toBe(false);
    at('2028-09-21T02:00:00.000Z');
    o = (await (await adminOf(tree.collegeB)).get('/api/graduation/campaign')).body;
    expect(list(o, 'NOT_RECEIVED').items.map((i: any) => i.id)).toEqual([work.id]);
    expect(list(o, 'FURTHER_STUDY_LATE').active).toBe(false);
    expect(list(o, 'NO_NEW_BRANCH').items.map((i: any) => i.id)).toEqual([]); // not a month after 9月1日 yet
    at('2028-10-16T02:00:00.000Z');
    const university = await adminOf(tree.university);
    o = (await university.get('/api/graduation/campaign')).body;
    expect(list(o, 'FURTHER_STUDY_LATE').items.map((i: any) => i.id)).toEqual([study.id]);
    const noNew = list(o, 'NO_NEW_BRANCH').items.map((i: any) => i.id);
    expect(noNew).toEqual(expect.arrayContaining([tree.collegeA.id, tree.collegeB.id]));
    expect(noNew).not.toContain(tree.university.id); // no class branches directly below
    await f.org(tree.collegeA, { name: '2028级计算机1班团支部', kind: 'BRANCH' });
    o = (await university.get('/api/graduation/campaign')).body;
    expect(list(o, 'NO_NEW_BRANCH').items.map((i: any) => i.id)).not.toContain(tree.collegeA.id);
    // Out of scope: the list of another org answers 404.
    const foreign = await (await adminOf(tree.collegeA)).get(`/api/graduation/campaign?orgId=${tree.collegeB.id}`);
    expect(foreign.status).toBe(404);
  });
});

describe('MEM-7 graduate destinations', () => {
  let grad: OrgRow;
  let g: { id: number; person: { name: string } }[];
  let plain: { id: number };

  beforeAll(async () => {
    at('2029-03-02T02:00:00.000Z');
    grad = await f.org(tree.collegeA, { name: '2025级计算机8班团支部', kind: 'BRANCH', category: 'GRADUATE', graduationAt: '2029-06' });
    g = [];
    for (let i = 0; i < 3; i++) g.push(await f.member(grad));
    plain = await f.member(tree.branchA1);
  });

  it('on screen: the college fills one graduate’s destination; audited; the list counts completion', async () => {
    const college = await adminOf(tree.collegeA);
    const res = await put(college, g[0]!.id, { destinationUnit: '某科技公司', destinationAddress: '杭州市西湖区文三路1号', destinationRegionCode: '330106004', hukouAddress: '浙江省安吉县', parentsAddress: '浙江省安吉县递铺街道' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ complete: true, destinationRegionName: expect.stringContaining('西溪街道') });
    expect(await memberRow(g[0]!.id)).toMatchObject({ destinationUnit: '某科技公司', destinationRegionCode: '330106004', hukouAddress: '浙江省安吉县' });
    expect(await audits('MEMBER_DESTINATION_UPDATE', g[0]!.id)).toHaveLength(1);
    const page = (await college.get(`/api/graduation/destinations?orgId=${grad.id}`)).body;
    expect(page).toMatchObject({ graduates: 3, completed: 1, total: 3 });
    const incomplete = (await college.get(`/api/graduation/destinations?orgId=${grad.id}&incompleteOnly=true`)).body;
    expect(incomplete.total).toBe(2);
    expect(incomplete.items[0].idNumber).toMatch(/^\d{3}\*{14}[\dX]$/);
  });

  it('refusals: a county code is not a township (422), a non-graduate (422), another college (404) — nothing written', async () => {
    const college = await adminOf(tree.collegeA);
    const county = await put(college, g[1]!.id, { destinationRegionCode: '330106999' });
    expect(county.status).toBe(422);
    expect(county.body.error.code).toBe('MEM_7_REGION_NOT_TOWNSHIP');
    const notGraduate = await put(college, plain.id, { destinationUnit: '某公司' });
    expect(notGraduate.status).toBe(422);
    expect(notGraduate.body.error.code).toBe('MEM_7_NOT_GRADUATE');
    const other = await put(await adminOf(tree.collegeB), g[1]!.id, { destinationUnit: '越权' });
    expect(other.status).toBe(404);
    expect((await audits('ACCESS_DENIED', g[1]!.id)).map((a) => a.reason)).toContain('OUT_OF_SCOPE');
    expect((await (await adminOf(tree.collegeB)).get(`/api/graduation/destinations?orgId=${grad.id}`)).status).toBe(404);
    expect(await memberRow(g[1]!.id)).toMatchObject({ destinationUnit: null, destinationRegionCode: null });
    expect(await memberRow(plain.id)).toMatchObject({ destinationUnit: null });
  });

  it('Excel round trip: export → edit with ExcelJS → DESTINATIONS import → fields updated; a bad row → nothing written', async () => {
    const college = await adminOf(tree.collegeA);
    const exported = await college.get(`/api/graduation/destinations/export?orgId=${grad.id}`);
    expect(exported.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(exported.raw.rawPayload as never);
    const ws = wb.worksheets[0]!;
    const headers = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    expect(headers).toEqual(['团员编号', '姓名', '身份证号码', '所在团支部', '去向单位', '单位地址', '单位所在乡镇街道代码', '单位所在乡镇街道', '户籍所在地', '本人居住地', '父母居住地']);
    expect(ws.rowCount).toBe(4);
    const col = (h: string) => headers.indexOf(h) + 1;
    const rowOf = (id: number) => {
      for (let r = 2; r <= ws.rowCount; r++) if (Number(ws.getRow(r).getCell(1).value) === id) return ws.getRow(r);
      throw new Error(`row of ${id}`);
    };
    expect(String(rowOf(g[0]!.id).getCell(col('身份证号码')).value)).toMatch(/^\d{3}\*{14}[\dX]$/);
    rowOf(g[1]!.id).getCell(col('去向单位')).value = '浙江某研究院';
    rowOf(g[1]!.id).getCell(col('单位地址')).value = '杭州市西湖区某路2号';
    rowOf(g[1]!.id).getCell(col('单位所在乡镇街道代码')).value = '330106004';
    rowOf(g[2]!.id).getCell(col('本人居住地')).value = '杭州市西湖区';
    // A bad row: another member's name for this key.
    const bad = rowOf(g[2]!.id);
    bad.getCell(col('姓名')).value = '不是本人';
    const withBad = Buffer.from(await wb.xlsx.writeBuffer());
    const job = await uploadAndValidate(college, withBad, { kind: 'DESTINATIONS', orgId: grad.id });
    expect(job).toMatchObject({ status: 'VALIDATED', mode: 'ORG', totalRows: 3, errorRows: 1, can: { commit: false } });
    expect((await problems(college, job.id)).flatMap((p: any) => p.problems.map((x: any) => x.column))).toContain('姓名');
    const refused = await college.post(`/api/imports/${job.id}/commit`, { onlyValid: false });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(await memberRow(g[1]!.id)).toMatchObject({ destinationUnit: null });

    bad.getCell(col('姓名')).value = g[2]!.person.name;
    const fixed = Buffer.from(await wb.xlsx.writeBuffer());
    const ok = await uploadAndValidate(college, fixed, { kind: 'DESTINATIONS', orgId: grad.id });
    expect(ok).toMatchObject({ status: 'VALIDATED', errorRows: 0, can: { commit: true } });
    const done = await commit(college, ok.id);
    expect(done.body).toMatchObject({ status: 'COMMITTED', committedRows: 3 });
    expect(await memberRow(g[1]!.id)).toMatchObject({ destinationUnit: '浙江某研究院', destinationRegionCode: '330106004' });
    expect(await memberRow(g[2]!.id)).toMatchObject({ residenceAddress: '杭州市西湖区' });
    // Row 1 was unchanged: its destination stays, and no audit row for it.
    expect(await memberRow(g[0]!.id)).toMatchObject({ destinationUnit: '某科技公司' });
    expect(await audits('MEMBER_DESTINATION_UPDATE', g[0]!.id)).toHaveLength(1);
    expect(await audits('MEMBER_DESTINATION_UPDATE', g[1]!.id)).toHaveLength(1);
  });

  it('a graduate moved out between validation and commit fails the whole commit: nothing written', async () => {
    const college = await adminOf(tree.collegeA);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('毕业生去向');
    ws.addRow(['团员编号', '姓名', '去向单位']);
    ws.addRow([g[1]!.id, g[1]!.person.name, '改后的单位']);
    ws.addRow([g[2]!.id, g[2]!.person.name, '另一个单位']);
    const job = await uploadAndValidate(college, Buffer.from(await wb.xlsx.writeBuffer()), { kind: 'DESTINATIONS', orgId: grad.id });
    expect(job).toMatchObject({ errorRows: 0, can: { commit: true } });
    const before = await memberRow(g[2]!.id);
    const unit1 = (await memberRow(g[1]!.id)).destinationUnit;
    await t.ctx.db.update(members).set({ branchId: tree.branchB1.id, orgPath: tree.branchB1.path }).where(eq(members.id, g[2]!.id));
    const done = await commit(college, job.id);
    // The engine's answer to a refusal inside the commit: back to VALIDATED, with the reason.
    expect(done.body.status).toBe('VALIDATED');
    expect(done.body.message).toContain('未写入任何数据');
    expect(done.body.message).toContain('已不在本组织中');
    expect((await memberRow(g[1]!.id)).destinationUnit).toBe(unit1);
    expect((await memberRow(g[1]!.id)).destinationUnit).not.toBe('改后的单位');
    await t.ctx.db.update(members).set({ branchId: before.branchId, orgPath: before.orgPath }).where(eq(members.id, g[2]!.id));
  });

  it('the import checks every problem at once: unknown key, out-of-scope member, non-graduate, bad code, too long', async () => {
    const college = await adminOf(tree.collegeA);
    const foreign = await f.member(tree.branchB1);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('毕业生去向');
    ws.addRow(['团员编号', '姓名', '去向单位', '单位所在乡镇街道代码', '父母居住地']);
    ws.addRow([999999, '无此人', '', '', '']);
    ws.addRow([foreign.id, foreign.person.name, '', '', '']);
    ws.addRow([plain.id, '任意', '', '', '']);
    ws.addRow([g[0]!.id, g[0]!.person.name, '某公司', '330106', 'x'.repeat(201)]);
    ws.addRow([g[0]!.id, g[0]!.person.name, '', '', '']);
    const job = await uploadAndValidate(college, Buffer.from(await wb.xlsx.writeBuffer()), { kind: 'DESTINATIONS', orgId: tree.collegeA.id });
    expect(job).toMatchObject({ totalRows: 5, errorRows: 5 });
    const msgs = (await problems(college, job.id)).map((r: any) => r.problems.map((p: any) => p.message).join('；'));
    expect(msgs[0]).toContain('本组织中没有该团员编号的团员');
    expect(msgs[1]).toContain('本组织中没有该团员编号的团员'); // another college's member reads like a missing one
    expect(msgs[2]).toContain('不是毕业生');
    expect(msgs[3]).toContain('乡镇街道');
    expect(msgs[3]).toContain('200');
    expect(msgs[4]).toContain('重复');
    expect(await memberRow(g[0]!.id)).toMatchObject({ destinationUnit: '某科技公司' });
  });
});
