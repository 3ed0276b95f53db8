import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, members, memberships, orgs } from '../../src/db/schema';
import { convertGraduatingBranches } from '../../src/server/modules/graduation/graduation.service';
import { createTestApp, type TestApp } from '../helpers/app';
import { Factory, type Client, type OrgRow, type Tree } from '../helpers/factories';

let t: TestApp;
let f: Factory;
let tree: Tree;
let college: Client;
let county: Client;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-02T02:00:00.000Z' });
  f = new Factory(t);
  tree = await f.tree();
  college = (await f.admin(tree.collegeA)).client;
  county = (await f.admin(tree.county)).client;
});
afterAll(() => t.close());

const orgRow = async (id: number) => (await t.ctx.db.select().from(orgs).where(eq(orgs.id, id)))[0]!;
const memberRow = async (id: number) => (await t.ctx.db.select().from(members).where(eq(members.id, id)))[0]!;
const audits = (action: string, objectId: number) =>
  t.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.objectId, String(objectId)))).orderBy(asc(auditLog.id));
const mark = (c: Client, branchIds: number[], over: Record<string, unknown> = {}) =>
  c.post('/api/graduation/branch-marks', { branchIds, graduationAt: '2026-06', exemptReason: null, confirm: true, ...over });

let n = 0;
const newBranch = (parent: OrgRow = tree.collegeA) => f.org(parent, { name: `毕业测试${++n}班团支部`, kind: 'BRANCH' });

describe('GRAD-1…4 marking branch graduation time', () => {
  it('GRAD-1/3 a college admin marks several branches with one shared time; each is audited', async () => {
    const [a, b] = [await newBranch(), await newBranch()];
    const res = await mark(college, [a.id, b.id]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.map((i: { graduationAt: string }) => i.graduationAt)).toEqual(['2026-06', '2026-06']);
    expect((await orgRow(a.id)).graduationAt).toBe('2026-06');
    expect(await audits('GRADUATION_MARK', a.id)).toHaveLength(1);
    expect(await audits('GRADUATION_MARK', b.id)).toHaveLength(1);
  });

  it('GRAD-1 leadership organs and branch admins may not mark', async () => {
    const a = await newBranch();
    const byCounty = await f.admin(tree.county);
    void byCounty;
    const provinceAdmin = (await f.admin(tree.province)).client;
    const branchAdmin = (await f.admin(a)).client;
    for (const c of [provinceAdmin, branchAdmin]) {
      const res = await mark(c, [a.id]);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('GRAD_1_SCHOOL_COMMITTEE_ONLY');
    }
    expect((await orgRow(a.id)).graduationAt).toBeNull();
  });

  it('GRAD-1 only branches; GRAD-2 time xor reason; GRAD-4 the warning must be confirmed — nothing written', async () => {
    const a = await newBranch();
    const committee = await mark(college, [tree.collegeA.id]);
    expect(committee.status).toBe(422);
    expect(committee.body.error.code).toBe('GRAD_1_BRANCH_ONLY');
    const both = await mark(college, [a.id], { exemptReason: 'MIXED' });
    expect(both.body.error.code).toBe('GRAD_2_TIME_XOR_REASON');
    const neither = await mark(college, [a.id], { graduationAt: null });
    expect(neither.body.error.code).toBe('GRAD_2_TIME_XOR_REASON');
    const unconfirmed = await mark(college, [a.id], { confirm: false });
    expect(unconfirmed.body.error.code).toBe('GRAD_4_CONFIRM_REQUIRED');
    expect((await orgRow(a.id)).graduationAt).toBeNull();
    const reason = await mark(college, [a.id], { graduationAt: null, exemptReason: 'TEACHERS' });
    expect(reason.status).toBe(200);
    expect(await orgRow(a.id)).toMatchObject({ graduationAt: null, graduationExemptReason: 'TEACHERS' });
  });

  it('SEC-1 a branch of another college answers 404 and a batch containing it writes nothing', async () => {
    const own = await newBranch();
    const other = await newBranch(tree.collegeB);
    const res = await mark(college, [own.id, other.id]);
    expect(res.status).toBe(404);
    expect((await orgRow(own.id)).graduationAt).toBeNull();
    expect((await orgRow(other.id)).graduationAt).toBeNull();
    expect(county).toBeDefined();
  });

  it('GRAD-4 a mark can be corrected later; the correction is audited with before and after', async () => {
    const a = await newBranch();
    await mark(college, [a.id]);
    const res = await mark(college, [a.id], { graduationAt: '2027-06' });
    expect(res.status).toBe(200);
    const [row] = await audits('GRADUATION_MARK_CORRECT', a.id);
    expect(row!.changes).toMatchObject({ graduationAt: { before: '2026-06', after: '2027-06' } });
  });
});

describe('GRAD-5 conversion and GRAD-6 延迟毕业团员/教师', () => {
  let branch: OrgRow;
  let later: OrgRow;
  let m: { id: number }[];

  beforeAll(async () => {
    t.clock.freeze(new Date('2026-03-02T02:00:00.000Z'));
    branch = await newBranch();
    later = await newBranch();
    m = [];
    for (let i = 0; i < 4; i++) m.push(await f.member(branch));
    await f.member(later);
    expect((await mark(college, [branch.id])).status).toBe(200);
    expect((await mark(college, [later.id], { graduationAt: '2027-06' })).status).toBe(200);
  });

  it('GRAD-6 a member is marked 延迟毕业团员 with a later time and a reason and is gathered in the 延迟毕业团支部', async () => {
    const early = await college.post('/api/graduation/member-marks', { memberIds: [m[0]!.id], mark: { kind: 'DELAYED', graduationAt: '2026-06', reason: '休学一年' } });
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('GRAD_6_DATE_NOT_LATER');
    const res = await college.post('/api/graduation/member-marks', { memberIds: [m[0]!.id], mark: { kind: 'DELAYED', graduationAt: '2027-06', reason: '休学一年' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const row = await memberRow(m[0]!.id);
    expect(row).toMatchObject({ graduateStatus: 'DELAYED', graduationAt: '2027-06', graduationNote: '休学一年' });
    const delayed = await orgRow(row.branchId);
    expect(delayed).toMatchObject({ specialKind: 'DELAYED', parentId: tree.collegeA.id, name: '延迟毕业团支部' });
    const periods = await t.ctx.db.select().from(memberships).where(eq(memberships.memberId, m[0]!.id)).orderBy(asc(memberships.id));
    expect(periods.map((p) => [p.branchId, p.endReason])).toEqual([
      [branch.id, 'REASSIGN'],
      [delayed.id, null],
    ]);
    expect(await audits('GRADUATE_MARK', m[0]!.id)).toHaveLength(1);
  });

  it('GRAD-6 a teacher is marked without a date and stays in the branch; the provincial committee may not mark', async () => {
    const res = await college.post('/api/graduation/member-marks', { memberIds: [m[1]!.id], mark: { kind: 'TEACHER' } });
    expect(res.status).toBe(200);
    expect(await memberRow(m[1]!.id)).toMatchObject({ graduateStatus: 'TEACHER', graduationAt: null, branchId: branch.id });
    const province = (await f.admin(tree.province)).client;
    const refused = await province.post('/api/graduation/member-marks', { memberIds: [m[2]!.id], mark: { kind: 'TEACHER' } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('GRAD_6_ACTOR');
    // Outside its subtree a county admin finds no such member at all (SEC-1).
    const outside = await county.post('/api/graduation/member-marks', { memberIds: [m[2]!.id], mark: { kind: 'TEACHER' } });
    expect(outside.status).toBe(404);
    expect((await memberRow(m[2]!.id)).graduateStatus).toBeNull();
  });

  it('GRAD-5 the clock crosses 6月1日: branches of this year convert once, members become 毕业生, marks are kept', async () => {
    t.clock.freeze(new Date('2026-05-31T15:00:00.000Z')); // 2026-05-31 23:00 China time
    expect(await convertGraduatingBranches(t.ctx)).toEqual({ branches: 0, members: 0 });
    t.clock.freeze(new Date('2026-06-01T01:00:00.000Z'));
    const first = await convertGraduatingBranches(t.ctx);
    expect(first.members).toBe(2); // m[2], m[3]: the teacher keeps their mark, the delayed one left
    expect((await orgRow(branch.id)).category).toBe('GRADUATE');
    expect((await orgRow(later.id)).category).toBe('NORMAL');
    expect(await memberRow(m[2]!.id)).toMatchObject({ graduateStatus: 'GRADUATE', graduationAt: '2026-06' });
    expect((await memberRow(m[1]!.id)).graduateStatus).toBe('TEACHER');
    expect((await memberRow(m[0]!.id)).graduateStatus).toBe('DELAYED');
    t.clock.freeze(new Date('2026-06-02T01:00:00.000Z'));
    expect(await convertGraduatingBranches(t.ctx)).toEqual({ branches: 0, members: 0 });
    expect(await audits('GRADUATION_CONVERT', branch.id)).toHaveLength(1);
  });

  it('GRAD-6 revoking brings a delayed graduate back to the class as 毕业生 with its time; an unmarked member answers 409', async () => {
    // Sessions expired while the clock moved to June: log in again.
    college = (await f.admin(tree.collegeA)).client;
    const res = await college.post('/api/graduation/member-marks/revoke', { memberIds: [m[0]!.id, m[1]!.id] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await memberRow(m[0]!.id)).toMatchObject({ graduateStatus: 'GRADUATE', graduationAt: '2026-06', branchId: branch.id, graduationNote: null });
    expect(await memberRow(m[1]!.id)).toMatchObject({ graduateStatus: 'GRADUATE', graduationAt: '2026-06', branchId: branch.id });
    const again = await college.post('/api/graduation/member-marks/revoke', { memberIds: [m[0]!.id] });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('GRAD_6_NOT_MARKED');
  });

  it('GRAD-6 members of a branch without a graduation time cannot be marked', async () => {
    const plain = await newBranch();
    const member = await f.member(plain);
    const res = await college.post('/api/graduation/member-marks', { memberIds: [member.id], mark: { kind: 'TEACHER' } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('GRAD_6_NOT_GRADUATING_BRANCH');
  });
});

describe('GRAD-8 emptied campaign branches', () => {
  it('lists emptied graduate and temporary branches (never a township’s own 学社衔接临时团支部) and deletes them in batch; history stays', async () => {
    const university = (await f.admin(tree.university)).client;
    const emptied = await f.org(tree.collegeA, { name: '清空毕业班团支部', kind: 'BRANCH', category: 'GRADUATE', graduationAt: '2026-06' });
    const stillFull = await f.org(tree.collegeA, { name: '未清空毕业班团支部', kind: 'BRANCH', category: 'GRADUATE', graduationAt: '2026-06' });
    await f.member(stillFull);
    const mobile = await f.org(tree.collegeB, { name: '毕业学生流动团员团支部', kind: 'BRANCH', specialKind: 'MOBILE_GRADUATES' });
    const ordinary = await f.org(tree.collegeA, { name: '普通空团支部', kind: 'BRANCH' });
    const list = await university.get('/api/graduation/empty-branches?pageSize=100');
    expect(list.status).toBe(200);
    const ids = list.body.items.map((i: { id: number }) => i.id);
    expect(ids).toEqual(expect.arrayContaining([emptied.id, mobile.id]));
    expect(ids).not.toContain(stillFull.id);
    expect(ids).not.toContain(ordinary.id);
    expect(ids).not.toContain(tree.transition.id);

    const mixed = await university.post('/api/graduation/empty-branches/delete', { branchIds: [emptied.id, ordinary.id] });
    expect(mixed.status).toBe(422);
    expect(mixed.body.error.code).toBe('GRAD_8_NOT_CAMPAIGN_BRANCH');
    expect((await orgRow(emptied.id)).deletedAt).toBeNull();

    // All or nothing: the emptied branch is not deleted when another one in the batch still has members.
    const full = await university.post('/api/graduation/empty-branches/delete', { branchIds: [emptied.id, stillFull.id] });
    expect(full.status).toBe(422);
    expect(full.body.error.code).toBe('ORG_7_HAS_MEMBERS');
    expect(full.body.error.message).toContain('未清空毕业班团支部');
    expect((await orgRow(emptied.id)).deletedAt).toBeNull();

    const res = await university.post('/api/graduation/empty-branches/delete', { branchIds: [emptied.id, mobile.id] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.deleted).toBe(2);
    expect((await orgRow(emptied.id)).deletedAt).not.toBeNull();
    expect(await audits('ORG_DELETE', emptied.id)).toHaveLength(1);
    const after = await university.get('/api/graduation/empty-branches?pageSize=100');
    expect(after.body.items.map((i: { id: number }) => i.id)).not.toContain(emptied.id);
  });

  it('a county-level 学社衔接临时团支部 (TR-11) is listed once empty; SEC-1 another college’s admin sees none of these', async () => {
    const countyTransition = await f.org(tree.county, { name: '县级学社衔接临时团支部', kind: 'BRANCH', specialKind: 'TRANSITION' });
    const countyAdmin = (await f.admin(tree.county)).client;
    const list = await countyAdmin.get('/api/graduation/empty-branches');
    const ids = list.body.items.map((i: { id: number }) => i.id);
    expect(ids).toContain(countyTransition.id);
    expect(ids).not.toContain(tree.transition.id);
    const otherCollege = (await f.admin(tree.collegeB)).client;
    const outside = await otherCollege.post('/api/graduation/empty-branches/delete', { branchIds: [countyTransition.id] });
    expect(outside.status).toBe(404);
    expect((await orgRow(countyTransition.id)).deletedAt).toBeNull();
  });
});
