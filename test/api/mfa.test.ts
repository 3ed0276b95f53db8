import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminGrants, adminMfa, auditLog, bootstrapTokens, mfaRecoveryCodes, orgs } from '../../src/db/schema';
import { totpForStep, totpStep } from '../../src/lib/totp';
import { loadConfig } from '../../src/server/config';
import { prepareBootstrapToken } from '../../src/server/modules/system/bootstrap';
import { createTestApp, type TestApp } from '../helpers/app';
import { anonymous, Client, login, loginPasswordOnly, nextTotpCode, rememberAuthenticator } from '../helpers/client';
import { Factory, TEST_PASSWORD, testIdNumber, type Tree } from '../helpers/factories';

// Issue 7 item 3 "Accounts": the admin second factor (TOTP, recovery codes) and the bootstrap token.
let t: TestApp;
let f: Factory;
let tree: Tree;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
});
afterAll(() => t.close());

let ipCounter = 0;
const nextIp = () => `10.210.${Math.floor(++ipCounter / 200)}.${(ipCounter % 200) + 1}`;
const STEP_MS = 30_000;

async function audits(action: string) {
  return t.ctx.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(auditLog.id);
}

/** An admin with a changed password but no authenticator yet (as a fresh grant leaves them). */
async function unenrolledAdmin(org = tree.collegeA) {
  const a = await f.admin(org);
  await t.ctx.db.delete(adminMfa).where(eq(adminMfa.personId, a.person.id));
  return a;
}

function codeNow(secret: string, offsetSteps = 0) {
  return totpForStep(secret, totpStep(t.clock.now()) + offsetSteps);
}

describe('second factor at login (issue 7: admins use TOTP)', () => {
  it('enrollment from scratch: secret, otpauth URI and QR; confirmed with a code; 10 recovery codes shown once; secret stored encrypted', async () => {
    const a = await unenrolledAdmin();
    const pending = await loginPasswordOnly(t.app, a.idNumber, TEST_PASSWORD, nextIp());
    expect(pending.session.mfa).toBe('ENROLL');
    // Members' shape is kept; the admin's roles are there, the session is not usable yet.
    expect(pending.session.mustChangePassword).toBe(false);

    const enrollment = await pending.post('/api/auth/mfa/enrollment', {});
    expect(enrollment.status).toBe(200);
    expect(enrollment.headers['cache-control']).toBe('no-store');
    const { secret, otpauthUri, qrDataUrl } = enrollment.body;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(new URL(otpauthUri).searchParams.get('secret')).toBe(secret);
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);

    // A wrong code does not confirm.
    const wrong = await pending.post('/api/auth/mfa/enrollment/confirm', { code: codeNow(secret, 5) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('MFA_CODE_INVALID');

    const confirmed = await pending.post('/api/auth/mfa/enrollment/confirm', { code: codeNow(secret) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(confirmed.body.session.mfa).toBeNull();
    expect((await pending.as(tree.collegeA.id).get('/api/members')).status).toBe(200);

    // Never plaintext in the database: the secret is ciphertext, recovery codes are keyed hashes.
    const [row] = await t.ctx.db.select().from(adminMfa).where(eq(adminMfa.personId, a.person.id));
    expect(row!.secretEnc!.toString('latin1')).not.toContain(secret);
    expect(t.ctx.cipher.decrypt(row!.secretEnc!)).toBe(secret);
    expect(row!.pendingSecretEnc).toBeNull();
    const stored = await t.ctx.db.select().from(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.personId, a.person.id));
    expect(stored).toHaveLength(10);
    for (const c of confirmed.body.recoveryCodes as string[]) {
      expect(stored.some((s) => s.codeHash.includes(c) || s.codeHash.includes(c.replace('-', '')))).toBe(false);
    }
    // Audited without the code or the secret.
    const logged = JSON.stringify(await t.ctx.db.select().from(auditLog).where(eq(auditLog.objectId, String(a.person.id))));
    expect(logged).toContain('MFA_ENROLL');
    expect(logged).not.toContain(secret);
    for (const c of confirmed.body.recoveryCodes as string[]) expect(logged).not.toContain(c);
  });

  it('an enrolled admin logs in with password then code; a pending session cannot read /api/members (403 MFA_PENDING) and learns nothing', async () => {
    const a = await f.admin(tree.collegeA);
    const pending = (await loginPasswordOnly(t.app, a.idNumber, TEST_PASSWORD, nextIp())).as(tree.collegeA.id);
    expect(pending.session.mfa).toBe('REQUIRED');
    const blocked = await pending.get('/api/members');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('MFA_PENDING');
    expect((await pending.get('/api/me')).body.error.code).toBe('MFA_PENDING');
    // The session itself and logout stay open.
    const session = await pending.get('/api/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.mfa).toBe('REQUIRED');

    const verified = await pending.post('/api/auth/mfa/verify', { code: await nextTotpCode(t.app, a.idNumber) });
    expect(verified.status).toBe(200);
    expect(verified.body.mfa).toBeNull();
    expect((await pending.get('/api/members')).status).toBe(200);
    expect((await pending.get('/api/auth/session')).body.mfa).toBeNull();
    const ok = await audits('MFA_VERIFY');
    expect(ok.at(-1)).toMatchObject({ result: 'OK', actorPersonId: a.person.id, reason: 'TOTP' });
  });

  it('a pending session can do nothing but pass the second factor: every other operation answers 403 MFA_PENDING', async () => {
    const a = await f.admin(tree.collegeA);
    const pending = (await loginPasswordOnly(t.app, a.idNumber, TEST_PASSWORD, nextIp())).as(tree.collegeA.id);
    const spec = (await anonymous(t.app).get('/api/openapi.json')).body;
    const open = new Set(['login', 'getHealth', 'setClock', 'runJobNow', 'getBootstrapStatus', 'bootstrapFirstAdmin']);
    const allowed = new Set(['getSession', 'logout', 'verifyMfa', 'startMfaEnrollment', 'confirmMfaEnrollment']);
    let checked = 0;
    for (const [path, ops] of Object.entries<Record<string, { operationId: string }>>(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (open.has(op.operationId) || allowed.has(op.operationId)) continue;
        const url = path.replace(/\{[^}]+\}/g, '1');
        const r = await pending.request(method.toUpperCase() as 'GET', url, method === 'get' || method === 'delete' ? undefined : {});
        expect(r.status, `${method} ${path}`).toBe(403);
        expect(r.body.error.code, `${method} ${path}`).toBe('MFA_PENDING');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect((await pending.get('/api/auth/session')).status).toBe(200);
  });

  it('a session that waits more than 10 minutes for the second factor expires', async () => {
    const a = await f.admin(tree.collegeA);
    const pending = await loginPasswordOnly(t.app, a.idNumber, TEST_PASSWORD, nextIp());
    t.clock.advance(10 * 60_000 + 1000);
    const late = await pending.post('/api/auth/mfa/verify', { code: codeNow(a.totpSecret) });
    expect(late.status).toBe(401);
    expect(late.body.error.code).toBe('SESSION_EXPIRED');
  });

  it('a used code cannot be replayed, not even by a second login in the same 30 s', async () => {
    const a = await f.admin(tree.collegeA); // logged in once, with the step now−1
    const step = totpStep(t.clock.now());
    const first = await loginPasswordOnly(t.app, a.idNumber, TEST_PASSWORD, nextIp());
    expect((await first.post('/api/auth/mfa/verify', { code: totpForStep(a.totpSecret, step) })).status).toBe(200);
    const second = await loginPasswordOnly(t.app, a.idNumber, TEST_PASSWORD, nextIp());
    const replay = await second.post('/api/auth/mfa/verify', { code: totpForStep(a.totpSecret, step) });
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('MFA_CODE_INVALID');
    // An older step inside the window is refused too; the next one is fine.
    expect((await second.post('/api/auth/mfa/verify', { code: totpForStep(a.totpSecret, step - 1) })).status).toBe(401);
    expect((await second.post('/api/auth/mfa/verify', { code: totpForStep(a.totpSecret, step + 1) })).status).toBe(200);
    // Two steps ahead is outside the ±30 s tolerance.
    const third = await loginPasswordOnly(t.app, a.idNumber, TEST_PASSWORD, nextIp());
    expect((await third.post('/api/auth/mfa/verify', { code: totpForStep(a.totpSecret, step + 2) })).status).toBe(401);
  });

  it('SEC-2 five wrong codes lock the account like five wrong passwords (even the right code is then refused); audited without the code', async () => {
    const a = await f.admin(tree.collegeA);
    const pending = await loginPasswordOnly(t.app, a.idNumber, TEST_PASSWORD, nextIp());
    const wrongCode = codeNow(a.totpSecret, 10);
    for (let i = 0; i < 5; i++) {
      const r = await pending.post('/api/auth/mfa/verify', { code: wrongCode });
      expect(r.status).toBe(401);
    }
    t.clock.advance(STEP_MS);
    const locked = await pending.post('/api/auth/mfa/verify', { code: codeNow(a.totpSecret) });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('LOGIN_LOCKED');
    // The password step is locked too (the same per-account guard).
    const again = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: a.idNumber, password: TEST_PASSWORD }, remoteAddress: nextIp() });
    expect(again.json().error.code).toBe('LOGIN_LOCKED');
    const denied = (await audits('MFA_VERIFY')).filter((r) => r.actorPersonId === a.person.id && r.result === 'DENIED');
    expect(denied.length).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(denied)).not.toContain(wrongCode);
    // After 15 minutes the right code works.
    t.clock.advance(16 * 60_000);
    const fresh = await loginPasswordOnly(t.app, a.idNumber, TEST_PASSWORD, nextIp());
    expect((await fresh.post('/api/auth/mfa/verify', { code: codeNow(a.totpSecret) })).status).toBe(200);
  });

  it('a recovery code works exactly once; regenerating (with the password) invalidates the old set', async () => {
    const a = await unenrolledAdmin();
    const admin = await login(t.app, a.idNumber, TEST_PASSWORD, nextIp()); // enrolls through the helper
    // The helper saw the codes; get a fresh set through 账号安全 as the admin would.
    const wrongPassword = await admin.post('/api/auth/mfa/recovery-codes', { password: 'Not-The-Password-1' });
    expect(wrongPassword.status).toBe(400);
    expect(wrongPassword.body.error.code).toBe('PASSWORD_WRONG');
    const regen = await admin.post('/api/auth/mfa/recovery-codes', { password: TEST_PASSWORD });
    expect(regen.status).toBe(200);
    const codes = regen.body.recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    expect((await admin.get('/api/auth/mfa')).body).toMatchObject({ required: true, enrolled: true, recoveryCodesRemaining: 10 });

    const p1 = await loginPasswordOnly(t.app, a.idNumber, TEST_PASSWORD, nextIp());
    const used = await p1.post('/api/auth/mfa/verify', { recoveryCode: codes[0]!.toLowerCase() });
    expect(used.status).toBe(200);
    expect((await admin.get('/api/auth/mfa')).body.recoveryCodesRemaining).toBe(9);
    const p2 = await loginPasswordOnly(t.app, a.idNumber, TEST_PASSWORD, nextIp());
    expect((await p2.post('/api/auth/mfa/verify', { recoveryCode: codes[0] })).status).toBe(401);

    const regen2 = await admin.post('/api/auth/mfa/recovery-codes', { password: TEST_PASSWORD });
    expect(regen2.status).toBe(200);
    expect((await p2.post('/api/auth/mfa/verify', { recoveryCode: codes[1] })).status).toBe(401); // old set gone
    expect((await p2.post('/api/auth/mfa/verify', { recoveryCode: regen2.body.recoveryCodes[1] })).status).toBe(200);
    expect((await audits('MFA_RECOVERY_CODES')).filter((r) => r.actorPersonId === a.person.id).map((r) => r.result)).toEqual(['DENIED', 'OK', 'OK']);
  });

  it('re-enrolling from 账号安全 needs the password; the old authenticator works until the new one is confirmed', async () => {
    const a = await f.admin(tree.collegeA);
    expect((await a.client.post('/api/auth/mfa/enrollment', {})).body.error.code).toBe('PASSWORD_WRONG');
    const started = await a.client.post('/api/auth/mfa/enrollment', { password: TEST_PASSWORD });
    expect(started.status).toBe(200);
    // Not confirmed yet: the old secret still logs in.
    const p = await loginPasswordOnly(t.app, a.idNumber, TEST_PASSWORD, nextIp());
    expect((await p.post('/api/auth/mfa/verify', { code: await nextTotpCode(t.app, a.idNumber) })).status).toBe(200);
    t.clock.advance(STEP_MS * 2);
    const confirmed = await a.client.post('/api/auth/mfa/enrollment/confirm', { code: codeNow(started.body.secret) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    // Other sessions end with the old authenticator; this one goes on.
    expect((await p.get('/api/auth/session')).status).toBe(401);
    expect((await a.client.get('/api/auth/session')).status).toBe(200);
    t.clock.advance(STEP_MS * 2);
    const oldCode = await loginPasswordOnly(t.app, a.idNumber, TEST_PASSWORD, nextIp());
    expect((await oldCode.post('/api/auth/mfa/verify', { code: codeNow(a.totpSecret) })).status).toBe(401);
    expect((await oldCode.post('/api/auth/mfa/verify', { code: codeNow(started.body.secret) })).status).toBe(200);
  });

  it('a superior admin resets a lost second factor (audited); the admin enrolls anew at the next login; nobody resets their own here', async () => {
    const college = await f.admin(tree.collegeA);
    const branch = await f.admin(tree.branchA1);
    const sibling = await f.admin(tree.collegeB);
    // Outside the scope: answered like a missing grant.
    const out = await sibling.client.post(`/api/admins/${branch.grant.id}/mfa-reset`);
    expect(out.status).toBe(404);
    expect((await college.client.post(`/api/admins/${college.grant.id}/mfa-reset`)).body.error.code).toBe('MFA_SELF_RESET');

    const reset = await college.client.post(`/api/admins/${branch.grant.id}/mfa-reset`);
    expect(reset.status).toBe(200);
    expect(await t.ctx.db.select().from(adminMfa).where(eq(adminMfa.personId, branch.person.id))).toHaveLength(0);
    expect((await branch.client.get('/api/auth/session')).status).toBe(401); // sessions ended
    const [logged] = (await audits('MFA_RESET')).filter((r) => r.objectId === String(branch.grant.id));
    expect(logged).toMatchObject({ result: 'OK', actorPersonId: college.person.id, actingOrgId: tree.collegeA.id });

    const next = await loginPasswordOnly(t.app, branch.idNumber, TEST_PASSWORD, nextIp());
    expect(next.session.mfa).toBe('ENROLL');
  });

  it('members need no second factor: the login answer keeps its shape with mfa null', async () => {
    const m = await f.member(tree.branchA1, { password: 'Member-Pass-77' });
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: m.idNumber, password: 'Member-Pass-77' }, remoteAddress: nextIp() });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['csrfToken', 'idleTimeoutMinutes', 'mfa', 'mustChangePassword', 'passwordChangeReason', 'person', 'roles'].sort());
    expect(body.mfa).toBeNull();
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    expect((await new Client(t.app, cookie, body.csrfToken).get('/api/me')).status).toBe(200);
    // A member cannot bind an authenticator (nothing to protect beyond the password).
    expect((await new Client(t.app, cookie, body.csrfToken).post('/api/auth/mfa/enrollment', { password: 'Member-Pass-77' })).body.error.code).toBe('MFA_ADMINS_ONLY');
  });

  it('a session opened before an admin grant acts as no admin until the admin logs in again with the second factor', async () => {
    const m = await f.member(tree.branchA2, { password: 'Member-Pass-77', isCadre: true, leaguePosition: '书记' });
    const asMember = await login(t.app, m.idNumber, 'Member-Pass-77', nextIp());
    const college = await f.admin(tree.collegeA);
    expect((await college.client.post('/api/admins', { orgId: tree.branchA2.id, personId: m.personId })).status).toBe(201);
    const r = await asMember.as(tree.branchA2.id).get('/api/members');
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('MFA_REQUIRED');
    const relogged = await login(t.app, m.idNumber, 'Member-Pass-77', nextIp()); // enrolls
    expect((await relogged.as(tree.branchA2.id).get('/api/members')).status).toBe(200);
  });
});

describe('ADMIN_MFA configuration', () => {
  it('defaults to required; off is refused in production', () => {
    expect(loadConfig({}).adminMfa).toBe('required');
    expect(loadConfig({ ADMIN_MFA: 'off' }).adminMfa).toBe('off');
    expect(() => loadConfig({ ADMIN_MFA: 'off', NODE_ENV: 'production' })).toThrow(/ADMIN_MFA/);
    expect(() => loadConfig({ ADMIN_MFA: 'maybe' })).toThrow(/ADMIN_MFA/);
  });

  it('with ADMIN_MFA=off (development) an admin works after the password alone', async () => {
    const off = await createTestApp({ env: { ADMIN_MFA: 'off' } });
    try {
      const fo = new Factory(off);
      const root = await fo.org(null, { name: '团中央', kind: 'LEADERSHIP', leadershipLevel: 'NATIONAL' });
      const a = await fo.admin(root);
      const pending = await loginPasswordOnly(off.app, a.idNumber, TEST_PASSWORD, '10.212.0.1');
      expect(pending.session.mfa).toBeNull();
      expect((await pending.as(root.id).get('/api/members')).status).toBe(200);
    } finally {
      await off.close();
    }
  });
});

describe('bootstrap: no default superadmin (issue 7)', () => {
  let b: TestApp;
  let dir: string;
  beforeAll(async () => {
    b = await createTestApp();
    dir = mkdtempSync(join(tmpdir(), 'zhtj-bootstrap-'));
  });
  afterAll(async () => {
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const body = (token: string) => ({ token, name: '初始管理员', idNumber: testIdNumber(7_001, '19850301'), password: 'Lantern-River-Dawn-31' });

  it('an empty database: token file 0600 and only its hash stored; wrong token refused; the token works once, creating 团中央 and its admin; the first login enrolls TOTP', async () => {
    const file = join(dir, 'secrets', 'bootstrap-token');
    expect(await prepareBootstrapToken(b.ctx, file)).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const token = readFileSync(file, 'utf8').trim();
    const [stored] = await b.ctx.db.select().from(bootstrapTokens);
    expect(stored!.tokenHash).not.toContain(token);
    expect((await anonymous(b.app).get('/api/bootstrap')).body).toEqual({ open: true });

    const wrong = await anonymous(b.app).post('/api/bootstrap', body(`${token}x`));
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('BOOTSTRAP_TOKEN_INVALID');
    expect(await b.ctx.db.select().from(orgs)).toHaveLength(0);

    const weak = await anonymous(b.app).post('/api/bootstrap', { ...body(token), password: '12345678' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('PASSWORD_POLICY');

    const ok = await anonymous(b.app).post('/api/bootstrap', body(token));
    expect(ok.status).toBe(201);
    expect(ok.body.orgName).toBe('团中央');
    const [root] = await b.ctx.db.select().from(orgs);
    expect(root).toMatchObject({ parentId: null, kind: 'LEADERSHIP', leadershipLevel: 'NATIONAL', fullName: '中国共产主义青年团中央委员会' });
    const grants = await b.ctx.db.select().from(adminGrants).where(isNull(adminGrants.revokedAt));
    expect(grants).toEqual([expect.objectContaining({ personId: ok.body.personId, orgId: root!.id })]);

    const again = await anonymous(b.app).post('/api/bootstrap', body(token));
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('BOOTSTRAP_TOKEN_INVALID');
    expect((await anonymous(b.app).get('/api/bootstrap')).body).toEqual({ open: false });

    const first = await loginPasswordOnly(b.app, body(token).idNumber, body(token).password, '10.211.0.1');
    expect(first.session.mfa).toBe('ENROLL');
    const admin = await login(b.app, body(token).idNumber, body(token).password, '10.211.0.2');
    expect((await admin.as(root!.id).get('/api/orgs/' + root!.id)).status).toBe(200);

    const logged = JSON.stringify(await b.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'BOOTSTRAP_ADMIN')));
    expect(logged).toContain('"result":"OK"');
    expect(logged).toContain('"result":"DENIED"');
    expect(logged).not.toContain(token);
  });

  it('no token is created while an admin exists, and an old token stops working', async () => {
    const file = join(dir, 'second', 'bootstrap-token');
    expect(await prepareBootstrapToken(b.ctx, file)).toBeNull();
    expect(existsSync(file)).toBe(false);
    // The main test tree has admins too.
    expect(await prepareBootstrapToken(t.ctx, join(dir, 'third'))).toBeNull();
  });

  it('an expired token is refused (24 h)', async () => {
    const c = await createTestApp();
    try {
      const file = join(dir, 'expired', 'bootstrap-token');
      await prepareBootstrapToken(c.ctx, file);
      const token = readFileSync(file, 'utf8').trim();
      c.clock.advance(24 * 3_600_000 + 1000);
      const late = await anonymous(c.app).post('/api/bootstrap', body(token));
      expect(late.status).toBe(403);
      // A restart makes a new token; the newest one only is valid.
      const file2 = join(dir, 'expired2', 'bootstrap-token');
      await prepareBootstrapToken(c.ctx, file2);
      const token2 = readFileSync(file2, 'utf8').trim();
      expect((await anonymous(c.app).post('/api/bootstrap', body(token2))).status).toBe(201);
      const [rootGrant] = await c.ctx.db.select().from(adminGrants).where(and(isNull(adminGrants.revokedAt)));
      expect(rootGrant).toBeDefined();
    } finally {
      await c.close();
    }
  });
});

// Keeps the helpers' authenticator registry honest: the factory enrolls, the helper remembers.
describe('test helpers', () => {
  it('Factory.admin() is enrolled and its client verified', async () => {
    const a = await f.admin(tree.collegeB);
    expect(a.client.session.mfa).toBeNull();
    expect((await a.client.get('/api/members')).status).toBe(200);
    rememberAuthenticator(t.app, a.idNumber, a.totpSecret, totpStep(t.clock.now()) + 1);
  });
});
