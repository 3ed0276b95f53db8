import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client';
import { importJobs } from '../../src/db/schema';
import { IMPORT_INTERRUPTED_MESSAGE, recoverInterruptedImports, waitForImport } from '../../src/server/modules/imports/imports.service';
import { memberImportWorkbook } from '../../scripts/member-workbook';
import { createTestApp, type TestApp } from '../helpers/app';
import { Factory, type Client, type OrgRow, type Tree } from '../helpers/factories';
import { commit, MEMBER_HEADERS, uploadAndValidate, workbook } from '../helpers/imports';
import { httpAs, startServer, type ServerProcess } from '../helpers/server-process';
import { testDbKind, urlFor } from '../helpers/test-db';
import { testIdNumber, testPhone } from '../helpers/factories';
import { rollupDrift } from '../helpers/rollups';

// Issue 7/7 item 7: crash drills. The server runs as a real child process on this file's PostgreSQL
// database and is killed with SIGKILL in the middle of the work; after a restart every acknowledged
// change is there, nothing half-done is, and the rollups and the audit trail agree with the data.

let t: TestApp;
let f: Factory;
let tree: Tree;
let college: Client;
let dbUrl = '';
const servers: ServerProcess[] = [];

beforeAll(async () => {
  // The child server runs on the real clock; the in-process factory uses the same instant, so no
  // scheduled job (TR-5 deadlines, GRAD-5) sees the drill's data as months old.
  t = await createTestApp({ now: new Date().toISOString() });
  f = new Factory(t);
  tree = await f.tree();
  college = (await f.admin(tree.collegeA)).client;
  if (testDbKind() === 'postgres') {
    const [db] = await rows<{ name: string }>(t.ctx.db, sql`SELECT current_database() AS name`);
    dbUrl = urlFor(process.env.DATABASE_URL!, db!.name);
  }
});
afterAll(async () => {
  for (const s of servers) await s.stop();
  await t.close();
});

async function start(): Promise<ServerProcess> {
  const s = await startServer(dbUrl);
  servers.push(s);
  return s;
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The audit chain's own verifier (issue 7/7 item 4, `npm run audit:verify`) on the drill's database,
 * when this version has it: a crash must not break the chain either.
 */
function auditChainVerified(): string {
  const root = resolve(import.meta.dirname, '../..');
  const scripts = (JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  if (!scripts['audit:verify']) return 'no verifier in this version';
  const r = spawnSync('npm', ['run', '--silent', 'audit:verify'], { cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_URL: dbUrl }, timeout: 120_000 });
  return r.status === 0 ? 'verified' : `FAILED (${r.status}): ${r.stdout}${r.stderr}`;
}

async function count(query: ReturnType<typeof sql>): Promise<number> {
  const [r] = await rows<{ n: number }>(t.ctx.db, query);
  return Number(r!.n);
}

describe('import restart recovery (issue 7/7, both databases)', () => {
  it('a COMMITTING job no transaction holds returns to VALIDATED, audited, and commits on retry', async () => {
    const admin = (await f.admin(tree.branchA2)).client.as(tree.branchA2.id);
    const rowsIn = [0, 1].map((k) => [`恢复${k}`, testIdNumber(900 + k, '20050301'), '汉族', '共青团员', '2020-05', '', '否', '', testPhone(900 + k), '入团志愿书', `2020${String(9_900_000 + k)}`]);
    const job = await uploadAndValidate(admin, await workbook(MEMBER_HEADERS, rowsIn), { orgId: tree.branchA2.id });
    // What a killed process leaves: the claim committed, its writer transaction gone.
    await t.ctx.db.update(importJobs).set({ status: 'COMMITTING' }).where(eq(importJobs.id, job.id));
    expect(await recoverInterruptedImports(t.ctx)).toEqual([job.id]);
    expect((await admin.get(`/api/imports/${job.id}`)).body).toMatchObject({ status: 'VALIDATED', message: IMPORT_INTERRUPTED_MESSAGE, can: { commit: true } });
    expect(await count(sql`SELECT count(*) AS n FROM audit_log WHERE action = 'IMPORT_INTERRUPTED' AND object_id = ${String(job.id)}`)).toBe(1);
    expect(await recoverInterruptedImports(t.ctx)).toEqual([]);
    expect((await commit(admin, job.id)).body).toMatchObject({ status: 'COMMITTED', committedRows: 2 });
    await waitForImport(job.id);
  });
});

describe.runIf(testDbKind() === 'postgres')('crash drills: kill -9 and restart (issue 7/7 item 7, PostgreSQL)', () => {
  it('kill -9 during a 100,000-row import commit: after the restart all rows or none, the job is not left running, rollups and audit agree', async () => {
    const ROWS = Number(process.env.DRILL_IMPORT_ROWS ?? 100_000);
    const branches: OrgRow[] = [tree.branchA1, tree.branchA2];
    const admin = college.as(tree.collegeA.id);
    const { file } = await memberImportWorkbook(ROWS, branches.map((b) => b.fullName));
    const imported = () => count(sql`SELECT count(*) AS n FROM members m JOIN persons p ON p.id = m.person_id WHERE p.name LIKE '团员%'`);
    const before = await imported();

    let server = await start();
    // template download, upload, validation, confirm — the admin's steps, over HTTP
    expect((await httpAs(server, admin, 'GET', '/api/imports/template?kind=MEMBERS')).status).toBe(200);
    const up = await httpAs(server, admin, 'POST', `/api/imports?kind=MEMBERS&orgId=${tree.collegeA.id}&fileName=drill.xlsx`, file, 'application/octet-stream');
    expect(up.status, JSON.stringify(up.body)).toBe(202);
    const jobId: number = up.body.id;
    const validated = await until('validation', 240_000, async () => {
      const j = (await httpAs(server, admin, 'GET', `/api/imports/${jobId}`)).body;
      return j.status !== 'READING' && j;
    });
    expect(validated).toMatchObject({ status: 'VALIDATED', totalRows: ROWS, errorRows: 0 });
    expect((await httpAs(server, admin, 'POST', `/api/imports/${jobId}/commit`, { onlyValid: false })).status).toBe(202);

    // Kill once the commit transaction has been writing for a second: it is open at the kill.
    const writer = await until('the commit transaction writing', 60_000, async () => {
      const [w] = await rows<{ pid: number; secs: number }>(
        t.ctx.db,
        sql`SELECT pid, extract(epoch FROM now() - xact_start)::float AS secs FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL AND xact_start < now() - interval '1 second'`,
      );
      return w;
    });
    await server.kill9();
    const openAtKill = (await count(sql`SELECT count(*) AS n FROM pg_stat_activity WHERE pid = ${writer.pid}`)) > 0;

    server = await start();
    // Restart recovery: the job leaves COMMITTING once PostgreSQL has rolled the dead transaction back.
    const after = await until('the job to leave COMMITTING', 90_000, async () => {
      const j = (await httpAs(server, admin, 'GET', `/api/imports/${jobId}`)).body;
      return j.status !== 'COMMITTING' && j;
    });
    const landed = (await imported()) - before;
    const commitAudits = () => count(sql`SELECT count(*) AS n FROM audit_log WHERE action = 'IMPORT_COMMIT' AND object_id = ${String(jobId)}`);
    const memberAudits = () => count(sql`SELECT count(*) AS n FROM audit_log WHERE action = 'MEMBER_CREATE' AND (changes -> 'importJob' ->> 'after')::int = ${jobId}`);
    expect([0, ROWS]).toContain(landed);
    if (landed === 0) {
      expect(after).toMatchObject({ status: 'VALIDATED', message: IMPORT_INTERRUPTED_MESSAGE, can: { commit: true } });
      expect(await commitAudits()).toBe(0);
      expect(await memberAudits()).toBe(0);
      expect(await count(sql`SELECT count(*) AS n FROM audit_log WHERE action = 'IMPORT_INTERRUPTED' AND object_id = ${String(jobId)}`)).toBe(1);
    } else {
      // Only possible if the commit finished between the probe and the signal.
      expect(openAtKill).toBe(false);
      expect(after).toMatchObject({ status: 'COMMITTED', committedRows: ROWS });
    }
    expect(await rollupDrift(t.ctx.db)).toEqual([]);

    // The interrupted job is retryable: committed now, every row and its audit rows land together.
    if (landed === 0) {
      expect((await httpAs(server, admin, 'POST', `/api/imports/${jobId}/commit`, { onlyValid: false })).status).toBe(202);
      const done = await until('the retried commit', 240_000, async () => {
        const j = (await httpAs(server, admin, 'GET', `/api/imports/${jobId}`)).body;
        return j.status !== 'COMMITTING' && j;
      });
      expect(done).toMatchObject({ status: 'COMMITTED', committedRows: ROWS });
      expect((await imported()) - before).toBe(ROWS);
    }
    expect(await commitAudits()).toBe(1);
    expect(await memberAudits()).toBe(ROWS);
    expect(await rollupDrift(t.ctx.db)).toEqual([]);
    expect(auditChainVerified()).not.toMatch(/^FAILED/);
    await server.stop();
  }, 360_000);

  it('kill -9 during 60 concurrent transfer approvals: every acknowledged approval is there, none is half-done, rollups agree', async () => {
    const N = 60;
    const grad = await f.org(tree.collegeA, { name: '2023级计算机3班团支部', kind: 'BRANCH', category: 'GRADUATE', graduationAt: `${new Date().getFullYear() + 1}-06` });
    const township = (await f.admin(tree.township)).client.as(tree.township.id);
    const memberIds: number[] = [];
    for (let i = 0; i < N; i++) memberIds.push((await f.member(grad)).id);
    const started = await college.as(tree.collegeA.id).post('/api/transfers', { memberIds, reason: 'UNEMPLOYED', fields: { address: '浙江省杭州市西湖区西溪街道某小区1幢' }, targetOrgId: tree.transition.id });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const transferIds: number[] = started.body.ids;
    const nodes = await rows<{ id: number; transfer_id: number }>(
      t.ctx.db,
      sql`SELECT id, transfer_id FROM transfer_nodes WHERE transfer_id IN (SELECT unnest(${`{${transferIds.join(',')}}`}::int[])) AND state = 'PENDING' ORDER BY id`,
    );
    expect(nodes).toHaveLength(N); // one node each: the receiving township approves and completes it

    let server = await start();
    const acknowledged = new Set<number>();
    let killed: Promise<void> | null = null;
    const victim = server;
    const inFlight = nodes.map(async (n) => {
      try {
        const r = await httpAs(victim, township, 'POST', `/api/transfer-nodes/${n.id}/approve`, {});
        if (r.status !== 200) throw new Error(`approve ${n.id}: ${r.status} ${JSON.stringify(r.body)}`);
        acknowledged.add(n.transfer_id);
        // SIGKILL right at the fifth acknowledgement, with the other approvals still in flight.
        if (acknowledged.size === 5) killed = victim.kill9();
      } catch (err) {
        if (!killed) throw err;
        // the connection died with the server: not acknowledged
      }
    });
    await Promise.all(inFlight);
    expect(killed).not.toBeNull();
    await killed;
    expect(acknowledged.size).toBeLessThan(N); // the kill landed while approvals were in flight

    server = await start();
    const state = await rows<{ transfer_id: number; status: string; node_state: string; branch_id: number; final_branch_id: number | null; open_periods: number; open_in: number; approvals: number; completions: number }>(
      t.ctx.db,
      sql`SELECT t.id AS transfer_id, t.status, n.state AS node_state, m.branch_id, t.final_branch_id,
            (SELECT count(*)::int FROM memberships p WHERE p.member_id = m.id AND p.ended_at IS NULL) AS open_periods,
            (SELECT p.branch_id FROM memberships p WHERE p.member_id = m.id AND p.ended_at IS NULL LIMIT 1) AS open_in,
            (SELECT count(*)::int FROM audit_log a WHERE a.action = 'TRANSFER_APPROVE' AND a.object_id = t.id::text) AS approvals,
            (SELECT count(*)::int FROM audit_log a WHERE a.action = 'TRANSFER_COMPLETE' AND a.object_id = t.id::text) AS completions
          FROM transfers t JOIN transfer_nodes n ON n.transfer_id = t.id JOIN members m ON m.id = t.member_id
          WHERE t.id IN (SELECT unnest(${`{${transferIds.join(',')}}`}::int[]))`,
    );
    const problems: string[] = [];
    for (const s of state) {
      const done = s.status === 'COMPLETED' && s.node_state === 'APPROVED' && s.branch_id === tree.transition.id && s.final_branch_id === tree.transition.id && s.approvals === 1 && s.completions >= 1;
      const untouched = s.status === 'OPEN' && s.node_state === 'PENDING' && s.branch_id === grad.id && s.final_branch_id === null && s.approvals === 0 && s.completions === 0;
      if (!(done || untouched) || s.open_periods !== 1 || s.open_in !== s.branch_id) problems.push(`half-done: ${JSON.stringify(s)}`);
      if (acknowledged.has(s.transfer_id) && !done) problems.push(`acknowledged but lost: ${JSON.stringify(s)}`);
    }
    expect(problems).toEqual([]);
    expect(await rollupDrift(t.ctx.db)).toEqual([]);

    // The rest can be approved after the restart; then all are done and the counts still agree.
    const left = state.filter((s) => s.status === 'OPEN').map((s) => nodes.find((n) => n.transfer_id === s.transfer_id)!.id);
    for (const id of left) expect((await httpAs(server, township, 'POST', `/api/transfer-nodes/${id}/approve`, {})).status).toBe(200);
    expect(await count(sql`SELECT count(*) AS n FROM members WHERE branch_id = ${tree.transition.id}`)).toBeGreaterThanOrEqual(N);
    expect(await count(sql`SELECT count(*) AS n FROM members WHERE branch_id = ${grad.id}`)).toBe(0);
    expect(await rollupDrift(t.ctx.db)).toEqual([]);
    expect(auditChainVerified()).not.toMatch(/^FAILED/);
    await server.stop();
  }, 120_000);
});
