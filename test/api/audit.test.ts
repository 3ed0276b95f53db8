import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTION_LABELS } from '../../src/contracts/audit';
import { accounts, auditLog, members, orgs, persons } from '../../src/db/schema';
import { makeIdNumber } from '../../src/domain/id-number';
import { createTestApp, TEST_NOW, type TestApp } from '../helpers/app';
import { anonymous, login } from '../helpers/client';
import { Factory, memberInput, testPhone, type Client, type Tree } from '../helpers/factories';

let t: TestApp;
let f: Factory;
let tree: Tree;
let collegeA: Client;
let collegeB: Client;
let university: Client;
let county: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  collegeA = (await f.admin(tree.collegeA, { name: '甲院管理员' })).client;
  collegeB = (await f.admin(tree.collegeB, { name: '乙院管理员' })).client;
  university = (await f.admin(tree.university, { name: '校管理员' })).client;
  county = (await f.admin(tree.county, { name: '区管理员' })).client;
});
afterAll(() => t.close());

async function rowsOf(action: string) {
  return t.ctx.db.select().from(auditLog).where(eq(auditLog.action, action));
}

async function personByIdNumber(idNumber: string) {
  const [row] = await t.ctx.db.select().from(persons).where(eq(persons.idNumberIdx, t.ctx.cipher.blindIndex('id', idNumber)));
  return row;
}

describe('SEC-3 audit in the same transaction', () => {
  it('SEC-3 a create refused with 409 writes no MEMBER_CREATE row and no person, member or account: nothing half-written', async () => {
    const first = await collegeA.post('/api/members', memberInput(tree.branchA1.id, 1, { developmentNumber: '202000000777' }));
    expect(first.status).toBe(201);
    const before = (await rowsOf('MEMBER_CREATE')).length;
    const input = memberInput(tree.branchA1.id, 2, { developmentNumber: '202000000777' });
    const res = await collegeA.post('/api/members', input);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('DEV_3_NUMBER_TAKEN');
    expect(await rowsOf('MEMBER_CREATE')).toHaveLength(before);
    expect(await personByIdNumber(input.idNumber)).toBeUndefined();
    const memberCount = await t.ctx.db.select().from(members).where(eq(members.developmentNumber, '202000000777'));
    expect(memberCount).toHaveLength(1);
    const orphanAccounts = await t.ctx.db.select().from(accounts);
    const personIds = new Set((await t.ctx.db.select({ id: persons.id }).from(persons)).map((p) => p.id));
    expect(orphanAccounts.every((a) => personIds.has(a.personId))).toBe(true);

    const phone = await collegeA.post('/api/members', memberInput(tree.branchA1.id, 3, { phone: memberInput(0, 1).phone }));
    expect(phone.status).toBe(409);
    expect(phone.body.error.code).toBe('MEM_1_PHONE_TAKEN');
    expect(await rowsOf('MEMBER_CREATE')).toHaveLength(before);
    expect(await personByIdNumber(memberInput(0, 3).idNumber)).toBeUndefined();
  });

  it('SEC-3 a refused cadre or org creation leaves no row of either kind', async () => {
    const taken = await f.member(tree.branchA2);
    const idNumber = makeIdNumber('330106', '19930101', '555');
    const cadre = await university.post('/api/cadres', { orgId: tree.collegeA.id, name: '审计干部', idNumber, phone: taken.person.phone, position: '委员' });
    expect(cadre.status).toBe(409);
    expect(await rowsOf('CADRE_CREATE')).toHaveLength(0);
    expect(await personByIdNumber(idNumber)).toBeUndefined();

    const dup = await university.post('/api/orgs', {
      parentId: tree.collegeA.id,
      name: '2023级计算机1班团支部',
      fullName: '中国共产主义青年团演示大学重复支部委员会',
      kind: 'BRANCH',
      industryCategory: 'HIGHER_EDUCATION',
    });
    expect(dup.status).toBe(409);
    expect(await rowsOf('ORG_CREATE')).toHaveLength(0);
    const named = await t.ctx.db.select().from(orgs).where(eq(orgs.fullName, '中国共产主义青年团演示大学重复支部委员会'));
    expect(named).toHaveLength(0);
  });

  it('SEC-3 every change writes one OK row saying who, acting for which org, what, before/after, from where and when', async () => {
    const member = await f.member(tree.branchA1, { name: '审计对象' });
    t.clock.advance(5 * 60_000);
    const res = await collegeA.patch(`/api/members/${member.id}`, { workUnit: '演示大学', occupation: '学生' });
    expect(res.status).toBe(200);
    const rows = await t.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'MEMBER_UPDATE'), eq(auditLog.objectId, String(member.id))));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorName: '甲院管理员',
      actingOrgId: tree.collegeA.id,
      objectType: 'member',
      objectLabel: `审计对象（${member.person.idNumberMasked}）`,
      orgPath: tree.branchA1.path,
      result: 'OK',
      ip: '127.0.0.1',
      changes: { workUnit: { before: null, after: '演示大学' }, occupation: { before: null, after: '学生' } },
    });
    expect(rows[0]!.at.toISOString()).toBe(new Date(new Date(TEST_NOW).getTime() + 5 * 60_000).toISOString());
    expect(rows[0]!.requestId).toBeTruthy();
    t.clock.advance(-5 * 60_000);
  });

  it('SEC-3 each change of this issue appears in the acting admin’s log', async () => {
    const ok = <T extends { status: number; body: unknown }>(res: T) => {
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      return res as T & { body: { id: number; personId: number } };
    };
    const actions = [
      'ORG_CREATE', 'ORG_UPDATE', 'ORG_MOVE', 'ORG_DELETE',
      'MEMBER_CREATE', 'MEMBER_UPDATE', 'MEMBER_REVEAL', 'MEMBER_EXPORT', 'PASSWORD_RESET', 'MEMBER_LEAVE', 'MEMBER_RESTORE',
      'CADRE_CREATE', 'CADRE_CHANGE', 'CADRE_END', 'ADMIN_GRANT', 'ADMIN_REVOKE', 'MEMBER_SELF_UPDATE',
    ];
    const totals = async () => {
      const out: Record<string, number> = {};
      for (const action of actions) {
        const log = await university.get(`/api/audit?action=${action}&result=OK&pageSize=1`);
        expect(log.status).toBe(200);
        out[action] = log.body.total;
      }
      return out;
    };
    const before = await totals();
    const branch = await f.org(tree.collegeA, { name: '审计全流程团支部', kind: 'BRANCH' });
    const org = ok(await university.post('/api/orgs', { parentId: tree.collegeA.id, name: '审计新团支部', fullName: '中国共产主义青年团演示大学审计新支部委员会', kind: 'BRANCH', industryCategory: 'HIGHER_EDUCATION' }));
    ok(await university.patch(`/api/orgs/${org.body.id}`, { contactPhone: '0571-5555555' }));
    ok(await university.post(`/api/orgs/${org.body.id}/move`, { newParentId: tree.collegeB.id }));
    ok(await university.delete(`/api/orgs/${org.body.id}`));
    const created = ok(await university.post('/api/members', memberInput(branch.id, 40)));
    ok(await university.patch(`/api/members/${created.body.id}`, { workUnit: '某地' }));
    ok(await university.post(`/api/members/${created.body.id}/reveal`));
    ok(await university.get(`/api/members/export?orgId=${branch.id}`));
    ok(await university.post(`/api/members/${created.body.id}/reset-password`));
    ok(await university.post(`/api/members/${created.body.id}/leave`, { reason: 'VOLUNTARY' }));
    ok(await university.post(`/api/members/${created.body.id}/restore`, { branchId: branch.id }));
    const cadre = ok(await university.post('/api/cadres', { orgId: tree.collegeB.id, name: '流程干部', idNumber: makeIdNumber('330106', '19920101', '321'), phone: testPhone(6001), position: '委员' }));
    const changed = ok(await university.post(`/api/cadres/${cadre.body.id}/change`, { position: '书记' }));
    const grant = ok(await university.post('/api/admins', { orgId: tree.collegeB.id, personId: cadre.body.personId }));
    ok(await university.post(`/api/admins/${grant.body.id}/revoke`));
    ok(await university.post(`/api/cadres/${changed.body.id}/end`, {}));
    const self = await f.member(tree.branchA1, { password: 'Member-Pass-77' });
    const selfClient = await login(t.app, self.idNumber, 'Member-Pass-77', '10.6.0.1');
    ok(await selfClient.patch('/api/me', { workUnit: '自填' }));

    const after = await totals();
    for (const action of actions) {
      expect(AUDIT_ACTION_LABELS[action], action).toBeTruthy();
      // A move is logged under both the old and the new location (both inside the university here).
      expect(after[action], action).toBe(before[action]! + (action === 'ORG_MOVE' ? 2 : 1));
    }
  });
});

describe('SEC-3 failures and account events', () => {
  it('SEC-3 a change a rule refuses is logged as FAILED with its code, under the acting org', async () => {
    const branch = await f.org(tree.collegeA, { name: '拒绝删除团支部', kind: 'BRANCH' });
    await f.member(branch);
    const refused = await collegeA.delete(`/api/orgs/${branch.id}`);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('ORG_7_HAS_MEMBERS');
    const log = await collegeA.get('/api/audit?action=OPERATION_REFUSED&result=FAILED');
    const row = log.body.items.find((e: { objectId: string }) => e.objectId === String(branch.id));
    expect(row).toBeDefined();
    expect(row.objectType).toBe('org');
    expect(row.reason).toContain('deleteOrg');
    expect(row.reason).toContain('ORG_7_HAS_MEMBERS');
    expect(AUDIT_ACTION_LABELS.OPERATION_REFUSED).toBe('操作被拒绝');
    // The org is still there: the refusal changed nothing.
    expect((await collegeA.get(`/api/orgs/${branch.id}`)).status).toBe(200);
  });

  it('SEC-3 a member\'s logins, including failed ones, show in their branch admins\' log', async () => {
    const m = await f.member(tree.branchA2, { password: 'Lotus-Pond-Moon-5' });
    await login(t.app, m.idNumber, 'Lotus-Pond-Moon-5');
    await anonymous(t.app).post('/api/auth/login', { username: m.idNumber, password: 'wrong-password-1' });
    const log = await collegeA.get('/api/audit?pageSize=100');
    const mine = log.body.items.filter((e: { objectType: string | null; objectId: string | null }) => e.objectType === 'person' && e.objectId === String(m.personId));
    expect(mine.map((e: { action: string }) => e.action).sort()).toEqual(['LOGIN', 'LOGIN_FAILED']);
    // Another college sees none of it.
    const other = await collegeB.get('/api/audit?pageSize=100');
    expect(other.body.items.some((e: { objectType: string | null; objectId: string | null }) => e.objectType === 'person' && e.objectId === String(m.personId))).toBe(false);
  });
});

describe('GET /api/audit', () => {
  it('SEC-1 shows the rows of the acting org’s subtree only, newest first', async () => {
    const a = await collegeA.post('/api/members', memberInput(tree.branchA1.id, 50));
    const b = await collegeB.post('/api/members', memberInput(tree.branchB1.id, 51));
    const c = await county.post('/api/members', memberInput(tree.transition.id, 52));
    for (const r of [a, b, c]) expect(r.status).toBe(201);
    const seen = async (client: Client) => {
      const res = await client.get('/api/audit?action=MEMBER_CREATE&pageSize=100');
      expect(res.status).toBe(200);
      return res.body.items.map((e: { objectId: string }) => Number(e.objectId)) as number[];
    };
    const fromA = await seen(collegeA);
    expect(fromA).toContain(a.body.id);
    expect(fromA).not.toContain(b.body.id);
    expect(fromA).not.toContain(c.body.id);
    const fromUni = await seen(university);
    expect(fromUni.indexOf(b.body.id)).toBeLessThan(fromUni.indexOf(a.body.id));
    expect(fromUni).not.toContain(c.body.id);
    expect(await seen(county)).toEqual([c.body.id]);
    const all = await university.get('/api/audit?pageSize=100');
    // Newest first: by time, then by id for events of the same instant.
    const keys = all.body.items.map((e: { id: number; at: string }) => [e.at, e.id] as const);
    const sorted = [...keys].sort((x, y) => (x[0] === y[0] ? y[1] - x[1] : x[0] < y[0] ? 1 : -1));
    expect(keys).toEqual(sorted);
    // Refusals of the university admin are logged under the university, so a college admin never sees them.
    await university.get(`/api/orgs/${tree.county.id}`);
    expect((await university.get('/api/audit?action=ACCESS_DENIED')).body.total).toBeGreaterThanOrEqual(1);
    expect((await collegeA.get('/api/audit?action=ACCESS_DENIED')).body.total).toBe(0);
  });

  describe('filters', () => {
    let admin: Client;
    let r: number[] = [];
    let loginRow: number;
    let mfaRow: number;
    const ids = (res: { body: { items: { id: number }[] } }) => res.body.items.map((e) => e.id);

    beforeAll(async () => {
      const committee = await f.org(tree.university, { name: '审计筛选团委', kind: 'COMMITTEE' });
      const made = await f.admin(committee);
      admin = made.client;
      // The admin's own login is logged under their org too (SEC-3), at TEST_NOW (China 2026-03-02).
      const [login] = await t.ctx.db.select({ id: auditLog.id }).from(auditLog).where(and(eq(auditLog.action, 'LOGIN'), eq(auditLog.actorPersonId, made.person.id)));
      expect(login).toBeDefined();
      loginRow = login!.id;
      // …and so is its second factor (issue 7), right after it at the same instant.
      const [mfa] = await t.ctx.db.select({ id: auditLog.id }).from(auditLog).where(and(eq(auditLog.action, 'MFA_VERIFY'), eq(auditLog.actorPersonId, made.person.id)));
      expect(mfa).toBeDefined();
      mfaRow = mfa!.id;
      const rows = [
        { at: '2026-02-27T15:59:59Z', action: 'ORG_UPDATE', actorName: '赵审计', result: 'OK' as const },
        { at: '2026-02-27T16:00:00Z', action: 'MEMBER_UPDATE', actorName: '钱审计', result: 'OK' as const },
        { at: '2026-02-28T15:59:59Z', action: 'MEMBER_UPDATE', actorName: '赵二', result: 'DENIED' as const },
        { at: '2026-02-28T16:00:00Z', action: 'MEMBER_CREATE', actorName: '孙审计', result: 'OK' as const },
      ];
      r = [];
      for (const row of rows) {
        const [inserted] = await t.ctx.db
          .insert(auditLog)
          .values({ ...row, at: new Date(row.at), orgPath: committee.path, actingOrgId: committee.id, objectType: 'member', objectId: '1' })
          .returning({ id: auditLog.id });
        r.push(inserted!.id);
      }
    });

    it('by action, actor name (prefix) and result', async () => {
      expect(ids(await admin.get('/api/audit?action=MEMBER_UPDATE'))).toEqual([r[2], r[1]]);
      expect(ids(await admin.get(`/api/audit?actorName=${encodeURIComponent('赵')}`))).toEqual([r[2], r[0]]);
      expect(ids(await admin.get(`/api/audit?actorName=${encodeURIComponent('赵审')}`))).toEqual([r[0]]);
      expect(ids(await admin.get(`/api/audit?actorName=${encodeURIComponent('审计')}`))).toEqual([]);
      expect(ids(await admin.get('/api/audit?result=DENIED'))).toEqual([r[2]]);
      expect(ids(await admin.get('/api/audit?action=MEMBER_UPDATE&result=OK'))).toEqual([r[1]]);
    });

    it('by China-time calendar days from/to, both inclusive', async () => {
      expect(ids(await admin.get('/api/audit?from=2026-02-28&to=2026-02-28'))).toEqual([r[2], r[1]]);
      expect(ids(await admin.get('/api/audit?to=2026-02-27'))).toEqual([r[0]]);
      expect(ids(await admin.get('/api/audit?from=2026-03-01'))).toEqual([mfaRow, loginRow, r[3]]);
      expect(ids(await admin.get('/api/audit?from=2026-03-01&action=LOGIN'))).toEqual([loginRow]);
      expect(ids(await admin.get('/api/audit?from=2026-02-27&to=2026-03-01'))).toEqual([r[3], r[2], r[1], r[0]]);
      const bad = await admin.get('/api/audit?from=2026-02-30');
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    });

    it('pages with totals, newest first', async () => {
      const p1 = await admin.get('/api/audit?pageSize=3');
      expect(p1.body).toMatchObject({ total: 6, page: 1, pageSize: 3 });
      expect(ids(p1)).toEqual([mfaRow, loginRow, r[3]]);
      const p2 = await admin.get('/api/audit?pageSize=3&page=2');
      expect(ids(p2)).toEqual([r[2], r[1], r[0]]);
      expect(p2.body.items[2]).toMatchObject({ action: 'ORG_UPDATE', actorName: '赵审计', result: 'OK', at: '2026-02-27T15:59:59.000Z', objectType: 'member' });
    });
  });

  it('is for admins acting for an org', async () => {
    expect((await anonymous(t.app).get('/api/audit')).status).toBe(401);
    const noOrg = await collegeA.as(null).get('/api/audit');
    expect(noOrg.status).toBe(400);
    expect(noOrg.body.error.code).toBe('ORG_HEADER_REQUIRED');
    const other = await collegeA.as(tree.university.id).get('/api/audit');
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('NOT_ADMIN_OF_ORG');
  });

  it('SEC-3 audit rows are append-only', async () => {
    const before = JSON.stringify(await t.ctx.db.select().from(auditLog).orderBy(auditLog.id));
    await expect(t.ctx.db.update(auditLog).set({ result: 'FAILED', reason: 'tampered' })).rejects.toThrow();
    await expect(t.ctx.db.delete(auditLog)).rejects.toThrow();
    expect(JSON.stringify(await t.ctx.db.select().from(auditLog).orderBy(auditLog.id))).toBe(before);
  });
});
