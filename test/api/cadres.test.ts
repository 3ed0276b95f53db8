import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, cadrePositions, persons } from '../../src/db/schema';
import { idCheckChar, makeIdNumber } from '../../src/domain/id-number';
import { createTestApp, type TestApp } from '../helpers/app';
import { Factory, testPhone, type Client, type Tree } from '../helpers/factories';

let t: TestApp;
let f: Factory;
let tree: Tree;
let province: Client;
let university: Client;
let county: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  province = (await f.admin(tree.province)).client;
  university = (await f.admin(tree.university)).client;
  county = (await f.admin(tree.county)).client;
});
afterAll(() => t.close());

let k = 0;
/** A body for createCadre with a fresh person. */
function cadreInput(orgId: number, over: Record<string, unknown> = {}) {
  k++;
  return { orgId, name: `干部${k}`, idNumber: makeIdNumber('330106', '19950101', String(100 + k)), phone: testPhone(7000 + k), position: '委员', ...over };
}

async function auditOf(action: string, objectId: number) {
  return t.ctx.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.objectId, String(objectId))))
    .orderBy(asc(auditLog.id));
}

async function postsOf(personId: number, orgId: number) {
  return t.ctx.db
    .select()
    .from(cadrePositions)
    .where(and(eq(cadrePositions.personId, personId), eq(cadrePositions.orgId, orgId)))
    .orderBy(asc(cadrePositions.id));
}

describe('POST /api/cadres (CAD-1, CAD-2)', () => {
  it('CAD-1 enters a 本级团干部 of a committee, masked and audited', async () => {
    const input = cadreInput(tree.collegeA.id, { position: '副书记', startedAt: '2025-09-01' });
    const res = await university.post('/api/cadres', input);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      orgId: tree.collegeA.id,
      orgName: '计算机学院团委',
      orgKind: 'COMMITTEE',
      name: input.name,
      idNumber: `${input.idNumber.slice(0, 3)}${'*'.repeat(14)}${input.idNumber.slice(-1)}`,
      phone: `${input.phone.slice(0, 3)}****${input.phone.slice(-4)}`,
      position: '副书记',
      nature: null,
      startedAt: '2025-09-01',
      endedAt: null,
      previousId: null,
      isAdmin: false,
    });
    const [row] = await t.ctx.db.select().from(cadrePositions).where(eq(cadrePositions.id, res.body.id));
    expect(row).toMatchObject({ orgId: tree.collegeA.id, position: '副书记', endedAt: null });
    const [audit] = await auditOf('CADRE_CREATE', res.body.id);
    expect(audit).toMatchObject({ result: 'OK', actingOrgId: tree.university.id, orgPath: tree.collegeA.path });
    expect(audit!.changes).toEqual({ position: { before: null, after: '副书记' }, nature: { before: null, after: null } });
    expect(JSON.stringify(audit)).not.toContain(input.idNumber);
    const list = await university.get(`/api/cadres?orgId=${tree.collegeA.id}`);
    expect(list.body.items.map((c: { id: number }) => c.id)).toContain(res.body.id);
    const today = await university.post('/api/cadres', cadreInput(tree.collegeA.id, { position: '工作人员' }));
    expect(today.body.startedAt).toBe('2026-03-02');
  });

  it('CAD-2 a leadership-organ cadre is 专职/挂职/兼职 (required there, refused elsewhere)', async () => {
    const missing = await province.post('/api/cadres', cadreInput(tree.city.id, { position: '常委' }));
    expect(missing.status).toBe(422);
    expect(missing.body.error.code).toBe('CAD_2_NATURE_REQUIRED');
    const ok = await province.post('/api/cadres', cadreInput(tree.city.id, { position: '常委', nature: 'SECONDED' }));
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ orgKind: 'LEADERSHIP', position: '常委', nature: 'SECONDED' });
    const nature = await university.post('/api/cadres', cadreInput(tree.collegeA.id, { nature: 'FULL_TIME' }));
    expect(nature.status).toBe(422);
    expect(nature.body.error.code).toBe('CAD_2_NATURE_LEADERSHIP_ONLY');
  });

  it('CAD_1_POSITION_INVALID: the post must fit the kind of org', async () => {
    const res = await university.post('/api/cadres', cadreInput(tree.collegeA.id, { position: '常委' }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('CAD_1_POSITION_INVALID');
    expect(res.body.error.message).toContain('书记、副书记、委员、工作人员');
    const gb = await f.org(tree.collegeA, { name: '干部测试团总支', kind: 'GENERAL_BRANCH' });
    const ok = await university.post('/api/cadres', cadreInput(gb.id, { position: '书记' }));
    expect(ok.status).toBe(201);
    const wc = await county.post('/api/cadres', cadreInput(tree.township.id, { position: '工作人员' }));
    expect(wc.status).toBe(201);
  });

  it('CAD_1_BRANCH_CADRE_VIA_MEMBER: branch cadres come with the member record', async () => {
    const res = await university.post('/api/cadres', cadreInput(tree.branchA1.id, { position: '书记' }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('CAD_1_BRANCH_CADRE_VIA_MEMBER');
  });

  it('CAD_1_ALREADY_CADRE: one current post per person and org', async () => {
    const input = cadreInput(tree.collegeB.id);
    expect((await university.post('/api/cadres', input)).status).toBe(201);
    const again = await university.post('/api/cadres', { ...input, position: '副书记' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('CAD_1_ALREADY_CADRE');
    const [person] = await t.ctx.db.select().from(persons).where(eq(persons.idNumberIdx, t.ctx.cipher.blindIndex('id', input.idNumber)));
    expect(await postsOf(person!.id, tree.collegeB.id)).toHaveLength(1);
    const elsewhere = await university.post('/api/cadres', { ...input, orgId: tree.collegeA.id });
    expect(elsewhere.status).toBe(201);
  });

  it('CAD-1 a member of another org can be a cadre here, under the same name only', async () => {
    const member = await f.member(tree.transition, { name: '兼任甲' });
    const mismatch = await university.post('/api/cadres', cadreInput(tree.collegeA.id, { name: '兼任乙', idNumber: member.idNumber, phone: member.person.phone }));
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.error.code).toBe('MEM_2_NAME_MISMATCH');
    const ok = await university.post('/api/cadres', cadreInput(tree.collegeA.id, { name: '兼任甲', idNumber: member.idNumber, phone: member.person.phone }));
    expect(ok.status).toBe(201);
    expect(ok.body.personId).toBe(member.personId);
  });

  it('MEM-2 / MEM_1_PHONE_TAKEN / SEC-1: the ID number is checked, the phone is one person’s, the org must be in scope', async () => {
    const first17 = '33010619950101777';
    const wrong = idCheckChar(first17) === '1' ? '2' : '1';
    for (const [idNumber, code] of [
      ['3301061995', 'MEM_2_LENGTH'],
      ['33010619950101777Y', 'MEM_2_FORMAT'],
      ['003106199501017771', 'MEM_2_REGION'],
      [makeIdNumber('330106', '19951301', '777'), 'MEM_2_BIRTH_DATE'],
      [`${first17}${wrong}`, 'MEM_2_CHECK_DIGIT'],
    ]) {
      const id = await university.post('/api/cadres', cadreInput(tree.collegeA.id, { idNumber }));
      expect(id.status, idNumber).toBe(400);
      expect(id.body.error.code).toBe(code);
    }
    const other = await f.member(tree.branchA1);
    const input = cadreInput(tree.collegeA.id, { phone: other.person.phone });
    const phone = await university.post('/api/cadres', input);
    expect(phone.status).toBe(409);
    expect(phone.body.error.code).toBe('MEM_1_PHONE_TAKEN');
    const [none] = await t.ctx.db.select().from(persons).where(eq(persons.idNumberIdx, t.ctx.cipher.blindIndex('id', input.idNumber)));
    expect(none).toBeUndefined();
    const outside = await university.post('/api/cadres', cadreInput(tree.township.id));
    expect(outside.status).toBe(404);
    const future = await university.post('/api/cadres', cadreInput(tree.collegeA.id, { startedAt: '2026-03-03' }));
    expect(future.status).toBe(400);
    expect(future.body.error.details[0].field).toBe('startedAt');
  });
});

describe('CAD-3 职务变更, 卸任 and history', () => {
  it('CAD-3 a change ends the old post and starts the new one linked to it; the history lists both', async () => {
    const created = await university.post('/api/cadres', cadreInput(tree.collegeB.id, { position: '委员', startedAt: '2024-09-01' }));
    const res = await university.post(`/api/cadres/${created.body.id}/change`, { position: '副书记', startedAt: '2026-01-10', note: '换届' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ position: '副书记', startedAt: '2026-01-10', endedAt: null, previousId: created.body.id, personId: created.body.personId });
    const [old] = await t.ctx.db.select().from(cadrePositions).where(eq(cadrePositions.id, created.body.id));
    expect(old).toMatchObject({ endedAt: '2026-01-10', endNote: '换届' });
    const history = await university.get(`/api/cadres/${res.body.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((c: { id: number; position: string; endedAt: string | null }) => [c.id, c.position, c.endedAt])).toEqual([
      [res.body.id, '副书记', null],
      [created.body.id, '委员', '2026-01-10'],
    ]);
    const fromOld = await university.get(`/api/cadres/${created.body.id}/history`);
    expect(fromOld.body.items).toHaveLength(2);
    const [audit] = await auditOf('CADRE_CHANGE', res.body.id);
    expect(audit).toMatchObject({ result: 'OK', reason: '换届' });
    expect(audit!.changes).toEqual({ position: { before: '委员', after: '副书记' }, nature: { before: null, after: null } });

    const ended = await university.post(`/api/cadres/${created.body.id}/change`, { position: '书记' });
    expect(ended.status).toBe(409);
    expect(ended.body.error.code).toBe('CAD_3_POSITION_ENDED');
    const same = await university.post(`/api/cadres/${res.body.id}/change`, { position: '副书记' });
    expect(same.status).toBe(422);
    expect(same.body.error.code).toBe('CAD_3_SAME_POSITION');
    const invalid = await university.post(`/api/cadres/${res.body.id}/change`, { position: '常委' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('CAD_1_POSITION_INVALID');
    const nature = await university.post(`/api/cadres/${res.body.id}/change`, { position: '书记', nature: 'PART_TIME' });
    expect(nature.status).toBe(422);
    expect(nature.body.error.code).toBe('CAD_2_NATURE_LEADERSHIP_ONLY');
    const before = await university.post(`/api/cadres/${res.body.id}/change`, { position: '书记', startedAt: '2025-12-31' });
    expect(before.status).toBe(400);
    expect(before.body.error.code).toBe('VALIDATION_FAILED');
    expect(await postsOf(created.body.personId, tree.collegeB.id)).toHaveLength(2);
  });

  it('CAD-2 a leadership cadre’s nature can change alone', async () => {
    const created = await province.post('/api/cadres', cadreInput(tree.city.id, { position: '副书记', nature: 'SECONDED' }));
    const res = await province.post(`/api/cadres/${created.body.id}/change`, { position: '副书记', nature: 'FULL_TIME' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ position: '副书记', nature: 'FULL_TIME', previousId: created.body.id });
    const cleared = await province.post(`/api/cadres/${res.body.id}/change`, { position: '书记', nature: null });
    expect(cleared.status).toBe(422);
    expect(cleared.body.error.code).toBe('CAD_2_NATURE_REQUIRED');
  });

  it('CAD-3 卸任 ends the post; ended posts leave the list unless asked for', async () => {
    const created = await university.post('/api/cadres', cadreInput(tree.collegeA.id, { startedAt: '2025-01-01' }));
    const early = await university.post(`/api/cadres/${created.body.id}/end`, { endedAt: '2024-12-31' });
    expect(early.status).toBe(400);
    const res = await university.post(`/api/cadres/${created.body.id}/end`, { note: '工作调动' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ endedAt: '2026-03-02', endNote: '工作调动' });
    const list = await university.get(`/api/cadres?orgId=${tree.collegeA.id}&pageSize=100`);
    expect(list.body.items.map((c: { id: number }) => c.id)).not.toContain(created.body.id);
    const all = await university.get(`/api/cadres?orgId=${tree.collegeA.id}&includeEnded=true&pageSize=100`);
    expect(all.body.items.map((c: { id: number }) => c.id)).toContain(created.body.id);
    expect(all.body.items.at(-1).endedAt).not.toBeNull();
    expect(all.body.total).toBe(list.body.total + all.body.items.filter((c: { endedAt: string | null }) => c.endedAt).length);
    const [audit] = await auditOf('CADRE_END', created.body.id);
    expect(audit).toMatchObject({ result: 'OK', reason: '工作调动' });
    const twice = await university.post(`/api/cadres/${created.body.id}/end`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('CAD_3_POSITION_ENDED');
  });

  it('CAD_3_IS_ADMIN: the post of an admin of that org is not ended until the grant is revoked', async () => {
    const created = await university.post('/api/cadres', cadreInput(tree.collegeA.id, { position: '书记' }));
    const grant = await university.post('/api/admins', { orgId: tree.collegeA.id, personId: created.body.personId });
    expect(grant.status).toBe(201);
    const listed = await university.get(`/api/cadres?orgId=${tree.collegeA.id}&pageSize=100`);
    expect(listed.body.items.find((c: { id: number }) => c.id === created.body.id).isAdmin).toBe(true);
    const res = await university.post(`/api/cadres/${created.body.id}/end`, {});
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('CAD_3_IS_ADMIN');
    const [row] = await t.ctx.db.select().from(cadrePositions).where(eq(cadrePositions.id, created.body.id));
    expect(row!.endedAt).toBeNull();
    expect((await university.post(`/api/admins/${grant.body.id}/revoke`)).status).toBe(200);
    expect((await university.post(`/api/cadres/${created.body.id}/end`, {})).status).toBe(200);
  });

  it('CAD_1_BRANCH_CADRE_VIA_MEMBER: a branch post changes and ends through the member record', async () => {
    const member = await f.member(tree.branchA1, { isCadre: true, leaguePosition: '书记' });
    const [post] = await postsOf(member.personId, tree.branchA1.id);
    const list = await university.get(`/api/cadres?orgId=${tree.branchA1.id}`);
    expect(list.body.items.map((c: { id: number }) => c.id)).toEqual([post!.id]);
    const change = await university.post(`/api/cadres/${post!.id}/change`, { position: '副书记' });
    expect(change.status).toBe(422);
    expect(change.body.error.code).toBe('CAD_1_BRANCH_CADRE_VIA_MEMBER');
    const end = await university.post(`/api/cadres/${post!.id}/end`, {});
    expect(end.status).toBe(422);
    expect(end.body.error.code).toBe('CAD_1_BRANCH_CADRE_VIA_MEMBER');
  });

  it('SEC-1 a cadre outside the scope is not found for change, end, history and list', async () => {
    const created = await county.post('/api/cadres', cadreInput(tree.township.id));
    for (const res of [
      await university.post(`/api/cadres/${created.body.id}/change`, { position: '书记' }),
      await university.post(`/api/cadres/${created.body.id}/end`, {}),
      await university.get(`/api/cadres/${created.body.id}/history`),
      await university.get(`/api/cadres?orgId=${tree.township.id}`),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    const [row] = await t.ctx.db.select().from(cadrePositions).where(eq(cadrePositions.id, created.body.id));
    expect(row!.endedAt).toBeNull();
    const denied = (await auditOf('ACCESS_DENIED', created.body.id)).filter((d) => d.objectType === 'cadre');
    expect(denied).toHaveLength(3);
    expect(denied[0]).toMatchObject({ result: 'DENIED', reason: 'OUT_OF_SCOPE', actingOrgId: tree.university.id });
    expect(await auditOf('CADRE_CHANGE', created.body.id)).toHaveLength(0);
    const missing = await university.post('/api/cadres/999999/end', {});
    expect(missing.body).toEqual((await university.get(`/api/cadres/${created.body.id}/history`)).body);
  });

  it('lists the acting org’s own cadres by default', async () => {
    const res = await university.get('/api/cadres');
    expect(res.status).toBe(200);
    expect(res.body.items.every((c: { orgId: number }) => c.orgId === tree.university.id)).toBe(true);
    expect(res.body.total).toBe(1);
  });
});
