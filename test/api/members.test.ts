import { and, asc, eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accounts, auditLog, cadrePositions, members, memberships, persons } from '../../src/db/schema';
import { idCheckChar, makeIdNumber } from '../../src/domain/id-number';
import { createTestApp, TEST_NOW, type TestApp } from '../helpers/app';
import { login } from '../helpers/client';
import { holdMove, waitsForLock } from '../helpers/moves';
import { testDbKind } from '../helpers/test-db';
import { Factory, memberInput, testIdNumber, testPhone, type Client, type OrgRow, type Tree } from '../helpers/factories';

let t: TestApp;
let f: Factory;
let tree: Tree;
let college: Client;
let university: Client;
let county: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  college = (await f.admin(tree.collegeA)).client;
  university = (await f.admin(tree.university)).client;
  county = (await f.admin(tree.county)).client;
});
afterAll(() => t.close());

const maskedId = (id: string) => `${id.slice(0, 3)}${'*'.repeat(14)}${id.slice(-1)}`;
const maskedPhone = (p: string) => `${p.slice(0, 3)}****${p.slice(-4)}`;

async function auditOf(action: string, objectId?: number) {
  return t.ctx.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), objectId === undefined ? undefined : eq(auditLog.objectId, String(objectId))))
    .orderBy(asc(auditLog.id));
}

async function personsWithId(idNumber: string) {
  return t.ctx.db.select().from(persons).where(eq(persons.idNumberIdx, t.ctx.cipher.blindIndex('id', idNumber)));
}

async function cadreRows(personId: number, orgId: number) {
  return t.ctx.db
    .select()
    .from(cadrePositions)
    .where(and(eq(cadrePositions.personId, personId), eq(cadrePositions.orgId, orgId)))
    .orderBy(asc(cadrePositions.id));
}

/** A fresh branch under 计算机学院团委, so each test counts only its own members. */
let branchNo = 0;
function branch(o: { graduationAt?: string; category?: 'NORMAL' | 'GRADUATE' } = {}) {
  return f.org(tree.collegeA, { name: `测试${++branchNo}班团支部`, kind: 'BRANCH', ...o });
}

describe('POST /api/members (MEM-1, MEM-2, MEM-6)', () => {
  it('MEM-1 a college admin creates a member and finds it in the list; person, membership period, account and audit are written', async () => {
    const input = memberInput(tree.branchA1.id, 1);
    const created = await college.post('/api/members', input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: '新团员1',
      idNumber: maskedId(input.idNumber),
      phone: maskedPhone(input.phone),
      gender: Number(input.idNumber[16]) % 2 === 1 ? 'MALE' : 'FEMALE',
      birthDate: '2005-03-01',
      branchId: tree.branchA1.id,
      branchName: '2023级计算机1班团支部',
      status: 'ACTIVE',
      identityStatus: 'VERIFIED',
      identityIssues: [],
      isCadre: false,
      can: { edit: true, leave: true, restore: false, resetPassword: true, reveal: true },
    });
    expect(created.body.memberships).toEqual([
      { branchId: tree.branchA1.id, branchName: '2023级计算机1班团支部', startedAt: TEST_NOW, startReason: 'ENTRY', endedAt: null, endReason: null, note: null },
    ]);
    const list = await college.get(`/api/members?name=${encodeURIComponent('新团员')}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: { id: number }) => m.id)).toContain(created.body.id);
    const children = await college.get(`/api/orgs/${tree.collegeA.id}/children`);
    expect(children.body.items.find((o: { id: number }) => o.id === tree.branchA1.id).memberCount).toBe(1);

    const [person] = await personsWithId(input.idNumber);
    expect(person).toMatchObject({ name: '新团员1', idNumberMasked: maskedId(input.idNumber), birthDate: '2005-03-01' });
    expect(t.ctx.cipher.decrypt(person!.idNumberEnc)).toBe(input.idNumber);
    const [account] = await t.ctx.db.select().from(accounts).where(eq(accounts.personId, person!.id));
    expect(account).toMatchObject({ passwordHash: null, mustChangePassword: true });
    const [audit] = await auditOf('MEMBER_CREATE', created.body.id);
    expect(audit).toMatchObject({ result: 'OK', actingOrgId: tree.collegeA.id, objectLabel: `新团员1（${maskedId(input.idNumber)}）`, orgPath: tree.branchA1.path });
    expect(JSON.stringify(audit)).not.toContain(input.idNumber);

    // MEM-6: username = ID number, initial password = its last 8 characters, changed at first login.
    const member = await login(t.app, input.idNumber, input.idNumber.slice(-8), '10.9.0.1');
    expect(member.session).toMatchObject({ mustChangePassword: true, passwordChangeReason: 'INITIAL', person: { memberId: created.body.id } });
  });

  it('MEM-1 refuses a member without a required field, naming the field', async () => {
    for (const field of ['name', 'idNumber', 'branchId', 'ethnicity', 'politicalStatus', 'joinedLeagueAt', 'isCadre']) {
      const input: Record<string, unknown> = memberInput(tree.branchA1.id, 2);
      delete input[field];
      const res = await college.post('/api/members', input);
      expect(res.status, field).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
    const ethnicity = await college.post('/api/members', memberInput(tree.branchA1.id, 2, { ethnicity: '火星族' }));
    expect(ethnicity.status).toBe(400);
    expect(ethnicity.body.error.message).toContain('56个民族');
    const joined = await college.post('/api/members', memberInput(tree.branchA1.id, 2, { joinedLeagueAt: '2020-13' }));
    expect(joined.status).toBe(400);
    const derived = await college.post('/api/members', memberInput(tree.branchA1.id, 2, { identityStatus: 'VERIFIED' }));
    expect(derived.status).toBe(400);
    expect(derived.body.error.code).toBe('FIELD_NOT_ALLOWED');
    expect(await personsWithId(memberInput(0, 2).idNumber)).toHaveLength(0);
  });

  it('MEM-2 says exactly what is wrong with an ID number, in Chinese', async () => {
    const first17 = '33010620050301123';
    const right = idCheckChar(first17);
    const wrong = right === '0' ? '1' : '0';
    const cases: [string, string, string][] = [
      [first17, 'MEM_2_LENGTH', '身份证号码应为18位，实际为17位'],
      ['330106050301123', 'MEM_2_LENGTH', '这是15位旧号码'],
      ['3301062005030112A4', 'MEM_2_FORMAT', '前17位必须是数字'],
      ['990106200503011234', 'MEM_2_REGION', '前两位“99”不是有效的省级行政区划代码'],
      [makeIdNumber('330106', '20050230', '123'), 'MEM_2_BIRTH_DATE', '“20050230”不是真实存在的日期'],
      [makeIdNumber('330106', '20270101', '123'), 'MEM_2_BIRTH_DATE', '晚于今天'],
      [`${first17}${wrong}`, 'MEM_2_CHECK_DIGIT', `第18位应为“${right}”，实际为“${wrong}”`],
    ];
    for (const [idNumber, code, message] of cases) {
      const res = await college.post('/api/members', memberInput(tree.branchA1.id, 3, { idNumber }));
      expect(res.status, idNumber).toBe(400);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.message).toContain(message);
      expect(res.body.error.details[0]).toMatchObject({ field: 'idNumber', code });
    }
    expect(await auditOf('MEMBER_CREATE')).toHaveLength(1);
  });

  it('MEM-2 accepts a lower-case x and stores it upper-case', async () => {
    let seq = 0;
    while (idCheckChar(`330106200503017${String(seq).padStart(2, '0')}`) !== 'X') seq++;
    const idNumber = `330106200503017${String(seq).padStart(2, '0')}X`;
    const res = await college.post('/api/members', memberInput(tree.branchA1.id, 4, { idNumber: idNumber.toLowerCase() }));
    expect(res.status).toBe(201);
    expect(res.body.idNumber).toBe(maskedId(idNumber));
    const reveal = await college.post(`/api/members/${res.body.id}/reveal`);
    expect(reveal.body.idNumber).toBe(idNumber);
    expect(await personsWithId(idNumber)).toHaveLength(1);
    const found = await college.get(`/api/members?idNumber=${idNumber.toLowerCase()}`);
    expect(found.body.items.map((m: { id: number }) => m.id)).toEqual([res.body.id]);
  });

  it('MEM_2_ID_NUMBER_TAKEN: an ID number is unique in the whole system; the branch is named only inside the scope', async () => {
    const existing = await f.member(tree.branchA1, { name: '重复甲' });
    const inScope = await college.post('/api/members', memberInput(tree.branchA2.id, 5, { name: '重复甲', idNumber: existing.idNumber }));
    expect(inScope.status).toBe(409);
    expect(inScope.body.error.code).toBe('MEM_2_ID_NUMBER_TAKEN');
    expect(inScope.body.error.message).toContain('“2023级计算机1班团支部”');

    const elsewhere = await f.member(tree.transition, { name: '重复乙' });
    const outside = await college.post('/api/members', memberInput(tree.branchA2.id, 5, { name: '重复乙', idNumber: elsewhere.idNumber }));
    expect(outside.status).toBe(409);
    expect(outside.body.error.code).toBe('MEM_2_ID_NUMBER_TAKEN');
    expect(outside.body.error.message).toContain('其他组织');
    expect(outside.body.error.message).not.toContain('学社衔接');
    const rows = await t.ctx.db.select().from(members).where(eq(members.personId, elsewhere.person.id));
    expect(rows.map((r) => r.branchId)).toEqual([tree.transition.id]);
  });

  it('MEM_2_NAME_MISMATCH: an ID number already known for another name is refused; the same name reuses the person', async () => {
    const cadre = await f.person({ name: '干部张', phone: null });
    const mismatch = await college.post('/api/members', memberInput(tree.branchA2.id, 6, { name: '干部李', idNumber: cadre.idNumber }));
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.error.code).toBe('MEM_2_NAME_MISMATCH');
    expect(mismatch.body.error.message).toContain('不一致');
    const same = await college.post('/api/members', memberInput(tree.branchA2.id, 6, { name: '干部张', idNumber: cadre.idNumber }));
    expect(same.status).toBe(201);
    expect(same.body.personId).toBe(cadre.id);
    expect(await personsWithId(cadre.idNumber)).toHaveLength(1);
  });

  it('MEM_1_PHONE_TAKEN: one person, one phone number', async () => {
    const other = await f.member(tree.branchA1);
    const input = memberInput(tree.branchA2.id, 7, { phone: other.person.phone });
    const res = await college.post('/api/members', input);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('MEM_1_PHONE_TAKEN');
    expect(await personsWithId(input.idNumber)).toHaveLength(0);
  });

  it('MEM_1_PHONE_REQUIRED: a phone is required in a branch graduating this year or a 毕业生团组织', async () => {
    const graduating = await branch({ graduationAt: '2026-06' });
    const graduate = await branch({ category: 'GRADUATE' });
    const later = await branch({ graduationAt: '2027-06' });
    for (const b of [graduating, graduate]) {
      const res = await college.post('/api/members', memberInput(b.id, 8, { phone: undefined }));
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('MEM_1_PHONE_REQUIRED');
    }
    const ok = await college.post('/api/members', memberInput(later.id, 8, { phone: undefined }));
    expect(ok.status).toBe(201);
    expect(ok.body.phone).toBeNull();
    expect(ok.body.missingFields).toContain('phone');
  });

  it('ORG_6_BRANCH_ONLY: members are entered into a 团支部 only; a branch outside the scope is not found', async () => {
    const committee = await college.post('/api/members', memberInput(tree.collegeA.id, 9));
    expect(committee.status).toBe(422);
    expect(committee.body.error.code).toBe('ORG_6_BRANCH_ONLY');
    expect(committee.body.error.message).toContain('计算机学院团委');
    const outside = await college.post('/api/members', memberInput(tree.branchB1.id, 9));
    expect(outside.status).toBe(404);
    expect(outside.body.error.code).toBe('NOT_FOUND');
  });

  it('MEM-1 a cadre names a valid branch post, which creates the branch cadre post', async () => {
    const missing = await college.post('/api/members', memberInput(tree.branchA2.id, 10, { isCadre: true }));
    expect(missing.status).toBe(422);
    expect(missing.body.error.code).toBe('MEM_1_POSITION_REQUIRED');
    const invalid = await college.post('/api/members', memberInput(tree.branchA2.id, 10, { isCadre: true, leaguePosition: '常委' }));
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('CAD_1_POSITION_INVALID');
    expect(invalid.body.error.message).toContain('组织委员');
    const notCadre = await college.post('/api/members', memberInput(tree.branchA2.id, 10, { isCadre: false, leaguePosition: '书记' }));
    expect(notCadre.status).toBe(400);
    expect(notCadre.body.error.code).toBe('VALIDATION_FAILED');
    const ok = await college.post('/api/members', memberInput(tree.branchA2.id, 10, { isCadre: true, leaguePosition: '组织委员' }));
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ isCadre: true, leaguePosition: '组织委员' });
    const posts = await cadreRows(ok.body.personId, tree.branchA2.id);
    expect(posts).toMatchObject([{ position: '组织委员', startedAt: '2026-03-02', endedAt: null }]);
  });

  it('DEV_3_NUMBER_TAKEN: a development number belongs to one member; nothing is half-written', async () => {
    const first = await college.post('/api/members', memberInput(tree.branchA2.id, 11, { developmentNumber: '202000009911' }));
    expect(first.status).toBe(201);
    const input = memberInput(tree.branchA2.id, 12, { developmentNumber: '202000009911' });
    const res = await college.post('/api/members', input);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('DEV_3_NUMBER_TAKEN');
    expect(await personsWithId(input.idNumber)).toHaveLength(0);
    const audits = await auditOf('MEMBER_CREATE');
    expect(audits.filter((a) => a.objectLabel?.startsWith('新团员12'))).toHaveLength(0);
  });

  it('MEM-1 refuses a joining month in the future or before birth, and an unknown developing org', async () => {
    const future = await college.post('/api/members', memberInput(tree.branchA2.id, 13, { joinedLeagueAt: '2026-04' }));
    expect(future.status).toBe(400);
    expect(future.body.error.message).toBe('入团年月不能晚于当前月份');
    const beforeBirth = await college.post('/api/members', memberInput(tree.branchA2.id, 13, { joinedLeagueAt: '2004-05' }));
    expect(beforeBirth.status).toBe(400);
    expect(beforeBirth.body.error.message).toBe('入团年月不能早于出生年月');
    const org = await college.post('/api/members', memberInput(tree.branchA2.id, 13, { developedByOrgId: 999999 }));
    expect(org.status).toBe(400);
    expect(org.body.error.details[0].field).toBe('developedByOrgId');
    const ok = await college.post('/api/members', memberInput(tree.branchA2.id, 13, { developedByOrgId: tree.branchA1.id }));
    expect(ok.body.developedByOrgId).toBe(tree.branchA1.id);
  });
});

describe('MEM-3 identity status, ST-2 completeness, MEM-4 late entry', () => {
  let n = 100;
  async function create(over: Record<string, unknown>, birth = '20050301') {
    n++;
    const res = await college.post('/api/members', memberInput(tree.branchA2.id, n, { idNumber: testIdNumber(500 + n, birth), ...over }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }
  const codes = (m: { identityIssues: { code: string }[] }) => m.identityIssues.map((i) => i.code);

  it('MEM-3 joined 2017 or later without a development number → 需整改, saying why', async () => {
    const m = await create({ joinedLeagueAt: '2020-05', developmentNumber: null });
    expect(m.identityStatus).toBe('NEEDS_RECTIFICATION');
    expect(m.identityIssues).toEqual([{ code: 'DEV_3_MISSING', message: '2017年及以后入团的团员须有发展团员编号' }]);
    const card = await create({ joinedLeagueAt: '2020-05', identityEvidence: 'MEMBER_CARD' });
    expect(codes(card)).toEqual(['MEM_3_APPLICATION_FORM_REQUIRED']);
  });

  it('MEM-3 joined 2017 or later younger than 13 → 需整改', async () => {
    const m = await create({ joinedLeagueAt: '2021-05', developmentNumber: '202100000777' }, '20080615');
    expect(m.identityStatus).toBe('NEEDS_RECTIFICATION');
    expect(m.identityIssues).toEqual([{ code: 'MEM_3_TOO_YOUNG', message: '入团时12周岁，2017年及以后入团的须年满13周岁' }]);
    const thirteen = await create({ joinedLeagueAt: '2021-06', developmentNumber: '202100000778' }, '20080615');
    expect(thirteen.identityStatus).toBe('VERIFIED');
  });

  it('MEM-3 joined before 2017 with a 团员证 and aged 12 or more → VERIFIED, no development number needed', async () => {
    const m = await create({ joinedLeagueAt: '2012-05', identityEvidence: 'MEMBER_CARD', developmentNumber: null }, '19980110');
    expect(m).toMatchObject({ identityStatus: 'VERIFIED', identityIssues: [] });
    expect(m.missingFields).not.toContain('developmentNumber');
    const letter = await create({ joinedLeagueAt: '2014-05', identityEvidence: 'INTRODUCTION_LETTER', developmentNumber: null }, '19980110');
    expect(letter.identityStatus).toBe('VERIFIED');
    const none = await create({ joinedLeagueAt: '2014-05', identityEvidence: null, developmentNumber: null }, '19980110');
    expect(codes(none)).toEqual(['MEM_3_EVIDENCE_MISSING']);
    const young = await create({ joinedLeagueAt: '2009-05', identityEvidence: 'MEMBER_CARD', developmentNumber: null }, '19980110');
    expect(young.identityIssues).toEqual([{ code: 'MEM_3_TOO_YOUNG', message: '入团时11周岁，2017年以前入团的须年满12周岁' }]);
  });

  it('MEM-3 2016 is treated like the years before it: 12 is old enough and no development number is needed', async () => {
    const m = await create({ joinedLeagueAt: '2016-07', identityEvidence: 'MEMBER_CARD', developmentNumber: null }, '20040301');
    expect(m).toMatchObject({ identityStatus: 'VERIFIED', identityIssues: [] });
    const in2017 = await create({ joinedLeagueAt: '2017-07', identityEvidence: 'APPLICATION_FORM', developmentNumber: '201700000123' }, '20050301');
    expect(codes(in2017)).toEqual(['MEM_3_TOO_YOUNG']);
  });

  it('DEV-3 the number is 12 digits starting with the joining year; 2017 and 2018 are interchangeable', async () => {
    expect((await create({ joinedLeagueAt: '2017-09', developmentNumber: '201800000001' }, '20000301')).identityStatus).toBe('VERIFIED');
    expect((await create({ joinedLeagueAt: '2018-03', developmentNumber: '201700000002' }, '20000301')).identityStatus).toBe('VERIFIED');
    const year = await create({ joinedLeagueAt: '2019-03', developmentNumber: '201800000003' });
    expect(year.identityIssues).toEqual([{ code: 'DEV_3_YEAR', message: '发展团员编号前四位（2018）应与入团年份（2019）一致' }]);
    const format = await create({ joinedLeagueAt: '2019-03', developmentNumber: '20191234' });
    expect(codes(format)).toEqual(['DEV_3_FORMAT']);
    const letters = await college.post('/api/members', memberInput(tree.branchA2.id, 199, { developmentNumber: '2019ABCD0001' }));
    expect(letters.status).toBe(400);
  });

  it('ST-2 lists the missing profile fields; a full profile is complete', async () => {
    const bare = await create({});
    expect(bare.missingFields).toEqual(['education', 'highestEducation', 'occupation', 'workUnit', 'hukouAddress', 'residenceAddress']);
    expect(bare.profileComplete).toBe(false);
    const full = await create({
      education: '大学本科',
      highestEducation: '大学本科',
      occupation: '学生',
      workUnit: '演示大学',
      hukouAddress: '浙江省杭州市西湖区',
      residenceAddress: '浙江省杭州市西湖区西溪路1号',
    });
    expect(full).toMatchObject({ missingFields: [], profileComplete: true });
    const cadre = await create({
      isCadre: true,
      leaguePosition: '书记',
      education: '大学本科',
      highestEducation: '大学本科',
      occupation: '学生',
      workUnit: '演示大学',
      hukouAddress: '浙江省',
      residenceAddress: '浙江省',
      phone: undefined,
    });
    expect(cadre).toMatchObject({ missingFields: ['phone'], profileComplete: false });
  });

  it('MEM-8 a member aged 28 or more without a league post is due to leave', async () => {
    expect((await create({ joinedLeagueAt: '2012-05', identityEvidence: 'MEMBER_CARD', developmentNumber: null }, '19980303')).dueToLeave).toBe(false);
    expect((await create({ joinedLeagueAt: '2012-05', identityEvidence: 'MEMBER_CARD', developmentNumber: null }, '19980302')).dueToLeave).toBe(true);
    const cadre = await create({ joinedLeagueAt: '2012-05', identityEvidence: 'MEMBER_CARD', developmentNumber: null, isCadre: true, leaguePosition: '书记' }, '19900101');
    expect(cadre.dueToLeave).toBe(false);
  });

  it('MEM-4 an entry more than a month after the admitting meeting is late', async () => {
    expect((await create({ admittedAt: '2026-01-15' })).lateEntry).toBe(true);
    expect((await create({ admittedAt: '2026-02-01' })).lateEntry).toBe(true);
    expect((await create({ admittedAt: '2026-02-02' })).lateEntry).toBe(false);
    expect((await create({})).lateEntry).toBe(false);
  });
});

describe('GET /api/members (filters, sorts, paging)', () => {
  let l1: OrgRow;
  let l2: OrgRow;
  let lister: Client;
  const m: Record<'a' | 'b' | 'c' | 'd', { id: number; idNumber: string }> = {} as never;
  const ids = (res: { body: { items: { id: number }[] } }) => res.body.items.map((i) => i.id);

  beforeAll(async () => {
    const committee = await f.org(tree.university, { name: '列表学院团委', kind: 'COMMITTEE' });
    l1 = await f.org(committee, { name: '列表1班团支部', kind: 'BRANCH' });
    l2 = await f.org(committee, { name: '列表2班团支部', kind: 'BRANCH' });
    lister = (await f.admin(committee)).client;
    const base = new Date(TEST_NOW).getTime();
    const at = (minutes: number) => t.clock.freeze(new Date(base + minutes * 60_000));
    const make = async (key: 'a' | 'b' | 'c' | 'd', minutes: number, input: Record<string, unknown>) => {
      at(minutes);
      const res = await lister.post('/api/members', input);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      m[key] = { id: res.body.id, idNumber: input.idNumber as string };
    };
    await make('a', 3, memberInput(l1.id, 301, {
      name: '列表C',
      joinedLeagueAt: '2019-05',
      developmentNumber: '201900000301',
      isCadre: true,
      leaguePosition: '书记',
      education: '大学本科',
      highestEducation: '大学本科',
      occupation: '学生',
      workUnit: '演示大学',
      hukouAddress: '浙江',
      residenceAddress: '浙江',
    }));
    await make('b', 1, memberInput(l1.id, 302, { name: '列表A', politicalStatus: 'PARTY_PROBATIONARY', joinedLeagueAt: '2018-05', developmentNumber: '201800000302' }));
    await make('c', 2, memberInput(l2.id, 303, { name: '列表D', politicalStatus: 'PARTY_MEMBER', joinedLeagueAt: '2020-05', developmentNumber: null }));
    await make('d', 0, memberInput(l2.id, 304, { name: '列表B', joinedLeagueAt: '2021-05', developmentNumber: '202100000304' }));
    at(5);
    expect((await lister.post(`/api/members/${m.d.id}/leave`, { reason: 'VOLUNTARY' })).status).toBe(200);
  });

  it('lists the active members of the scope by default, with totals', async () => {
    const res = await lister.get('/api/members');
    expect(res.body).toMatchObject({ total: 3, page: 1, pageSize: 20 });
    expect(ids(res)).toEqual([m.a.id, m.b.id, m.c.id]);
  });

  it('filters by branch (orgId), only inside the scope', async () => {
    expect(ids(await lister.get(`/api/members?orgId=${l1.parentId}`))).toEqual([m.a.id, m.b.id, m.c.id]);
    expect(ids(await lister.get(`/api/members?orgId=${l1.id}`))).toEqual([m.a.id, m.b.id]);
    expect(ids(await lister.get(`/api/members?orgId=${l2.id}`))).toEqual([m.c.id]);
    const outside = await lister.get(`/api/members?orgId=${tree.branchA1.id}`);
    expect(outside.body).toMatchObject({ items: [], total: 0 });
  });

  it('filters by name prefix and by exact ID number', async () => {
    expect(ids(await lister.get(`/api/members?name=${encodeURIComponent('列表')}`))).toEqual([m.a.id, m.b.id, m.c.id]);
    expect(ids(await lister.get(`/api/members?name=${encodeURIComponent('列表D')}`))).toEqual([m.c.id]);
    expect(ids(await lister.get(`/api/members?name=${encodeURIComponent('表D')}`))).toEqual([]);
    expect(ids(await lister.get(`/api/members?name=${encodeURIComponent('列%')}`))).toEqual([]);
    expect(ids(await lister.get(`/api/members?idNumber=${m.c.idNumber}`))).toEqual([m.c.id]);
    expect(ids(await lister.get(`/api/members?idNumber=${m.c.idNumber.slice(0, 17)}`))).toEqual([]);
  });

  it('filters by political status, cadre, completeness and identity status', async () => {
    expect(ids(await lister.get('/api/members?politicalStatus=PARTY_MEMBER'))).toEqual([m.c.id]);
    expect(ids(await lister.get('/api/members?politicalStatus=PARTY_PROBATIONARY'))).toEqual([m.b.id]);
    expect(ids(await lister.get('/api/members?isCadre=true'))).toEqual([m.a.id]);
    expect(ids(await lister.get('/api/members?isCadre=false'))).toEqual([m.b.id, m.c.id]);
    expect(ids(await lister.get('/api/members?profileComplete=true'))).toEqual([m.a.id]);
    expect(ids(await lister.get('/api/members?profileComplete=false'))).toEqual([m.b.id, m.c.id]);
    expect(ids(await lister.get('/api/members?identityStatus=NEEDS_RECTIFICATION'))).toEqual([m.c.id]);
    expect(ids(await lister.get('/api/members?identityStatus=VERIFIED'))).toEqual([m.a.id, m.b.id]);
    expect((await lister.get('/api/members?isCadre=yes')).status).toBe(400);
  });

  it('filters by status ACTIVE / LEFT / ALL', async () => {
    expect(ids(await lister.get('/api/members?status=LEFT'))).toEqual([m.d.id]);
    expect(ids(await lister.get('/api/members?status=ALL'))).toEqual([m.a.id, m.b.id, m.c.id, m.d.id]);
    expect(ids(await lister.get('/api/members?status=ACTIVE'))).toEqual([m.a.id, m.b.id, m.c.id]);
  });

  it('sorts by branch, name, joining month and entry time, both ways', async () => {
    const sorted = async (sort: string) => ids(await lister.get(`/api/members?status=ALL&sort=${encodeURIComponent(sort)}`));
    expect(await sorted('branch')).toEqual([m.a.id, m.b.id, m.c.id, m.d.id]);
    expect(await sorted('name')).toEqual([m.b.id, m.d.id, m.a.id, m.c.id]);
    expect(await sorted('-name')).toEqual([m.c.id, m.a.id, m.d.id, m.b.id]);
    expect(await sorted('joinedLeagueAt')).toEqual([m.b.id, m.a.id, m.c.id, m.d.id]);
    expect(await sorted('-joinedLeagueAt')).toEqual([m.d.id, m.c.id, m.a.id, m.b.id]);
    expect(await sorted('createdAt')).toEqual([m.d.id, m.b.id, m.c.id, m.a.id]);
    expect(await sorted('-createdAt')).toEqual([m.a.id, m.c.id, m.b.id, m.d.id]);
    expect((await lister.get('/api/members?sort=idNumber')).status).toBe(400);
  });

  it('pages with totals; page size is capped at 100', async () => {
    const page2 = await lister.get('/api/members?status=ALL&sort=name&page=2&pageSize=2');
    expect(page2.body).toMatchObject({ total: 4, page: 2, pageSize: 2 });
    expect(ids(page2)).toEqual([m.a.id, m.c.id]);
    const beyond = await lister.get('/api/members?status=ALL&page=3&pageSize=2');
    expect(beyond.body).toMatchObject({ items: [], total: 4 });
    expect((await lister.get('/api/members?pageSize=101')).status).toBe(400);
  });

  it('SEC-4 masks ID numbers and phones in the list and the detail', async () => {
    const input = memberInput(l1.id, 301);
    const list = await lister.get(`/api/members?orgId=${l1.id}`);
    const item = list.body.items.find((i: { id: number }) => i.id === m.a.id);
    expect(item.idNumber).toBe(maskedId(input.idNumber));
    expect(item.phone).toBe(maskedPhone(input.phone));
    const detail = await lister.get(`/api/members/${m.a.id}`);
    expect(detail.body.idNumber).toBe(maskedId(input.idNumber));
    expect(detail.body.phone).toBe(maskedPhone(input.phone));
    for (const body of [JSON.stringify(list.body), JSON.stringify(detail.body)]) {
      expect(body).not.toContain(input.idNumber.slice(-8));
      expect(body).not.toContain(input.phone);
    }
  });
});

describe('GET /api/members/:id and reveal', () => {
  it('SEC-1 a member outside the scope answers exactly like a missing one', async () => {
    const other = await f.member(tree.transition);
    const outside = await college.get(`/api/members/${other.id}`);
    const missing = await college.get('/api/members/999999');
    expect(outside.status).toBe(404);
    expect(outside.body).toEqual(missing.body);
    expect((await county.get(`/api/members/${other.id}`)).status).toBe(200);
  });

  it('SEC-4 reveal returns the full ID number and phone to an admin in scope, and is audited', async () => {
    const member = await f.member(tree.branchA1);
    const res = await college.post(`/api/members/${member.id}/reveal`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ idNumber: member.idNumber, phone: member.person.phone });
    const [audit] = await auditOf('MEMBER_REVEAL', member.id);
    expect(audit).toMatchObject({ result: 'OK', actingOrgId: tree.collegeA.id, objectLabel: `${member.person.name}（${maskedId(member.idNumber)}）` });
    expect(JSON.stringify(audit)).not.toContain(member.idNumber);
    const outside = await county.post(`/api/members/${member.id}/reveal`);
    expect(outside.status).toBe(404);
    expect(await auditOf('MEMBER_REVEAL', member.id)).toHaveLength(1);
    const denied = await auditOf('ACCESS_DENIED', member.id);
    expect(denied.at(-1)).toMatchObject({ result: 'DENIED', actingOrgId: tree.county.id });
  });
});

describe('PATCH /api/members/:id (MEM-5)', () => {
  it('MEM_5_LOCKED_FIELD: name and ID number cannot be edited; the branch is not an editable field', async () => {
    const member = await f.member(tree.branchA1, { name: '锁定甲' });
    const name = await college.patch(`/api/members/${member.id}`, { name: '锁定乙' });
    expect(name.status).toBe(400);
    expect(name.body.error.code).toBe('MEM_5_LOCKED_FIELD');
    const id = await college.patch(`/api/members/${member.id}`, { idNumber: testIdNumber(999) });
    expect(id.status).toBe(400);
    expect(id.body.error.code).toBe('MEM_5_LOCKED_FIELD');
    const mixed = await college.patch(`/api/members/${member.id}`, { name: '锁定乙', workUnit: '某单位' });
    expect(mixed.body.error.code).toBe('MEM_5_LOCKED_FIELD');
    const branchId = await college.patch(`/api/members/${member.id}`, { branchId: tree.branchA2.id });
    expect(branchId.status).toBe(400);
    expect(branchId.body.error.code).toBe('FIELD_NOT_ALLOWED');
    const [row] = await t.ctx.db.select().from(members).where(eq(members.id, member.id));
    expect(row).toMatchObject({ branchId: tree.branchA1.id, workUnit: null });
    const [person] = await t.ctx.db.select().from(persons).where(eq(persons.id, member.personId));
    expect(person!.name).toBe('锁定甲');
    expect(await auditOf('MEMBER_UPDATE', member.id)).toHaveLength(0);
  });

  it('MEM-5 other fields change; identity and completeness are recomputed; the audit lists the changes with a masked phone', async () => {
    const member = await f.member(tree.branchA1, { joinedLeagueAt: '2020-05', developmentNumber: null });
    expect(member.identityStatus).toBe('NEEDS_RECTIFICATION');
    const phone = testPhone(8801);
    const res = await college.patch(`/api/members/${member.id}`, {
      developmentNumber: '202000008801',
      phone,
      education: '大学本科',
      highestEducation: '硕士研究生',
      occupation: '学生',
      workUnit: '演示大学',
      hukouAddress: '浙江省杭州市',
      residenceAddress: '浙江省杭州市西湖区',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      identityStatus: 'VERIFIED',
      identityIssues: [],
      profileComplete: true,
      missingFields: [],
      developmentNumber: '202000008801',
      phone: maskedPhone(phone),
      highestEducation: '硕士研究生',
    });
    const reveal = await college.post(`/api/members/${member.id}/reveal`);
    expect(reveal.body.phone).toBe(phone);
    const [audit] = await auditOf('MEMBER_UPDATE', member.id);
    expect(audit!.changes).toMatchObject({
      developmentNumber: { before: null, after: '202000008801' },
      workUnit: { before: null, after: '演示大学' },
      identityStatus: { before: 'NEEDS_RECTIFICATION', after: 'VERIFIED' },
      profileComplete: { before: false, after: true },
      phone: { before: maskedPhone(member.person.phone!), after: maskedPhone(phone) },
    });
    expect(Object.keys(audit!.changes!)).not.toContain('ethnicity');
    expect(JSON.stringify(audit)).not.toContain(phone);
    const list = await college.get(`/api/members?identityStatus=NEEDS_RECTIFICATION&orgId=${tree.branchA1.id}`);
    expect(list.body.items.map((i: { id: number }) => i.id)).not.toContain(member.id);
  });

  it('CAD-1 becoming a cadre creates the branch cadre post; a new post keeps the history; no longer a cadre ends it', async () => {
    const member = await f.member(tree.branchA1);
    const become = await college.patch(`/api/members/${member.id}`, { isCadre: true, leaguePosition: '宣传委员' });
    expect(become.status).toBe(200);
    expect(become.body).toMatchObject({ isCadre: true, leaguePosition: '宣传委员' });
    expect(await cadreRows(member.personId, tree.branchA1.id)).toMatchObject([{ position: '宣传委员', endedAt: null }]);
    await college.patch(`/api/members/${member.id}`, { leaguePosition: '副书记' });
    const afterChange = await cadreRows(member.personId, tree.branchA1.id);
    expect(afterChange).toMatchObject([
      { position: '宣传委员', endedAt: '2026-03-02', endNote: '职务变更' },
      { position: '副书记', endedAt: null, previousId: afterChange[0]!.id },
    ]);
    const stop = await college.patch(`/api/members/${member.id}`, { isCadre: false });
    expect(stop.body).toMatchObject({ isCadre: false, leaguePosition: null });
    expect((await cadreRows(member.personId, tree.branchA1.id)).every((r) => r.endedAt !== null)).toBe(true);
  });

  it('refuses a taken phone or development number, a missing post, a post not of a branch, a future joining month and a missing phone when graduating', async () => {
    const other = await f.member(tree.branchA1);
    const member = await f.member(tree.branchA1);
    const phone = await college.patch(`/api/members/${member.id}`, { phone: other.person.phone });
    expect(phone.status).toBe(409);
    expect(phone.body.error.code).toBe('MEM_1_PHONE_TAKEN');
    const dev = await college.patch(`/api/members/${member.id}`, { developmentNumber: other.developmentNumber });
    expect(dev.status).toBe(409);
    expect(dev.body.error.code).toBe('DEV_3_NUMBER_TAKEN');
    const post = await college.patch(`/api/members/${member.id}`, { isCadre: true });
    expect(post.status).toBe(422);
    expect(post.body.error.code).toBe('MEM_1_POSITION_REQUIRED');
    const invalid = await college.patch(`/api/members/${member.id}`, { isCadre: true, leaguePosition: '常委' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('CAD_1_POSITION_INVALID');
    const future = await college.patch(`/api/members/${member.id}`, { joinedLeagueAt: '2027-01' });
    expect(future.status).toBe(400);
    expect(future.body.error.code).toBe('VALIDATION_FAILED');
    const org = await college.patch(`/api/members/${member.id}`, { developedByOrgId: 999999 });
    expect(org.status).toBe(400);
    const graduating = await branch({ graduationAt: '2026-06' });
    const student = await f.member(graduating);
    const noPhone = await college.patch(`/api/members/${student.id}`, { phone: null });
    expect(noPhone.status).toBe(422);
    expect(noPhone.body.error.code).toBe('MEM_1_PHONE_REQUIRED');
    const [row] = await t.ctx.db.select().from(persons).where(eq(persons.id, member.personId));
    expect(row!.phoneMasked).toBe(maskedPhone(member.person.phone!));
    expect(await auditOf('MEMBER_UPDATE', member.id)).toHaveLength(0);
    const outside = await county.patch(`/api/members/${member.id}`, { workUnit: 'x' });
    expect(outside.status).toBe(404);
  });
});

describe('leave and restore (MEM-8)', () => {
  it('MEM-8 a member leaves only with a reason; the record stays, LEFT, and the membership period ends with LEFT', async () => {
    const member = await f.member(tree.branchA1);
    const noReason = await college.post(`/api/members/${member.id}/leave`, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.code).toBe('VALIDATION_FAILED');
    const badReason = await college.post(`/api/members/${member.id}/leave`, { reason: 'BORED' });
    expect(badReason.status).toBe(400);
    t.clock.advance(60_000);
    const res = await college.post(`/api/members/${member.id}/leave`, { reason: 'AGE_28', note: '已满28周岁' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'LEFT',
      leaveReason: 'AGE_28',
      leaveNote: '已满28周岁',
      leftAt: t.clock.now().toISOString(),
      can: { edit: false, leave: false, restore: true, resetPassword: false, reveal: true },
    });
    expect(res.body.memberships).toEqual([
      expect.objectContaining({ branchId: tree.branchA1.id, startReason: 'ENTRY', endedAt: t.clock.now().toISOString(), endReason: 'LEFT', note: '已满28周岁' }),
    ]);
    const [row] = await t.ctx.db.select().from(members).where(eq(members.id, member.id));
    expect(row).toMatchObject({ status: 'LEFT', leaveReason: 'AGE_28', branchId: tree.branchA1.id });
    const active = await college.get(`/api/members?orgId=${tree.branchA1.id}&pageSize=100`);
    expect(active.body.items.map((i: { id: number }) => i.id)).not.toContain(member.id);
    expect((await college.get(`/api/members/${member.id}`)).body.status).toBe('LEFT');
    const [audit] = await auditOf('MEMBER_LEAVE', member.id);
    expect(audit).toMatchObject({ result: 'OK', reason: '已满28周岁' });
    expect(audit!.changes).toMatchObject({ status: { before: 'ACTIVE', after: 'LEFT' }, leaveReason: { before: null, after: 'AGE_28' } });

    const outside = await county.post(`/api/members/${member.id}/leave`, { reason: 'VOLUNTARY' });
    expect(outside.status).toBe(404);
    expect(outside.body.error.code).toBe('NOT_FOUND');
    const twice = await college.post(`/api/members/${member.id}/leave`, { reason: 'VOLUNTARY' });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('MEM_8_ALREADY_LEFT');
    const edit = await college.patch(`/api/members/${member.id}`, { workUnit: 'x' });
    expect(edit.status).toBe(409);
    expect(edit.body.error.code).toBe('MEMBER_NOT_ACTIVE');
    t.clock.freeze(new Date(TEST_NOW));
  });

  it('MEM-8 a cadre who leaves loses the branch post; a branch admin must first lose the admin grant (CAD_3_IS_ADMIN)', async () => {
    const cadre = await f.member(tree.branchA2, { isCadre: true, leaguePosition: '组织委员' });
    const res = await college.post(`/api/members/${cadre.id}/leave`, { reason: 'VOLUNTARY' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ isCadre: false, leaguePosition: null });
    expect(await cadreRows(cadre.personId, tree.branchA2.id)).toMatchObject([{ position: '组织委员', endedAt: '2026-03-02', endNote: '离团' }]);

    const secretary = await f.member(tree.branchA2, { isCadre: true, leaguePosition: '书记' });
    const grant = await college.post('/api/admins', { orgId: tree.branchA2.id, personId: secretary.personId });
    expect(grant.status).toBe(201);
    const refused = await college.post(`/api/members/${secretary.id}/leave`, { reason: 'VOLUNTARY' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('CAD_3_IS_ADMIN');
    const notCadre = await college.patch(`/api/members/${secretary.id}`, { isCadre: false });
    expect(notCadre.status).toBe(422);
    expect(notCadre.body.error.code).toBe('CAD_3_IS_ADMIN');
    const [row] = await t.ctx.db.select().from(members).where(eq(members.id, secretary.id));
    expect(row).toMatchObject({ status: 'ACTIVE', isCadre: true });
    expect(await cadreRows(secretary.personId, tree.branchA2.id)).toMatchObject([{ position: '书记', endedAt: null }]);
    expect((await college.post(`/api/admins/${grant.body.id}/revoke`)).status).toBe(200);
    expect((await college.post(`/api/members/${secretary.id}/leave`, { reason: 'VOLUNTARY' })).status).toBe(200);
  });

  it('MEM-8 restores a member who left into a branch in scope, with a new RESTORE membership period', async () => {
    const member = await f.member(tree.branchA1);
    const notLeft = await college.post(`/api/members/${member.id}/restore`, { branchId: tree.branchA2.id });
    expect(notLeft.status).toBe(409);
    expect(notLeft.body.error.code).toBe('MEM_8_NOT_LEFT');
    t.clock.advance(60_000);
    await college.post(`/api/members/${member.id}/leave`, { reason: 'LAPSED' });
    t.clock.advance(60_000);
    const committee = await college.post(`/api/members/${member.id}/restore`, { branchId: tree.collegeA.id });
    expect(committee.status).toBe(422);
    expect(committee.body.error.code).toBe('ORG_6_BRANCH_ONLY');
    const outside = await college.post(`/api/members/${member.id}/restore`, { branchId: tree.branchB1.id });
    expect(outside.status).toBe(404);
    const res = await college.post(`/api/members/${member.id}/restore`, { branchId: tree.branchA2.id, note: '重新入团' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ACTIVE', branchId: tree.branchA2.id, leftAt: null, leaveReason: null });
    const t0 = new Date(TEST_NOW).getTime();
    expect(res.body.memberships).toEqual([
      { branchId: tree.branchA2.id, branchName: '2023级计算机2班团支部', startedAt: new Date(t0 + 120_000).toISOString(), startReason: 'RESTORE', endedAt: null, endReason: null, note: '重新入团' },
      { branchId: tree.branchA1.id, branchName: '2023级计算机1班团支部', startedAt: TEST_NOW, startReason: 'ENTRY', endedAt: new Date(t0 + 60_000).toISOString(), endReason: 'LEFT', note: null },
    ]);
    const periods = await t.ctx.db.select().from(memberships).where(eq(memberships.memberId, member.id));
    expect(periods.filter((p) => p.endedAt === null)).toHaveLength(1);
    const [row] = await t.ctx.db.select().from(members).where(eq(members.id, member.id));
    expect(row!.orgPath).toBe(tree.branchA2.path);
    const [audit] = await auditOf('MEMBER_RESTORE', member.id);
    expect(audit!.changes).toEqual({ status: { before: 'LEFT', after: 'ACTIVE' }, branchId: { before: tree.branchA1.id, after: tree.branchA2.id } });
    t.clock.freeze(new Date(TEST_NOW));
  });
});

describe('GET /api/members/export', () => {
  async function workbook(client: Client, query: string) {
    const res = await client.get(`/api/members/export?${query}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(String(res.headers['content-disposition'])).toContain(encodeURIComponent('团员名单-2026-03-02.xlsx'));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.raw.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('团员名单')!;
    const rows: unknown[][] = [];
    // An empty cell reads back as no value: normalise it to '' over the 14 columns.
    sheet.eachRow((row) => rows.push(Array.from({ length: 14 }, (_, i) => row.getCell(i + 1).value ?? '')));
    return rows;
  }

  it('SEC-4 exports the filtered list, masked, with formula-like names neutralised; the export is audited', async () => {
    const b = await branch();
    const plain = await f.member(b, { name: '导出甲' });
    const formulas = ['=SUM(1+1)', '+8613800000000', '-1+2', '@cmd'];
    for (const name of formulas) await f.member(b, { name });
    const other = await f.member(tree.branchA1, { name: '导出乙' });
    const rows = await workbook(college, `orgId=${b.id}`);
    expect(rows[0]).toEqual(['姓名', '身份证号码', '性别', '出生日期', '民族', '政治面貌', '入团年月', '所在团支部', '是否团干部', '团内职务', '手机号码', '团员身份', '资料是否完整', '状态']);
    expect(rows).toHaveLength(1 + 1 + formulas.length);
    expect(rows[1]).toEqual([
      '导出甲',
      maskedId(plain.idNumber),
      plain.person.gender === 'MALE' ? '男' : '女',
      '2004-06-15',
      '汉族',
      '共青团员',
      '2019-05',
      b.name,
      '否',
      '',
      maskedPhone(plain.person.phone!),
      '身份已确认',
      '不完整',
      '在团',
    ]);
    expect(rows.slice(2).map((r) => r[0])).toEqual(formulas.map((n) => `'${n}`));
    const flat = JSON.stringify(rows);
    expect(flat).not.toContain(plain.idNumber.slice(-8));
    expect(flat).not.toContain(other.person.name);

    const byName = await workbook(college, `name=${encodeURIComponent('导出')}`);
    expect(byName.slice(1).map((r) => r[0]).sort()).toEqual(['导出乙', '导出甲'].sort());
    const audits = await auditOf('MEMBER_EXPORT');
    expect(audits).toHaveLength(2);
    expect(audits[0]).toMatchObject({ result: 'OK', actingOrgId: tree.collegeA.id, objectId: String(b.id) });
    expect(JSON.parse(audits[1]!.reason!)).toMatchObject({ name: '导出', status: 'ACTIVE', sort: 'branch' });
  });

  it('SEC-1 an export for an org outside the scope is empty', async () => {
    await f.member(tree.branchB1, { name: '越权导出' });
    const rows = await workbook(college, `orgId=${tree.branchB1.id}`);
    expect(rows).toHaveLength(1);
    const bad = await college.get('/api/members/export?sort=phone');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('POST /api/members/:id/reset-password (MEM-6)', () => {
  it('MEM-6 gives a one-time password shown once, which must be changed; the member’s sessions end', async () => {
    const member = await f.member(tree.branchA1, { password: 'Member-Pass-77' });
    const session = await login(t.app, member.idNumber, 'Member-Pass-77', '10.9.0.2');
    expect((await session.get('/api/me')).status).toBe(200);
    const res = await college.post(`/api/members/${member.id}/reset-password`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'temporaryPassword']);
    expect(res.body.temporaryPassword).toMatch(/^[A-HJ-NP-Za-km-z2-9]{10}$/);
    expect(res.body.expiresAt).toBe(new Date(new Date(TEST_NOW).getTime() + 30 * 86_400_000).toISOString());
    expect((await session.get('/api/me')).status).toBe(401);
    const fresh = await login(t.app, member.idNumber, res.body.temporaryPassword, '10.9.0.2');
    expect(fresh.session).toMatchObject({ mustChangePassword: true, passwordChangeReason: 'RESET' });
    const [audit] = await auditOf('PASSWORD_RESET', member.id);
    expect(audit).toMatchObject({ result: 'OK', actingOrgId: tree.collegeA.id });
    expect(JSON.stringify(audit)).not.toContain(res.body.temporaryPassword);
    const outside = await county.post(`/api/members/${member.id}/reset-password`);
    expect(outside.status).toBe(404);
  });

  it('MEMBER_NOT_ACTIVE: no reset for a member who left', async () => {
    const member = await f.member(tree.branchA1);
    await college.post(`/api/members/${member.id}/leave`, { reason: 'VOLUNTARY' });
    const res = await college.post(`/api/members/${member.id}/reset-password`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('MEMBER_NOT_ACTIVE');
    const [count] = await t.ctx.db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(and(eq(auditLog.action, 'PASSWORD_RESET'), eq(auditLog.objectId, String(member.id))));
    expect(count!.n).toBe(0);
  });
});

describe('the university admin above', () => {
  it('sees and edits members of the whole subtree', async () => {
    const member = await f.member(tree.branchB1);
    const res = await university.patch(`/api/members/${member.id}`, { workUnit: '演示大学经济学院' });
    expect(res.status).toBe(200);
    expect(res.body.workUnit).toBe('演示大学经济学院');
    expect((await college.get(`/api/members/${member.id}`)).status).toBe(404);
  });
});

describe('GET /api/members totals at province scale', () => {
  it('counts exactly up to EXACT_COUNT_LIMIT and above it gives the estimate, flagged as one', async () => {
    const small = await createTestApp({ env: { EXACT_COUNT_LIMIT: '2' } });
    try {
      const sf = new Factory(small);
      const st = await sf.tree();
      const admin = (await sf.admin(st.collegeA)).client;
      const one = await admin.get('/api/members?pageSize=1');
      const base = one.body.total as number;
      expect(one.body.totalIsEstimate).toBe(base > 2);
      for (let i = 0; i < 3; i++) await sf.member(st.branchA1);
      const res = await admin.get('/api/members?pageSize=1');
      expect(res.status).toBe(200);
      expect(res.body.totalIsEstimate).toBe(true);
      expect(res.body.total).toBeGreaterThan(2);
      expect(res.body.items).toHaveLength(1);
      // A filter that narrows the list below the limit is exact again.
      const narrowed = await admin.get(`/api/members?orgId=${st.branchA2.id}`);
      expect(narrowed.body).toMatchObject({ totalIsEstimate: false, total: narrowed.body.items.length });
    } finally {
      await small.close();
    }
  });
});

describe.runIf(testDbKind() === 'postgres')('MEM-1 while the branch moves (ORG-6), on PostgreSQL', () => {
  it('a member entered while an org move holds the branch gets the moved path, not the one checked before', async () => {
    const grade = await f.org(tree.collegeA, { name: '录入时移动团总支', kind: 'GENERAL_BRANCH' });
    const branch = await f.org(tree.collegeA, { name: '录入时移动班团支部', kind: 'BRANCH' });
    const move = await holdMove(t, branch.id, grade);
    const created = college.post('/api/members', memberInput(branch.id, 7_701));
    await waitsForLock(t, created);
    move.release();
    await move.done;
    const res = await created;
    expect(res.status).toBe(201);
    const [m] = await t.ctx.db.select({ orgPath: members.orgPath }).from(members).where(eq(members.id, res.body.id));
    expect(m!.orgPath).toBe(`${grade.path}${branch.id}/`);
    const logged = await t.ctx.db.select({ orgPath: auditLog.orgPath }).from(auditLog).where(and(eq(auditLog.action, 'MEMBER_CREATE'), eq(auditLog.objectId, String(res.body.id))));
    expect(logged).toEqual([{ orgPath: `${grade.path}${branch.id}/` }]);
  });
});
