import { eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, members, orgs } from '../../src/db/schema';
import { createTestApp, type TestApp } from '../helpers/app';
import { Factory, type Client, type OrgRow, type Tree } from '../helpers/factories';

let t: TestApp;
let f: Factory;
let tree: Tree;
let province: Client;
let county: Client;
let university: Client;
let village: OrgRow;
let province2: OrgRow;

async function setMember(id: number, patch: Partial<typeof members.$inferInsert>) {
  await t.ctx.db.update(members).set(patch).where(eq(members.id, id));
}

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  village = await f.org(tree.county, { name: '某村团支部', kind: 'BRANCH', industryCategory: 'RURAL' });
  // Another province: never counted for 浙江, and out of scope for its admins.
  province2 = await f.org(tree.root, { name: '外省团委', kind: 'LEADERSHIP', leadershipLevel: 'PROVINCIAL', regionCode: '32' });
  const foreignBranch = await f.org(province2, { name: '外省团支部', kind: 'BRANCH' });
  for (let i = 0; i < 5; i++) await f.member(foreignBranch);

  // 2023级计算机1班: two joined 2019-05 (one complete, one entered late), one joined 2015.
  const a = await f.member(tree.branchA1);
  const b = await f.member(tree.branchA1);
  await f.member(tree.branchA1, { joinedLeagueAt: '2015-06', developmentNumber: null });
  await setMember(a.id, { profileComplete: true, admittedAt: '2026-02-15' });
  await setMember(b.id, { admittedAt: '2025-12-01' });
  // 经济1班: one active, one who left.
  await f.member(tree.branchB1);
  const leaver = await f.member(tree.branchB1);
  // 学社衔接临时团支部: two.
  await f.member(tree.transition);
  await f.member(tree.transition);
  // Graduation marks: 计算机2班 (empty) and 经济1班 graduate in 2026-06.
  await t.ctx.db.update(orgs).set({ graduationAt: '2026-06' }).where(sql`${orgs.id} IN (${tree.branchA2.id}, ${tree.branchB1.id})`);

  province = (await f.admin(tree.province)).client;
  county = (await f.admin(tree.county)).client;
  university = (await f.admin(tree.university)).client;
  const left = await university.post(`/api/members/${leaver.id}/leave`, { reason: 'VOLUNTARY' });
  expect(left.status).toBe(200);
});
afterAll(() => t.close());

const pick = (r: Record<string, unknown>) => ({
  membersActive: r.membersActive,
  membersComplete: r.membersComplete,
  membersSince2017: r.membersSince2017,
  membersSince2019: r.membersSince2019,
  membersLate2019: r.membersLate2019,
  branches: r.branches,
  branchesEntered: r.branchesEntered,
  schoolBranches: r.schoolBranches,
  schoolBranchesMarked: r.schoolBranchesMarked,
  schoolMembers: r.schoolMembers,
  schools: r.schools,
});

describe('GET /api/supervision/figures (ST-1 … ST-4)', () => {
  it('ST-2/ST-3/ST-4 the province total and each next-level row equal the hand-counted answers; the other province is never counted', async () => {
    const res = await province.get('/api/supervision/figures?year=2026');
    expect(res.status).toBe(200);
    expect(res.body.org).toMatchObject({ id: tree.province.id, name: '浙江省团委' });
    expect(res.body.breadcrumb).toEqual([{ id: tree.province.id, name: '浙江省团委' }]);
    expect(pick(res.body.total)).toEqual({
      membersActive: 6,
      membersComplete: 1,
      membersSince2017: 5,
      membersSince2019: 5,
      membersLate2019: 1,
      branches: 5,
      branchesEntered: 3,
      schoolBranches: 3,
      schoolBranchesMarked: 2,
      schoolMembers: 4,
      schools: 1,
    });
    expect(res.body.rows.map((r: { name: string }) => r.name)).toEqual(['杭州市团委', '演示大学团委']);
    const [city, uni] = res.body.rows;
    expect(city).toMatchObject({ orgId: tree.city.id, hasChildren: true, census: null });
    expect(pick(city)).toEqual({
      membersActive: 2, membersComplete: 0, membersSince2017: 2, membersSince2019: 2, membersLate2019: 0,
      branches: 2, branchesEntered: 1, schoolBranches: 0, schoolBranchesMarked: 0, schoolMembers: 0, schools: 0,
    });
    expect(pick(uni)).toEqual({
      membersActive: 4, membersComplete: 1, membersSince2017: 3, membersSince2019: 3, membersLate2019: 1,
      branches: 3, branchesEntered: 2, schoolBranches: 3, schoolBranchesMarked: 2, schoolMembers: 4, schools: 1,
    });
  });

  it('drills down one level at a time with a breadcrumb from the acting org; an empty branch shows zeros', async () => {
    const res = await province.get(`/api/supervision/figures?orgId=${tree.county.id}`);
    expect(res.status).toBe(200);
    expect(res.body.breadcrumb.map((c: { name: string }) => c.name)).toEqual(['浙江省团委', '杭州市团委', '西湖区团委']);
    expect(res.body.rows.map((r: { name: string; membersActive: number; branches: number }) => [r.name, r.membersActive, r.branches])).toEqual([
      ['西溪街道团工委', 2, 1],
      ['某村团支部', 0, 1],
    ]);
    const leaf = await province.get(`/api/supervision/figures?orgId=${village.id}`);
    expect(leaf.body.rows).toEqual([]);
    expect(pick(leaf.body.total)).toMatchObject({ membersActive: 0, branches: 1, branchesEntered: 0 });
  });

  it('SEC-1 an org outside the scope answers 404 like a missing one, and the attempt is audited', async () => {
    const other = await province.get(`/api/supervision/figures?orgId=${province2.id}`);
    const missing = await province.get('/api/supervision/figures?orgId=999999');
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(other.body).toEqual(missing.body);
    const up = await county.get(`/api/supervision/figures?orgId=${tree.province.id}`);
    expect(up.status).toBe(404);
    const denied = await t.ctx.db.select().from(auditLog).where(sql`${auditLog.action} = 'ACCESS_DENIED' AND ${auditLog.objectId} = ${String(province2.id)}`);
    expect(denied.length).toBeGreaterThan(0);
  });

  it('ST-1 a leadership organ enters the annual 团统数 of a subordinate; the rate is members over it; others may not enter it', async () => {
    const saved = await province.request('POST', '/api/supervision/census', { orgId: tree.city.id, year: 2026, count: 4 });
    expect(saved.status).toBe(200);
    const res = await province.get('/api/supervision/figures?year=2026');
    expect(res.body.rows[0]).toMatchObject({ name: '杭州市团委', census: 4, membersActive: 2 });
    expect((await province.get('/api/supervision/figures?year=2025')).body.rows[0].census).toBeNull();
    const refused = await university.request('POST', '/api/supervision/census', { orgId: tree.collegeA.id, year: 2026, count: 10 });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ST_LEADERSHIP_ONLY');
    const foreign = await province.request('POST', '/api/supervision/census', { orgId: province2.id, year: 2026, count: 10 });
    expect(foreign.status).toBe(404);
    const audit = await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'CENSUS_SAVE'));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.changes).toEqual({ count: { before: null, after: 4 } });
  });

  it('ST-4 lists the unmarked school branches with their region; ST-5 counts the year’s graduating branches and members', async () => {
    const list = await province.get('/api/supervision/unmarked-branches');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({ id: tree.branchA1.id, parentName: '计算机学院团委', regionName: '演示大学团委' });
    const grad = await province.get('/api/supervision/graduation?year=2026');
    expect(grad.status).toBe(200);
    expect(grad.body.total).toMatchObject({ gradBranches: 2, gradMembers: 1 });
    expect(grad.body.rows.map((r: { name: string; gradBranches: number; gradMembers: number }) => [r.name, r.gradBranches, r.gradMembers])).toEqual([
      ['杭州市团委', 0, 0],
      ['演示大学团委', 2, 1],
    ]);
    expect((await province.get('/api/supervision/graduation?year=2027')).body.total.gradBranches).toBe(0);
  });

  it('REP-3 教统 counts within 5% are saved; a larger gap needs an explanation; only the leadership organ enters its own', async () => {
    const ok = await province.request('POST', '/api/supervision/edu-counts', { year: 2026, schools: 1, gradClasses: 2, students: 900, studentMembers: 4, graduatingStudents: 60 });
    expect(ok.status).toBe(200);
    expect(ok.body.total).toMatchObject({ entered: true, eduStudentMembers: 4, leagueStudentMembers: 4, leagueGradClasses: 2, leagueSchools: 1, overLimit: [] });
    const gap = await province.request('POST', '/api/supervision/edu-counts', { year: 2026, schools: 1, gradClasses: 2, students: 900, studentMembers: 100 });
    expect(gap.status).toBe(422);
    expect(gap.body.error.code).toBe('REP_3_EXPLANATION_REQUIRED');
    expect(gap.body.error.message).toContain('学生团员数');
    const explained = await province.request('POST', '/api/supervision/edu-counts', {
      year: 2026, schools: 1, gradClasses: 2, students: 900, studentMembers: 100, explanation: '民办学校团员尚未录入系统，正在逐校核实补录中',
    });
    expect(explained.status).toBe(200);
    expect(explained.body.total.overLimit).toEqual(['studentMembers']);
    const grad = await province.get('/api/supervision/graduation?year=2026');
    expect(grad.body.total).toMatchObject({ eduGradClasses: 2, eduGraduatingStudents: 0 });
    expect((await university.request('POST', '/api/supervision/edu-counts', { year: 2026, schools: 1, gradClasses: 1, students: 1, studentMembers: 1 })).status).toBe(403);
  });

  it('exports a figure table as xlsx: the rows, then 合计, with rates formatted', async () => {
    const res = await province.get('/api/supervision/export?figure=ST2');
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.raw.rawPayload as never);
    const ws = wb.worksheets[0]!;
    const values = (n: number) => (ws.getRow(n).values as unknown[]).slice(1);
    expect(values(2)[0]).toBe('组织');
    expect(values(3)).toEqual(['杭州市团委', 2, 1, '50.0%', 2, 0, '0.0%']);
    expect(values(5)).toEqual(['合计（浙江省团委）', 5, 3, '60.0%', 6, 1, '16.7%']);
    const roster = await province.get('/api/supervision/new-members/export');
    expect(roster.status).toBe(200);
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(roster.raw.rawPayload as never);
    // Header + the five members who joined 2017 or later (active or not: a roster of who was developed).
    expect(wb2.worksheets[0]!.rowCount).toBe(1 + 6);
    // SEC-4: masked ID numbers only.
    const ids = (wb2.worksheets[0]!.getColumn(3).values as unknown[]).slice(2).map(String);
    expect(ids).toHaveLength(6);
    for (const id of ids) expect(id).toMatch(/^\d{3}\*{14}[\dX]$/);
  });
});

describe('ST-6 transfer campaign progress (TR-12, TR-5)', () => {
  it('counts started, completed and not-started graduates per region, approvals pending over 10 days, and ranks the laggards', async () => {
    const s = await createTestApp({ now: '2026-07-01T02:00:00.000Z' });
    try {
      const sf = new Factory(s);
      const st = await sf.tree();
      const grad = await sf.org(st.collegeA, { name: '2022级毕业班团支部', kind: 'BRANCH', category: 'GRADUATE', graduationAt: '2026-06' });
      const grads = [await sf.member(grad), await sf.member(grad), await sf.member(grad)];
      await s.ctx.db.update(members).set({ graduateStatus: 'GRADUATE', graduationAt: '2026-06' }).where(sql`${members.branchId} = ${grad.id}`);
      const college = (await sf.admin(st.collegeA)).client;
      const started = await college.post('/api/transfers', { memberIds: [grads[0]!.id], reason: 'UNEMPLOYED', fields: { address: '浙江省杭州市西湖区西溪街道某小区1幢' }, targetOrgId: st.township.id });
      expect(started.status, JSON.stringify(started.body)).toBe(201);

      s.clock.freeze(new Date('2026-07-12T02:00:00.000Z')); // the township's node is 11 days old
      const prov = (await sf.admin(st.province)).client;
      const res = await prov.get('/api/supervision/transfers?year=2026');
      expect(res.status).toBe(200);
      const row = (id: number) => res.body.rows.find((r: { orgId: number }) => r.orgId === id);
      expect(row(st.university.id)).toMatchObject({ notStarted: 2, started: 1, completed: 0, overdueNodes: 0, rank: 1 });
      expect(row(st.city.id)).toMatchObject({ notStarted: 0, started: 0, completed: 0, overdueNodes: 1, rank: 2 });
      expect(res.body.total).toMatchObject({ notStarted: 2, started: 1, overdueNodes: 1 });

      // Another year counts nothing started; the export has the same figure.
      const other = await prov.get('/api/supervision/transfers?year=2025');
      expect(other.body.total.started).toBe(0);
      const file = await prov.get('/api/supervision/export?figure=ST6&year=2026');
      expect(file.status).toBe(200);

      // SEC-1: a county admin cannot read the university's figures.
      const countyAdmin = (await sf.admin(st.county)).client;
      expect((await countyAdmin.get(`/api/supervision/transfers?orgId=${st.university.id}`)).status).toBe(404);
    } finally {
      await s.close();
    }
  });
});
