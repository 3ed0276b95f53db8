import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, adminGrants, auditLog, sessions } from '../../src/db/schema';
import { makeIdNumber } from '../../src/domain/id-number';
import { createTestApp, type TestApp } from '../helpers/app';
import { login } from '../helpers/client';
import { Factory, TEST_PASSWORD, testPhone, type Client, type Tree } from '../helpers/factories';

let t: TestApp;
let f: Factory;
let tree: Tree;
let province: Client;
let university: Client;
let universityAdmin: Awaited<ReturnType<Factory['admin']>>;
let provinceAdmin: Awaited<ReturnType<Factory['admin']>>;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  provinceAdmin = await f.admin(tree.province, { name: '省管理员' });
  province = provinceAdmin.client;
  universityAdmin = await f.admin(tree.university, { name: '校管理员' });
  university = universityAdmin.client;
});
afterAll(() => t.close());

let k = 0;
async function newCadre(client: Client, orgId: number, over: Record<string, unknown> = {}) {
  k++;
  const input = { orgId, name: `候选${k}`, idNumber: makeIdNumber('330106', '19960101', String(200 + k)), phone: testPhone(7100 + k), position: '委员', ...over };
  const res = await client.post('/api/cadres', input);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { ...res.body, idNumber: input.idNumber } as { id: number; personId: number; name: string; idNumber: string };
}

async function auditOf(action: string, objectId: number) {
  return t.ctx.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.objectId, String(objectId))))
    .orderBy(asc(auditLog.id));
}

describe('POST /api/admins (ADM-1)', () => {
  it('ADM-1 makes a current cadre an admin; the account is created on the spot with the initial password, which must be changed first', async () => {
    const cadre = await newCadre(university, tree.collegeA.id, { position: '书记' });
    expect(await t.ctx.db.select().from(accounts).where(eq(accounts.personId, cadre.personId))).toHaveLength(0);
    const res = await university.post('/api/admins', { orgId: tree.collegeA.id, personId: cadre.personId });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      orgId: tree.collegeA.id,
      orgName: '计算机学院团委',
      personId: cadre.personId,
      name: cadre.name,
      position: '书记',
      grantedByName: '校管理员',
      revokedAt: null,
      revokedByName: null,
      grantedAt: t.clock.now().toISOString(),
    });
    expect(res.body.idNumber).toMatch(/^\d{3}\*{14}[\dX]$/);
    const [account] = await t.ctx.db.select().from(accounts).where(eq(accounts.personId, cadre.personId));
    expect(account).toMatchObject({ passwordHash: null, mustChangePassword: true });
    const [audit] = await auditOf('ADMIN_GRANT', res.body.id);
    expect(audit).toMatchObject({ result: 'OK', actingOrgId: tree.university.id, orgPath: tree.collegeA.path });

    const admin = await login(t.app, cadre.idNumber, cadre.idNumber.slice(-8), '10.8.0.1');
    expect(admin.session).toMatchObject({ mustChangePassword: true, passwordChangeReason: 'INITIAL' });
    expect(admin.session.roles).toEqual([{ orgId: tree.collegeA.id, orgName: '计算机学院团委', orgFullName: tree.collegeA.fullName, kind: 'COMMITTEE' }]);
    const blocked = await admin.as(tree.collegeA.id).get(`/api/orgs/${tree.collegeA.id}`);
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const changed = await admin.post('/api/auth/password', { currentPassword: cadre.idNumber.slice(-8), newPassword: TEST_PASSWORD });
    expect(changed.status).toBe(200);
    const acting = await admin.as(tree.collegeA.id).get(`/api/orgs/${tree.collegeA.id}`);
    expect(acting.status).toBe(200);
    expect(acting.body.ancestors).toEqual([{ id: tree.collegeA.id, name: '计算机学院团委' }]);
  });

  it('ADM_1_NOT_CADRE: only a current cadre of that very org', async () => {
    const member = await f.member(tree.branchA1);
    const notCadre = await university.post('/api/admins', { orgId: tree.collegeA.id, personId: member.personId });
    expect(notCadre.status).toBe(422);
    expect(notCadre.body.error.code).toBe('ADM_1_NOT_CADRE');
    const elsewhere = await newCadre(university, tree.collegeB.id);
    const wrongOrg = await university.post('/api/admins', { orgId: tree.collegeA.id, personId: elsewhere.personId });
    expect(wrongOrg.body.error.code).toBe('ADM_1_NOT_CADRE');
    const former = await newCadre(university, tree.collegeA.id);
    await university.post(`/api/cadres/${former.id}/end`, {});
    const ended = await university.post('/api/admins', { orgId: tree.collegeA.id, personId: former.personId });
    expect(ended.status).toBe(422);
    expect(ended.body.error.code).toBe('ADM_1_NOT_CADRE');
    const grants = await t.ctx.db.select().from(adminGrants).where(eq(adminGrants.orgId, tree.collegeA.id));
    expect(grants.map((g) => g.personId)).not.toContain(member.personId);
    const invalid = await university.post('/api/admins', { orgId: tree.collegeA.id });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('ADM-1 a branch cadre entered with the member record can be made the branch admin; the member keeps the own account', async () => {
    const member = await f.member(tree.branchA2, { isCadre: true, leaguePosition: '书记', password: 'Branch-Secretary-9' });
    const res = await university.post('/api/admins', { orgId: tree.branchA2.id, personId: member.personId });
    expect(res.status).toBe(201);
    expect(res.body.position).toBe('书记');
    const admin = (await login(t.app, member.idNumber, 'Branch-Secretary-9', '10.8.0.2')).as(tree.branchA2.id);
    expect(admin.session.roles.map((r: { orgId: number }) => r.orgId)).toEqual([tree.branchA2.id]);
    expect((await admin.get(`/api/members?orgId=${tree.branchA2.id}`)).status).toBe(200);
  });

  it('ADM-1 an admin above grants for an org below; an org outside the scope is not found', async () => {
    const cadre = await newCadre(university, tree.collegeB.id);
    const res = await province.post('/api/admins', { orgId: tree.collegeB.id, personId: cadre.personId });
    expect(res.status).toBe(201);
    expect(res.body.grantedByName).toBe('省管理员');
    const townshipCadre = await newCadre(province, tree.township.id);
    const outside = await university.post('/api/admins', { orgId: tree.township.id, personId: townshipCadre.personId });
    expect(outside.status).toBe(404);
    expect(outside.body.error.code).toBe('NOT_FOUND');
  });

  it('ADM_1_ALREADY_ADMIN: no second grant while one is active', async () => {
    const cadre = await newCadre(university, tree.collegeA.id);
    expect((await university.post('/api/admins', { orgId: tree.collegeA.id, personId: cadre.personId })).status).toBe(201);
    const again = await province.post('/api/admins', { orgId: tree.collegeA.id, personId: cadre.personId });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ADM_1_ALREADY_ADMIN');
    const grants = await t.ctx.db.select().from(adminGrants).where(and(eq(adminGrants.personId, cadre.personId), eq(adminGrants.orgId, tree.collegeA.id)));
    expect(grants).toHaveLength(1);
  });
});

describe('POST /api/admins/:id/revoke', () => {
  it('ADM-1 revokes at once: the person can no longer act for the org and their sessions end', async () => {
    const cadre = await newCadre(university, tree.collegeB.id, { position: '副书记' });
    const grant = await university.post('/api/admins', { orgId: tree.collegeB.id, personId: cadre.personId });
    const first = await login(t.app, cadre.idNumber, cadre.idNumber.slice(-8), '10.8.0.3');
    await first.post('/api/auth/password', { currentPassword: cadre.idNumber.slice(-8), newPassword: TEST_PASSWORD });
    const admin = (await login(t.app, cadre.idNumber, TEST_PASSWORD, '10.8.0.3')).as(tree.collegeB.id);
    expect((await admin.get(`/api/orgs/${tree.collegeB.id}`)).status).toBe(200);

    t.clock.advance(60_000);
    const res = await university.post(`/api/admins/${grant.body.id}/revoke`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: grant.body.id, revokedAt: t.clock.now().toISOString(), revokedByName: '校管理员' });
    const [row] = await t.ctx.db.select().from(adminGrants).where(eq(adminGrants.id, grant.body.id));
    expect(row!.revokedAt?.toISOString()).toBe(t.clock.now().toISOString());
    const open = await t.ctx.db.select().from(sessions).where(eq(sessions.personId, cadre.personId));
    expect(open.every((s) => s.revokedAt !== null)).toBe(true);
    expect((await admin.get(`/api/orgs/${tree.collegeB.id}`)).status).toBe(401);

    const again = (await login(t.app, cadre.idNumber, TEST_PASSWORD, '10.8.0.3')).as(tree.collegeB.id);
    expect(again.session.roles).toEqual([]);
    const denied = await again.get(`/api/orgs/${tree.collegeB.id}`);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('NOT_ADMIN_OF_ORG');
    const [audit] = await auditOf('ADMIN_REVOKE', grant.body.id);
    expect(audit).toMatchObject({ result: 'OK', actingOrgId: tree.university.id, orgPath: tree.collegeB.path });

    const twice = await university.post(`/api/admins/${grant.body.id}/revoke`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('ADM_1_ALREADY_REVOKED');
    // The cadre post stays; a new grant is possible later.
    const regrant = await university.post('/api/admins', { orgId: tree.collegeB.id, personId: cadre.personId });
    expect(regrant.status).toBe(201);
    t.clock.advance(-60_000);
  });

  it('ADM_1_SELF_REVOKE: an admin cannot revoke their own grant for the org they act for', async () => {
    const res = await university.post(`/api/admins/${universityAdmin.grant.id}/revoke`);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('ADM_1_SELF_REVOKE');
    const [row] = await t.ctx.db.select().from(adminGrants).where(eq(adminGrants.id, universityAdmin.grant.id));
    expect(row!.revokedAt).toBeNull();
    expect((await university.get(`/api/orgs/${tree.university.id}`)).status).toBe(200);
  });

  it('SEC-1 a grant outside the scope (or above it) is not found', async () => {
    const above = await university.post(`/api/admins/${provinceAdmin.grant.id}/revoke`);
    expect(above.status).toBe(404);
    expect(above.body.error.code).toBe('NOT_FOUND');
    expect((await university.post('/api/admins/999999/revoke')).status).toBe(404);
    const [row] = await t.ctx.db.select().from(adminGrants).where(eq(adminGrants.id, provinceAdmin.grant.id));
    expect(row!.revokedAt).toBeNull();
    const [denied] = await auditOf('ACCESS_DENIED', provinceAdmin.grant.id);
    expect(denied).toMatchObject({ result: 'DENIED', objectType: 'admin', reason: 'OUT_OF_SCOPE', actingOrgId: tree.university.id });
    expect(await auditOf('ADMIN_REVOKE', provinceAdmin.grant.id)).toHaveLength(0);
  });
});

describe('GET /api/admins', () => {
  it('lists the org’s admins, revoked ones only when asked', async () => {
    const committee = await f.org(tree.university, { name: '管理员列表团委', kind: 'COMMITTEE' });
    const a = await newCadre(university, committee.id, { position: '书记' });
    const b = await newCadre(university, committee.id, { position: '副书记' });
    const ga = await university.post('/api/admins', { orgId: committee.id, personId: a.personId });
    t.clock.advance(1_000);
    const gb = await university.post('/api/admins', { orgId: committee.id, personId: b.personId });
    await university.post(`/api/admins/${ga.body.id}/revoke`);
    const active = await university.get(`/api/admins?orgId=${committee.id}`);
    expect(active.status).toBe(200);
    expect(active.body).toMatchObject({ total: 1, page: 1 });
    expect(active.body.items.map((x: { id: number; position: string }) => [x.id, x.position])).toEqual([[gb.body.id, '副书记']]);
    const all = await university.get(`/api/admins?orgId=${committee.id}&includeRevoked=true`);
    expect(all.body.total).toBe(2);
    expect(all.body.items.map((x: { id: number }) => x.id)).toEqual([gb.body.id, ga.body.id]);
    expect(all.body.items[1].revokedAt).not.toBeNull();
    const own = await university.get('/api/admins');
    expect(own.body.items.map((x: { personId: number }) => x.personId)).toEqual([universityAdmin.person.id]);
    const outside = await university.get(`/api/admins?orgId=${tree.province.id}`);
    expect(outside.status).toBe(404);
    t.clock.advance(-1_000);
  });
});
