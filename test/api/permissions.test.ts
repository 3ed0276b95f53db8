import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app';
import { Factory, testIdNumber, type Tree } from '../helpers/factories';

/**
 * Every object the API returns carries what the caller may do with it (`can`), computed by the
 * server, so the UI never restates a rule. These tests pin the flags to the rules behind them.
 */
let t: TestApp;
let f: Factory;
let tree: Tree;
let college: Awaited<ReturnType<Factory['admin']>>;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  college = await f.admin(tree.collegeA, { name: '权限书记' });
});
afterAll(() => t.close());

describe('can flags', () => {
  it('MEM-8 list items carry the same actions as the detail: active members are edited and leave, left ones are restored', async () => {
    const active = await f.member(tree.branchA1, { name: '在团权' });
    const left = await f.member(tree.branchA1, { name: '离团权' });
    expect((await college.client.post(`/api/members/${left.id}/leave`, { reason: 'VOLUNTARY' })).status).toBe(200);
    const list = await college.client.get(`/api/members?orgId=${tree.branchA1.id}&status=ALL&pageSize=100`);
    const byId = new Map(list.body.items.map((m: { id: number; can: object }) => [m.id, m.can]));
    expect(byId.get(active.id)).toEqual({ edit: true, leave: true, restore: false, resetPassword: true, reveal: true });
    expect(byId.get(left.id)).toEqual({ edit: false, leave: false, restore: true, resetPassword: false, reveal: true });
    for (const m of [active, left]) {
      expect((await college.client.get(`/api/members/${m.id}`)).body.can).toEqual(byId.get(m.id));
    }
  });

  it('CAD-3 / ADM-1 a committee post can change and end; an admin\'s post cannot end; branch posts follow the member record', async () => {
    const entered = await college.client.post('/api/cadres', { orgId: tree.collegeA.id, name: '委员权', idNumber: testIdNumber(8_001), position: '委员' });
    expect(entered.status).toBe(201);
    expect(entered.body.can).toEqual({ change: true, end: true, grantAdmin: true });
    const list = await college.client.get(`/api/cadres?orgId=${tree.collegeA.id}`);
    const own = list.body.items.find((c: { personId: number }) => c.personId === college.person.id);
    expect(own.isAdmin).toBe(true);
    expect(own.can).toEqual({ change: true, end: false, grantAdmin: false });
    await f.member(tree.branchA2, { name: '支书权', isCadre: true, leaguePosition: '书记' });
    const branch = await college.client.get(`/api/cadres?orgId=${tree.branchA2.id}`);
    expect(branch.body.items[0].can).toEqual({ change: false, end: false, grantAdmin: true });
    const ended = await college.client.post(`/api/cadres/${entered.body.id}/end`, {});
    expect(ended.body.can).toEqual({ change: false, end: false, grantAdmin: false });
  });

  it('ADM-1 an admin may revoke a co-admin but not their own grant for the org they act for', async () => {
    const other = await f.admin(tree.collegeA, { name: '副书记权', position: '副书记' });
    const list = await college.client.get(`/api/admins?orgId=${tree.collegeA.id}`);
    const flags = new Map(list.body.items.map((a: { personId: number; can: { revoke: boolean } }) => [a.personId, a.can.revoke]));
    expect(flags.get(college.person.id)).toBe(false);
    expect(flags.get(other.person.id)).toBe(true);
    const revoked = await college.client.post(`/api/admins/${other.grant.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.can).toEqual({ revoke: false });
  });
});

describe('names the reader may not otherwise reach', () => {
  it('MEM-1 a member shows the name of the org that developed them, even outside the reader\'s scope', async () => {
    const created = await college.client.post('/api/members', {
      name: '发展权',
      idNumber: testIdNumber(8_101, '20050301'),
      branchId: tree.branchA1.id,
      ethnicity: '汉族',
      politicalStatus: 'LEAGUE_MEMBER',
      joinedLeagueAt: '2020-05',
      isCadre: false,
      developmentNumber: '202000008101',
      identityEvidence: 'APPLICATION_FORM',
      developedByOrgId: tree.township.id,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ developedByOrgId: tree.township.id, developedByOrgName: '西溪街道团工委' });
    // The name is all that crosses the scope: the org itself stays unreachable.
    expect((await college.client.get(`/api/orgs/${tree.township.id}`)).status).toBe(404);
  });
});
