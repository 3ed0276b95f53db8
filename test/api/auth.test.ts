import { and, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client';
import { accounts, adminGrants, auditLog, loginGuards, sessions } from '../../src/db/schema';
import { makeIdNumber } from '../../src/domain/id-number';
import { buildApp } from '../../src/server/app';
import { createTestApp, type TestApp } from '../helpers/app';
import { anonymous, Client, completeMfa, login } from '../helpers/client';
import { Factory, memberInput, TEST_PASSWORD, testIdNumber, type Tree } from '../helpers/factories';

let t: TestApp;
let f: Factory;
let tree: Tree;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
});
afterAll(() => t.close());

const MINUTE = 60_000;
const DAY = 86_400_000;
const MASKED_ID = /^\d{3}\*{14}[\dX]$/;
const GOOD_PASSWORD = 'Plum-Blossom-Rain-7';

/** Every test logs in from its own addresses, so the per-address counters never meet. */
let ipCounter = 0;
function nextIp(): string {
  ipCounter++;
  return `10.200.${Math.floor(ipCounter / 200)}.${(ipCounter % 200) + 1}`;
}

/** An ID number with the check character X, so a lower-case x can be typed. */
function idEndingInX(birth: string): string {
  for (let s = 100; s < 1000; s++) {
    const id = makeIdNumber('339901', birth, String(s));
    if (id.endsWith('X')) return id;
  }
  throw new Error('no ID with check character X');
}

async function tryLogin(username: string, password: string, ip: string) {
  const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

async function auditRows() {
  return t.ctx.db.select().from(auditLog).orderBy(auditLog.id);
}

/** Every table but the audit log, as JSON: "changes nothing" compares two of these. */
async function snapshot(): Promise<string> {
  const tables = await rows<{ tablename: string }>(
    t.ctx.db,
    sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'audit_log' ORDER BY tablename`,
  );
  const out: Record<string, unknown> = {};
  for (const { tablename } of tables) out[tablename] = await rows(t.ctx.db, sql`SELECT * FROM ${sql.identifier(tablename)} ORDER BY 1`);
  return JSON.stringify(out);
}

async function passwordHashOf(personId: number): Promise<string | null> {
  const [row] = await t.ctx.db.select({ h: accounts.passwordHash }).from(accounts).where(eq(accounts.personId, personId));
  return row!.h;
}

describe('login', () => {
  it('SEC-2 login by ID number and password answers the session and sets an httpOnly SameSite cookie; the ID is masked (SEC-4)', async () => {
    const m = await f.member(tree.branchA1, { password: GOOD_PASSWORD });
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: m.idNumber, password: GOOD_PASSWORD }, remoteAddress: nextIp() });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ mustChangePassword: false, passwordChangeReason: null, roles: [] });
    expect(typeof body.csrfToken).toBe('string');
    expect(body.csrfToken.length).toBeGreaterThanOrEqual(20);
    expect(body.person).toMatchObject({ id: m.personId, name: m.person.name, memberId: m.id });
    expect(body.person.idNumber).toMatch(MASKED_ID);
    expect(res.body).not.toContain(m.idNumber);
    expect(res.body).not.toContain(m.idNumber.slice(-8));

    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^zhtj_session=[\w-]{30,};/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\//);

    // The cookie and the CSRF token are a working session.
    const client = new Client(t.app, setCookie.split(';')[0]!, body.csrfToken);
    const session = await client.get('/api/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.person.id).toBe(m.personId);
    expect(session.body.csrfToken).toBe(body.csrfToken);
    const me = await client.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.member.id).toBe(m.id);
  });

  it('MEM-6 accepts the ID number with a lower-case x, and the initial password ends in the upper-case X', async () => {
    const idNumber = idEndingInX('20050101');
    const m = await f.member(tree.branchA1, { idNumber });
    const res = await tryLogin(idNumber.toLowerCase(), idNumber.slice(-8), nextIp());
    expect(res.status).toBe(200);
    expect(res.body.person.id).toBe(m.personId);
    expect(res.body.mustChangePassword).toBe(true);
    expect(res.body.person.idNumber).toMatch(/^\d{3}\*{14}X$/);
    // Surrounding spaces in the username are forgiven too.
    const spaced = await tryLogin(`  ${idNumber.toLowerCase()} `, idNumber.slice(-8), nextIp());
    expect(spaced.status).toBe(200);
  });

  it('SEC-2 answers an unknown ID number, a wrong password and a non-ID username identically (no enumeration)', async () => {
    const m = await f.member(tree.branchA1, { password: GOOD_PASSWORD });
    const fresh = await f.member(tree.branchA1); // still on its initial password
    const attempts = [
      await tryLogin(m.idNumber, 'Wrong-Password-1', nextIp()),
      await tryLogin(fresh.idNumber, 'Wrong-Password-1', nextIp()),
      await tryLogin(testIdNumber(9_001), 'Wrong-Password-1', nextIp()),
      await tryLogin(testIdNumber(9_002), testIdNumber(9_002).slice(-8), nextIp()),
      await tryLogin('admin', 'Wrong-Password-1', nextIp()),
      await tryLogin('33992120040615001', 'Wrong-Password-1', nextIp()), // 17 characters
    ];
    for (const a of attempts) {
      expect(a.status).toBe(401);
      expect(a.body).toEqual(attempts[0]!.body);
      expect(a.headers['set-cookie']).toBeUndefined();
    }
    expect(attempts[0]!.body.error.code).toBe('LOGIN_FAILED');
  });
});

describe('initial and reset passwords (MEM-6, SEC-2)', () => {
  it('MEM-6 the initial password opens only the session, password change and logout until it is changed', async () => {
    const collegeAdmin = await f.admin(tree.collegeA);
    const m = await f.member(tree.branchA1, { isCadre: true, leaguePosition: '书记' });
    // The branch secretary becomes the branch admin (ADM-1) while still on the initial password.
    const granted = await collegeAdmin.client.post('/api/admins', { orgId: tree.branchA1.id, personId: m.personId });
    expect(granted.status).toBe(201);

    const res = await tryLogin(m.idNumber, m.idNumber.slice(-8), nextIp());
    expect(res.status).toBe(200);
    expect(res.body.mustChangePassword).toBe(true);
    expect(res.body.passwordChangeReason).toBe('INITIAL');
    expect(res.body.roles).toEqual([expect.objectContaining({ orgId: tree.branchA1.id, kind: 'BRANCH' })]);
    const cookie = String(res.headers['set-cookie']).split(';')[0]!;
    // Issue 7: an admin first owes the second factor (enrollment, none being bound yet); nothing else
    // is open until then, not even the password change.
    expect(res.body.mfa).toBe('ENROLL');
    const pending = new Client(t.app, cookie, res.body.csrfToken, null, res.body);
    expect((await pending.get('/api/me')).body.error.code).toBe('MFA_PENDING');
    expect((await pending.post('/api/auth/password', { currentPassword: m.idNumber.slice(-8), newPassword: GOOD_PASSWORD })).body.error.code).toBe('MFA_PENDING');
    const user = await completeMfa(pending, m.idNumber, nextIp());
    const asAdmin = user.as(tree.branchA1.id);

    const blocked = [
      await asAdmin.get('/api/members'),
      await asAdmin.get(`/api/members/${m.id}`),
      await asAdmin.get(`/api/orgs/${tree.branchA1.id}`),
      await asAdmin.get('/api/audit'),
      await asAdmin.get('/api/cadres'),
      await asAdmin.post('/api/members', memberInput(tree.branchA1.id, 1)),
      await asAdmin.patch(`/api/members/${m.id}`, { workUnit: '演示大学' }),
      await user.get('/api/me'),
      await user.patch('/api/me', { workUnit: '演示大学' }),
    ];
    for (const r of blocked) {
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    }
    const session = await user.get('/api/auth/session');
    expect(session.status).toBe(200);
    expect(session.body.mustChangePassword).toBe(true);

    const changed = await user.post('/api/auth/password', { currentPassword: m.idNumber.slice(-8), newPassword: GOOD_PASSWORD });
    expect(changed.status).toBe(200);
    expect(changed.body.mustChangePassword).toBe(false);
    expect(changed.body.passwordChangeReason).toBeNull();

    expect((await asAdmin.get('/api/members')).status).toBe(200);
    expect((await asAdmin.get(`/api/members/${m.id}`)).status).toBe(200);
    expect((await asAdmin.get(`/api/orgs/${tree.branchA1.id}`)).status).toBe(200);
    expect((await user.get('/api/me')).status).toBe(200);
    const patched = await user.patch('/api/me', { workUnit: '演示大学' });
    expect(patched.status).toBe(200);
    expect(patched.body.member.workUnit).toBe('演示大学');
    // The initial password is gone for good.
    expect((await tryLogin(m.idNumber, m.idNumber.slice(-8), nextIp())).body.error.code).toBe('LOGIN_FAILED');
    expect((await tryLogin(m.idNumber, GOOD_PASSWORD, nextIp())).status).toBe(200);
    // Logout is open with the initial password too.
    const other = await f.member(tree.branchA1);
    const early = await login(t.app, other.idNumber, other.idNumber.slice(-8), nextIp());
    expect((await early.post('/api/auth/logout')).status).toBe(200);
    expect((await early.get('/api/auth/session')).status).toBe(401);
  });

  it('SEC-2 an unused initial password expires after 30 days: INITIAL_PASSWORD_EXPIRED', async () => {
    const m = await f.member(tree.branchA1);
    t.clock.advance(29 * DAY);
    const early = await tryLogin(m.idNumber, m.idNumber.slice(-8), nextIp());
    expect(early.status).toBe(200);
    expect(early.body.mustChangePassword).toBe(true);
    t.clock.advance(1 * DAY + MINUTE);
    const late = await tryLogin(m.idNumber, m.idNumber.slice(-8), nextIp());
    expect(late.status).toBe(401);
    expect(late.body.error.code).toBe('INITIAL_PASSWORD_EXPIRED');
    expect(late.headers['set-cookie']).toBeUndefined();
    // A wrong password still says only LOGIN_FAILED.
    expect((await tryLogin(m.idNumber, 'Wrong-Password-1', nextIp())).body.error.code).toBe('LOGIN_FAILED');
  });

  it('MEM-6 a reset password works once, forces a change and ends the member\'s sessions; unused it expires', async () => {
    const m = await f.member(tree.branchA1, { password: GOOD_PASSWORD });
    const phone = await login(t.app, m.idNumber, GOOD_PASSWORD, nextIp());
    const laptop = await login(t.app, m.idNumber, GOOD_PASSWORD, nextIp());
    expect((await phone.get('/api/me')).status).toBe(200);

    const { client: admin } = await f.admin(tree.collegeA);
    const reset = await admin.post(`/api/members/${m.id}/reset-password`);
    expect(reset.status).toBe(200);
    const temporary: string = reset.body.temporaryPassword;
    expect(temporary.length).toBeGreaterThanOrEqual(8);
    expect(new Date(reset.body.expiresAt).getTime()).toBe(t.clock.now().getTime() + 30 * DAY);

    // Every existing session of the member ended at once; the old password is gone.
    for (const c of [phone, laptop]) expect((await c.get('/api/auth/session')).status).toBe(401);
    expect((await tryLogin(m.idNumber, GOOD_PASSWORD, nextIp())).body.error.code).toBe('LOGIN_FAILED');

    const withTemp = await login(t.app, m.idNumber, temporary, nextIp());
    expect(withTemp.session.mustChangePassword).toBe(true);
    expect(withTemp.session.passwordChangeReason).toBe('RESET');
    expect((await withTemp.get('/api/me')).body.error.code).toBe('PASSWORD_CHANGE_REQUIRED');
    const changed = await withTemp.post('/api/auth/password', { currentPassword: temporary, newPassword: 'Autumn-Moon-Lake-88' });
    expect(changed.status).toBe(200);
    expect((await withTemp.get('/api/me')).status).toBe(200);
    // Used once: the temporary password no longer opens anything.
    expect((await tryLogin(m.idNumber, temporary, nextIp())).body.error.code).toBe('LOGIN_FAILED');
    expect((await tryLogin(m.idNumber, 'Autumn-Moon-Lake-88', nextIp())).status).toBe(200);

    // A second reset left unused for more than 30 days expires like an initial password.
    const again = await admin.post(`/api/members/${m.id}/reset-password`);
    expect(again.status).toBe(200);
    t.clock.advance(30 * DAY + MINUTE);
    const expired = await tryLogin(m.idNumber, again.body.temporaryPassword, nextIp());
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('INITIAL_PASSWORD_EXPIRED');
  });
});

describe('lockout and throttling (SEC-2)', () => {
  it('SEC-2 locks an account after 5 failures for 15 minutes, even for the correct password', async () => {
    const m = await f.member(tree.branchA1, { password: GOOD_PASSWORD });
    for (let i = 0; i < 5; i++) {
      const r = await tryLogin(m.idNumber, `Wrong-Password-${i}`, nextIp());
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('LOGIN_FAILED');
    }
    const locked = await tryLogin(m.idNumber, GOOD_PASSWORD, nextIp());
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('LOGIN_LOCKED');
    expect(locked.headers['set-cookie']).toBeUndefined();
    t.clock.advance(14 * MINUTE);
    expect((await tryLogin(m.idNumber, GOOD_PASSWORD, nextIp())).body.error.code).toBe('LOGIN_LOCKED');
    t.clock.advance(1 * MINUTE + 1000);
    const open = await tryLogin(m.idNumber, GOOD_PASSWORD, nextIp());
    expect(open.status).toBe(200);
    // Success clears the counter: four new failures do not lock again.
    for (let i = 0; i < 4; i++) expect((await tryLogin(m.idNumber, 'Wrong-Password-x', nextIp())).status).toBe(401);
    expect((await tryLogin(m.idNumber, GOOD_PASSWORD, nextIp())).status).toBe(200);
  });

  it('SEC-2 a burst of concurrent guesses gets exactly 5 tries before the lock', async () => {
    const m = await f.member(tree.branchA1, { password: GOOD_PASSWORD });
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => tryLogin(m.idNumber, `Wrong-Password-${i}`, nextIp())));
    const codes = burst.map((r) => r.body.error.code);
    expect(codes.filter((c) => c === 'LOGIN_FAILED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'LOGIN_LOCKED')).toHaveLength(15);
    expect((await tryLogin(m.idNumber, GOOD_PASSWORD, nextIp())).body.error.code).toBe('LOGIN_LOCKED');
    const fails = await t.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'LOGIN_FAILED'), eq(auditLog.objectId, String(m.personId))));
    expect(fails).toHaveLength(5);
    // Successes give their count back: more logins from one address than its failure limit all pass.
    const n = await f.member(tree.branchA1, { password: GOOD_PASSWORD });
    const ip = nextIp();
    for (let i = 0; i < t.ctx.config.policy.ipMaxFailures + 5; i++) expect((await tryLogin(n.idNumber, GOOD_PASSWORD, ip)).status).toBe(200);
    const [guard] = await t.ctx.db.select().from(loginGuards).where(eq(loginGuards.key, `ip:${ip}`));
    expect(guard!.failures).toBe(0);
  });

  it('SEC-2 an unknown ID number and a non-ID username lock exactly like a real account (no enumeration through the lock)', async () => {
    const m = await f.member(tree.branchA1, { password: GOOD_PASSWORD });
    const sequence = async (username: string) => {
      const out: unknown[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await tryLogin(username, `Wrong-Password-${i}`, nextIp());
        out.push([r.status, r.body]);
      }
      return out;
    };
    const real = await sequence(m.idNumber);
    const unknown = await sequence(testIdNumber(9_101));
    const notAnId = await sequence('zhangsan');
    expect(unknown).toEqual(real);
    expect(notAnId).toEqual(real);
    expect(real[5]).toEqual([429, expect.objectContaining({ error: expect.objectContaining({ code: 'LOGIN_LOCKED' }) })]);
  });

  it('SEC-2 throttles an address that fails against many accounts, while another address still logs in', async () => {
    const victims = [];
    for (let i = 0; i < 10; i++) victims.push(await f.member(tree.branchA2, { password: `${GOOD_PASSWORD}-${i}` }));
    const attacker = nextIp();
    // 3 failures per account (below the per-account lock), 30 from one address.
    for (const v of victims) {
      for (let i = 0; i < 3; i++) expect((await tryLogin(v.idNumber, `Guess-${i}-abcdef`, attacker)).status).toBe(401);
    }
    const auditBefore = (await auditRows()).length;
    const throttled = await tryLogin(victims[0]!.idNumber, `${GOOD_PASSWORD}-0`, attacker);
    expect(throttled.status).toBe(429);
    expect(throttled.body.error.code).toBe('LOGIN_THROTTLED');
    const throttledOther = await tryLogin(testIdNumber(9_201), 'whatever-123', attacker);
    expect(throttledOther.body).toEqual(throttled.body);
    // Throttled attempts are failures too (SEC-3).
    const newRows = (await auditRows()).slice(auditBefore);
    expect(newRows).toHaveLength(2);
    expect(newRows.every((r) => r.action === 'LOGIN_FAILED' && r.result === 'DENIED' && r.ip === attacker)).toBe(true);

    // The accounts themselves are not locked: their owners log in from elsewhere.
    for (const [i, v] of victims.entries()) {
      const r = await tryLogin(v.idNumber, `${GOOD_PASSWORD}-${i}`, nextIp());
      expect(r.status).toBe(200);
    }
    t.clock.advance(15 * MINUTE + 1000);
    expect((await tryLogin(victims[1]!.idNumber, `${GOOD_PASSWORD}-1`, attacker)).status).toBe(200);
  });
});

describe('sessions (SEC-2)', () => {
  it('SEC-2 a session expires after 30 minutes idle; activity keeps it alive', async () => {
    const m = await f.member(tree.branchA1, { password: GOOD_PASSWORD });
    const c = await login(t.app, m.idNumber, GOOD_PASSWORD, nextIp());
    for (let i = 0; i < 3; i++) {
      t.clock.advance(29 * MINUTE);
      expect((await c.get('/api/me')).status).toBe(200);
    }
    t.clock.advance(30 * MINUTE + 1000);
    const idle = await c.get('/api/me');
    expect(idle.status).toBe(401);
    expect(idle.body.error.code).toBe('SESSION_EXPIRED');
    expect(String(idle.headers['set-cookie'])).toMatch(/zhtj_session=;/);
    // An expired session never comes back.
    t.clock.advance(MINUTE);
    expect((await c.get('/api/auth/session')).status).toBe(401);
    expect((await c.post('/api/auth/logout')).status).toBe(401);
  });

  it('SEC-2 a session ends 12 hours after login even with constant activity', async () => {
    const m = await f.member(tree.branchA1, { password: GOOD_PASSWORD });
    const c = await login(t.app, m.idNumber, GOOD_PASSWORD, nextIp());
    let elapsed = 0;
    while (elapsed + 25 * MINUTE <= 12 * 60 * MINUTE) {
      t.clock.advance(25 * MINUTE);
      elapsed += 25 * MINUTE;
      expect((await c.get('/api/auth/session')).status).toBe(200);
    }
    t.clock.advance(12 * 60 * MINUTE - elapsed + 1000);
    const res = await c.get('/api/auth/session');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('SESSION_EXPIRED');
  });

  it('SEC-2 logout ends the session at once', async () => {
    const m = await f.member(tree.branchA1, { password: GOOD_PASSWORD });
    const c = await login(t.app, m.idNumber, GOOD_PASSWORD, nextIp());
    const out = await c.post('/api/auth/logout');
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ ok: true });
    expect(String(out.headers['set-cookie'])).toMatch(/zhtj_session=;/);
    const after = await c.get('/api/me');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
    const [row] = await t.ctx.db.select().from(sessions).where(eq(sessions.personId, m.personId));
    expect(row!.revokedAt).not.toBeNull();
  });

  it('SEC-2 a password change ends every other session of the person at once, but not the current one', async () => {
    const m = await f.member(tree.branchA1, { password: GOOD_PASSWORD });
    const a = await login(t.app, m.idNumber, GOOD_PASSWORD, nextIp());
    const b = await login(t.app, m.idNumber, GOOD_PASSWORD, nextIp());
    const c = await login(t.app, m.idNumber, GOOD_PASSWORD, nextIp());
    const changed = await a.post('/api/auth/password', { currentPassword: GOOD_PASSWORD, newPassword: 'Autumn-Moon-Lake-88' });
    expect(changed.status).toBe(200);
    expect(changed.body.csrfToken).toBe(a.csrf);
    expect((await a.get('/api/me')).status).toBe(200);
    for (const other of [b, c]) {
      const r = await other.get('/api/me');
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHENTICATED');
    }
    const live = await t.ctx.db.select().from(sessions).where(and(eq(sessions.personId, m.personId), isNull(sessions.revokedAt)));
    expect(live).toHaveLength(1);
    expect((await tryLogin(m.idNumber, GOOD_PASSWORD, nextIp())).status).toBe(401);
    expect((await tryLogin(m.idNumber, 'Autumn-Moon-Lake-88', nextIp())).status).toBe(200);
  });

  it('SEC-2 a wrong current password changes nothing and counts as a failure', async () => {
    const m = await f.member(tree.branchA1, { password: GOOD_PASSWORD });
    const c = await login(t.app, m.idNumber, GOOD_PASSWORD, nextIp());
    const before = await passwordHashOf(m.personId);
    const r = await c.post('/api/auth/password', { currentPassword: 'not-my-password', newPassword: 'Autumn-Moon-Lake-88' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('PASSWORD_WRONG');
    expect(await passwordHashOf(m.personId)).toBe(before);
    for (let i = 0; i < 4; i++) await tryLogin(m.idNumber, `Wrong-${i}-password`, nextIp());
    expect((await tryLogin(m.idNumber, GOOD_PASSWORD, nextIp())).body.error.code).toBe('LOGIN_LOCKED');
  });

  it('SEC-2 revoking an admin grant ends that admin\'s sessions; their next request is refused', async () => {
    const boss = await f.admin(tree.collegeA);
    const deputy = await f.admin(tree.collegeA);
    const deputyTab2 = await login(t.app, deputy.idNumber, TEST_PASSWORD, nextIp());
    expect((await deputy.client.get('/api/members')).status).toBe(200);

    const revoked = await boss.client.post(`/api/admins/${deputy.grant.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).not.toBeNull();

    for (const c of [deputy.client, deputyTab2.as(tree.collegeA.id)]) {
      const r = await c.get('/api/members');
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('UNAUTHENTICATED');
    }
    // Logging in again gives a session without the role, and the org refuses them.
    const again = await login(t.app, deputy.idNumber, TEST_PASSWORD, nextIp());
    expect(again.session.roles).toEqual([]);
    const refused = await again.as(tree.collegeA.id).get('/api/members');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('NOT_ADMIN_OF_ORG');
    const [grant] = await t.ctx.db.select().from(adminGrants).where(eq(adminGrants.id, deputy.grant.id));
    expect(grant!.revokedAt).not.toBeNull();
  });
});

describe('CSRF (SEC-2)', () => {
  it('SEC-2 refuses every state-changing request without or with a wrong x-csrf-token (403) and changes nothing; GET works without it', async () => {
    const admin = await f.admin(tree.collegeA);
    const deputy = await f.admin(tree.collegeA);
    const m = await f.member(tree.branchA1, { password: GOOD_PASSWORD });
    const self = await login(t.app, m.idNumber, GOOD_PASSWORD, nextIp());
    const cadre = await admin.client.post('/api/cadres', { orgId: tree.collegeA.id, name: '王委员', idNumber: testIdNumber(9_301), phone: '13912345601', position: '委员' });
    expect(cadre.status).toBe(201);
    const spare = await f.org(tree.collegeA, { name: '待删除团支部', kind: 'BRANCH' });

    const spec = (await anonymous(t.app).get('/api/openapi.json')).body;
    const publicOps = new Set(['login', 'setClock', 'runJobNow', 'bootstrapFirstAdmin']);
    const bodies: Record<string, unknown> = {
      createMember: memberInput(tree.branchA1.id, 9),
      updateMember: { workUnit: '不该写入' },
      leaveMember: { reason: 'VOLUNTARY' },
      restoreMember: { branchId: tree.branchA1.id },
      createOrg: { parentId: tree.collegeA.id, name: '新团支部', fullName: '中国共产主义青年团演示大学计算机学院新团支部委员会', kind: 'BRANCH', industryCategory: 'HIGHER_EDUCATION' },
      updateOrg: { name: '改名' },
      moveOrg: { newParentId: tree.branchA2.id },
      createCadre: { orgId: tree.collegeA.id, name: '李委员', idNumber: testIdNumber(9_302), phone: '13912345602', position: '委员' },
      changeCadrePosition: { position: '副书记' },
      endCadre: {},
      grantAdmin: { orgId: tree.collegeA.id, personId: cadre.body.personId },
      changePassword: { currentPassword: GOOD_PASSWORD, newPassword: 'Autumn-Moon-Lake-88' },
      updateMyProfile: { workUnit: '不该写入' },
    };
    const idFor = (path: string) => {
      if (path.startsWith('/api/members/')) return m.id;
      if (path.startsWith('/api/orgs/')) return spare.id;
      if (path.startsWith('/api/cadres/')) return cadre.body.id;
      if (path.startsWith('/api/admins/')) return deputy.grant.id;
      return 1;
    };

    const before = await snapshot();
    let checked = 0;
    for (const [path, ops] of Object.entries<Record<string, { operationId: string }>>(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (method === 'get' || method === 'head' || publicOps.has(op.operationId)) continue;
        const url = path.replace(/\{[^}]+\}/g, String(idFor(path)));
        const caller = path.startsWith('/api/auth/') || path === '/api/me' ? self : admin.client;
        const body = bodies[op.operationId] ?? {};
        for (const variant of [caller.withoutCsrf(), new Client(t.app, caller.cookie, 'wrong-token-0123456789abcdef', caller.orgId)]) {
          const res = await variant.request(method.toUpperCase() as 'POST', url, method === 'delete' ? undefined : body);
          expect(res.status, `${method} ${path}`).toBe(403);
          expect(res.body.error.code, `${method} ${path}`).toBe('CSRF_TOKEN_INVALID');
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
    expect(await snapshot()).toBe(before);

    // GET needs no token; and the same change with the token goes through.
    expect((await admin.client.withoutCsrf().get(`/api/members/${m.id}`)).status).toBe(200);
    expect((await self.withoutCsrf().get('/api/me')).status).toBe(200);
    const ok = await admin.client.patch(`/api/members/${m.id}`, { workUnit: '演示大学' });
    expect(ok.status).toBe(200);
    expect(ok.body.workUnit).toBe('演示大学');
    // A token of another session is a wrong token too.
    const foreign = new Client(t.app, self.cookie, admin.client.csrf);
    expect((await foreign.post('/api/auth/logout')).body.error.code).toBe('CSRF_TOKEN_INVALID');
    expect((await self.get('/api/me')).status).toBe(200);
  });
});

describe('password policy (SEC-2)', () => {
  it('SEC-2 refuses the ID number, 6-digit windows of it, the birth date, the phone, common and short passwords', async () => {
    const m = await f.member(tree.branchA1, { password: GOOD_PASSWORD });
    const c = await login(t.app, m.idNumber, GOOD_PASSWORD, nextIp());
    const id = m.idNumber;
    const birth = m.person.birthDate; // YYYY-MM-DD
    const phone = m.person.phone!;
    const hashBefore = await passwordHashOf(m.personId);
    const cases: [string, string][] = [
      [id, 'ID_NUMBER'],
      [id.toLowerCase(), 'ID_NUMBER'],
      [id.slice(-8), 'INITIAL'],
      [`Lucky-${id.slice(0, 6)}-go`, 'ID_NUMBER'],
      [`Lucky-${id.slice(8, 14)}-go`, 'ID_NUMBER'],
      [`go!${id.slice(12, 18).toLowerCase()}-now`, 'ID_NUMBER'],
      [`born${birth.replaceAll('-', '')}`, 'BIRTH_DATE'],
      [`Born-${birth}!`, 'BIRTH_DATE'],
      [`Born ${birth.replaceAll('-', '/')}`, 'BIRTH_DATE'],
      [`call-me-${phone}`, 'PHONE'],
      [`tel ${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`, 'PHONE'],
      ['password', 'COMMON'],
      ['Password123', 'COMMON'],
      ['12345678', 'COMMON'],
      ['qwerty123', 'COMMON'],
      ['woaini1314', 'COMMON'],
      ['aB3$xY7', 'TOO_SHORT'],
      ['春眠不觉晓', 'TOO_SHORT'],
      ['zzzzzzzzzzzz', 'REPEATED'],
    ];
    for (const [candidate, code] of cases) {
      const r = await c.post('/api/auth/password', { currentPassword: GOOD_PASSWORD, newPassword: candidate });
      expect(r.status, candidate).toBe(400);
      expect(r.body.error.code, candidate).toBe('PASSWORD_POLICY');
      expect(r.body.error.details.map((d: { code: string }) => d.code), candidate).toContain(code);
    }
    expect(await passwordHashOf(m.personId)).toBe(hashBefore);
    expect((await tryLogin(m.idNumber, GOOD_PASSWORD, nextIp())).status).toBe(200);
  });

  it('SEC-2 accepts a 64-character and a Chinese passphrase, stores argon2id, and logs in byte-exactly', async () => {
    const m = await f.member(tree.branchA1, { password: GOOD_PASSWORD });
    const c = await login(t.app, m.idNumber, GOOD_PASSWORD, nextIp());
    const long = 'correct horse battery staple, west lake in the autumn rain, ok!!';
    expect(long).toHaveLength(64);
    const r1 = await c.post('/api/auth/password', { currentPassword: GOOD_PASSWORD, newPassword: long });
    expect(r1.status).toBe(200);
    const hash = (await passwordHashOf(m.personId))!;
    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(hash).toMatch(/\$m=19456,t=2,p=1\$/);
    expect((await tryLogin(m.idNumber, long, nextIp())).status).toBe(200);
    for (const variant of [long.slice(0, -1), `${long} `, long.replace('correct', 'Correct'), long.replace('ok!!', 'ok!?')]) {
      expect((await tryLogin(m.idNumber, variant, nextIp())).status, variant).toBe(401);
    }

    const chinese = '春眠不觉晓处处闻啼鸟';
    const r2 = await c.post('/api/auth/password', { currentPassword: long, newPassword: chinese });
    expect(r2.status).toBe(200);
    expect((await passwordHashOf(m.personId))!.startsWith('$argon2id$v=19$m=19456,t=2')).toBe(true);
    expect((await tryLogin(m.idNumber, chinese, nextIp())).status).toBe(200);
    for (const variant of ['春眠不觉晓处处闻啼鸡', `${chinese} `, chinese.slice(0, -1), chinese.normalize('NFKC').replace('鸟', '鳥')]) {
      expect((await tryLogin(m.idNumber, variant, nextIp())).status, variant).toBe(401);
    }
    // Four failures do not lock the account: the exact passphrase still opens it.
    expect((await tryLogin(m.idNumber, chinese, nextIp())).status).toBe(200);
  });
});

describe('audit (SEC-3)', () => {
  it('SEC-3 records login success and failure, logout, password change and refused access with actor, result and address; never an ID number or password', async () => {
    const idNumber = idEndingInX('20050303');
    const old = await auditRows();
    const m = await f.member(tree.branchA1, { idNumber: makeIdNumber('339903', '20050202', '123') });
    const m2 = await f.member(tree.branchA1, { idNumber });
    const initial = m.idNumber.slice(-8);
    const newPassword = 'Autumn-Moon-Lake-88';
    const ipOk = nextIp();
    const ipBad = nextIp();

    expect((await tryLogin(m.idNumber, 'Wrong-Password-1', ipBad)).status).toBe(401);
    expect((await tryLogin(idNumber.toLowerCase(), 'Wrong-Password-2', ipBad)).status).toBe(401);
    expect((await tryLogin('Qv7-secret-passphrase', 'Wrong-Password-3', ipBad)).status).toBe(401);
    const c = await login(t.app, m.idNumber, initial, ipOk);
    expect((await c.get('/api/me')).status).toBe(403); // PASSWORD_CHANGE_REQUIRED
    expect((await c.post('/api/auth/password', { currentPassword: initial, newPassword })).status).toBe(200);
    expect((await c.as(tree.branchA1.id).get('/api/members')).status).toBe(403); // NOT_ADMIN_OF_ORG
    expect((await c.post('/api/auth/logout')).status).toBe(200);
    // An admin reveals and creates, which puts full ID numbers in responses but never in the log.
    const { client: admin } = await f.admin(tree.collegeA);
    expect((await admin.post(`/api/members/${m2.id}/reveal`)).body.idNumber).toBe(idNumber);
    const created = await admin.post('/api/members', memberInput(tree.branchA1.id, 42));
    expect(created.status).toBe(201);

    const all = await auditRows();
    const fresh = all.slice(old.length);
    const find = (action: string, pred: (r: (typeof fresh)[number]) => boolean = () => true) => fresh.filter((r) => r.action === action && pred(r));

    const failures = find('LOGIN_FAILED', (r) => r.ip === ipBad);
    expect(failures).toHaveLength(3);
    expect(failures[0]).toMatchObject({ result: 'DENIED', objectType: 'person', objectId: String(m.personId) });
    expect(failures.every((r) => r.requestId)).toBe(true);
    expect(find('LOGIN', (r) => r.actorPersonId === m.personId)).toEqual([
      expect.objectContaining({ result: 'OK', ip: ipOk, actorName: m.person.name, objectId: String(m.personId) }),
    ]);
    const denied = find('ACCESS_DENIED', (r) => r.actorPersonId === m.personId);
    expect(denied.map((r) => r.reason)).toEqual([
      expect.stringContaining('PASSWORD_CHANGE_REQUIRED'),
      expect.stringContaining(`NOT_ADMIN_OF_ORG GET /api/members x-org-id=${tree.branchA1.id}`),
    ]);
    // Requests after login come from app.inject's default address: each row has its own request's.
    const sessionIp = '127.0.0.1';
    expect(denied.every((r) => r.result === 'DENIED' && r.ip === sessionIp && r.actorName === m.person.name)).toBe(true);
    expect(find('PASSWORD_CHANGE', (r) => r.actorPersonId === m.personId)).toEqual([expect.objectContaining({ result: 'OK', ip: sessionIp })]);
    expect(find('LOGOUT', (r) => r.actorPersonId === m.personId)).toEqual([expect.objectContaining({ result: 'OK', ip: sessionIp })]);
    expect(find('MEMBER_REVEAL')).toHaveLength(1);

    const text = JSON.stringify(all).toLowerCase();
    for (const secret of [
      m.idNumber,
      idNumber,
      idNumber.toLowerCase(),
      memberInput(tree.branchA1.id, 42).idNumber,
      initial,
      idNumber.slice(-8),
      newPassword,
      'Wrong-Password-1',
      'Wrong-Password-3',
      TEST_PASSWORD,
      'Qv7', // a password typed into the username field is not logged, not even masked
      m.person.phone!,
    ]) {
      expect(text, secret).not.toContain(secret.toLowerCase());
    }
  });
});

describe('acting for an org (x-org-id)', () => {
  it('SEC-1 admin routes need x-org-id (400 ORG_HEADER_REQUIRED) naming an org the person administers (403 NOT_ADMIN_OF_ORG)', async () => {
    const { client } = await f.admin(tree.collegeA);
    const missing = await client.as(null).get('/api/members');
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('ORG_HEADER_REQUIRED');
    for (const bad of ['', 'abc', '0', '-1', '1.5', `${tree.collegeA.id},${tree.collegeB.id}`]) {
      const r = await client.as(null).request('GET', '/api/members', undefined, { 'x-org-id': bad });
      expect(r.status, bad).toBe(400);
      expect(r.body.error.code).toBe('ORG_HEADER_REQUIRED');
    }
    for (const other of [tree.collegeB.id, tree.university.id, tree.branchA1.id, 999_999]) {
      const r = await client.as(other).get('/api/members');
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('NOT_ADMIN_OF_ORG');
    }
    const w = await client.as(tree.collegeB.id).post('/api/members', memberInput(tree.branchB1.id, 77));
    expect(w.status).toBe(403);
    expect(w.body.error.code).toBe('NOT_ADMIN_OF_ORG');
    // Member self-service needs no org.
    expect((await client.as(null).get('/api/me')).status).toBe(200);
  });

  it('SEC-1 a person with two grants acts for each org in two tabs with the same cookie', async () => {
    const a = await f.admin(tree.collegeA);
    await t.ctx.db.insert(adminGrants).values({ personId: a.person.id, orgId: tree.collegeB.id, grantedAt: t.clock.now() });
    const s = await login(t.app, a.idNumber, TEST_PASSWORD, nextIp());
    expect(s.session.roles.map((r: { orgId: number }) => r.orgId).sort()).toEqual([tree.collegeA.id, tree.collegeB.id].sort());
    const mA = await f.member(tree.branchA1);
    const mB = await f.member(tree.branchB1);
    const tabA = s.as(tree.collegeA.id);
    const tabB = s.as(tree.collegeB.id);
    const [rA, rB] = await Promise.all([tabA.get(`/api/members/${mA.id}`), tabB.get(`/api/members/${mB.id}`)]);
    expect(rA.status).toBe(200);
    expect(rB.status).toBe(200);
    expect((await tabA.get(`/api/members/${mB.id}`)).status).toBe(404);
    expect((await tabB.get(`/api/members/${mA.id}`)).status).toBe(404);
    const listA = await tabA.get('/api/members?pageSize=100');
    const listB = await tabB.get('/api/members?pageSize=100');
    expect(listA.body.items.map((x: { id: number }) => x.id)).toContain(mA.id);
    expect(listA.body.items.map((x: { id: number }) => x.id)).not.toContain(mB.id);
    expect(listB.body.items.map((x: { id: number }) => x.id)).toContain(mB.id);
    expect(listB.body.items.map((x: { id: number }) => x.id)).not.toContain(mA.id);
    const pB = await tabB.patch(`/api/members/${mB.id}`, { workUnit: '经济学院' });
    expect(pB.status).toBe(200);
    const [row] = await t.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'MEMBER_UPDATE'), eq(auditLog.objectId, String(mB.id))));
    expect(row!.actingOrgId).toBe(tree.collegeB.id);
  });
});

describe('system', () => {
  it('API GET /api/health answers 200 without login', async () => {
    const r = await anonymous(t.app).get('/api/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', now: t.clock.now().toISOString() });
    expect(['pglite', 'postgres']).toContain(r.body.database);
  });

  it('API /api/openapi.json is OpenAPI 3 with a unique camelCase operationId on every operation', async () => {
    const r = await anonymous(t.app).get('/api/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body;
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    const methods = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];
    const ids = new Set<string>();
    let count = 0;
    for (const [path, item] of Object.entries<Record<string, { operationId?: string; responses?: object; parameters?: { in: string; name: string; required?: boolean }[] }>>(doc.paths)) {
      expect(path.startsWith('/api/'), path).toBe(true);
      for (const [method, op] of Object.entries(item)) {
        expect(methods, `${path} ${method}`).toContain(method);
        expect(op.operationId, `${method} ${path}`).toMatch(/^[a-z][A-Za-z0-9]*$/);
        expect(ids.has(op.operationId!), `duplicate ${op.operationId}`).toBe(false);
        ids.add(op.operationId!);
        expect(Object.keys(op.responses ?? {}).length, `${method} ${path} responses`).toBeGreaterThan(0);
        for (const name of [...path.matchAll(/\{([^}]+)\}/g)].map((x) => x[1])) {
          expect(op.parameters?.some((p) => p.in === 'path' && p.name === name && p.required === true), `${method} ${path} {${name}}`).toBe(true);
        }
        count++;
      }
    }
    expect(count).toBeGreaterThanOrEqual(20);
    for (const id of ['login', 'logout', 'getSession', 'changePassword', 'getHealth', 'listMembers', 'createMember', 'resetMemberPassword', 'revokeAdmin']) {
      expect(ids.has(id), id).toBe(true);
    }
  });

  it('SEC-1 every operation but login, health, bootstrap (issue 7) and the test API (clock, jobs) refuses an anonymous caller (401); the docs are browsable', async () => {
    const spec = (await anonymous(t.app).get('/api/openapi.json')).body;
    const open = new Set(['login', 'getHealth', 'setClock', 'runJobNow', 'getBootstrapStatus', 'bootstrapFirstAdmin']);
    let checked = 0;
    for (const [path, ops] of Object.entries<Record<string, { operationId: string }>>(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (open.has(op.operationId)) continue;
        const url = path.replace(/\{[^}]+\}/g, '1');
        const r = await anonymous(t.app).request(method.toUpperCase() as 'GET', url, method === 'get' || method === 'delete' ? undefined : {});
        expect(r.status, `${method} ${path}`).toBe(401);
        expect(r.body.error.code, `${method} ${path}`).toBe('UNAUTHENTICATED');
        // A forged cookie is no better than none.
        const forged = await new Client(t.app, 'zhtj_session=forged-token-0123456789', 'x').request(method.toUpperCase() as 'GET', url, method === 'get' || method === 'delete' ? undefined : {});
        expect(forged.status, `${method} ${path} forged`).toBe(401);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(20);
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
  });

  it('SEC-1 an API route that forgets its access level is closed, not public', async () => {
    const app = await buildApp(t.ctx);
    app.get('/api/zz-unconfigured', async () => ({ secret: 42 }));
    app.post('/api/zz-unconfigured', async () => ({ secret: 42 }));
    await app.ready();
    try {
      const anon = await anonymous(app).get('/api/zz-unconfigured');
      expect(anon.status).toBe(401);
      expect(anon.body.error.code).toBe('UNAUTHENTICATED');
      expect((await anonymous(app).post('/api/zz-unconfigured')).status).toBe(401);
      const m = await f.member(tree.branchA1, { password: GOOD_PASSWORD });
      const c = await login(app, m.idNumber, GOOD_PASSWORD, nextIp());
      expect((await c.get('/api/zz-unconfigured')).body).toEqual({ secret: 42 });
      expect((await c.withoutCsrf().post('/api/zz-unconfigured')).body.error.code).toBe('CSRF_TOKEN_INVALID');
      expect((await c.post('/api/zz-unconfigured')).body).toEqual({ secret: 42 });
    } finally {
      await app.close();
    }
  });

  it('SEC-2 with COOKIE_SECURE=1 the cookie is __Host- and Secure, and logout and expiry clear it with the same attributes', async () => {
    const secure = await createTestApp({ env: { COOKIE_SECURE: '1' } });
    try {
      const sf = new Factory(secure);
      const org = await sf.org(null, { name: '团中央', kind: 'LEADERSHIP' });
      const m = await sf.member(await sf.org(org, { name: '测试团支部', kind: 'BRANCH' }), { password: GOOD_PASSWORD });
      const res = await secure.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: m.idNumber, password: GOOD_PASSWORD } });
      expect(res.statusCode).toBe(200);
      const set = String(res.headers['set-cookie']);
      expect(set).toMatch(/^__Host-zhtj_session=[\w-]+;/);
      for (const attr of [/; Secure/i, /; HttpOnly/i, /; SameSite=Strict/i, /; Path=\//]) expect(set).toMatch(attr);
      expect(set).not.toMatch(/Domain=/i);
      const c = new Client(secure.app, set.split(';')[0]!, res.json().csrfToken);
      expect((await c.get('/api/me')).status).toBe(200);
      // The plain name is not accepted in place of the __Host- one.
      expect((await new Client(secure.app, c.cookie!.replace('__Host-', ''), c.csrf).get('/api/me')).status).toBe(401);
      const out = await c.post('/api/auth/logout');
      expect(out.status).toBe(200);
      const cleared = String(out.headers['set-cookie']);
      for (const attr of [/^__Host-zhtj_session=;/, /; Secure/i, /; Path=\//, /Expires=Thu, 01 Jan 1970/i]) expect(cleared).toMatch(attr);

      const c2 = await login(secure.app, m.idNumber, GOOD_PASSWORD);
      secure.clock.advance(31 * MINUTE);
      const expired = await c2.get('/api/me');
      expect(expired.body.error.code).toBe('SESSION_EXPIRED');
      expect(String(expired.headers['set-cookie'])).toMatch(/^__Host-zhtj_session=;.*; Secure/i);
    } finally {
      await secure.close();
    }
  });

  it('API POST /api/test/clock moves the server time when ZHTJ_TEST_API=1', async () => {
    const target = new Date(t.clock.now().getTime() + DAY).toISOString();
    const r = await anonymous(t.app).post('/api/test/clock', { now: target });
    expect(r.status).toBe(200);
    const health = await anonymous(t.app).get('/api/health');
    const now = new Date(health.body.now).getTime();
    expect(now).toBeGreaterThanOrEqual(new Date(target).getTime());
    expect(now - new Date(target).getTime()).toBeLessThan(10_000);
    t.clock.freeze(new Date(target));
    expect((await anonymous(t.app).post('/api/test/clock', { now: 'tomorrow' })).status).toBe(400);
  });

  it('API POST /api/test/jobs/:name runs a scheduled job now when ZHTJ_TEST_API=1; an unknown job is 404', async () => {
    const r = await anonymous(t.app).post('/api/test/jobs/graduation-conversion', {});
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ name: 'graduation-conversion', ran: true });
    const unknown = await anonymous(t.app).post('/api/test/jobs/no-such-job', {});
    expect(unknown.status).toBe(404);
  });

  it('API POST /api/test/clock answers 404 and moves nothing when the test API is off', async () => {
    const off = await createTestApp({ env: { ZHTJ_TEST_API: '0' } });
    try {
      expect(off.ctx.config.testApi).toBe(false);
      const before = off.clock.now().toISOString();
      const r = await anonymous(off.app).post('/api/test/clock', { now: '2030-01-01T00:00:00Z' });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('ROUTE_NOT_FOUND');
      const doc = (await anonymous(off.app).get('/api/openapi.json')).body;
      expect(Object.keys(doc.paths)).not.toContain('/api/test/clock');
      expect(Object.keys(doc.paths)).not.toContain('/api/test/jobs/{name}');
      expect(off.clock.now().toISOString()).toBe(before);
      expect((await anonymous(off.app).get('/api/health')).body.now).toBe(before);
    } finally {
      await off.close();
    }
  });
});
