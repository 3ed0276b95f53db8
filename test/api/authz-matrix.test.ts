import { and, eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, transferNodes } from '../../src/db/schema';
import { waitForImport } from '../../src/server/modules/imports/imports.service';
import { createTestApp, type TestApp } from '../helpers/app';
import { anonymous, login, type Client, type Res } from '../helpers/client';
import { Factory, type OrgRow, type Tree } from '../helpers/factories';
import { MEMBER_HEADERS, upload, workbook } from '../helpers/imports';
import { ADMIN_ROLES, IGNORED_ROUTES, MATRIX, type AdminRole, type FixtureIds, type Loc, type ObjKind, type Req, type Row } from './authz-matrix.table';

/**
 * Issue 7 item 1 / SEC-1: the authorization matrix. Every registered route has a row in
 * authz-matrix.table.ts; each row is probed for anonymous, a member (self / other), and admins of a
 * branch, a college (inside / sibling / ancestor), a county, a province and 团中央.
 */
let t: TestApp;
let f: Factory;
let tree: Tree;
type Admin = Awaited<ReturnType<Factory['admin']>>;
let admins: Record<AdminRole, Admin>;
let memberSelf: Client;
let memberSelfIdNumber: string;
let memberSelfPersonId: number;
let fx: FixtureIds;
/** The object of each kind at each location, with the org paths that make it visible. */
const objects: Partial<Record<ObjKind, Partial<Record<Loc, { id: number; paths: string[]; only?: AdminRole | 'nobody' }>>>> = {};

const PASSWORD = 'Matrix-Plum-Rain-7';
const MISSING = 99_999_999;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  const uniBranch = await f.org(tree.university, { name: '大学直属团支部', kind: 'BRANCH' });
  admins = {
    branchA1: await f.admin(tree.branchA1, { name: '一班书记' }),
    collegeA: await f.admin(tree.collegeA, { name: '计算机书记' }),
    county: await f.admin(tree.county, { name: '西湖区书记' }),
    province: await f.admin(tree.province, { name: '省团委书记' }),
    national: await f.admin(tree.root, { name: '团中央管理员' }),
  };
  const collegeB = await f.admin(tree.collegeB, { name: '经济书记' });
  const branchB1 = await f.admin(tree.branchB1, { name: '经一书记' });
  const uni = await f.admin(tree.university, { name: '大学书记' });
  const town = await f.admin(tree.township, { name: '街道书记' });

  const mA1 = await f.member(tree.branchA1, { name: '矩阵本人', password: PASSWORD });
  const mB = await f.member(tree.branchB1, { name: '矩阵他人', password: PASSWORD });
  const mU = await f.member(uniBranch, { name: '矩阵大学' });
  const mT = await f.member(tree.transition, { name: '矩阵街道' });
  const xA = await f.member(tree.branchA2, { name: '转出甲' });
  const xB = await f.member(tree.branchB1, { name: '转出乙' });
  const xU = await f.member(uniBranch, { name: '转出丙' });
  memberSelf = await login(t.app, mA1.idNumber, PASSWORD, '10.60.0.1');
  memberSelfIdNumber = mA1.idNumber;
  memberSelfPersonId = mA1.personId;
  const memberOther = await login(t.app, mB.idNumber, PASSWORD, '10.60.0.2');

  const at = (o: OrgRow) => ({ id: o.id, paths: [o.path] });
  objects.member = { A: { id: mA1.id, paths: [tree.branchA1.path] }, B: { id: mB.id, paths: [tree.branchB1.path] }, U: { id: mU.id, paths: [uniBranch.path] }, T: { id: mT.id, paths: [tree.transition.path] } };
  objects.org = { A: at(tree.branchA1), B: at(tree.collegeB), U: at(tree.university), T: at(tree.township) };
  objects.branch = { A: at(tree.branchA1), B: at(tree.branchB1), U: at(uniBranch), T: at(tree.transition) };
  objects.cadre = { A: { id: admins.branchA1.cadre.id, paths: [tree.branchA1.path] }, B: { id: collegeB.cadre.id, paths: [tree.collegeB.path] }, U: { id: uni.cadre.id, paths: [tree.university.path] }, T: { id: town.cadre.id, paths: [tree.township.path] } };
  objects.grant = { A: { id: admins.branchA1.grant.id, paths: [tree.branchA1.path] }, B: { id: collegeB.grant.id, paths: [tree.collegeB.path] }, U: { id: uni.grant.id, paths: [tree.university.path] }, T: { id: town.grant.id, paths: [tree.township.path] } };

  // A transfer in flight on each side, with its first open approval node and a letter.
  const details = { reason: 'WORK_CHANGE', fields: { unitName: '某公司', address: '杭州市' } };
  const trA = await admins.collegeA.client.post('/api/transfers', { memberIds: [xA.id], ...details, targetOrgId: tree.transition.id });
  const trB = await collegeB.client.post('/api/transfers', { memberIds: [xB.id], ...details, targetOrgId: uniBranch.id });
  expect([trA.status, trB.status], JSON.stringify([trA.body, trB.body])).toEqual([201, 201]);
  const trAId = trA.body.ids[0] as number;
  const trBId = trB.body.ids[0] as number;
  const trU = await uni.client.post('/api/transfers', { memberIds: [xU.id], ...details, targetOrgId: tree.transition.id });
  expect(trU.status, JSON.stringify(trU.body)).toBe(201);
  const trUId = trU.body.ids[0] as number;
  objects.transfer = {
    A: { id: trAId, paths: [tree.branchA2.path, tree.transition.path] },
    B: { id: trBId, paths: [tree.branchB1.path, uniBranch.path] },
    U: { id: trUId, paths: [uniBranch.path, tree.transition.path] },
  };
  const firstNode = async (id: number) => (await t.ctx.db.select().from(transferNodes).where(eq(transferNodes.transferId, id)).orderBy(transferNodes.id))[0]!.id;
  objects.node = {
    A: { id: await firstNode(trAId), paths: objects.transfer.A!.paths },
    B: { id: await firstNode(trBId), paths: objects.transfer.B!.paths },
    U: { id: await firstNode(trUId), paths: objects.transfer.U!.paths },
  };
  const letterA = await admins.collegeA.client.post('/api/transfer-letters', { transferIds: [trAId], feePaidUntil: '2026-02' });
  const letterB = await collegeB.client.post('/api/transfer-letters', { transferIds: [trBId], feePaidUntil: '2026-02' });
  const letterU = await uni.client.post('/api/transfer-letters', { transferIds: [trUId], feePaidUntil: '2026-02' });
  expect([letterA.status, letterB.status, letterU.status], JSON.stringify([letterA.body, letterB.body, letterU.body])).toEqual([201, 201, 201]);
  objects.letter = { A: { id: letterA.body.id, paths: [tree.collegeA.path] }, B: { id: letterB.body.id, paths: [tree.collegeB.path] }, U: { id: letterU.body.id, paths: [tree.university.path] } };
  // The other member's own transfer (个人中心).
  const own = await memberOther.post('/api/me/transfers', { ...details, targetOrgId: tree.branchA2.id });
  expect(own.status, JSON.stringify(own.body)).toBe(201);

  // An import job on each side: only its uploader sees it.
  const file = await workbook(MEMBER_HEADERS, [['导入甲', '339920200001010000', '汉族', '共青团员', '2020-05', '', '否', '', '', '', '']]);
  const jobA = await upload(admins.collegeA.client, file, { orgId: tree.branchA1.id });
  const jobB = await upload(collegeB.client, file, { orgId: tree.branchB1.id });
  expect([jobA.status, jobB.status]).toEqual([202, 202]);
  await waitForImport(jobA.body.id);
  await waitForImport(jobB.body.id);
  objects.import = { A: { id: jobA.body.id, paths: [tree.collegeA.path], only: 'collegeA' }, B: { id: jobB.body.id, paths: [tree.collegeB.path], only: 'nobody' } };

  // An upward report on each side.
  const repA = await admins.branchA1.client.post('/api/reports/member-deletion', { memberId: mA1.id, reason: 'NAME' });
  const repB = await branchB1.client.post('/api/reports/member-deletion', { memberId: mB.id, reason: 'NAME' });
  const repU = await uni.client.post('/api/reports/member-deletion', { memberId: mU.id, reason: 'NAME' });
  const repT = await town.client.post('/api/reports/member-deletion', { memberId: mT.id, reason: 'NAME' });
  expect([repA.status, repB.status, repU.status, repT.status], JSON.stringify([repA.body, repB.body, repU.body, repT.body])).toEqual([201, 201, 201, 201]);
  objects.report = {
    A: { id: repA.body.id, paths: [tree.branchA1.path] },
    B: { id: repB.body.id, paths: [tree.branchB1.path] },
    U: { id: repU.body.id, paths: [uniBranch.path] },
    T: { id: repT.body.id, paths: [tree.transition.path] },
  };

  // Development-number ranges: the province issues to the university, which splits them to its colleges.
  const issue = async (c: Client, recipientOrgId: number, start: string, end: string) => {
    const r = await c.post('/api/dev-numbers/ranges', { recipientOrgId, start, end });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as number;
  };
  const rU = await issue(admins.province.client, tree.university.id, '202600000001', '202600000100');
  const rA = await issue(uni.client, tree.collegeA.id, '202600000001', '202600000010');
  const rB = await issue(uni.client, tree.collegeB.id, '202600000011', '202600000020');
  objects.range = { A: { id: rA, paths: [tree.collegeA.path] }, B: { id: rB, paths: [tree.collegeB.path] }, U: { id: rU, paths: [tree.university.path] } };

  fx = { branchA1: tree.branchA1.id, collegeA: tree.collegeA.id, memberA1: mA1.id, otherMemberTransfer: own.body.ids?.[0] ?? own.body.id };
}, 120_000);
afterAll(() => t.close());

const routeKey = (r: { method: string; url: string }) => `${r.method} ${r.url}`;
const rowsOf = <A extends Row['access']>(access: A) => Object.entries(MATRIX).filter((e): e is [string, Extract<Row, { access: A }>] => e[1].access === access);

/** The answer; a workbook is compared by its cells (the zip carries a timestamp). */
async function send(c: Client, r: Req): Promise<Res> {
  const res = Buffer.isBuffer(r.body) ? await c.request(r.method, r.url, r.body, { 'content-type': 'application/octet-stream' }) : await c.request(r.method, r.url, r.body);
  if (res.status === 200 && String(res.headers['content-type']).includes('spreadsheetml')) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.raw.rawPayload as unknown as ArrayBuffer);
    const sheets = wb.worksheets.map((ws) => {
      const rows: unknown[] = [];
      ws.eachRow((row) => rows.push(row.values));
      return { name: ws.name, rows };
    });
    return { ...res, body: { workbook: sheets, disposition: res.headers['content-disposition'] } };
  }
  return res;
}

const adminOrg = (role: AdminRole): OrgRow => ({ branchA1: tree.branchA1, collegeA: tree.collegeA, county: tree.county, province: tree.province, national: tree.root })[role];

/** In scope when one of the object's org paths lies inside the admin's org (and, for import jobs, the admin uploaded it). */
function inScope(role: AdminRole, o: { paths: string[]; only?: AdminRole | 'nobody' }): boolean {
  if (o.only) return o.only === role;
  const p = adminOrg(role).path;
  return o.paths.some((x) => x.startsWith(p));
}

/** Everything but the logs, sessions and login throttles: an out-of-scope call must leave it as it was. */
async function fingerprint(): Promise<string> {
  const tables = (await t.ctx.db.execute(sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('audit_log', 'sessions', 'login_guards') ORDER BY tablename`)) as unknown as { rows: { tablename: string }[] };
  const parts: string[] = [];
  for (const { tablename } of tables.rows) {
    const r = (await t.ctx.db.execute(sql`SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${sql.identifier(tablename)} x`)) as unknown as { rows: { n: number; h: string }[] };
    parts.push(`${tablename}:${r.rows[0]!.n}:${r.rows[0]!.h}`);
  }
  return parts.join('\n');
}

/** The audit log's name for each object kind. */
const AUDIT_TYPE: Record<ObjKind, string> = {
  member: 'member',
  org: 'org',
  branch: 'org',
  cadre: 'cadre',
  grant: 'admin',
  transfer: 'transfer',
  node: 'transfer_node',
  import: 'import_job',
  report: 'report',
  letter: 'transfer_letter',
  range: 'dev_number_range',
};

async function deniedCount(personId: number, objectId?: number, objectType?: string): Promise<number> {
  const rows = await t.ctx.db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.actorPersonId, personId),
        eq(auditLog.action, 'ACCESS_DENIED'),
        objectId === undefined ? undefined : eq(auditLog.objectId, String(objectId)),
        objectType === undefined ? undefined : eq(auditLog.objectType, objectType),
      ),
    );
  return rows.length;
}

/** The body with every number equal to `id` replaced by 0. */
function withId(body: unknown, id: number): unknown {
  return JSON.parse(JSON.stringify(body), (_k, v: unknown) => (v === id ? 0 : v));
}

const statusOf = (r: Res) => `${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;

describe('issue 7 item 1: every route is classified', () => {
  it('SEC-1 every registered route has a row in the matrix (a new endpoint fails here until classified), and no row is stale', () => {
    const registered = t.app.routeList.map(routeKey);
    const unclassified = registered.filter((k) => !(k in MATRIX) && !IGNORED_ROUTES.includes(k));
    expect(unclassified, 'routes without a row in test/api/authz-matrix.table.ts').toEqual([]);
    const stale = [...Object.keys(MATRIX), ...IGNORED_ROUTES].filter((k) => !registered.includes(k));
    expect(stale, 'rows for routes that no longer exist').toEqual([]);
  });

  it('SEC-1 the test hooks (open routes) are not registered at all without ZHTJ_TEST_API=1', async () => {
    const plain = await createTestApp({ env: { ZHTJ_TEST_API: '0' } });
    try {
      const keys = plain.app.routeList.map(routeKey);
      const hooks = rowsOf('test-hook').map(([k]) => k);
      expect(hooks.length).toBeGreaterThan(0);
      expect(keys.filter((k) => hooks.includes(k))).toEqual([]);
      // Everything else is the same set of routes.
      expect(keys.length).toBe(t.app.routeList.length - hooks.length);
    } finally {
      await plain.close();
    }
  });

  it('SEC-1 the ignored routes are the API documentation only, served without a session', async () => {
    for (const k of IGNORED_ROUTES) expect(k.startsWith('GET /api/docs')).toBe(true);
    expect((await anonymous(t.app).get('/api/docs/json')).status).toBe(200);
  });
});

describe('anonymous', () => {
  it.each(Object.entries(MATRIX))('SEC-1 %s', async (_key, row) => {
    const req = row.access === 'admin' ? row.req(fx) : row.access === 'admin-object' ? row.req(MISSING, fx) : row.req;
    const res = await send(anonymous(t.app), req);
    if (row.access === 'public' || row.access === 'test-hook') expect(res.status, statusOf(res)).toBe(row.anon);
    else {
      expect(res.status, statusOf(res)).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('logged-in routes (member and admin alike)', () => {
  it.each(rowsOf('session'))('SEC-1 %s', async (key, row) => {
    // Logging out ends the session, so that row gets sessions of its own.
    const fresh = key === 'POST /api/auth/logout';
    const member = fresh ? await login(t.app, memberSelfIdNumber, PASSWORD, '10.60.0.3') : memberSelf;
    const admin = fresh ? (await f.admin(tree.collegeA, { name: '登出书记' })).client : admins.collegeA.client;
    for (const [c, status] of [[member, row.memberStatus ?? row.status], [admin.as(null), row.status]] as const) {
      const res = await send(c, row.req);
      if (status >= 0) expect(res.status, `${key} ${statusOf(res)}`).toBe(status);
      else expect(res.status, `${key} ${statusOf(res)}`).toBeLessThan(300);
    }
  });
});

describe('个人中心 (member only)', () => {
  it.each(rowsOf('member'))('SEC-1 %s: the member themself; an admin without a member record gets 403 MEMBER_ONLY; another member\'s object answers like a missing one', async (key, row) => {
    const self = await send(memberSelf, row.req);
    expect(self.status, `${key} ${statusOf(self)}`).toBe(row.status);
    const admin = await send(admins.collegeA.client.as(null), row.req);
    expect(admin.status, statusOf(admin)).toBe(403);
    expect(admin.body.error.code).toBe('MEMBER_ONLY');
    if (row.other) {
      const before = await fingerprint();
      const denied = await deniedCount(memberSelfPersonId, fx.otherMemberTransfer, 'transfer');
      const other = await send(memberSelf, row.other(fx.otherMemberTransfer));
      const missing = await send(memberSelf, row.other(MISSING));
      expect(other.status, statusOf(other)).toBe(404);
      expect(other.body).toEqual(missing.body);
      expect(await fingerprint()).toBe(before);
      expect(await deniedCount(memberSelfPersonId, fx.otherMemberTransfer, 'transfer'), 'ACCESS_DENIED audit row').toBe(denied + 1);
    }
  });
});

const adminRows = Object.entries(MATRIX).filter((e): e is [string, Extract<Row, { access: 'admin' | 'admin-object' }>] => e[1].access === 'admin' || e[1].access === 'admin-object');
const ownReq = (row: Extract<Row, { access: 'admin' | 'admin-object' }>, role: AdminRole) => (row.access === 'admin' ? row.req(fx) : row.req(adminOrg(role).id, fx));

describe('admin routes refuse whoever does not administer the acting org', () => {
  it.each(adminRows)('SEC-1 %s: a member, and an admin acting for a sibling, an ancestor or a missing org, get the same audited 403', async (key, row) => {
    const req = ownReq(row, 'collegeA');
    const before = await fingerprint();
    const member = await send(memberSelf.as(tree.branchA1.id), req);
    expect(member.status, `${key} ${statusOf(member)}`).toBe(403);
    expect(member.body.error.code).toBe('NOT_ADMIN_OF_ORG');
    const a = admins.collegeA;
    const denied = await deniedCount(a.person.id);
    const sibling = await send(a.client.as(tree.collegeB.id), req);
    const ancestor = await send(a.client.as(tree.university.id), req);
    const missing = await send(a.client.as(MISSING), req);
    for (const r of [sibling, ancestor]) {
      expect(r.status, statusOf(r)).toBe(403);
      expect(r.body).toEqual(missing.body);
    }
    expect(await deniedCount(a.person.id)).toBe(denied + 3);
    expect(await fingerprint()).toBe(before);
  });
});

describe('admin routes without an object: every admin, for their own org', () => {
  it.each(rowsOf('admin'))('SEC-1 %s', async (key, row) => {
    for (const role of ADMIN_ROLES) {
      const res = await send(admins[role].client, row.req(fx));
      const want = row.status?.[role] ?? row.status?.default ?? 200;
      expect(res.status, `${key} as ${role}: ${statusOf(res)}`).toBe(want);
    }
  });
});

describe('admin routes on an object: inside answers, outside answers exactly like missing, changes nothing and is audited', () => {
  it.each(rowsOf('admin-object'))('SEC-1 %s', async (key, row) => {
    const locs = objects[row.obj]!;
    const before = row.write ? await fingerprint() : '';
    for (const role of ADMIN_ROLES) {
      const a = admins[role];
      const missing = await send(a.client, row.req(MISSING, fx));
      for (const [loc, o] of Object.entries(locs) as [Loc, { id: number; paths: string[]; only?: AdminRole | 'nobody' }][]) {
        const what = `${key} as ${role} on ${row.obj} ${loc} (${o.id})`;
        if (inScope(role, o)) {
          if (row.write) continue;
          const res = await send(a.client, row.req(o.id, fx));
          expect(res.status, `${what}: ${statusOf(res)}`).toBe(200);
          continue;
        }
        const denied = await deniedCount(a.person.id, o.id, AUDIT_TYPE[row.obj]);
        const res = await send(a.client, row.req(o.id, fx));
        expect(res.status, `${what}: ${statusOf(res)} vs missing ${statusOf(missing)}`).toBe(missing.status);
        // A batch answer echoes the id it was given; apart from that it must be the same.
        expect(withId(res.body, o.id), `${what}: ${statusOf(res)}`).toEqual(withId(missing.body, MISSING));
        // A refusal by role or by date (403/422, the same for a missing id) never reaches the object; anything else did, and is audited.
        if (res.status !== 403 && res.status !== 422) {
          expect(await deniedCount(a.person.id, o.id, AUDIT_TYPE[row.obj]), `${what}: ACCESS_DENIED audit row; answer ${statusOf(res)}`).toBeGreaterThan(denied);
        }
      }
    }
    if (row.write) expect(await fingerprint(), `${key}: out-of-scope and missing calls changed data`).toBe(before);
  });
});
