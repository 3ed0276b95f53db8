import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, members, memberships, orgs, transferNodes, transferNotices, transfers } from '../../src/db/schema';
import { sweepTransferDeadlines } from '../../src/jobs/transfer-deadlines';
import { rows } from '../../src/db/client';
import { NODE_KIND_LABELS, TRANSFER_REASON_LABELS } from '../../src/domain/transfers';
import { createTestApp, type TestApp } from '../helpers/app';
import { login } from '../helpers/client';
import { holdMove, waitsForLock } from '../helpers/moves';
import { rollupDrift } from '../helpers/rollups';
import { testDbKind } from '../helpers/test-db';
import { placementTargets } from '../../src/server/modules/orgs/orgs.repo';
import { lockTransfer } from '../../src/server/modules/transfers/transfers.repo';
import { Factory, TEST_PASSWORD, type Client, type OrgRow, type Tree } from '../helpers/factories';

let t: TestApp;
let f: Factory;
let tree: Tree;
let grad: OrgRow; // a 毕业生团组织 in 计算机学院
let abroad: OrgRow; // the school's 出国（境）学习研究团员团支部
let village: OrgRow; // a community branch under the township
let company: OrgRow; // an enterprise committee under the county
let companyBranch: OrgRow;
let otherSchool: OrgRow;
let bjUnit: OrgRow;
const A: Record<string, Client> = {};

const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  grad = await f.org(tree.collegeA, { name: '2022级计算机1班团支部', kind: 'BRANCH', category: 'GRADUATE', graduationAt: '2026-06' });
  abroad = await f.org(tree.university, { name: '出国（境）学习研究团员团支部', kind: 'BRANCH', specialKind: 'ABROAD_STUDY' });
  village = await f.org(tree.township, { name: '西溪社区团支部', kind: 'BRANCH', industryCategory: 'URBAN_COMMUNITY' });
  company = await f.org(tree.county, { name: '某科技公司团委', kind: 'COMMITTEE', industryCategory: 'PRIVATE_ENTERPRISE' });
  companyBranch = await f.org(company, { name: '研发部团支部', kind: 'BRANCH' });
  otherSchool = await f.org(tree.province, { name: '另一大学团委', kind: 'COMMITTEE', industryCategory: 'HIGHER_EDUCATION' });
  const bj = await f.org(tree.root, { name: '北京市团委', kind: 'LEADERSHIP', leadershipLevel: 'PROVINCIAL', regionCode: '11' });
  bjUnit = await f.org(bj, { name: '北京某公司团支部', kind: 'BRANCH', industryCategory: 'PRIVATE_ENTERPRISE' });
  for (const [k, o] of Object.entries({ province: tree.province, university: tree.university, collegeA: tree.collegeA, grad, township: tree.township, county: tree.county, company, transition: tree.transition, collegeB: tree.collegeB })) {
    A[k] = (await f.admin(o)).client;
  }
});
afterAll(() => t.close());

async function gradMember(name?: string) {
  return f.member(grad, { name, password: TEST_PASSWORD });
}
async function memberClient(m: { idNumber: string }) {
  return login(t.app, m.idNumber, TEST_PASSWORD, '10.9.9.9');
}
async function branchOf(memberId: number) {
  const [m] = await t.ctx.db.select({ branchId: members.branchId, orgPath: members.orgPath }).from(members).where(eq(members.id, memberId));
  return m!;
}
async function nodesOf(transferId: number) {
  return t.ctx.db.select().from(transferNodes).where(eq(transferNodes.transferId, transferId)).orderBy(asc(transferNodes.seq));
}
async function noticesOf(transferId: number, kind: string) {
  return t.ctx.db.select().from(transferNotices).where(and(eq(transferNotices.transferId, transferId), eq(transferNotices.kind, kind)));
}
const addr = { address: '浙江省杭州市西湖区西溪街道某小区1幢' };

describe('TR-6 the 8 学社衔接 reasons through the API', () => {
  const cases: [string, Record<string, string>, () => OrgRow | null, () => OrgRow | null][] = [
    ['FURTHER_STUDY', { schoolName: '另一大学', ...addr }, () => otherSchool, () => company],
    ['EMPLOYED_WITH_ORG', { unitName: '某科技公司', ...addr }, () => company, () => tree.transition],
    ['EMPLOYED_NO_ORG', { unitName: '某小店', ...addr }, () => tree.transition, () => company],
    ['ABROAD_OFFICIAL', { unitName: '某科技公司', ...addr }, () => companyBranch, () => tree.township],
    ['ABROAD_STUDY', { abroadPlace: '英国伦敦', abroadPeriod: '2026-09至2028-06', contactName: '王某', contactPhone: '13800001111' }, () => abroad, () => tree.transition],
    ['ABROAD_PRIVATE', addr, () => tree.transition, () => village],
    ['UNEMPLOYED', addr, () => village, () => companyBranch],
    ['SPECIAL_UNIT', {}, () => null, () => tree.transition],
  ];
  it.each(cases)('TR-6 %s: accepted with its fields and target, refused otherwise', async (reason, fields, good, bad) => {
    const m = await gradMember();
    const base = { memberIds: [m.id], reason, fields, targetOrgId: good()?.id ?? null };
    const wrongTarget = await A.collegeA!.post('/api/transfers', { ...base, targetOrgId: bad()!.id });
    expect(wrongTarget.status).toBe(422);
    expect(wrongTarget.body.error.code).toMatch(/^TR_6_TARGET_(MISMATCH|NOT_ALLOWED)$/);
    if (Object.keys(fields).length > 0) {
      const missing = await A.collegeA!.post('/api/transfers', { ...base, fields: {} });
      expect(missing.status).toBe(422);
      expect(missing.body.error.code).toBe('TR_6_FIELD_REQUIRED');
    }
    const ok = await A.collegeA!.post('/api/transfers', base);
    expect(ok.status).toBe(201);
    const detail = await A.collegeA!.get(`/api/transfers/${ok.body.ids[0]}`);
    expect(detail.body.reason).toBe(reason);
    expect(detail.body.schoolToSociety).toBe(true);
  });

  it('TR-6 an ordinary member cannot use a 学社衔接 reason, and vice versa', async () => {
    const m = await f.member(tree.branchA1);
    const r = await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: tree.transition.id });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('TR_6_REASON_NOT_ALLOWED');
    const g = await gradMember();
    const r2 = await A.collegeA!.post('/api/transfers', { memberIds: [g.id], reason: 'WORK_CHANGE', targetOrgId: companyBranch.id });
    expect(r2.body.error.code).toBe('TR_6_REASON_NOT_ALLOWED');
  });

  it('TR-6 the reason set comes from the server, for an admin and for the member', async () => {
    const g = await gradMember();
    const o = await f.member(tree.branchA1, { password: TEST_PASSWORD });
    expect((await A.collegeA!.get(`/api/transfer-reason-set?memberId=${g.id}`)).body).toEqual({ schoolToSociety: true, branchId: grad.id });
    expect((await A.collegeA!.get(`/api/transfer-reason-set?memberId=${o.id}`)).body).toEqual({ schoolToSociety: false, branchId: tree.branchA1.id });
    expect((await A.collegeB!.get(`/api/transfer-reason-set?memberId=${g.id}`)).status).toBe(404);
    const me = await memberClient(o);
    expect((await me.get('/api/me/transfer-reason-set')).body).toEqual({ schoolToSociety: false, branchId: tree.branchA1.id });
  });

  it('TR-7 a Beijing target needs the Beijing scope; TR-1 one open transfer per member', async () => {
    const m = await f.member(tree.branchA1);
    const national = await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'WORK_CHANGE', targetOrgId: bjUnit.id });
    expect(national.body.error.code).toBe('TR_7_SCOPE_MISMATCH');
    const bj = await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'WORK_CHANGE', targetScope: 'BEIJING', targetOrgId: bjUnit.id });
    expect(bj.status).toBe(201);
    const again = await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'WORK_CHANGE', targetOrgId: companyBranch.id });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('TR_1_OPEN_TRANSFER_EXISTS');
    const search = await A.collegeA!.get(`/api/transfer-targets?q=${encodeURIComponent('北京某公司')}`);
    expect(search.body.items).toEqual([]);
    const bjSearch = await A.collegeA!.get(`/api/transfer-targets?q=${encodeURIComponent('某公司')}&scope=BEIJING`);
    expect(bjSearch.body.items.map((o: { id: number }) => o.id)).toEqual([bjUnit.id]);
  });
});

describe('TR-2/3 every starter × target kind', () => {
  it('TR-2 sending side → branch: receiving approves, the member moves (TR-3), audited', async () => {
    const m = await gradMember();
    const s = await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: tree.transition.id, remark: '西溪街道某小区1幢' });
    const id = s.body.ids[0];
    let d = await A.collegeA!.get(`/api/transfers/${id}`);
    expect(d.body.nodes.map((n: { kind: string; state: string }) => `${n.kind}:${n.state}`)).toEqual(['RECEIVING:PENDING']);
    expect(d.body.nodes[0].can.approve).toBe(false);
    expect(d.body.can.letter).toBe(true);
    const seenByTownship = await A.township!.get(`/api/transfers/${id}`);
    expect(seenByTownship.body.nodes[0].can.approve).toBe(true);
    expect(seenByTownship.body.can).toEqual({ cancel: false, letter: false });
    // TR-4: the township (direct parent of the 学社衔接临时团支部) decides the branch node.
    const inbox = await A.township!.get('/api/transfer-inbox');
    expect(inbox.body.items.map((i: { transferId: number }) => i.transferId)).toContain(id);
    const ok = await A.township!.post(`/api/transfer-nodes/${d.body.nodes[0].id}/approve`);
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('COMPLETED');
    expect((await branchOf(m.id)).branchId).toBe(tree.transition.id);
    const periods = await t.ctx.db.select().from(memberships).where(eq(memberships.memberId, m.id)).orderBy(asc(memberships.id));
    expect(periods.map((p) => [p.branchId, p.endReason, p.startReason])).toEqual([
      [grad.id, 'TRANSFER', 'ENTRY'],
      [tree.transition.id, null, 'TRANSFER'],
    ]);
    const audit = await t.ctx.db.select().from(auditLog).where(and(eq(auditLog.objectType, 'transfer'), eq(auditLog.objectId, String(id)))).orderBy(asc(auditLog.id));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['TRANSFER_START', 'TRANSFER_APPROVE', 'TRANSFER_COMPLETE']));
    // SEC-1/SEC-3: the start and the completion are one row each (drizzle/0020), seen in the log of
    // either side's admins, once by an admin over both, never outside.
    const seen = async (client: Client, action: string) => {
      const res = await client.get(`/api/audit?action=${action}&pageSize=100`);
      expect(res.status).toBe(200);
      return res.body.items.filter((e: { objectId: string }) => e.objectId === String(id)).length;
    };
    for (const action of ['TRANSFER_START', 'TRANSFER_COMPLETE']) {
      const counts = Object.fromEntries(await Promise.all(['collegeA', 'university', 'township', 'county', 'province', 'collegeB'].map(async (k) => [k, await seen(A[k]!, action)] as const)));
      expect(counts, action).toEqual({ collegeA: 1, university: 1, township: 1, county: 1, province: 1, collegeB: 0 });
    }
    d = await A.collegeA!.get(`/api/transfers/${id}`);
    expect(d.body.finalBranchName).toBe('学社衔接临时团支部');
  });

  it('TR-3 sending side → committee: approve, then allocation (only to a branch below the target)', async () => {
    const m = await gradMember();
    const s = await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: tree.township.id });
    const id = s.body.ids[0];
    const d = await A.township!.get(`/api/transfers/${id}`);
    expect(d.body.nodes.map((n: { kind: string }) => n.kind)).toEqual(['RECEIVING', 'ALLOCATION']);
    const notAlloc = await A.township!.post(`/api/transfer-nodes/${d.body.nodes[0].id}/allocate`, { branchId: tree.transition.id });
    expect(notAlloc.body.error.code).toBe('TR_NODE_NOT_ALLOCATION');
    const a = await A.township!.post(`/api/transfer-nodes/${d.body.nodes[0].id}/approve`);
    expect(a.body.status).toBe('OPEN');
    expect(a.body.nodes[1].state).toBe('PENDING');
    const approveAlloc = await A.township!.post(`/api/transfer-nodes/${d.body.nodes[1].id}/approve`);
    expect(approveAlloc.body.error.code).toBe('TR_NODE_IS_ALLOCATION');
    const outside = await A.township!.post(`/api/transfer-nodes/${d.body.nodes[1].id}/allocate`, { branchId: companyBranch.id });
    expect(outside.body.error.code).toBe('TR_3_ALLOCATE_BRANCH_ONLY');
    expect((await branchOf(m.id)).branchId).toBe(grad.id);
    const done = await A.township!.post(`/api/transfer-nodes/${d.body.nodes[1].id}/allocate`, { branchId: tree.transition.id });
    expect(done.body.status).toBe('COMPLETED');
    expect(done.body.nodes[1].allocatedBranchName).toBe('学社衔接临时团支部');
    expect((await branchOf(m.id)).branchId).toBe(tree.transition.id);
  });

  it('TR-6 sending side → none (特殊单位): provincial review, then the special-units pool', async () => {
    const m = await gradMember();
    const s = await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'SPECIAL_UNIT', fields: {} });
    const d = await A.province!.get(`/api/transfers/${s.body.ids[0]}`);
    expect(d.body.nodes.map((n: { kind: string; orgId: number }) => [n.kind, n.orgId])).toEqual([['PROVINCIAL_REVIEW', tree.province.id]]);
    const done = await A.province!.post(`/api/transfer-nodes/${d.body.nodes[0].id}/approve`);
    expect(done.body.status).toBe('COMPLETED');
    const [pool] = await t.ctx.db.select().from(orgs).where(eq(orgs.id, (await branchOf(m.id)).branchId));
    expect(pool!.name).toBe('特殊单位专属库');
    expect(pool!.parentId).toBe(tree.province.id);
  });

  it('TR-1 receiving side → branch: looks the member up by name + ID; the sending side approves', async () => {
    const m = await f.member(tree.branchA1, { name: '李转入' });
    const wrong = await A.company!.post('/api/transfer-member-lookup', { name: '李不对', idNumber: m.idNumber });
    expect(wrong.status).toBe(404);
    const look = await A.company!.post('/api/transfer-member-lookup', { name: '李转入', idNumber: m.idNumber });
    expect(look.body).toMatchObject({ name: '李转入', branchName: tree.branchA1.name, schoolToSociety: false });
    expect(look.body.idNumber).not.toBe(m.idNumber);
    const outOfScope = await A.company!.post('/api/transfers/incoming', { name: '李转入', idNumber: m.idNumber, reason: 'WORK_CHANGE', targetOrgId: tree.transition.id });
    expect(outOfScope.body.error.code).toBe('TR_1_RECEIVING_TARGET_OUT_OF_SCOPE');
    const s = await A.company!.post('/api/transfers/incoming', { name: '李转入', idNumber: m.idNumber, reason: 'WORK_CHANGE', targetOrgId: companyBranch.id });
    expect(s.status).toBe(201);
    const d = await A.company!.get(`/api/transfers/${s.body.ids[0]}`);
    expect(d.body.nodes.map((n: { kind: string; orgId: number }) => [n.kind, n.orgId])).toEqual([['SENDING', tree.branchA1.id]]);
    // TR-4: the branch's direct parent (the college) decides the branch node.
    const done = await A.collegeA!.post(`/api/transfer-nodes/${d.body.nodes[0].id}/approve`);
    expect(done.body.status).toBe('COMPLETED');
    expect((await branchOf(m.id)).branchId).toBe(companyBranch.id);
  });

  it('TR-1 receiving side → committee: sending approves, then the receiving side allocates', async () => {
    const m = await f.member(tree.branchA2);
    const s = await A.company!.post('/api/transfers/incoming', { name: m.person.name, idNumber: m.idNumber, reason: 'WORK_CHANGE', targetOrgId: company.id });
    const d = await A.company!.get(`/api/transfers/${s.body.ids[0]}`);
    expect(d.body.nodes.map((n: { kind: string }) => n.kind)).toEqual(['SENDING', 'ALLOCATION']);
    await A.collegeA!.post(`/api/transfer-nodes/${d.body.nodes[0].id}/approve`);
    const done = await A.company!.post(`/api/transfer-nodes/${d.body.nodes[1].id}/allocate`, { branchId: companyBranch.id });
    expect(done.body.status).toBe('COMPLETED');
  });

  it('TR-1 member → branch: both sides approve; TR-8 a rejection needs an accepted reason and ends it', async () => {
    const m = await f.member(tree.branchA1, { password: TEST_PASSWORD });
    const me = await memberClient(m);
    const s = await me.post('/api/me/transfers', { reason: 'WORK_CHANGE', targetOrgId: companyBranch.id });
    expect(s.status).toBe(201);
    expect(s.body.nodes.map((n: { kind: string; state: string }) => `${n.kind}:${n.state}`)).toEqual(['SENDING:PENDING', 'RECEIVING:WAITING']);
    await A.collegeA!.post(`/api/transfer-nodes/${s.body.nodes[0].id}/approve`);
    const noReason = await A.company!.post(`/api/transfer-nodes/${s.body.nodes[1].id}/reject`, { reason: '' });
    expect(noReason.status).toBe(400);
    const bad = await A.company!.post(`/api/transfer-nodes/${s.body.nodes[1].id}/reject`, { reason: '非正式员工' });
    expect(bad.body.error.code).toBe('TR_8_REASON_NOT_ACCEPTED');
    const r = await A.company!.post(`/api/transfer-nodes/${s.body.nodes[1].id}/reject`, { reason: '本单位查无此人，请核实工作单位' });
    expect(r.body.status).toBe('REJECTED');
    expect(r.body.nodes[1]).toMatchObject({ state: 'REJECTED', note: '本单位查无此人，请核实工作单位' });
    expect((await branchOf(m.id)).branchId).toBe(tree.branchA1.id);
    const mine = await me.get('/api/me/transfers');
    expect(mine.body[0].status).toBe('REJECTED');
  });

  it('TR-1 member → committee and → none; cancel by the starter only', async () => {
    const m = await gradMember();
    const me = await memberClient(m);
    const s = await me.post('/api/me/transfers', { reason: 'UNEMPLOYED', fields: addr, targetOrgId: tree.township.id });
    expect(s.body.nodes.map((n: { kind: string }) => n.kind)).toEqual(['SENDING', 'RECEIVING', 'ALLOCATION']);
    expect(s.body.can.cancel).toBe(true);
    const notStarter = await A.collegeA!.post(`/api/transfers/${s.body.id}/cancel`, {});
    expect(notStarter.status).toBe(403);
    const c = await me.post(`/api/me/transfers/${s.body.id}/cancel`, { reason: '改为升学' });
    expect(c.body.status).toBe('CANCELLED');
    expect(c.body.nodes.every((n: { state: string }) => n.state === 'CANCELLED')).toBe(true);
    const again = await me.post(`/api/me/transfers/${s.body.id}/cancel`, {});
    expect(again.body.error.code).toBe('TR_NOT_OPEN');
    const special = await me.post('/api/me/transfers', { reason: 'SPECIAL_UNIT', fields: {} });
    expect(special.body.nodes.map((n: { kind: string }) => n.kind)).toEqual(['SENDING', 'PROVINCIAL_REVIEW']);
    // An admin starter cancels their own.
    const m2 = await gradMember();
    const s2 = await A.collegeA!.post('/api/transfers', { memberIds: [m2.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: tree.township.id });
    const c2 = await A.collegeA!.post(`/api/transfers/${s2.body.ids[0]}/cancel`, {});
    expect(c2.body.status).toBe('CANCELLED');
  });
});

describe('SEC-1 / TR-4 scope', () => {
  it("TR-4 a school admin cannot approve a township's node; a member cannot act on another's transfer", async () => {
    const m = await gradMember();
    const s = await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: tree.township.id });
    const d = await A.university!.get(`/api/transfers/${s.body.ids[0]}`);
    expect(d.status).toBe(200);
    const denied = await A.university!.post(`/api/transfer-nodes/${d.body.nodes[0].id}/approve`);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('TR_4_NOT_YOUR_NODE');
    const foreign = await A.collegeB!.post(`/api/transfer-nodes/${d.body.nodes[0].id}/approve`);
    expect(foreign.status).toBe(404);
    expect((await A.collegeB!.get(`/api/transfers/${s.body.ids[0]}`)).status).toBe(404);
    const other = await memberClient(await gradMember());
    const steal = await other.post(`/api/me/transfers/${s.body.ids[0]}/cancel`, {});
    expect(steal.status).toBe(404);
    const [node] = await t.ctx.db.select().from(transferNodes).where(eq(transferNodes.id, d.body.nodes[0].id));
    expect(node!.state).toBe('PENDING');
  });

  it('SEC-1 an org move carries its open transfers along (paths follow)', async () => {
    const unit = await f.org(tree.county, { name: '待迁移公司团支部', kind: 'BRANCH', industryCategory: 'PRIVATE_ENTERPRISE' });
    const m = await f.member(tree.branchA1);
    const s = await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'WORK_CHANGE', targetOrgId: unit.id });
    const id = s.body.ids[0];
    expect((await A.township!.get(`/api/transfers/${id}`)).status).toBe(404);
    expect((await A.county!.post(`/api/orgs/${unit.id}/move`, { newParentId: tree.township.id })).status).toBe(200);
    const seen = await A.township!.get(`/api/transfers/${id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.nodes[0].can.approve).toBe(true);
  });

  it('ORG-7 an org with an open transfer cannot be deleted', async () => {
    const target = await f.org(tree.township, { name: '临时接收团支部', kind: 'BRANCH', industryCategory: 'URBAN_COMMUNITY' });
    const m = await gradMember();
    const s = await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: target.id });
    const del = await A.county!.delete(`/api/orgs/${target.id}`);
    expect(del.status).toBe(422);
    expect(del.body.error.code).toBe('ORG_7_HAS_OPEN_TRANSFERS');
    await A.collegeA!.post(`/api/transfers/${s.body.ids[0]}/cancel`, {});
    expect((await A.county!.delete(`/api/orgs/${target.id}`)).status).toBe(200);
  });
});

describe('concurrency and batch', () => {
  it('TR-2 two admins approving one node at once: one 200, one 409, applied once', async () => {
    const m = await gradMember();
    const s = await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: tree.transition.id });
    const d = await A.township!.get(`/api/transfers/${s.body.ids[0]}`);
    const second = (await f.admin(tree.township)).client;
    const results = await Promise.all([A.township!.post(`/api/transfer-nodes/${d.body.nodes[0].id}/approve`), second.post(`/api/transfer-nodes/${d.body.nodes[0].id}/approve`)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('TR_NODE_ALREADY_DECIDED');
    const periods = await t.ctx.db.select().from(memberships).where(eq(memberships.memberId, m.id));
    expect(periods).toHaveLength(2);
    const approvals = await t.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'TRANSFER_APPROVE'), eq(auditLog.objectId, String(s.body.ids[0]))));
    expect(approvals).toHaveLength(1);
  });

  it('操作中心 batch approve answers per node', async () => {
    const a = await gradMember();
    const b = await gradMember();
    const s = await A.collegeA!.post('/api/transfers', { memberIds: [a.id, b.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: tree.transition.id });
    expect(s.body.ids).toHaveLength(2);
    const inbox = await A.township!.get('/api/transfer-inbox?pageSize=100');
    const nodeIds = inbox.body.items.filter((i: { transferId: number }) => s.body.ids.includes(i.transferId)).map((i: { nodeId: number }) => i.nodeId);
    const r = await A.township!.post('/api/transfer-nodes/batch-approve', { nodeIds: [...nodeIds, nodeIds[0]] });
    expect(r.body.results.map((x: { ok: boolean }) => x.ok)).toEqual([true, true, false]);
  });
});

describe('a decision answers what a fresh read shows (issue 8: the answer is built from the rows in hand)', () => {
  const fresh = async (c: Client, transferId: number) => (await c.get(`/api/transfers/${transferId}`)).body;

  it('approve (next node opens), approve, allocate (the member moves); audit rows in order', async () => {
    const m = await gradMember();
    const me = await memberClient(m);
    const started = await me.post('/api/me/transfers', { reason: 'UNEMPLOYED', fields: addr, targetOrgId: tree.township.id });
    expect(started.status).toBe(201);
    const id = started.body.id;
    expect(started.body.nodes.map((n: { kind: string }) => n.kind)).toEqual(['SENDING', 'RECEIVING', 'ALLOCATION']);
    const [sending, receiving, allocation] = started.body.nodes.map((n: { id: number }) => n.id);

    const first = await A.collegeA!.post(`/api/transfer-nodes/${sending}/approve`);
    expect(first.status).toBe(200);
    expect(first.body.nodes.map((n: { state: string }) => n.state)).toEqual(['APPROVED', 'PENDING', 'WAITING']);
    expect(first.body).toEqual(await fresh(A.collegeA!, id));

    const second = await A.township!.post(`/api/transfer-nodes/${receiving}/approve`);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(await fresh(A.township!, id));

    const third = await A.township!.post(`/api/transfer-nodes/${allocation}/allocate`, { branchId: village.id });
    expect(third.status).toBe(200);
    expect(third.body.status).toBe('COMPLETED');
    expect(third.body.finalBranchName).toBe(village.name);
    expect(third.body).toEqual(await fresh(A.township!, id));
    expect((await branchOf(m.id)).branchId).toBe(village.id);

    const audit = await t.ctx.db.select().from(auditLog).where(and(eq(auditLog.objectType, 'transfer'), eq(auditLog.objectId, String(id)))).orderBy(asc(auditLog.id));
    // The start and the completion concern both sides: one row each, under the old branch and also the other side.
    expect(audit.map((a) => [a.action, a.orgPath, a.alsoOrgPath, a.actingOrgId, a.changes])).toEqual([
      ['TRANSFER_START', grad.path, tree.township.path, null, expect.anything()],
      ['TRANSFER_APPROVE', tree.collegeA.path, null, tree.collegeA.id, { node1: { before: 'PENDING', after: 'APPROVED' } }],
      ['TRANSFER_APPROVE', tree.township.path, null, tree.township.id, { node2: { before: 'PENDING', after: 'APPROVED' } }],
      ['TRANSFER_ALLOCATE', tree.township.path, null, tree.township.id, { node3: { before: 'PENDING', after: 'ALLOCATED' } }],
      ['TRANSFER_COMPLETE', grad.path, village.path, tree.township.id, { branchId: { before: grad.id, after: village.id } }],
    ]);
    expect(audit[3]!.reason).toBe(`分配团支部：分配到“${village.name}”`);
    expect(await noticesOf(id, 'COMPLETED')).toHaveLength(0); // started by the member: no org to tell
  });

  it('approve completing to a branch, and a rejection, answer the same as a fresh read', async () => {
    const a = await gradMember();
    const b = await gradMember();
    const s = await A.collegeA!.post('/api/transfers', { memberIds: [a.id, b.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: tree.transition.id });
    const [ta, tb] = s.body.ids;
    const na = (await fresh(A.township!, ta)).nodes[0].id;
    const nb = (await fresh(A.township!, tb)).nodes[0].id;
    const ok = await A.township!.post(`/api/transfer-nodes/${na}/approve`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual(await fresh(A.township!, ta));
    expect((await noticesOf(ta, 'COMPLETED')).map((n) => n.orgId)).toEqual([tree.collegeA.id]);
    const no = await A.township!.post(`/api/transfer-nodes/${nb}/reject`, { reason: '本单位查无此人，请核实居住地址' });
    expect(no.status).toBe(200);
    expect(no.body.status).toBe('REJECTED');
    expect(no.body).toEqual(await fresh(A.township!, tb));
    expect((await branchOf(b.id)).branchId).toBe(grad.id);
  });
});

describe('TR-9 letters and the suggestion', () => {
  it('TR-9 letters are numbered per issuing org and year', async () => {
    const a = await gradMember('赵甲');
    const b = await gradMember('钱乙');
    const s = await A.collegeA!.post('/api/transfers', { memberIds: [a.id, b.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: tree.transition.id });
    const l1 = await A.collegeA!.post('/api/transfer-letters', { transferIds: s.body.ids, feePaidUntil: '2026-06', validDays: 30 });
    expect(l1.status).toBe(201);
    expect(l1.body).toMatchObject({ number: '〔2026〕第1号', memberNames: ['赵甲', '钱乙'], count: 2, feePaidUntil: '2026-06', validDays: 30 });
    const l2 = await A.collegeA!.post('/api/transfer-letters', { transferIds: [s.body.ids[0]], feePaidUntil: '2026-06' });
    expect(l2.body.number).toBe('〔2026〕第2号');
    const other = await A.university!.post('/api/transfer-letters', { transferIds: [s.body.ids[0]], feePaidUntil: '2026-06' });
    expect(other.body.number).toBe('〔2026〕第1号');
    expect((await A.collegeB!.get(`/api/transfer-letters/${l1.body.id}`)).status).toBe(404);
  });

  it('suggests the township 学社衔接临时团支部 from the address, and the school abroad branch', async () => {
    const r = await A.collegeA!.get(`/api/transfer-target-suggestions?reason=UNEMPLOYED&regionCode=330106004`);
    expect(r.body.map((o: { id: number }) => o.id).slice(0, 2)).toEqual([tree.transition.id, tree.township.id]);
    const county = await A.collegeA!.get(`/api/transfer-target-suggestions?reason=EMPLOYED_NO_ORG&regionCode=330106`);
    expect(county.body[0].id).toBe(tree.township.id);
    const ab = await A.collegeA!.get(`/api/transfer-target-suggestions?reason=ABROAD_STUDY&branchId=${grad.id}`);
    expect(ab.body.map((o: { id: number }) => o.id)).toEqual([abroad.id]);
  });
});

describe('TR-5 deadlines with a moved clock', () => {
  it('TR-5 day 9 nothing, day 10 a reminder, day 15 auto-approved (系统自动通过), allocation waits; twice changes nothing', async () => {
    const start = t.clock.now();
    const m = await gradMember();
    const s = await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: tree.township.id });
    const id = s.body.ids[0];
    const at = (days: number) => t.clock.freeze(new Date(start.getTime() + days * DAY));
    try {
      at(9);
      await sweepTransferDeadlines(t.ctx);
      let nodes = await nodesOf(id);
      expect(nodes[0]).toMatchObject({ state: 'PENDING', remindedAt: null });
      at(10);
      await sweepTransferDeadlines(t.ctx);
      nodes = await nodesOf(id);
      expect(nodes[0]!.remindedAt).not.toBeNull();
      expect(await noticesOf(id, 'REMINDER')).toHaveLength(1);
      expect(await sweepTransferDeadlines(t.ctx)).toEqual({ approved: 0, reminded: 0 });
      expect(await noticesOf(id, 'REMINDER')).toHaveLength(1);
      at(15);
      await sweepTransferDeadlines(t.ctx);
      nodes = await nodesOf(id);
      expect(nodes[0]).toMatchObject({ state: 'AUTO_APPROVED', decidedByPersonId: null });
      expect(nodes[1]!.state).toBe('PENDING');
      expect(await noticesOf(id, 'AUTO_APPROVED')).toHaveLength(1);
      at(60);
      // Other open transfers of this file may be approved here; this one waits for its allocation.
      await sweepTransferDeadlines(t.ctx);
      const r2 = await sweepTransferDeadlines(t.ctx);
      expect(r2).toEqual({ approved: 0, reminded: 0 });
      nodes = await nodesOf(id);
      expect(nodes[1]!.state).toBe('PENDING');
      expect((await branchOf(m.id)).branchId).toBe(grad.id);
    } finally {
      t.clock.freeze(start);
    }
  });

  it('TR-5 the sweep and an admin deciding the same node at once: decided once', async () => {
    const start = t.clock.now();
    const m = await gradMember();
    const s = await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: tree.transition.id });
    const id = s.body.ids[0];
    const [node] = await nodesOf(id);
    try {
      t.clock.freeze(new Date(start.getTime() + 15 * DAY));
      const late = (await f.admin(tree.township)).client;
      const [res] = await Promise.all([late.post(`/api/transfer-nodes/${node!.id}/approve`), sweepTransferDeadlines(t.ctx)]);
      expect([200, 409]).toContain(res.status);
      const [after] = await nodesOf(id);
      expect(after!.state).toBe(res.status === 200 ? 'APPROVED' : 'AUTO_APPROVED');
      const decisions = await t.ctx.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.objectType, 'transfer'), eq(auditLog.objectId, String(id))))
        // In the order written: the sealing job's update moves rows in the heap.
        .orderBy(asc(auditLog.id));
      expect(decisions.filter((a) => a.action === 'TRANSFER_APPROVE' || a.action === 'TRANSFER_AUTO_APPROVE')).toHaveLength(1);
      // One completion row, seen from the old branch and the new one.
      expect(decisions.filter((a) => a.action === 'TRANSFER_COMPLETE').map((a) => [a.orgPath, a.alsoOrgPath])).toEqual([[grad.path, tree.transition.path]]);
      expect(await t.ctx.db.select().from(memberships).where(eq(memberships.memberId, m.id))).toHaveLength(2);
    } finally {
      t.clock.freeze(start);
    }
  });

  it('TR-5 one sweep decides due nodes of every kind together exactly as one by one (issue 6/7, set-based sweep)', async () => {
    const start = t.clock.now();
    const [m1, m2, m3] = [await gradMember(), await gradMember(), await gradMember()];
    const toBranch = (await A.collegeA!.post('/api/transfers', { memberIds: [m1.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: tree.transition.id })).body.ids[0];
    const toCommittee = (await A.collegeA!.post('/api/transfers', { memberIds: [m2.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: tree.township.id })).body.ids[0];
    const special = (await A.collegeA!.post('/api/transfers', { memberIds: [m3.id], reason: 'SPECIAL_UNIT', fields: {} })).body.ids[0];
    const m4 = await f.member(tree.branchA1, { password: TEST_PASSWORD });
    const chain = (await (await memberClient(m4)).post('/api/me/transfers', { reason: 'WORK_CHANGE', targetOrgId: companyBranch.id })).body.id;
    const due = (await nodesOf(toBranch))[0]!.dueAt!;
    try {
      t.clock.freeze(new Date(start.getTime() + 15 * DAY + 60_000));
      expect((await sweepTransferDeadlines(t.ctx)).approved).toBeGreaterThanOrEqual(4);

      // To a branch: approved at its due time, the member moved, one approval row and one completion row.
      expect((await nodesOf(toBranch))[0]).toMatchObject({ state: 'AUTO_APPROVED', decidedAt: due, decidedByName: null });
      expect((await branchOf(m1.id)).branchId).toBe(tree.transition.id);
      const periods = await t.ctx.db.select().from(memberships).where(eq(memberships.memberId, m1.id)).orderBy(asc(memberships.id));
      expect(periods.map((p) => [p.branchId, p.endedAt?.getTime() ?? null, p.startReason])).toEqual([
        [grad.id, due.getTime(), 'ENTRY'],
        [tree.transition.id, null, 'TRANSFER'],
      ]);
      expect(periods[1]!.startedAt).toEqual(due);
      const audit = await t.ctx.db.select().from(auditLog).where(and(eq(auditLog.objectType, 'transfer'), eq(auditLog.objectId, String(toBranch)))).orderBy(asc(auditLog.id));
      expect(audit.map((a) => [a.action, a.actorName, a.orgPath, a.alsoOrgPath])).toEqual([
        ['TRANSFER_START', expect.any(String), grad.path, tree.transition.path],
        ['TRANSFER_AUTO_APPROVE', '系统自动通过', grad.path, null],
        ['TRANSFER_COMPLETE', '系统自动通过', grad.path, tree.transition.path],
      ]);
      // The texts, as deciding it alone writes them (the sweep builds them in SQL).
      expect(audit[1]).toMatchObject({
        changes: { node1: { before: 'PENDING', after: 'AUTO_APPROVED' } },
        reason: `${NODE_KIND_LABELS.RECEIVING}超过15天未处理，系统自动通过（到期时间 ${due.toISOString()}）`,
        objectLabel: audit[0]!.objectLabel,
      });
      expect(audit[2]!.changes).toEqual({ branchId: { before: grad.id, after: tree.transition.id } });
      expect(audit[2]!.reason).toBe(`${TRANSFER_REASON_LABELS.UNEMPLOYED}：转入“${tree.transition.name}”`);
      expect((await noticesOf(toBranch, 'AUTO_APPROVED')).map((n) => [n.orgId, n.createdAt, n.message])).toEqual([
        [tree.transition.id, due, `${audit[0]!.objectLabel}的组织关系转接（${NODE_KIND_LABELS.RECEIVING}）超过15天未处理，已由系统自动通过`],
      ]);
      expect((await noticesOf(toBranch, 'COMPLETED')).map((n) => [n.orgId, n.message, n.createdAt])).toEqual([
        [tree.collegeA.id, `${audit[0]!.objectLabel}的组织关系已转入“${tree.transition.name}”，接转成功`, due],
      ]);
      const [tr] = await t.ctx.db.select().from(transfers).where(eq(transfers.id, toBranch));
      expect(tr).toMatchObject({ status: 'COMPLETED', endedAt: due, finalBranchId: tree.transition.id });

      // To a committee: the allocation node opens at the due time and never times out (TR-3).
      const committeeNodes = await nodesOf(toCommittee);
      expect(committeeNodes.map((n) => n.state)).toEqual(['AUTO_APPROVED', 'PENDING']);
      expect(committeeNodes[1]).toMatchObject({ openedAt: due, dueAt: new Date(due.getTime() + 15 * DAY) });
      expect((await branchOf(m2.id)).branchId).toBe(grad.id);

      // 特殊单位: completed into the province's special-units pool (TR-6).
      const [pool] = await t.ctx.db.select().from(orgs).where(eq(orgs.id, (await branchOf(m3.id)).branchId));
      expect(pool!.name).toBe('特殊单位专属库');
      expect((await t.ctx.db.select().from(transfers).where(eq(transfers.id, special)))[0]!.status).toBe('COMPLETED');

      // A two-node chain: the sending node is approved, the receiving node opens then and is not due yet.
      const chainNodes = await nodesOf(chain);
      expect(chainNodes.map((n) => n.state)).toEqual(['AUTO_APPROVED', 'PENDING']);
      expect(chainNodes[1]!.openedAt).toEqual(chainNodes[0]!.dueAt);
      expect((await branchOf(m4.id)).branchId).toBe(tree.branchA1.id);

      // Every node was decided once.
      for (const id of [toBranch, toCommittee, special, chain]) {
        const rows = await t.ctx.db.select().from(auditLog).where(and(eq(auditLog.objectId, String(id)), eq(auditLog.action, 'TRANSFER_AUTO_APPROVE')));
        expect(rows).toHaveLength(1);
      }
      expect((await sweepTransferDeadlines(t.ctx)).approved).toBe(0);
    } finally {
      t.clock.freeze(start);
    }
  });

  it('TR-5 a server down for a month catches up the whole chain in due order', async () => {
    const start = t.clock.now();
    const m = await f.member(tree.branchA1, { password: TEST_PASSWORD });
    const me = await memberClient(m);
    const s = await me.post('/api/me/transfers', { reason: 'WORK_CHANGE', targetOrgId: companyBranch.id });
    try {
      t.clock.freeze(new Date(start.getTime() + 31 * DAY));
      const r = await sweepTransferDeadlines(t.ctx);
      expect(r.approved).toBeGreaterThanOrEqual(2);
      const nodes = await nodesOf(s.body.id);
      expect(nodes.map((n) => n.state)).toEqual(['AUTO_APPROVED', 'AUTO_APPROVED']);
      expect(nodes[1]!.decidedAt!.getTime() - start.getTime()).toBe(30 * DAY);
      const [tr] = await t.ctx.db.select().from(transfers).where(eq(transfers.id, s.body.id));
      expect(tr!.status).toBe('COMPLETED');
      expect((await branchOf(m.id)).branchId).toBe(companyBranch.id);
      expect((await sweepTransferDeadlines(t.ctx)).approved).toBe(0);
    } finally {
      t.clock.freeze(start);
    }
  });

  it('TR-5 the sweep skips only the foreign-key checks it has proved (issue 8, drizzle/0021): every trigger of ours still fires, so the rollups follow its moves; the role is back to origin after', async () => {
    // The sweep runs with session_replication_role = replica, where a trigger left ENABLE (origin
    // only) would not run: every trigger of ours is ENABLE ALWAYS.
    expect(await rows(t.ctx.db, sql`SELECT tgrelid::regclass::text AS "table", tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'A'`)).toEqual([]);
    const start = t.clock.now();
    const m = await gradMember();
    const id = (await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: tree.transition.id })).body.ids[0];
    // The stored figures against a direct count of the members, for every org.
    expect(await rollupDrift(t.ctx.db)).toEqual([]);
    try {
      t.clock.freeze(new Date(start.getTime() + 15 * DAY + 60_000));
      expect((await sweepTransferDeadlines(t.ctx)).approved).toBeGreaterThanOrEqual(1);
      expect((await t.ctx.db.select().from(transfers).where(eq(transfers.id, id)))[0]!.status).toBe('COMPLETED');
      expect((await branchOf(m.id)).branchId).toBe(tree.transition.id);
      expect(await rollupDrift(t.ctx.db)).toEqual([]);
      expect(await rows(t.ctx.db, sql`SELECT current_setting('session_replication_role') AS role`)).toEqual([{ role: 'origin' }]);
    } finally {
      t.clock.freeze(start);
    }
  });
});

describe.runIf(testDbKind() === 'postgres')('TR-3 while the target branch moves (ORG-6), on PostgreSQL', () => {
  it('a completion waits for an org move holding its branch and writes the moved path, never the one it read before', async () => {
    const m = await gradMember();
    const s = await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: village.id, remark: '并发移动' });
    const d = await A.township!.get(`/api/transfers/${s.body.ids[0]}`);
    const newParent = await f.org(tree.city, { name: '并发测试区团委', kind: 'LEADERSHIP', leadershipLevel: 'COUNTY', regionCode: '330108' });
    const move = await holdMove(t, tree.township.id, newParent);
    const approval = A.township!.post(`/api/transfer-nodes/${d.body.nodes[0].id}/approve`);
    // Until the approval waits for a lock (before the fix it did not wait, and finished first).
    await waitsForLock(t, approval);
    move.release();
    await move.done;
    const done = await approval;
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('COMPLETED');
    const [moved] = await t.ctx.db.select({ path: orgs.path }).from(orgs).where(eq(orgs.id, village.id));
    expect(moved!.path.startsWith(newParent.path)).toBe(true);
    expect(await branchOf(m.id)).toEqual({ branchId: village.id, orgPath: moved!.path });
  });

  it('TR-3 an approval and a move of the subtree around its branch never wait for each other: the move locks the open transfers before any org', async () => {
    const m = await gradMember();
    const s = await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: village.id, remark: '并发移动' });
    const tid = s.body.ids[0] as number;
    const [before] = await t.ctx.db.select({ path: orgs.path }).from(orgs).where(eq(orgs.id, village.id));
    const newParent = await f.org(tree.city, { name: '死锁测试区团委', kind: 'LEADERSHIP', leadershipLevel: 'COUNTY', regionCode: '330109' });
    // An approval's locks in its order (completeInOne): its transfer, then, once the move is under
    // way, its branch under key share. Before the fix the move held the township's subtree by then
    // and waited for this transfer; PostgreSQL ended one of the two after its deadlock timeout.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let held!: () => void;
    const holding = new Promise<void>((r) => (held = r));
    const approval = t.ctx.db.transaction(async (tx) => {
      await lockTransfer(tx, tid);
      held();
      await gate;
      return placementTargets(tx, [village.id]);
    });
    await holding;
    const move = A.province!.post(`/api/orgs/${tree.township.id}/move`, { newParentId: newParent.id });
    await waitsForLock(t, move);
    release();
    const [target] = await approval;
    expect(target!.path).toBe(before!.path); // the approval went first, on the path before the move
    const moved = await move;
    expect(moved.status).toBe(200);
    const [after] = await t.ctx.db.select({ path: orgs.path }).from(orgs).where(eq(orgs.id, village.id));
    expect(after!.path.startsWith(newParent.path)).toBe(true);
    const [tr] = await t.ctx.db.select({ toPath: transfers.toPath }).from(transfers).where(eq(transfers.id, tid));
    expect(tr!.toPath).toBe(after!.path);
  });

  it('TR-3 a move that waited for a move of its ancestor (its transfers looked up under the old path) still moves, and its open transfers follow', async () => {
    const m = await gradMember();
    const s = await A.collegeA!.post('/api/transfers', { memberIds: [m.id], reason: 'UNEMPLOYED', fields: addr, targetOrgId: village.id, remark: '并发移动' });
    const tid = s.body.ids[0] as number;
    const [township] = await t.ctx.db.select().from(orgs).where(eq(orgs.id, tree.township.id)); // moved by the tests above
    const dest = await f.org(township!, { name: '路径变化测试团委', kind: 'COMMITTEE' });
    const county = await f.org(tree.city, { name: '路径测试区团委', kind: 'LEADERSHIP', leadershipLevel: 'COUNTY', regionCode: '330110' });
    // The village's move reads its path, then waits for the township's move to commit.
    const hold = await holdMove(t, tree.township.id, county);
    const move = A.province!.post(`/api/orgs/${village.id}/move`, { newParentId: dest.id });
    await waitsForLock(t, move);
    hold.release();
    await hold.done;
    expect((await move).status).toBe(200);
    const [now] = await t.ctx.db.select({ path: orgs.path }).from(orgs).where(eq(orgs.id, village.id));
    expect(now!.path).toBe(`${county.path}${tree.township.id}/${dest.id}/${village.id}/`);
    const [tr] = await t.ctx.db.select({ toPath: transfers.toPath }).from(transfers).where(eq(transfers.id, tid));
    expect(tr!.toPath).toBe(now!.path);
  });
});
