import { and, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, adminGrants, auditLog, cadrePositions, members, orgs, persons } from '../../src/db/schema';
import { createTestApp, type TestApp } from '../helpers/app';
import { login, type Client, type Res } from '../helpers/client';
import { Factory, TEST_PASSWORD, testIdNumber, type Tree } from '../helpers/factories';

/**
 * The scope matrix (SEC-1): an admin of 计算机学院 (A) against 经济学院 (B), an ancestor, a branch
 * admin, a member and a revoked admin. Out of scope must look exactly like missing.
 */
let t: TestApp;
let f: Factory;
let tree: Tree;
type Admin = Awaited<ReturnType<Factory['admin']>>;
type Member = Awaited<ReturnType<Factory['member']>>;
let adminA: Admin;
let adminB: Admin;
let uni: Admin;
let adminA1: Admin;
let mA1: Member;
let mA2: Member;
let mB: Member;
let mB2: Member;
let bCadreId: number;

const PASSWORD = 'Plum-Blossom-Rain-7';
const MISSING = 99_999_999;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  adminA = await f.admin(tree.collegeA, { name: '计算机书记' });
  adminB = await f.admin(tree.collegeB, { name: '经济书记' });
  uni = await f.admin(tree.university, { name: '大学书记' });
  adminA1 = await f.admin(tree.branchA1, { name: '一班书记' });
  mA1 = await f.member(tree.branchA1, { name: '计一甲', password: PASSWORD });
  mA2 = await f.member(tree.branchA2, { name: '计二乙', password: PASSWORD });
  mB = await f.member(tree.branchB1, { name: '经一丙', password: PASSWORD });
  mB2 = await f.member(tree.branchB1, { name: '经一丁' });
  const cadre = await adminB.client.post('/api/cadres', { orgId: tree.collegeB.id, name: '经济委员', idNumber: testIdNumber(9_501), phone: '13912340001', position: '委员' });
  expect(cadre.status).toBe(201);
  bCadreId = cadre.body.id;
});
afterAll(() => t.close());

const ids = (r: Res) => (r.body.items as { id: number }[]).map((x) => x.id);

/** The same request for the out-of-scope object and for a missing one: equal 404s. */
function expectLikeMissing(outOfScope: Res, missing: Res, what: string) {
  expect(outOfScope.status, what).toBe(404);
  expect(outOfScope.body, what).toEqual(missing.body);
  expect(outOfScope.body.error.code, what).toBe('NOT_FOUND');
}

async function memberState(m: Member) {
  const [member] = await t.ctx.db.select().from(members).where(eq(members.id, m.id));
  const [person] = await t.ctx.db.select().from(persons).where(eq(persons.id, m.personId));
  const [account] = await t.ctx.db.select().from(accounts).where(eq(accounts.personId, m.personId));
  return JSON.stringify({ member, person, account });
}

async function orgState() {
  const all = await t.ctx.db.select().from(orgs).orderBy(orgs.id);
  return JSON.stringify(all);
}

async function deniedRows(actorPersonId: number, objectType: string, objectId: number) {
  return t.ctx.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.actorPersonId, actorPersonId), eq(auditLog.action, 'ACCESS_DENIED'), eq(auditLog.objectType, objectType), eq(auditLog.objectId, String(objectId))));
}

async function sheetText(res: Res): Promise<string> {
  expect(res.status).toBe(200);
  expect(String(res.headers['content-type'])).toContain('spreadsheetml');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.raw.rawPayload as unknown as ArrayBuffer);
  const out: string[] = [];
  wb.worksheets[0]!.eachRow((row) => out.push(JSON.stringify(row.values)));
  return out.join('\n');
}

describe('members of another college (SEC-1)', () => {
  it('SEC-1 a college admin lists only their own subtree; another college as orgId answers like a missing org', async () => {
    const own = await adminA.client.get('/api/members?pageSize=100&status=ALL');
    expect(own.status).toBe(200);
    expect(ids(own)).toEqual(expect.arrayContaining([mA1.id, mA2.id]));
    expect(ids(own)).not.toContain(mB.id);
    expect(ids(own)).not.toContain(mB2.id);

    const foreign = await adminA.client.get(`/api/members?orgId=${tree.collegeB.id}`);
    const foreignBranch = await adminA.client.get(`/api/members?orgId=${tree.branchB1.id}&status=ALL`);
    const missing = await adminA.client.get(`/api/members?orgId=${MISSING}`);
    expect(foreign.status).toBe(200);
    expect(foreign.body).toEqual({ items: [], total: 0, page: 1, pageSize: 20 });
    expect(foreign.body).toEqual(missing.body);
    expect(foreignBranch.body.items).toEqual([]);
    // Names B uses are not findable either.
    expect((await adminA.client.get(`/api/members?name=${encodeURIComponent('经一')}`)).body.total).toBe(0);
    // B sees its own.
    expect(ids(await adminB.client.get('/api/members'))).toEqual(expect.arrayContaining([mB.id, mB2.id]));
  });

  it('SEC-1 searching by another college member\'s full ID number finds nothing (no leak that the ID exists)', async () => {
    const q = (id: string) => `/api/members?status=ALL&idNumber=${id}`;
    const foreign = await adminA.client.get(q(mB.idNumber));
    const unknown = await adminA.client.get(q(testIdNumber(9_999)));
    expect(foreign.status).toBe(200);
    expect(foreign.body.total).toBe(0);
    expect(foreign.body).toEqual(unknown.body);
    // The search itself works where the member is in scope.
    expect(ids(await adminB.client.get(q(mB.idNumber)))).toEqual([mB.id]);
    expect(ids(await adminA.client.get(q(mA1.idNumber.toLowerCase())))).toEqual([mA1.id]);
  });

  it('SEC-1 reading another college\'s member answers exactly like a missing id, and the attempt is audited', async () => {
    const before = (await deniedRows(adminA.person.id, 'member', mB.id)).length;
    const foreign = await adminA.client.get(`/api/members/${mB.id}`);
    const missing = await adminA.client.get(`/api/members/${MISSING}`);
    expectLikeMissing(foreign, missing, 'getMember');
    expect(JSON.stringify(foreign.body)).not.toContain(mB.person.name);
    const rows = await deniedRows(adminA.person.id, 'member', mB.id);
    expect(rows.length).toBe(before + 1);
    expect(rows.at(-1)).toMatchObject({ result: 'DENIED', actingOrgId: tree.collegeA.id, reason: 'OUT_OF_SCOPE' });
    // Nothing is audited as denied for an id that does not exist at all.
    expect(await deniedRows(adminA.person.id, 'member', MISSING)).toHaveLength(0);
  });

  it('SEC-1 changing another college\'s member (update, leave, restore, reveal, reset password) answers like missing and changes nothing', async () => {
    const self = await login(t.app, mB.idNumber, PASSWORD, '10.50.0.1');
    const state = await memberState(mB);
    const deniedBefore = (await deniedRows(adminA.person.id, 'member', mB.id)).length;
    const attempts: [string, (id: number) => Promise<Res>][] = [
      ['updateMember', (id) => adminA.client.patch(`/api/members/${id}`, { workUnit: '计算机学院', isCadre: false })],
      ['leaveMember', (id) => adminA.client.post(`/api/members/${id}/leave`, { reason: 'VOLUNTARY', note: '越权' })],
      ['restoreMember', (id) => adminA.client.post(`/api/members/${id}/restore`, { branchId: tree.branchA1.id })],
      ['revealMember', (id) => adminA.client.post(`/api/members/${id}/reveal`)],
      ['resetMemberPassword', (id) => adminA.client.post(`/api/members/${id}/reset-password`)],
    ];
    for (const [name, call] of attempts) {
      const foreign = await call(mB.id);
      const missing = await call(MISSING);
      expectLikeMissing(foreign, missing, name);
      expect(JSON.stringify(foreign.body)).not.toContain(mB.idNumber);
    }
    expect(await memberState(mB)).toBe(state);
    // The member's session was not ended by the refused reset.
    expect((await self.get('/api/me')).status).toBe(200);
    const denied = await deniedRows(adminA.person.id, 'member', mB.id);
    expect(denied.length - deniedBefore).toBe(attempts.length);
    expect(denied.every((r) => r.result === 'DENIED')).toBe(true);
    // The left-member branch of restore: B leaves a member; A still cannot restore it.
    const left = await adminB.client.post(`/api/members/${mB2.id}/leave`, { reason: 'VOLUNTARY' });
    expect(left.status).toBe(200);
    const leftState = await memberState(mB2);
    expectLikeMissing(
      await adminA.client.post(`/api/members/${mB2.id}/restore`, { branchId: tree.branchA1.id }),
      await adminA.client.post(`/api/members/${MISSING}/restore`, { branchId: tree.branchA1.id }),
      'restore a left member',
    );
    expect(await memberState(mB2)).toBe(leftState);
    expect((await adminB.client.post(`/api/members/${mB2.id}/restore`, { branchId: tree.branchB1.id })).status).toBe(200);
    // Nor can A restore its own member into B's branch.
    const mine = await f.member(tree.branchA2, { name: '计二离' });
    expect((await adminA.client.post(`/api/members/${mine.id}/leave`, { reason: 'VOLUNTARY' })).status).toBe(200);
    const mineState = await memberState(mine);
    expectLikeMissing(
      await adminA.client.post(`/api/members/${mine.id}/restore`, { branchId: tree.branchB1.id }),
      await adminA.client.post(`/api/members/${mine.id}/restore`, { branchId: MISSING }),
      'restore into B',
    );
    expect(await memberState(mine)).toBe(mineState);
  });

  it('SEC-1 entering a member into another college\'s branch answers like a missing branch', async () => {
    const body = (branchId: number) => ({
      name: '越权录入',
      idNumber: testIdNumber(9_601, '20050301'),
      branchId,
      ethnicity: '汉族',
      politicalStatus: 'LEAGUE_MEMBER',
      joinedLeagueAt: '2020-05',
      isCadre: false,
      phone: '13912340099',
      developmentNumber: '202000009601',
      identityEvidence: 'APPLICATION_FORM',
    });
    expectLikeMissing(await adminA.client.post('/api/members', body(tree.branchB1.id)), await adminA.client.post('/api/members', body(MISSING)), 'createMember');
    const [p] = await t.ctx.db.select().from(persons).where(eq(persons.name, '越权录入'));
    expect(p).toBeUndefined();
  });

  it('SEC-1 the export of another college contains none of its members (SEC-4 masked too)', async () => {
    const foreign = await sheetText(await adminA.client.get(`/api/members/export?orgId=${tree.collegeB.id}&status=ALL`));
    const all = await sheetText(await adminA.client.get('/api/members/export?status=ALL'));
    for (const text of [foreign, all]) {
      for (const m of [mB, mB2]) {
        expect(text).not.toContain(m.person.name);
        expect(text).not.toContain(m.idNumber);
        expect(text).not.toContain(m.idNumber.slice(-8));
      }
      expect(text).not.toContain('经济');
    }
    expect(foreign.split('\n')).toHaveLength(1); // the header row only
    expect(all).toContain(mA1.person.name);
    expect(all).toContain(mA2.person.name);
    expect(all).not.toContain(mA1.idNumber);
    const byId = await sheetText(await adminA.client.get(`/api/members/export?idNumber=${mB.idNumber}`));
    expect(byId.split('\n')).toHaveLength(1);
    // B's own export does have them.
    expect(await sheetText(await adminB.client.get('/api/members/export?status=ALL'))).toContain(mB.person.name);
  });
});

describe('orgs, cadres and admins of another college (SEC-1)', () => {
  it('SEC-3 listing or exporting another college is logged as a refusal, never as a successful export', async () => {
    const before = await deniedRows(adminA.person.id, 'org', tree.collegeB.id);
    expect((await adminA.client.get(`/api/members?orgId=${tree.collegeB.id}`)).body.total).toBe(0);
    expect((await deniedRows(adminA.person.id, 'org', tree.collegeB.id)).length).toBe(before.length + 1);
    await sheetText(await adminA.client.get(`/api/members/export?orgId=${tree.collegeB.id}`));
    expect((await deniedRows(adminA.person.id, 'org', tree.collegeB.id)).length).toBe(before.length + 2);
    const exports = await t.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorPersonId, adminA.person.id), eq(auditLog.action, 'MEMBER_EXPORT'), eq(auditLog.objectId, String(tree.collegeB.id))));
    expect(exports.length).toBeGreaterThan(0);
    for (const row of exports) expect(row.result).toBe('DENIED');
    // A missing org lists empty too, and is not logged as a refusal (there is nothing to protect).
    const missingBefore = await deniedRows(adminA.person.id, 'org', MISSING);
    expect((await adminA.client.get(`/api/members?orgId=${MISSING}`)).body.total).toBe(0);
    expect(await deniedRows(adminA.person.id, 'org', MISSING)).toHaveLength(missingBefore.length);
  });

  it('SEC-1 reading another college\'s orgs answers like missing; search finds none of them', async () => {
    for (const id of [tree.collegeB.id, tree.branchB1.id, tree.university.id, tree.province.id]) {
      expectLikeMissing(await adminA.client.get(`/api/orgs/${id}`), await adminA.client.get(`/api/orgs/${MISSING}`), `getOrg ${id}`);
      expectLikeMissing(await adminA.client.get(`/api/orgs/${id}/children`), await adminA.client.get(`/api/orgs/${MISSING}/children`), `children ${id}`);
    }
    const search = await adminA.client.get(`/api/orgs?q=${encodeURIComponent('经济')}`);
    expect(search.status).toBe(200);
    expect(search.body.total).toBe(0);
    const mine = await adminA.client.get(`/api/orgs?q=${encodeURIComponent('团支部')}&pageSize=100`);
    expect(ids(mine).sort()).toEqual([tree.branchA1.id, tree.branchA2.id].sort());
    expectLikeMissing(
      await adminA.client.get(`/api/org-full-name-suggestion?parentId=${tree.collegeB.id}&kind=BRANCH&name=x`),
      await adminA.client.get(`/api/org-full-name-suggestion?parentId=${MISSING}&kind=BRANCH&name=x`),
      'suggestOrgFullName',
    );
    for (const type of ['SMALL_BRANCH', 'INCOMPLETE_COMMITTEE', 'SCHOOL_CODE_WITHOUT_BRANCH']) {
      const findings = await adminA.client.get(`/api/org-findings?type=${type}&pageSize=100`);
      expect(findings.status).toBe(200);
      for (const id of ids(findings)) expect([tree.collegeA.id, tree.branchA1.id, tree.branchA2.id], type).toContain(id);
    }
    expect(ids(await adminA.client.get('/api/org-findings?type=SMALL_BRANCH'))).toContain(tree.branchA2.id);
    expect(ids(await uni.client.get('/api/org-findings?type=SMALL_BRANCH&pageSize=100'))).toContain(tree.branchB1.id);
    // The breadcrumb of an own org never shows what is above the acting org.
    const own = await adminA.client.get(`/api/orgs/${tree.branchA1.id}`);
    expect(own.body.ancestors.map((a: { id: number }) => a.id)).toEqual([tree.collegeA.id, tree.branchA1.id]);
    expect((await deniedRows(adminA.person.id, 'org', tree.collegeB.id)).length).toBeGreaterThan(0);
  });

  it('SEC-1 creating under, changing, moving and deleting another college\'s orgs answers like missing and changes nothing', async () => {
    const before = await orgState();
    const create = (parentId: number) =>
      adminA.client.post('/api/orgs', {
        parentId,
        name: '越权团支部',
        fullName: '中国共产主义青年团演示大学越权团支部委员会',
        kind: 'BRANCH',
        industryCategory: 'HIGHER_EDUCATION',
      });
    expectLikeMissing(await create(tree.collegeB.id), await create(MISSING), 'createOrg');
    expectLikeMissing(
      await adminA.client.patch(`/api/orgs/${tree.branchB1.id}`, { name: '被改名' }),
      await adminA.client.patch(`/api/orgs/${MISSING}`, { name: '被改名' }),
      'updateOrg',
    );
    expectLikeMissing(
      await adminA.client.post(`/api/orgs/${tree.branchB1.id}/move`, { newParentId: tree.collegeA.id }),
      await adminA.client.post(`/api/orgs/${MISSING}/move`, { newParentId: tree.collegeA.id }),
      'moveOrg out of B',
    );
    expectLikeMissing(
      await adminA.client.post(`/api/orgs/${tree.branchA2.id}/move`, { newParentId: tree.collegeB.id }),
      await adminA.client.post(`/api/orgs/${tree.branchA2.id}/move`, { newParentId: MISSING }),
      'moveOrg into B',
    );
    expectLikeMissing(await adminA.client.delete(`/api/orgs/${tree.branchB1.id}`), await adminA.client.delete(`/api/orgs/${MISSING}`), 'deleteOrg');
    expect(await orgState()).toBe(before);
  });

  it('SEC-1 another college\'s cadres and admins answer like missing, and nothing changes', async () => {
    const [grantBefore] = await t.ctx.db.select().from(adminGrants).where(eq(adminGrants.id, adminB.grant.id));
    const cadresBefore = JSON.stringify(await t.ctx.db.select().from(cadrePositions).where(eq(cadrePositions.orgId, tree.collegeB.id)).orderBy(cadrePositions.id));

    expectLikeMissing(await adminA.client.get(`/api/cadres?orgId=${tree.collegeB.id}`), await adminA.client.get(`/api/cadres?orgId=${MISSING}`), 'listCadres');
    expectLikeMissing(await adminA.client.get(`/api/admins?orgId=${tree.collegeB.id}`), await adminA.client.get(`/api/admins?orgId=${MISSING}`), 'listAdmins');
    expectLikeMissing(await adminA.client.get(`/api/cadres/${bCadreId}/history`), await adminA.client.get(`/api/cadres/${MISSING}/history`), 'getCadreHistory');
    expectLikeMissing(
      await adminA.client.post(`/api/cadres/${bCadreId}/change`, { position: '副书记' }),
      await adminA.client.post(`/api/cadres/${MISSING}/change`, { position: '副书记' }),
      'changeCadrePosition',
    );
    expectLikeMissing(await adminA.client.post(`/api/cadres/${bCadreId}/end`, {}), await adminA.client.post(`/api/cadres/${MISSING}/end`, {}), 'endCadre');
    const cadreBody = (orgId: number) => ({ orgId, name: '越权干部', idNumber: testIdNumber(9_602), phone: '13912340098', position: '委员' });
    expectLikeMissing(await adminA.client.post('/api/cadres', cadreBody(tree.collegeB.id)), await adminA.client.post('/api/cadres', cadreBody(MISSING)), 'createCadre');
    expectLikeMissing(await adminA.client.post(`/api/admins/${adminB.grant.id}/revoke`), await adminA.client.post(`/api/admins/${MISSING}/revoke`), 'revokeAdmin');
    const cadre = await adminB.client.get(`/api/cadres?orgId=${tree.collegeB.id}`);
    const personId = (cadre.body.items as { id: number; personId: number }[]).find((c) => c.id === bCadreId)!.personId;
    expectLikeMissing(
      await adminA.client.post('/api/admins', { orgId: tree.collegeB.id, personId }),
      await adminA.client.post('/api/admins', { orgId: MISSING, personId }),
      'grantAdmin',
    );

    const [grantAfter] = await t.ctx.db.select().from(adminGrants).where(eq(adminGrants.id, adminB.grant.id));
    expect(grantAfter).toEqual(grantBefore);
    expect(JSON.stringify(await t.ctx.db.select().from(cadrePositions).where(eq(cadrePositions.orgId, tree.collegeB.id)).orderBy(cadrePositions.id))).toBe(cadresBefore);
    const [p] = await t.ctx.db.select().from(persons).where(eq(persons.name, '越权干部'));
    expect(p).toBeUndefined();
    expect(await t.ctx.db.select().from(adminGrants).where(and(eq(adminGrants.orgId, tree.collegeB.id), eq(adminGrants.personId, personId)))).toHaveLength(0);
    // B's admin session is untouched.
    expect((await adminB.client.get('/api/members')).status).toBe(200);
    expect((await deniedRows(adminA.person.id, 'org', tree.collegeB.id)).length).toBeGreaterThan(0);
  });

  it('SEC-3 the audit log of one college shows nothing about another college\'s objects', async () => {
    // B works on its own members and orgs.
    expect((await adminB.client.patch(`/api/members/${mB.id}`, { workUnit: '经济学院资料室' })).status).toBe(200);
    expect((await adminB.client.post(`/api/members/${mB.id}/reveal`)).status).toBe(200);
    expect((await adminB.client.patch(`/api/orgs/${tree.branchB1.id}`, { contactPhone: '0571-88888888' })).status).toBe(200);
    expect((await adminA.client.patch(`/api/members/${mA1.id}`, { workUnit: '计算机学院机房' })).status).toBe(200);

    const logA = await adminA.client.get('/api/audit?pageSize=100');
    expect(logA.status).toBe(200);
    const items = logA.body.items as { action: string; objectType: string | null; objectId: string | null; objectLabel: string | null; actorName: string | null }[];
    expect(items.some((r) => r.action === 'MEMBER_UPDATE' && r.objectId === String(mA1.id))).toBe(true);
    const bMemberIds = [mB.id, mB2.id].map(String);
    const bOrgIds = [tree.collegeB.id, tree.branchB1.id].map(String);
    for (const r of items) {
      // A's own attempts (refused, or the empty export of B's org) carry only the id A typed.
      if (r.actorName === '计算机书记') {
        if (r.action === 'ACCESS_DENIED') expect(r.objectLabel).toBeNull();
        continue;
      }
      expect(r.objectType === 'member' && bMemberIds.includes(r.objectId!), JSON.stringify(r)).toBe(false);
      expect(r.objectType === 'org' && bOrgIds.includes(r.objectId!), JSON.stringify(r)).toBe(false);
      expect(r.actorName).not.toBe('经济书记');
    }
    const text = JSON.stringify(items);
    for (const name of [mB.person.name, mB2.person.name, '经济委员', '经济书记', tree.branchB1.name]) expect(text).not.toContain(name);
    // A filter cannot reach past the scope either.
    expect((await adminA.client.get(`/api/audit?actorName=${encodeURIComponent('经济')}`)).body.total).toBe(0);
    // The university (above both) sees B's work.
    const logU = await uni.client.get('/api/audit?pageSize=100&action=MEMBER_UPDATE');
    expect((logU.body.items as { objectId: string }[]).map((r) => r.objectId)).toEqual(expect.arrayContaining([String(mB.id), String(mA1.id)]));
  });
});

describe('levels of the tree (SEC-1)', () => {
  it('SEC-1 the university admin (an ancestor) sees both colleges', async () => {
    const list = await uni.client.get('/api/members?pageSize=100&status=ALL');
    expect(ids(list)).toEqual(expect.arrayContaining([mA1.id, mA2.id, mB.id, mB2.id]));
    expect((await uni.client.get(`/api/members/${mB.id}`)).status).toBe(200);
    expect((await uni.client.get(`/api/members/${mA1.id}`)).status).toBe(200);
    expect((await uni.client.get(`/api/orgs/${tree.collegeB.id}`)).status).toBe(200);
    expect((await uni.client.get(`/api/cadres?orgId=${tree.collegeB.id}`)).status).toBe(200);
    expect(ids(await uni.client.get(`/api/members?orgId=${tree.collegeB.id}&status=ALL`)).sort()).toEqual([mB.id, mB2.id].sort());
    const children = await uni.client.get(`/api/orgs/${tree.university.id}/children`);
    expect(ids(children)).toEqual(expect.arrayContaining([tree.collegeA.id, tree.collegeB.id]));
    // but nothing beside or above the university.
    expectLikeMissing(await uni.client.get(`/api/orgs/${tree.township.id}`), await uni.client.get(`/api/orgs/${MISSING}`), 'sibling subtree');
    expectLikeMissing(await uni.client.get(`/api/orgs/${tree.province.id}`), await uni.client.get(`/api/orgs/${MISSING}`), 'parent');
  });

  it('SEC-1 the admin of 2023级计算机1班 cannot see 2023级计算机2班 or the college', async () => {
    const list = await adminA1.client.get('/api/members?pageSize=100&status=ALL');
    expect(ids(list)).toContain(mA1.id);
    expect(ids(list)).not.toContain(mA2.id);
    expect(ids(list)).not.toContain(mB.id);
    expectLikeMissing(await adminA1.client.get(`/api/members/${mA2.id}`), await adminA1.client.get(`/api/members/${MISSING}`), 'sibling branch member');
    expectLikeMissing(await adminA1.client.get(`/api/orgs/${tree.branchA2.id}`), await adminA1.client.get(`/api/orgs/${MISSING}`), 'sibling branch');
    expectLikeMissing(await adminA1.client.get(`/api/orgs/${tree.collegeA.id}`), await adminA1.client.get(`/api/orgs/${MISSING}`), 'parent college');
    expect((await adminA1.client.get(`/api/members?orgId=${tree.branchA2.id}`)).body.total).toBe(0);
    expect((await adminA1.client.get(`/api/members/${mA1.id}`)).status).toBe(200);
    // Acting for the college needs a grant there.
    const asCollege = await adminA1.client.as(tree.collegeA.id).get('/api/members');
    expect(asCollege.status).toBe(403);
    expect(asCollege.body.error.code).toBe('NOT_ADMIN_OF_ORG');
  });

  it('SEC-1 a member cannot use admin routes and sees only themself', async () => {
    const me = await login(t.app, mA1.idNumber, PASSWORD, '10.50.0.2');
    expect(me.session.roles).toEqual([]);
    for (const orgId of [tree.branchA1.id, tree.collegeA.id]) {
      for (const url of ['/api/members', `/api/members/${mA2.id}`, `/api/members/${mA1.id}`, `/api/orgs/${orgId}`, '/api/cadres', '/api/audit']) {
        const r = await me.as(orgId).get(url);
        expect(r.status, url).toBe(403);
        expect(r.body.error.code, url).toBe('NOT_ADMIN_OF_ORG');
      }
    }
    const reset = await me.as(tree.branchA1.id).post(`/api/members/${mA2.id}/reset-password`);
    expect(reset.status).toBe(403);
    expect(reset.body.error.code).toBe('NOT_ADMIN_OF_ORG');
    const profile = await me.get('/api/me');
    expect(profile.status).toBe(200);
    expect(profile.body.member.id).toBe(mA1.id);
    expect(profile.body.member.idNumber).toMatch(/^\d{3}\*{14}[\dX]$/);
    const text = JSON.stringify(profile.body);
    for (const other of [mA2, mB, mB2]) expect(text).not.toContain(other.person.name);
    const denied = await t.ctx.db.select().from(auditLog).where(and(eq(auditLog.actorPersonId, mA1.personId), eq(auditLog.action, 'ACCESS_DENIED')));
    expect(denied.length).toBeGreaterThanOrEqual(13);
  });

  it('SEC-1 a revoked admin loses access at once: sessions end, and a new login is refused the org', async () => {
    const deputy = await f.admin(tree.collegeA, { name: '计算机副书记' });
    expect((await deputy.client.get(`/api/members/${mA1.id}`)).status).toBe(200);
    const revoked = await uni.client.post(`/api/admins/${deputy.grant.id}/revoke`);
    expect(revoked.status).toBe(200);
    const next = await deputy.client.get(`/api/members/${mA1.id}`);
    expect(next.status).toBe(401);
    expect(next.body.error.code).toBe('UNAUTHENTICATED');
    const again = await login(t.app, deputy.idNumber, TEST_PASSWORD, '10.50.0.3');
    const refused = await again.as(tree.collegeA.id).get(`/api/members/${mA1.id}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('NOT_ADMIN_OF_ORG');
    const write = await again.as(tree.collegeA.id).patch(`/api/members/${mA1.id}`, { workUnit: '撤销后' });
    expect(write.status).toBe(403);
    const [row] = await t.ctx.db.select().from(members).where(eq(members.id, mA1.id));
    expect(row!.workUnit).not.toBe('撤销后');
  });
});

describe('fields a caller may not set (SEC-5)', () => {
  it('SEC-5 PATCH /api/members/:id refuses name and ID number (MEM_5_LOCKED_FIELD), branchId and unknown fields (FIELD_NOT_ALLOWED), changing nothing', async () => {
    const state = await memberState(mA1);
    const cases: [Record<string, unknown>, string][] = [
      [{ idNumber: testIdNumber(9_701) }, 'MEM_5_LOCKED_FIELD'],
      [{ name: '改名' }, 'MEM_5_LOCKED_FIELD'],
      [{ workUnit: '顺带修改', name: '改名' }, 'MEM_5_LOCKED_FIELD'],
      [{ branchId: tree.branchA2.id }, 'FIELD_NOT_ALLOWED'],
      [{ workUnit: '顺带修改', branchId: tree.branchA2.id }, 'FIELD_NOT_ALLOWED'],
      [{ orgPath: '/1/' }, 'FIELD_NOT_ALLOWED'],
      [{ status: 'LEFT' }, 'FIELD_NOT_ALLOWED'],
      [{ identityStatus: 'VERIFIED' }, 'FIELD_NOT_ALLOWED'],
      [{ personId: mB.personId }, 'FIELD_NOT_ALLOWED'],
      [{ nickname: 'x' }, 'FIELD_NOT_ALLOWED'],
    ];
    for (const [body, code] of cases) {
      const r = await adminA.client.patch(`/api/members/${mA1.id}`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code, JSON.stringify(body)).toBe(code);
    }
    expect(await memberState(mA1)).toBe(state);
  });

  it('SEC-5 PATCH /api/me refuses branchId, joinedLeagueAt, isCadre and the locked fields, changing nothing', async () => {
    const me = await login(t.app, mA2.idNumber, PASSWORD, '10.50.0.4');
    const state = await memberState(mA2);
    const cases: [Record<string, unknown>, string][] = [
      [{ branchId: tree.branchA1.id }, 'FIELD_NOT_ALLOWED'],
      [{ joinedLeagueAt: '2015-05' }, 'FIELD_NOT_ALLOWED'],
      [{ isCadre: true }, 'FIELD_NOT_ALLOWED'],
      [{ isCadre: true, leaguePosition: '书记' }, 'FIELD_NOT_ALLOWED'],
      [{ developmentNumber: '201900000001' }, 'FIELD_NOT_ALLOWED'],
      [{ workUnit: '顺带修改', isCadre: true }, 'FIELD_NOT_ALLOWED'],
      [{ name: '改名' }, 'MEM_5_LOCKED_FIELD'],
      [{ idNumber: testIdNumber(9_702) }, 'MEM_5_LOCKED_FIELD'],
    ];
    for (const [body, code] of cases) {
      const r = await me.patch('/api/me', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code, JSON.stringify(body)).toBe(code);
    }
    expect(await memberState(mA2)).toBe(state);
    const ok = await me.patch('/api/me', { workUnit: '演示大学' });
    expect(ok.status).toBe(200);
    expect(ok.body.member.branchId).toBe(tree.branchA2.id);
  });

  it('SEC-5 __proto__ and constructor keys are refused and do not pollute Object.prototype', async () => {
    const me = await login(t.app, mA1.idNumber, PASSWORD, '10.50.0.5');
    const state = await memberState(mA1);
    const raw = async (method: 'PATCH' | 'POST', url: string, payload: string, client: Client = adminA.client) => {
      const res = await t.app.inject({
        method,
        url,
        payload,
        headers: { 'content-type': 'application/json', cookie: client.cookie!, 'x-csrf-token': client.csrf!, ...(client.orgId ? { 'x-org-id': String(client.orgId) } : {}) },
      });
      return { status: res.statusCode, body: res.json() };
    };
    const payloads = [
      '{"__proto__":{"polluted":"yes"},"workUnit":"x"}',
      '{"workUnit":"x","__proto__":{"isAdmin":true}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"constructor":"x"}',
      '{"prototype":{"polluted":"yes"}}',
    ];
    for (const p of payloads) {
      const r = await raw('PATCH', `/api/members/${mA1.id}`, p);
      expect(r.status, p).toBe(400);
      expect(r.body.error.code, p).toMatch(/^(BAD_REQUEST|FIELD_NOT_ALLOWED)$/);
    }
    expect((await raw('PATCH', '/api/me', payloads[0]!, me)).status).toBe(400);
    const loginRes = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: `{"username":"${mA1.idNumber}","password":"${PASSWORD}","__proto__":{"x":1}}`, headers: { 'content-type': 'application/json' }, remoteAddress: '10.50.0.6' });
    expect(loginRes.statusCode).toBe(400);
    const q = await adminA.client.get('/api/members?__proto__[polluted]=yes&constructor[prototype][polluted]=yes');
    expect(q.status).toBe(400);

    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(await memberState(mA1)).toBe(state);
  });

  it('SEC-5 page sizes above 100 are refused with 400', async () => {
    const lists = [
      '/api/members',
      `/api/orgs/${tree.collegeA.id}/children`,
      `/api/orgs?q=${encodeURIComponent('团')}`,
      '/api/cadres',
      '/api/admins',
      '/api/audit',
    ];
    for (const url of lists) {
      const sep = url.includes('?') ? '&' : '?';
      const ok = await adminA.client.get(`${url}${sep}pageSize=100`);
      expect(ok.status, url).toBe(200);
      expect(ok.body.pageSize, url).toBe(100);
      for (const size of ['101', '1000', '0', '-1', 'abc']) {
        const r = await adminA.client.get(`${url}${sep}pageSize=${size}`);
        expect(r.status, `${url} ${size}`).toBe(400);
        expect(r.body.error.code, `${url} ${size}`).toBe('VALIDATION_FAILED');
      }
    }
    const page0 = await adminA.client.get('/api/members?page=0');
    expect(page0.status).toBe(400);
  });
});
