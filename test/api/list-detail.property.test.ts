/* eslint-disable @typescript-eslint/no-explicit-any -- API bodies are compared as id sets */
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { like, or } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../src/db/schema';
import { createTestApp, type TestApp } from '../helpers/app';
import { login, type Client, type Res } from '../helpers/client';
import { Factory, type OrgRow } from '../helpers/factories';

/**
 * Issue 7 item 2 / SEC-1: for random trees, admins and members, every list, search, export and
 * dashboard count equals exactly the set of objects the per-object check (GET detail → 200) allows.
 * The lists and the detail checks are separate code paths (SQL filters vs. per-object guards); this
 * pins them to each other. fast-check prints the seed and the shrunk tree on failure; replay with
 * PROPERTY_SEED=<seed>.
 */
let t: TestApp;
let f: Factory;
let run = 0;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
});
afterAll(() => t.close());

interface MemberSpec {
  left: boolean;
  cadre: boolean;
}
type NodeSpec = { kind: 'BRANCH'; graduate: boolean; members: MemberSpec[] } | { kind: 'COMMITTEE'; children: NodeSpec[] };

const memberArb = fc.record({ left: fc.boolean(), cadre: fc.boolean() });
const branchArb: fc.Arbitrary<NodeSpec> = fc.record({ kind: fc.constant('BRANCH' as const), graduate: fc.boolean(), members: fc.array(memberArb, { maxLength: 3 }) });
function nodeArb(depth: number): fc.Arbitrary<NodeSpec> {
  if (depth === 0) return branchArb;
  return fc.oneof(branchArb, fc.record({ kind: fc.constant('COMMITTEE' as const), children: fc.array(nodeArb(depth - 1), { minLength: 1, maxLength: 3 }) }));
}
const specArb = fc.record({
  children: fc.array(nodeArb(2), { minLength: 1, maxLength: 3 }),
  /** Where the admins sit: indices into the tree's orgs (taken modulo their count). */
  admins: fc.array(fc.nat(), { minLength: 2, maxLength: 3 }),
  /** Which member logs in for the self-view. */
  self: fc.nat(),
  /** Which org the filtered member list is restricted to. */
  filterOrg: fc.nat(),
  /** Transfers the root admin starts: (member, target branch), indices modulo their counts. */
  transfers: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 3 }),
});

interface Built {
  token: string;
  root: OrgRow;
  orgs: (OrgRow & { graduate: boolean })[];
  members: { id: number; branch: OrgRow; left: boolean; cadre: boolean; idNumber: string }[];
  rootAdmin: Client;
  transfers: number[];
}

async function build(spec: { children: NodeSpec[]; transfers: [number, number][] }): Promise<Built> {
  run += 1;
  const token = `属性${run}号`;
  const root = await f.org(null, { name: `${token}省团委`, kind: 'LEADERSHIP', leadershipLevel: 'PROVINCIAL' });
  const orgList: Built['orgs'] = [{ ...root, graduate: false }];
  const pending: { id: number; branch: OrgRow; left: boolean; cadre: boolean; idNumber: string }[] = [];
  const add = async (parent: OrgRow, node: NodeSpec): Promise<void> => {
    const n = orgList.length;
    if (node.kind === 'BRANCH') {
      const branch = await f.org(parent, { name: `${token}支部${n}`, kind: 'BRANCH', category: node.graduate ? 'GRADUATE' : 'NORMAL', graduationAt: node.graduate ? '2025-07' : undefined });
      orgList.push({ ...branch, graduate: node.graduate });
      for (const m of node.members) {
        const row = await f.member(branch, { isCadre: m.cadre, leaguePosition: m.cadre ? '组织委员' : undefined });
        pending.push({ id: row.id, branch, left: m.left, cadre: m.cadre, idNumber: row.idNumber });
      }
      return;
    }
    const committee = await f.org(parent, { name: `${token}团委${n}`, kind: 'COMMITTEE' });
    orgList.push({ ...committee, graduate: false });
    for (const c of node.children) await add(committee, c);
  };
  for (const c of spec.children) await add(root, c);
  const rootAdmin = (await f.admin(root)).client;
  for (const m of pending.filter((x) => x.left)) {
    const r = await rootAdmin.post(`/api/members/${m.id}/leave`, { reason: 'VOLUNTARY' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  // Transfers in flight (or done at once when both ends are the root admin's): the rules may refuse some.
  const transferIds: number[] = [];
  const branches = orgList.filter((o) => o.kind === 'BRANCH');
  const movers = pending.filter((m) => !m.left);
  for (const [mi, bi] of spec.transfers) {
    if (movers.length === 0 || branches.length < 2) break;
    const m = movers[mi % movers.length]!;
    const target = branches[bi % branches.length]!.id === m.branch.id ? branches[(bi + 1) % branches.length]! : branches[bi % branches.length]!;
    const r = await rootAdmin.post('/api/transfers', { memberIds: [m.id], reason: 'WORK_CHANGE', fields: { unitName: '某公司', address: '杭州市' }, targetOrgId: target.id });
    if (r.status === 201) transferIds.push(...(r.body.ids as number[]));
    else expect(r.status, JSON.stringify(r.body)).toBe(422);
  }
  return { token, root, orgs: orgList, members: pending, rootAdmin, transfers: transferIds };
}

/** Every item of a paged list (pageSize 100). */
async function all(c: Client, url: string): Promise<any[]> {
  const out: any[] = [];
  for (let page = 1; ; page++) {
    const r = await c.get(`${url}${url.includes('?') ? '&' : '?'}page=${page}&pageSize=100`);
    expect(r.status, `${url}: ${JSON.stringify(r.body)}`).toBe(200);
    out.push(...r.body.items);
    if (out.length >= r.body.total || r.body.items.length === 0) return out;
  }
}

const sorted = (xs: Iterable<number>) => [...xs].sort((a, b) => a - b);

async function sheetRows(res: Res): Promise<number> {
  expect(res.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(res.raw.rawPayload as unknown as ArrayBuffer);
  return wb.worksheets[0]!.actualRowCount;
}

async function checkAdmin(b: Built, adminOrg: OrgRow, filterOrg: OrgRow): Promise<void> {
  const admin = (await f.admin(adminOrg)).client;
  const where = `admin of ${adminOrg.name} (${adminOrg.path})`;

  // The per-object checks.
  const orgDetail = new Map<number, Res>();
  for (const o of b.orgs) orgDetail.set(o.id, await admin.get(`/api/orgs/${o.id}`));
  const visibleOrgs = new Set(b.orgs.filter((o) => orgDetail.get(o.id)!.status === 200).map((o) => o.id));
  for (const [id, r] of orgDetail) expect([200, 404], `${where} org ${id}`).toContain(r.status);
  const memberDetail = new Map<number, any>();
  for (const m of b.members) {
    const r = await admin.get(`/api/members/${m.id}`);
    expect([200, 404], `${where} member ${m.id}`).toContain(r.status);
    if (r.status === 200) memberDetail.set(m.id, r.body);
  }
  // Where each visible member is now, as its detail says (a transfer may have moved it).
  const orgById = new Map(b.orgs.map((o) => [o.id, o]));
  const pathOf = (m: { id: number }) => orgById.get(memberDetail.get(m.id).branchId as number)!.path;
  const visibleMembers = b.members.filter((m) => memberDetail.has(m.id));
  // The admin's own subtree is what both must agree on; the property is the equalities below.
  expect(visibleOrgs.has(adminOrg.id), where).toBe(true);

  // Members list, with status filters, the cadre filter and an org filter.
  const listIds = async (q: string) => sorted((await all(admin, `/api/members?${q}`)).map((x) => x.id as number));
  const active = (m: { id: number }) => memberDetail.get(m.id).status === 'ACTIVE';
  expect(await listIds('status=ALL'), `${where}: members ALL`).toEqual(sorted(visibleMembers.map((m) => m.id)));
  expect(await listIds('status=ACTIVE'), `${where}: members ACTIVE`).toEqual(sorted(visibleMembers.filter(active).map((m) => m.id)));
  expect(await listIds('status=LEFT'), `${where}: members LEFT`).toEqual(sorted(visibleMembers.filter((m) => !active(m)).map((m) => m.id)));
  expect(await listIds('status=ALL&isCadre=true'), `${where}: members isCadre`).toEqual(sorted(visibleMembers.filter((m) => memberDetail.get(m.id).isCadre === true).map((m) => m.id)));
  const underFilter = visibleOrgs.has(filterOrg.id) ? visibleMembers.filter((m) => pathOf(m).startsWith(filterOrg.path)) : [];
  expect(await listIds(`status=ALL&orgId=${filterOrg.id}`), `${where}: members under ${filterOrg.name}`).toEqual(sorted(underFilter.map((m) => m.id)));
  const byName = await listIds(`status=ALL&name=${encodeURIComponent(b.token)}`);
  expect(byName.filter((id) => !memberDetail.has(id)), `${where}: name search`).toEqual([]);
  // Full ID-number search: found exactly when the detail is allowed.
  for (const m of b.members.slice(0, 4)) {
    expect(await listIds(`status=ALL&idNumber=${m.idNumber}`), `${where}: idNumber of ${m.id}`).toEqual(memberDetail.has(m.id) ? [m.id] : []);
  }

  // The member export has one row per listed member (plus the header).
  expect(await sheetRows(await admin.get('/api/members/export?status=ALL')), `${where}: export rows`).toBe(visibleMembers.length + 1);

  // Org children and search.
  const children = new Set<number>();
  for (const o of b.orgs) {
    const r = await admin.get(`/api/orgs/${o.id}/children?pageSize=100`);
    expect(r.status, `${where}: children of ${o.id}`).toBe(visibleOrgs.has(o.id) ? 200 : 404);
    if (r.status === 200) for (const c of r.body.items) children.add(c.id);
  }
  expect(sorted([...children, adminOrg.id]), `${where}: children of visible orgs`).toEqual(sorted(visibleOrgs));
  const found = await all(admin, `/api/orgs?q=${encodeURIComponent(b.token)}`);
  expect(sorted(found.map((o) => o.id)), `${where}: org search`).toEqual(sorted(visibleOrgs));

  // Cadres: the 本级团干部 list of each org vs. each position's history.
  const listedCadres = new Set<number>();
  for (const o of b.orgs) {
    const r = await admin.get(`/api/cadres?orgId=${o.id}&includeEnded=true&pageSize=100`);
    expect(r.status === 200, `${where}: cadres of ${o.id} -> ${r.status}`).toBe(visibleOrgs.has(o.id));
    if (r.status === 200) for (const c of r.body.items) listedCadres.add(c.id);
  }
  const rootCadres = new Set<number>();
  for (const o of b.orgs) {
    for (const c of await all(b.rootAdmin, `/api/cadres?orgId=${o.id}&includeEnded=true`)) rootCadres.add(c.id);
  }
  const historyOk = new Set<number>();
  for (const id of rootCadres) {
    const r = await admin.get(`/api/cadres/${id}/history`);
    expect([200, 404]).toContain(r.status);
    if (r.status === 200) historyOk.add(id);
  }
  expect(sorted(listedCadres), `${where}: cadres`).toEqual(sorted(historyOk));

  // Graduation: the empty graduated branches are the visible graduate branches without active members or children.
  const empty = await all(admin, '/api/graduation/empty-branches');
  const expectedEmpty = b.orgs.filter(
    (o) => o.kind === 'BRANCH' && o.graduate && visibleOrgs.has(o.id) && !b.members.some((m) => memberDetail.get(m.id)?.branchId === o.id && memberDetail.get(m.id)?.status === 'ACTIVE'),
  );
  expect(sorted(empty.filter((e) => e.name.startsWith(b.token)).map((e) => e.id)), `${where}: empty graduated branches`).toEqual(sorted(expectedEmpty.map((o) => o.id)));
  expect(empty.every((e) => visibleOrgs.has(e.id)), `${where}: empty branches outside the tree`).toBe(true);

  // Transfers: the list vs. each transfer's detail; the inbox only holds visible transfers.
  const transferOk = new Set<number>();
  for (const id of b.transfers) {
    const r = await admin.get(`/api/transfers/${id}`);
    expect([200, 404]).toContain(r.status);
    if (r.status === 200) transferOk.add(id);
  }
  const listedTransfers = (await all(admin, '/api/transfers')).map((x) => x.id as number);
  expect(sorted(listedTransfers), `${where}: transfers`).toEqual(sorted(transferOk));
  const inbox = await all(admin, '/api/transfer-inbox');
  expect(inbox.filter((x) => !transferOk.has(x.transferId)), `${where}: transfer inbox`).toEqual([]);

  // Supervision dashboard: the active-member count of the admin's org and of each drill-down row.
  const figures = await admin.get(`/api/supervision/figures?orgId=${adminOrg.id}`);
  if (figures.status === 200) {
    const activeUnder = (path: string) => visibleMembers.filter((m) => active(m) && pathOf(m).startsWith(path)).length;
    expect(figures.body.total.membersActive, `${where}: figures total`).toBe(activeUnder(adminOrg.path));
    for (const row of figures.body.rows) {
      const o = b.orgs.find((x) => x.id === row.orgId)!;
      expect(visibleOrgs.has(row.orgId), `${where}: figures row ${row.orgId}`).toBe(true);
      expect(row.membersActive, `${where}: figures row ${o.name}`).toBe(activeUnder(o.path));
    }
  } else {
    expect(figures.status, `${where}: figures ${JSON.stringify(figures.body)}`).toBe(403);
  }

  // Audit log: a row is listed exactly when an org it is filed under (either side of a transfer) is visible.
  const audit = await all(admin, `/api/audit`);
  const treeRows = await t.ctx.db
    .select({ id: auditLog.id, orgPath: auditLog.orgPath, alsoOrgPath: auditLog.alsoOrgPath })
    .from(auditLog)
    .where(or(like(auditLog.orgPath, `${b.root.path}%`), like(auditLog.alsoOrgPath, `${b.root.path}%`)));
  const orgOfPath = (p: string) => Number(p.split('/').filter(Boolean).at(-1));
  const expectedAudit = treeRows.filter((r) => [r.orgPath, r.alsoOrgPath].some((p) => p && visibleOrgs.has(orgOfPath(p)))).map((r) => r.id);
  expect(sorted(audit.map((a) => a.id as number)), `${where}: audit log`).toEqual(sorted(expectedAudit));
}

async function checkSelf(b: Built, pick: number): Promise<void> {
  if (b.members.length === 0) return;
  const m = b.members[pick % b.members.length]!;
  if (m.left) return;
  // The factory's members have no password yet: the root admin issues a temporary one, the member sets their own.
  const reset = await b.rootAdmin.post(`/api/members/${m.id}/reset-password`);
  expect(reset.status, JSON.stringify(reset.body)).toBe(200);
  const first = await login(t.app, m.idNumber, reset.body.temporaryPassword, '10.70.0.1');
  expect((await first.post('/api/auth/password', { currentPassword: reset.body.temporaryPassword, newPassword: 'Property-Self-View-9' })).status).toBe(200);
  const self = await login(t.app, m.idNumber, 'Property-Self-View-9', '10.70.0.1');
  const me = await self.get('/api/me');
  expect(me.status).toBe(200);
  expect(me.body.member?.id, 'self-view shows the member\'s own record').toBe(m.id);
  expect(JSON.stringify(me.body)).not.toContain(b.members.find((x) => x.id !== m.id)?.idNumber ?? '\u0000');
}

describe('issue 7 item 2: lists equal what the per-object check allows', () => {
  it('SEC-1 for random trees, admins and members: members (status/cadre/org/name/ID filters), export, org children and search, cadres, transfers and inbox, empty graduated branches, dashboard counts, audit log', async () => {
    const seed = process.env.PROPERTY_SEED ? Number(process.env.PROPERTY_SEED) : undefined;
    await fc.assert(
      fc.asyncProperty(specArb, async (spec) => {
        const b = await build(spec);
        for (const k of spec.admins) await checkAdmin(b, b.orgs[k % b.orgs.length]!, b.orgs[spec.filterOrg % b.orgs.length]!);
        await checkSelf(b, spec.self);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 8), endOnFailure: true, ...(seed === undefined ? {} : { seed }) },
    );
  }, 240_000);
});
