import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, members, persons } from '../../src/db/schema';
import { createTestApp, type TestApp } from '../helpers/app';
import { anonymous, login } from '../helpers/client';
import { Factory, testPhone, type Client, type Tree } from '../helpers/factories';

let t: TestApp;
let f: Factory;
let tree: Tree;
let college: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  college = (await f.admin(tree.collegeA)).client;
});
afterAll(() => t.close());

const PASSWORD = 'Member-Pass-77';
let ip = 0;
async function memberSession(branch = tree.branchA1, over: Parameters<Factory['member']>[1] = {}) {
  const member = await f.member(branch, { password: PASSWORD, ...over });
  const client = await login(t.app, member.idNumber, PASSWORD, `10.7.0.${++ip}`);
  return { member, client };
}

async function selfUpdates(memberId: number) {
  return t.ctx.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, 'MEMBER_SELF_UPDATE'), eq(auditLog.objectId, String(memberId))))
    .orderBy(asc(auditLog.id));
}

describe('GET /api/me (个人中心)', () => {
  it('shows a member their own record, masked, with their cadre posts', async () => {
    const { member, client } = await memberSession(tree.branchA1, { name: '本人甲', isCadre: true, leaguePosition: '组织委员' });
    const res = await client.get('/api/me');
    expect(res.status).toBe(200);
    expect(res.body.member).toMatchObject({
      id: member.id,
      name: '本人甲',
      idNumber: `${member.idNumber.slice(0, 3)}${'*'.repeat(14)}${member.idNumber.slice(-1)}`,
      phone: `${member.person.phone!.slice(0, 3)}****${member.person.phone!.slice(-4)}`,
      branchId: tree.branchA1.id,
      branchName: '2023级计算机1班团支部',
      isCadre: true,
      leaguePosition: '组织委员',
    });
    expect(res.body.member.can).toBeUndefined();
    expect(res.body.member.memberships).toHaveLength(1);
    expect(res.body.cadrePositions).toEqual([{ orgName: '2023级计算机1班团支部', position: '组织委员', startedAt: '2025-09-01' }]);
    expect(JSON.stringify(res.body)).not.toContain(member.idNumber.slice(-8));
  });

  it('shows an admin who is not a member no record, but their cadre posts', async () => {
    const admin = await f.admin(tree.collegeB, { position: '副书记' });
    const res = await admin.client.as(null).get('/api/me');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ member: null, cadrePositions: [{ orgName: '经济学院团委', position: '副书记', startedAt: '2025-09-01' }] });
  });

  it('lists every current post of a person who is a cadre of several orgs, and only the current ones', async () => {
    const { member, client } = await memberSession(tree.branchA2, { name: '多职甲' });
    const uni = (await f.admin(tree.university)).client;
    const first = await uni.post('/api/cadres', { orgId: tree.collegeA.id, name: '多职甲', idNumber: member.idNumber, phone: member.person.phone, position: '委员', startedAt: '2025-10-01' });
    expect(first.status).toBe(201);
    const second = await uni.post('/api/cadres', { orgId: tree.collegeB.id, name: '多职甲', idNumber: member.idNumber, phone: member.person.phone, position: '工作人员', startedAt: '2025-11-01' });
    expect(second.status).toBe(201);
    await uni.post(`/api/cadres/${second.body.id}/end`, {});
    const res = await client.get('/api/me');
    expect(res.body.member.id).toBe(member.id);
    expect(res.body.cadrePositions).toEqual([{ orgName: '计算机学院团委', position: '委员', startedAt: '2025-10-01' }]);
  });

  it('answers 401 without a session and 403 before the initial password is changed', async () => {
    const none = await anonymous(t.app).get('/api/me');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    const fresh = await f.member(tree.branchA1);
    const client = await login(t.app, fresh.idNumber, fresh.idNumber.slice(-8), '10.7.1.1');
    const res = await client.get('/api/me');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
  });
});

describe('PATCH /api/me', () => {
  it('a member completes their own profile: allowed fields change, completeness is recomputed, audited as MEMBER_SELF_UPDATE', async () => {
    const { member, client } = await memberSession(tree.branchA1, { name: '自助甲' });
    const phone = testPhone(9101);
    const res = await client.patch('/api/me', {
      phone,
      email: 'zizhu@example.cn',
      education: '大学本科',
      highestEducation: '大学本科',
      occupation: '学生',
      workUnit: '演示大学',
      hukouAddress: '浙江省杭州市',
      residenceAddress: '浙江省杭州市西湖区',
      destinationUnit: '某公司',
    });
    expect(res.status).toBe(200);
    expect(res.body.member).toMatchObject({
      phone: `${phone.slice(0, 3)}****${phone.slice(-4)}`,
      email: 'zizhu@example.cn',
      workUnit: '演示大学',
      destinationUnit: '某公司',
      profileComplete: true,
      missingFields: [],
    });
    const [person] = await t.ctx.db.select().from(persons).where(eq(persons.id, member.personId));
    expect(t.ctx.cipher.decrypt(person!.phoneEnc!)).toBe(phone);
    const [row] = await t.ctx.db.select().from(members).where(eq(members.id, member.id));
    expect(row).toMatchObject({ profileComplete: true, workUnit: '演示大学' });
    const [audit] = await selfUpdates(member.id);
    expect(audit).toMatchObject({ result: 'OK', actorName: '自助甲', actorPersonId: member.personId, actingOrgId: null, orgPath: tree.branchA1.path });
    expect(audit!.changes).toMatchObject({
      workUnit: { before: null, after: '演示大学' },
      profileComplete: { before: false, after: true },
      phone: { before: `${member.person.phone!.slice(0, 3)}****${member.person.phone!.slice(-4)}`, after: `${phone.slice(0, 3)}****${phone.slice(-4)}` },
      email: { before: null, after: 'zizhu@example.cn' },
    });
    expect(JSON.stringify(audit)).not.toContain(phone);
    // The branch admin sees the audited change in the subtree's log.
    const log = await college.get('/api/audit?action=MEMBER_SELF_UPDATE');
    expect(log.body.items.map((e: { objectId: string }) => e.objectId)).toContain(String(member.id));
  });

  it('SEC-5 refuses fields a member may not set, changing nothing', async () => {
    const { member, client } = await memberSession();
    for (const [field, value, code] of [
      ['branchId', tree.branchA2.id, 'FIELD_NOT_ALLOWED'],
      ['joinedLeagueAt', '2015-05', 'FIELD_NOT_ALLOWED'],
      ['developmentNumber', '201900009999', 'FIELD_NOT_ALLOWED'],
      ['isCadre', true, 'FIELD_NOT_ALLOWED'],
      ['identityStatus', 'VERIFIED', 'FIELD_NOT_ALLOWED'],
      ['name', '改名', 'MEM_5_LOCKED_FIELD'],
      ['idNumber', member.idNumber, 'MEM_5_LOCKED_FIELD'],
    ] as const) {
      const res = await client.patch('/api/me', { [field]: value, workUnit: '不应保存' });
      expect(res.status, field).toBe(400);
      expect(res.body.error.code).toBe(code);
    }
    const email = await client.patch('/api/me', { email: 'not-an-email', workUnit: '不应保存' });
    expect(email.status).toBe(400);
    expect(email.body.error.code).toBe('VALIDATION_FAILED');
    const [row] = await t.ctx.db.select().from(members).where(eq(members.id, member.id));
    expect(row).toMatchObject({ branchId: tree.branchA1.id, joinedLeagueAt: '2019-05', workUnit: null, isCadre: false });
    expect(await selfUpdates(member.id)).toHaveLength(0);
  });

  it('MEM_1_PHONE_TAKEN: the phone stays one person’s', async () => {
    const other = await f.member(tree.branchA2);
    const { member, client } = await memberSession();
    const res = await client.patch('/api/me', { phone: other.person.phone });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('MEM_1_PHONE_TAKEN');
    const [person] = await t.ctx.db.select().from(persons).where(eq(persons.id, member.personId));
    expect(t.ctx.cipher.decrypt(person!.phoneEnc!)).toBe(member.person.phone);
  });

  it('MEM_1_PHONE_REQUIRED: a graduating student cannot remove the phone', async () => {
    const graduating = await f.org(tree.collegeA, { name: '2022级毕业班团支部', kind: 'BRANCH', graduationAt: '2026-06' });
    const { client } = await memberSession(graduating);
    const res = await client.patch('/api/me', { phone: null });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('MEM_1_PHONE_REQUIRED');
    const { client: other } = await memberSession(tree.branchA2);
    const ok = await other.patch('/api/me', { phone: null });
    expect(ok.status).toBe(200);
    expect(ok.body.member.phone).toBeNull();
    expect(ok.body.member.missingFields).toContain('phone');
  });

  it('MEMBER_NOT_ACTIVE: a member who left cannot edit their record', async () => {
    const { member, client } = await memberSession();
    expect((await college.post(`/api/members/${member.id}/leave`, { reason: 'VOLUNTARY' })).status).toBe(200);
    const res = await client.patch('/api/me', { workUnit: '新单位' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('MEMBER_NOT_ACTIVE');
    expect((await client.get('/api/me')).body.member.status).toBe('LEFT');
  });

  it('MEMBER_ONLY: an admin who is not a member has no record to edit', async () => {
    const admin = await f.admin(tree.collegeB);
    const res = await admin.client.as(null).patch('/api/me', { workUnit: 'x' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('MEMBER_ONLY');
  });
});
