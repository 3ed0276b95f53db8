/**
 * The authorization matrix (issue 7 item 1, SEC-1): one row per registered route. A route without a
 * row fails test/api/authz-matrix.test.ts by name, so a new endpoint breaks CI until it is classified.
 *
 * A row says who may call the route and, for routes that name an object (in the path, the query or
 * the body), which object kind and how to build the request for a given id. The test derives every
 * role's expected answer from where the fixture's objects live:
 * - anonymous: 401 unless public;
 * - a member (no admin grant) acting with `x-org-id`: 403 NOT_ADMIN_OF_ORG, audited;
 * - an admin acting for an org they do not administer (sibling, ancestor, missing): the same 403;
 * - an admin on an object outside their subtree: exactly the answer for a missing id (status and
 *   body), nothing changed, an ACCESS_DENIED audit row (unless a role or date rule refuses first, the
 *   same for a missing id: then no object was reached); inside their subtree a read answers 200.
 */

import { testIdNumber } from '../helpers/factories';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export interface Req {
  method: Method;
  url: string;
  body?: unknown;
}

/** Where the fixture keeps one object of each kind: inside 计算机学院 (A, in 1班), in 经济学院 (B, sibling), at the university (U, ancestor of A), in the county (T). */
export type Loc = 'A' | 'B' | 'U' | 'T';
export type ObjKind = 'member' | 'org' | 'branch' | 'cadre' | 'grant' | 'transfer' | 'node' | 'import' | 'report' | 'letter' | 'range';

/** Ids the request builders need besides the object under test. */
export interface FixtureIds {
  branchA1: number;
  collegeA: number;
  memberA1: number;
  otherMemberTransfer: number;
}

export type AdminRole = 'branchA1' | 'collegeA' | 'county' | 'province' | 'national';
export const ADMIN_ROLES: AdminRole[] = ['branchA1', 'collegeA', 'county', 'province', 'national'];

export type Row =
  /** Open to anyone; `anon` is the status an anonymous caller gets with `req`. */
  | { access: 'public'; req: Req; anon: number }
  /** Registered only when ZHTJ_TEST_API=1 (refused in production): open, so the e2e driver can move the clock. */
  | { access: 'test-hook'; req: Req; anon: number }
  /** Any logged-in person (member or admin); `status` for both. */
  | { access: 'session'; req: Req; status: number; memberStatus?: number }
  /** 个人中心: the member themself; an admin without a member record gets 403 MEMBER_ONLY. `other` names another member's object. */
  | { access: 'member'; req: Req; status: number; other?: (id: number) => Req }
  /** Any admin acting for their own org, no object named; `status` per role (default 200). */
  | { access: 'admin'; req: (fx: FixtureIds) => Req; status?: Partial<Record<AdminRole, number>> & { default?: number } }
  /** An admin on a named object: out of scope = missing; `write` rows are only probed out of scope (in scope they would change data; the module tests cover that). */
  | { access: 'admin-object'; obj: ObjKind; write: boolean; req: (id: number, fx: FixtureIds) => Req };

/** Routes that are not the API: the documentation UI (public by design, no data). */
export const IGNORED_ROUTES = ['GET /api/docs', 'GET /api/docs/static/index.html', 'GET /api/docs/static/swagger-initializer.js', 'GET /api/docs/json', 'GET /api/docs/yaml', 'GET /api/docs/static/*'];

const get = (url: string): Req => ({ method: 'GET', url });
const post = (url: string, body: unknown = {}): Req => ({ method: 'POST', url, body });
const patch = (url: string, body: unknown): Req => ({ method: 'PATCH', url, body });
const del = (url: string): Req => ({ method: 'DELETE', url });

const memberBody = (branchId: number) => ({
  name: '矩阵录入',
  idNumber: testIdNumber(9_901, '20050301'),
  branchId,
  ethnicity: '汉族',
  politicalStatus: 'LEAGUE_MEMBER',
  joinedLeagueAt: '2020-05',
  isCadre: false,
  developmentNumber: '202000009901',
  identityEvidence: 'APPLICATION_FORM',
});
const transferDetails = { reason: 'WORK_CHANGE', fields: { unitName: '矩阵公司', address: '杭州市' } };

export const MATRIX: Record<string, Row> = {
  // ---- system and auth
  'GET /api/health': { access: 'public', req: get('/api/health'), anon: 200 },
  'GET /api/openapi.json': { access: 'public', req: get('/api/openapi.json'), anon: 200 },
  'POST /api/test/clock': { access: 'test-hook', req: post('/api/test/clock', {}), anon: 400 },
  'POST /api/test/jobs/:name': { access: 'test-hook', req: post('/api/test/jobs/none', {}), anon: 404 },
  'POST /api/auth/login': { access: 'public', req: post('/api/auth/login', { username: '339920200001010000', password: 'wrong-password' }), anon: 401 },
  'GET /api/auth/session': { access: 'session', req: get('/api/auth/session'), status: 200 },
  'POST /api/auth/logout': { access: 'session', req: post('/api/auth/logout'), status: -1 },
  'POST /api/auth/password': { access: 'session', req: post('/api/auth/password', { currentPassword: 'not-the-password', newPassword: 'Another-Long-Pass-9' }), status: 400 },
  'POST /api/auth/mfa/verify': { access: 'session', req: post('/api/auth/mfa/verify', { code: '000000' }), status: 409 },
  'POST /api/auth/mfa/enrollment': { access: 'session', req: post('/api/auth/mfa/enrollment', {}), status: 400, memberStatus: 403 },
  'POST /api/auth/mfa/enrollment/confirm': { access: 'session', req: post('/api/auth/mfa/enrollment/confirm', { code: '000000' }), status: 409 },
  'GET /api/auth/mfa': { access: 'session', req: get('/api/auth/mfa'), status: 200 },
  'POST /api/auth/mfa/recovery-codes': { access: 'session', req: post('/api/auth/mfa/recovery-codes', { password: 'not-the-password' }), status: 400 },
  'GET /api/bootstrap': { access: 'public', req: get('/api/bootstrap'), anon: 200 },
  'POST /api/bootstrap': { access: 'public', req: post('/api/bootstrap', { token: 'not-a-token', name: '矩阵', idNumber: '339920200001010000', password: 'Another-Long-Pass-9' }), anon: 400 },
  'GET /api/regions': { access: 'session', req: get('/api/regions'), status: 200 },
  'GET /api/regions/:code': { access: 'session', req: get('/api/regions/330106'), status: 200 },
  'GET /api/transfer-targets': { access: 'session', req: get('/api/transfer-targets?q=%E5%9B%A2'), status: 200 },
  'GET /api/transfer-target-suggestions': { access: 'session', req: get('/api/transfer-target-suggestions?reason=WORK_CHANGE&regionCode=330106'), status: 200 },
  'GET /api/me': { access: 'session', req: get('/api/me'), status: 200 },

  // ---- 个人中心
  'PATCH /api/me': { access: 'member', req: patch('/api/me', {}), status: 200 },
  'GET /api/me/transfer-reason-set': { access: 'member', req: get('/api/me/transfer-reason-set'), status: 200 },
  'GET /api/me/transfers': { access: 'member', req: get('/api/me/transfers'), status: 200 },
  'POST /api/me/transfers': { access: 'member', req: post('/api/me/transfers', { reason: 'NOT_A_REASON' }), status: 400 },
  'POST /api/me/transfers/:id/cancel': { access: 'member', req: post('/api/me/transfers/99999999/cancel', {}), status: 404, other: (id) => post(`/api/me/transfers/${id}/cancel`, {}) },

  // ---- orgs
  'GET /api/orgs/:id': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/orgs/${id}`) },
  'GET /api/orgs/:id/children': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/orgs/${id}/children`) },
  'GET /api/orgs': { access: 'admin', req: () => get('/api/orgs?q=%E5%9B%A2') },
  'GET /api/org-findings': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/org-findings?type=SMALL_BRANCH&orgId=${id}`) },
  'GET /api/org-full-name-suggestion': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/org-full-name-suggestion?parentId=${id}&kind=BRANCH&name=%E7%9F%A9%E9%98%B5`) },
  'POST /api/orgs': { access: 'admin-object', obj: 'org', write: true, req: (id) => post('/api/orgs', { parentId: id, name: '矩阵支部', fullName: '中国共产主义青年团矩阵支部委员会', kind: 'BRANCH', industryCategory: 'HIGHER_EDUCATION' }) },
  'PATCH /api/orgs/:id': { access: 'admin-object', obj: 'org', write: true, req: (id) => patch(`/api/orgs/${id}`, { name: '越权改名' }) },
  'POST /api/orgs/:id/move': { access: 'admin-object', obj: 'org', write: true, req: (id, fx) => post(`/api/orgs/${id}/move`, { newParentId: fx.collegeA }) },
  'DELETE /api/orgs/:id': { access: 'admin-object', obj: 'org', write: true, req: (id) => del(`/api/orgs/${id}`) },

  // ---- members
  'GET /api/members': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/members?orgId=${id}&status=ALL`) },
  'GET /api/members/export': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/members/export?orgId=${id}&status=ALL`) },
  'GET /api/members/:id': { access: 'admin-object', obj: 'member', write: false, req: (id) => get(`/api/members/${id}`) },
  'POST /api/members': { access: 'admin-object', obj: 'branch', write: true, req: (id) => post('/api/members', memberBody(id)) },
  'PATCH /api/members/:id': { access: 'admin-object', obj: 'member', write: true, req: (id) => patch(`/api/members/${id}`, { workUnit: '越权单位' }) },
  'POST /api/members/:id/leave': { access: 'admin-object', obj: 'member', write: true, req: (id) => post(`/api/members/${id}/leave`, { reason: 'VOLUNTARY' }) },
  'POST /api/members/:id/restore': { access: 'admin-object', obj: 'member', write: true, req: (id, fx) => post(`/api/members/${id}/restore`, { branchId: fx.branchA1 }) },
  'POST /api/members/:id/reveal': { access: 'admin-object', obj: 'member', write: true, req: (id) => post(`/api/members/${id}/reveal`) },
  'POST /api/members/:id/reset-password': { access: 'admin-object', obj: 'member', write: true, req: (id) => post(`/api/members/${id}/reset-password`) },

  // ---- cadres and admins
  'GET /api/cadres': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/cadres?orgId=${id}`) },
  'POST /api/cadres': { access: 'admin-object', obj: 'org', write: true, req: (id) => post('/api/cadres', { orgId: id, name: '矩阵委员', idNumber: '339920200401010019', position: '委员' }) },
  'POST /api/cadres/:id/change': { access: 'admin-object', obj: 'cadre', write: true, req: (id) => post(`/api/cadres/${id}/change`, { position: '副书记' }) },
  'POST /api/cadres/:id/end': { access: 'admin-object', obj: 'cadre', write: true, req: (id) => post(`/api/cadres/${id}/end`, {}) },
  'GET /api/cadres/:id/history': { access: 'admin-object', obj: 'cadre', write: false, req: (id) => get(`/api/cadres/${id}/history`) },
  'GET /api/admins': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/admins?orgId=${id}`) },
  'POST /api/admins': { access: 'admin-object', obj: 'org', write: true, req: (id) => post('/api/admins', { orgId: id, personId: 1 }) },
  'POST /api/admins/:id/mfa-reset': { access: 'admin-object', obj: 'grant', write: true, req: (id) => post(`/api/admins/${id}/mfa-reset`) },
  'POST /api/admins/:id/revoke': { access: 'admin-object', obj: 'grant', write: true, req: (id) => post(`/api/admins/${id}/revoke`) },

  // ---- audit
  'GET /api/audit': { access: 'admin', req: () => get('/api/audit') },

  // ---- graduation (school committees only: others get 403 by role, see `status`)
  'POST /api/graduation/branch-marks': { access: 'admin-object', obj: 'branch', write: true, req: (id) => post('/api/graduation/branch-marks', { branchIds: [id], graduationAt: '2026-07', exemptReason: null, confirm: true }) },
  'POST /api/graduation/member-marks': { access: 'admin-object', obj: 'member', write: true, req: (id) => post('/api/graduation/member-marks', { memberIds: [id], mark: { kind: 'TEACHER' } }) },
  'POST /api/graduation/member-marks/revoke': { access: 'admin-object', obj: 'member', write: true, req: (id) => post('/api/graduation/member-marks/revoke', { memberIds: [id] }) },
  'GET /api/graduation/empty-branches': { access: 'admin', req: () => get('/api/graduation/empty-branches') },
  'POST /api/graduation/empty-branches/delete': { access: 'admin-object', obj: 'branch', write: true, req: (id) => post('/api/graduation/empty-branches/delete', { branchIds: [id] }) },
  'GET /api/graduation/destinations': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/graduation/destinations?orgId=${id}`) },
  'GET /api/graduation/destinations/export': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/graduation/destinations/export?orgId=${id}`) },
  'PATCH /api/graduation/destinations/:id': {
    access: 'admin-object',
    obj: 'member',
    write: true,
    req: (id) => patch(`/api/graduation/destinations/${id}`, { destinationUnit: '越权', destinationAddress: null, destinationRegionCode: null, hukouAddress: null, residenceAddress: null, parentsAddress: null }),
  },
  'GET /api/graduation/campaign': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/graduation/campaign?orgId=${id}`) },
  // Before 25 July the date rule (TR-10) answers first, the same for every id; after it each id goes through memberInScopeOr404.
  'POST /api/graduation/mobile-placements': { access: 'admin-object', obj: 'member', write: true, req: (id) => post('/api/graduation/mobile-placements', { memberIds: [id] }) },

  // ---- imports
  'GET /api/imports/template': { access: 'admin', req: () => get('/api/imports/template?kind=MEMBERS') },
  'POST /api/imports': { access: 'admin-object', obj: 'org', write: true, req: (id) => ({ method: 'POST', url: `/api/imports?kind=MEMBERS&orgId=${id}&fileName=x.xlsx`, body: Buffer.from('PK') }) },
  'GET /api/imports/:id': { access: 'admin-object', obj: 'import', write: false, req: (id) => get(`/api/imports/${id}`) },
  'GET /api/imports/:id/rows': { access: 'admin-object', obj: 'import', write: false, req: (id) => get(`/api/imports/${id}/rows`) },
  'GET /api/imports/:id/error-workbook': { access: 'admin-object', obj: 'import', write: false, req: (id) => get(`/api/imports/${id}/error-workbook`) },
  'POST /api/imports/:id/commit': { access: 'admin-object', obj: 'import', write: true, req: (id) => post(`/api/imports/${id}/commit`, { onlyValid: true }) },

  // ---- transfers
  'POST /api/transfers': { access: 'admin-object', obj: 'member', write: true, req: (id, fx) => post('/api/transfers', { memberIds: [id], ...transferDetails, targetOrgId: fx.branchA1 }) },
  'POST /api/transfers/incoming': { access: 'admin', req: () => post('/api/transfers/incoming', { name: '查无此人', idNumber: '339920200001010000', ...transferDetails }), status: { default: 404 } },
  'POST /api/transfer-member-lookup': { access: 'admin', req: () => post('/api/transfer-member-lookup', { name: '查无此人', idNumber: '339920200001010000' }), status: { default: 404 } },
  'GET /api/transfer-reason-set': { access: 'admin-object', obj: 'member', write: false, req: (id) => get(`/api/transfer-reason-set?memberId=${id}`) },
  'GET /api/transfers': { access: 'admin', req: () => get('/api/transfers') },
  'GET /api/transfers/:id': { access: 'admin-object', obj: 'transfer', write: false, req: (id) => get(`/api/transfers/${id}`) },
  'POST /api/transfers/:id/cancel': { access: 'admin-object', obj: 'transfer', write: true, req: (id) => post(`/api/transfers/${id}/cancel`, {}) },
  'GET /api/transfer-inbox': { access: 'admin', req: () => get('/api/transfer-inbox') },
  'GET /api/transfer-notices': { access: 'admin', req: () => get('/api/transfer-notices') },
  'POST /api/transfer-nodes/:id/approve': { access: 'admin-object', obj: 'node', write: true, req: (id) => post(`/api/transfer-nodes/${id}/approve`, {}) },
  'POST /api/transfer-nodes/:id/reject': { access: 'admin-object', obj: 'node', write: true, req: (id) => post(`/api/transfer-nodes/${id}/reject`, { reason: '越权退回' }) },
  'POST /api/transfer-nodes/:id/allocate': { access: 'admin-object', obj: 'node', write: true, req: (id, fx) => post(`/api/transfer-nodes/${id}/allocate`, { branchId: fx.branchA1 }) },
  'POST /api/transfer-nodes/batch-approve': { access: 'admin-object', obj: 'node', write: true, req: (id) => post('/api/transfer-nodes/batch-approve', { nodeIds: [id] }) },
  'POST /api/transfer-letters': { access: 'admin-object', obj: 'transfer', write: true, req: (id) => post('/api/transfer-letters', { transferIds: [id], feePaidUntil: '2026-02' }) },
  'GET /api/transfer-letters/:id': { access: 'admin-object', obj: 'letter', write: false, req: (id) => get(`/api/transfer-letters/${id}`) },

  // ---- supervision (statistics are for 领导机关; others get 403 by role)
  'GET /api/supervision/figures': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/supervision/figures?orgId=${id}`) },
  'GET /api/supervision/graduation': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/supervision/graduation?orgId=${id}`) },
  'GET /api/supervision/transfers': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/supervision/transfers?orgId=${id}`) },
  'GET /api/supervision/dev-numbers': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/supervision/dev-numbers?orgId=${id}`) },
  'GET /api/supervision/edu-counts': { access: 'admin', req: () => get('/api/supervision/edu-counts') },
  'POST /api/supervision/edu-counts': { access: 'admin', req: () => post('/api/supervision/edu-counts', { year: 2099 }), status: { default: 400 } },
  'POST /api/supervision/census': { access: 'admin-object', obj: 'org', write: true, req: (id) => post('/api/supervision/census', { orgId: id, year: 2025, count: 1 }) },
  'GET /api/supervision/unmarked-branches': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/supervision/unmarked-branches?orgId=${id}`) },
  'GET /api/supervision/export': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/supervision/export?figure=ST1&orgId=${id}`) },
  'GET /api/supervision/new-members/export': { access: 'admin-object', obj: 'org', write: false, req: (id) => get(`/api/supervision/new-members/export?orgId=${id}`) },
  'GET /api/dev-numbers/ranges': { access: 'admin', req: () => get('/api/dev-numbers/ranges') },
  'POST /api/dev-numbers/ranges': { access: 'admin-object', obj: 'org', write: true, req: (id) => post('/api/dev-numbers/ranges', { recipientOrgId: id, start: '202690000001', end: '202690000010' }) },
  'GET /api/dev-numbers/unused': { access: 'admin-object', obj: 'range', write: false, req: (id) => get(`/api/dev-numbers/unused?rangeId=${id}`) },
  'GET /api/dev-numbers/voids': { access: 'admin', req: () => get('/api/dev-numbers/voids') },
  'POST /api/dev-numbers/voids': { access: 'admin', req: () => post('/api/dev-numbers/voids', { number: '199900000001', reason: 'NOT_A_REASON' }), status: { default: 400 } },
  'GET /api/reports': { access: 'admin', req: () => get('/api/reports') },
  'GET /api/reports/:id': { access: 'admin-object', obj: 'report', write: false, req: (id) => get(`/api/reports/${id}`) },
  'POST /api/reports/member-deletion': { access: 'admin-object', obj: 'member', write: true, req: (id) => post('/api/reports/member-deletion', { memberId: id, reason: 'NAME' }) },
  'POST /api/reports/township-flag': { access: 'admin-object', obj: 'org', write: true, req: (id) => post('/api/reports/township-flag', { orgId: id, claimed: true }) },
  'POST /api/reports/:id/forward': { access: 'admin-object', obj: 'report', write: true, req: (id) => post(`/api/reports/${id}/forward`, {}) },
  'POST /api/reports/:id/refuse': { access: 'admin-object', obj: 'report', write: true, req: (id) => post(`/api/reports/${id}/refuse`, { reason: '越权退回' }) },
  'POST /api/reports/:id/execute': { access: 'admin-object', obj: 'report', write: true, req: (id) => post(`/api/reports/${id}/execute`, {}) },
};
