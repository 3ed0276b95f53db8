import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client';
import { makeIdNumber } from '../../src/domain/id-number';
import { sealAudit } from '../../src/server/audit-chain';
import { buildApp } from '../../src/server/app';
import type { AppContext } from '../../src/server/context';
import type { ZApp } from '../../src/server/http/types';
import { createTestApp, type TestApp } from '../helpers/app';
import { anonymous, login, shareAuthenticators, type Client } from '../helpers/client';
import { Factory, memberInput, TEST_PASSWORD, type Tree } from '../helpers/factories';
import { commit, MEMBER_HEADERS, uploadAndValidate, workbook } from '../helpers/imports';
import { testDbKind } from '../helpers/test-db';

/**
 * Issue 7 item 4: real flows run with canary secrets, then every sink is searched for them — the
 * server's log output (every level), the audit log (every column), the import tables and any file
 * under DATA_DIR. Only masked forms may appear there.
 */
const CANARY_PASSWORD = 'Canary-口令-Zq9#Lp2$Vx7';
const CANARY_WRONG = 'Canary-Wrong-Mk4%Rt8&Yw1';
const CANARY_IDS = [makeIdNumber('339931', '20040229', '517'), makeIdNumber('339931', '20031111', '628'), makeIdNumber('339931', '20020707', '739')];
const CANARY_PHONES = ['13912345671', '13912345682', '13912345693', '13912345604'];

let t: TestApp;
let app: ZApp;
let dataDir: string;
let tree: Tree;
const log: string[] = [];
const secrets: { label: string; value: string }[] = [];

function secret(label: string, value: string) {
  secrets.push({ label, value });
}

function tokensOf(c: Client) {
  secret('session token', c.cookie!.split('=')[1]!);
  secret('CSRF token', c.csrf!);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

beforeAll(async () => {
  t = await createTestApp();
  dataDir = mkdtempSync(join(tmpdir(), 'zhtj-canary-'));
  const stream = new Writable({
    write(chunk, _enc, cb) {
      log.push(String(chunk));
      cb();
    },
  });
  const ctx: AppContext = { ...t.ctx, config: { ...t.ctx.config, dataDir } };
  // The server's own logger configuration, at its most talkative level.
  app = await buildApp(ctx, { logger: { level: 'trace', stream } as never });
  await app.ready();
  const f = new Factory(t);
  tree = await f.tree();
  // An admin account whose password becomes the canary.
  const made = await f.admin(tree.collegeA, { name: '金丝雀管理员' });
  shareAuthenticators(t.app, app);
  secret('admin ID number', made.idNumber);
  secret('TOTP secret', made.totpSecret);
  for (const v of CANARY_IDS) secret('ID number', v);
  for (const v of CANARY_PHONES) secret('phone', v);
  secret('password', CANARY_PASSWORD);
  secret('wrong password', CANARY_WRONG);
  secret('initial password', TEST_PASSWORD);

  let admin = (await login(app, made.idNumber, TEST_PASSWORD, '10.9.0.1')).as(tree.collegeA.id);
  tokensOf(admin);
  const changed = await admin.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: CANARY_PASSWORD });
  expect(changed.status).toBe(200);
  admin = (await login(app, made.idNumber, CANARY_PASSWORD, '10.9.0.1')).as(tree.collegeA.id);
  tokensOf(admin);
  const wrongChange = await admin.post('/api/auth/password', { currentPassword: CANARY_WRONG, newPassword: `${CANARY_PASSWORD}x` });
  expect(wrongChange.status).toBeGreaterThanOrEqual(400);

  // Failed logins: a wrong password, and an ID number as a username nobody has.
  const anon = anonymous(app);
  expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: made.idNumber, password: CANARY_WRONG } })).statusCode).toBe(401);
  expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: CANARY_IDS[2]!, password: CANARY_WRONG } })).statusCode).toBe(401);

  // Member create with a canary ID number and phone; a duplicate (409) and a bad input (400).
  const created = await admin.post('/api/members', memberInput(tree.branchA1.id, 1, { idNumber: CANARY_IDS[0], phone: CANARY_PHONES[0] }));
  expect(created.status).toBe(201);
  const id = created.body.id as number;
  expect((await admin.post('/api/members', memberInput(tree.branchA1.id, 2, { idNumber: CANARY_IDS[0], phone: CANARY_PHONES[3] }))).status).toBe(409);
  expect((await admin.post('/api/members', memberInput(tree.branchA1.id, 3, { idNumber: `${CANARY_IDS[1]}0`, phone: `${CANARY_PHONES[3]}9` }))).status).toBe(400);
  // A phone change (audited with before/after), a search by ID number and by phone, detail, reveal.
  expect((await admin.patch(`/api/members/${id}`, { phone: CANARY_PHONES[1] })).status).toBe(200);
  expect((await admin.get(`/api/members?idNumber=${CANARY_IDS[0]}`)).status).toBe(200);
  expect((await admin.get(`/api/members/${id}`)).status).toBe(200);
  const revealed = await admin.post(`/api/members/${id}/reveal`);
  expect(revealed.body).toEqual({ idNumber: CANARY_IDS[0], phone: CANARY_PHONES[1] });
  // Out of scope (audited ACCESS_DENIED) and a missing route.
  const other = (await login(app, (await f.admin(tree.collegeB)).idNumber, TEST_PASSWORD, '10.9.0.2')).as(tree.collegeB.id);
  tokensOf(other);
  expect((await other.post(`/api/members/${id}/reveal`)).status).toBe(404);
  expect((await anon.get(`/api/nowhere/${CANARY_IDS[1]}?phone=${CANARY_PHONES[2]}`)).status).toBe(404);

  // Import: one valid row, one with an error, then commit; export.
  const file = await workbook(MEMBER_HEADERS, [
    ['导入甲', CANARY_IDS[1]!, '汉族', '共青团员', '2020-05', tree.branchA1.fullName, '否', '', CANARY_PHONES[2]!, '入团志愿书', '202000009901'],
    ['导入乙', CANARY_IDS[2]!, '', '共青团员', '2020-05', tree.branchA1.fullName, '否', '', CANARY_PHONES[3]!, '入团志愿书', '202000009902'],
  ]);
  const job = await uploadAndValidate(admin, file, { orgId: tree.collegeA.id, fileName: '团员名单.xlsx' });
  expect(job.status).toBe('VALIDATED');
  const committed = await commit(admin, job.id, true);
  expect(committed.status, JSON.stringify(committed.body)).toBe(202);
  expect((await admin.get(`/api/imports/${job.id}/rows?pageSize=100`)).status).toBe(200);
  expect((await admin.get('/api/members/export')).status).toBe(200);
  await admin.post('/api/auth/logout');
  await sealAudit(t.ctx);
}, 120_000);

afterAll(async () => {
  await app.close();
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function leaks(text: string): string[] {
  return secrets.filter((s) => text.includes(s.value)).map((s) => `${s.label} ${s.value}`);
}

describe('issue 7 item 4: no password, token or full ID number/phone in any sink (canary)', () => {
  it('the flows ran and were logged', () => {
    expect(log.length).toBeGreaterThan(20);
    expect(secrets.filter((s) => s.label === 'session token')).toHaveLength(3);
  });

  it('the server log output, at trace level', () => {
    const text = log.join('');
    expect(leaks(text), text.split('\n').filter((l) => leaks(l).length > 0).join('\n')).toEqual([]);
  });

  it('the audit log, every column of every row', async () => {
    const r = await rows<{ row: string }>(t.ctx.db, sql`SELECT a::text AS row FROM audit_log a`);
    expect(r.length).toBeGreaterThan(10);
    const text = r.map((x) => x.row).join('\n');
    expect(text).toContain('LOGIN_FAILED');
    expect(leaks(text)).toEqual([]);
  });

  it('the import tables (jobs and staged rows)', async () => {
    const jobs = await rows<{ row: string }>(t.ctx.db, sql`SELECT j::text AS row FROM import_jobs j`);
    const staged = await rows<{ row: string }>(t.ctx.db, sql`SELECT r::text AS row FROM import_rows r`);
    expect(jobs.length).toBe(1);
    expect(staged.length).toBeGreaterThanOrEqual(1);
    expect(leaks([...jobs, ...staged].map((x) => x.row).join('\n'))).toEqual([]);
  });

  it('every other table: only sessions keep their CSRF token (compared on each request), and no secret else', async () => {
    const tables = await rows<{ name: string }>(t.ctx.db, sql`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`);
    let text = '';
    for (const { name } of tables) {
      const q = name === 'sessions' ? sql`SELECT (to_jsonb(t) - 'csrf_token')::text AS row FROM sessions t` : sql`SELECT t::text AS row FROM ${sql.identifier(name)} t`;
      text += (await rows<{ row: string }>(t.ctx.db, q)).map((x) => x.row).join('\n');
    }
    expect(leaks(text)).toEqual([]);
  });

  it.runIf(testDbKind() === 'pglite')('the embedded database files as the server keeps them under DATA_DIR/pglite (WAL included): no password, session token, ID number or phone', async () => {
    await t.ctx.database.pglite!.exec('CHECKPOINT');
    const raw = gunzipSync(Buffer.from(await (await t.ctx.database.pglite!.dumpDataDir('gzip')).arrayBuffer()));
    // The CSRF token is kept in the sessions table by design (compared on each request).
    const found = secrets.filter((s) => s.label !== 'CSRF token' && raw.includes(Buffer.from(s.value, 'utf8')));
    expect(found).toEqual([]);
  });

  it('every file under DATA_DIR', () => {
    const files = filesUnder(dataDir);
    for (const file of files) expect(leaks(readFileSync(file).toString('latin1')), file).toEqual([]);
  });
});
