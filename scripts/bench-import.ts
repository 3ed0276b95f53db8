/**
 * npm run bench:import — the Excel import at scale on PostgreSQL (issue 2/7). A benchmark, not a test.
 *
 * Creates a scratch database on the DATABASE_URL server, writes a 100,000-row workbook (10 branches
 * × 10,000 members, multi-branch mode), then times upload → streaming validation → one-transaction
 * commit through the same service functions the API uses, sampling the process's RSS; and, in the
 * same run, a raw `COPY` (psql \copy) of the same rows as CSV into a plain table, for comparison.
 * Target: ≥ 5,000 rows/s end to end and < 1 GiB peak RSS. ROWS=… changes the size. During upload +
 * validation it also samples the main thread's event-loop delay and utilisation: what a request
 * arriving meanwhile would wait (issue 7: validation runs in a worker thread).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openDatabase } from '../src/db/client';
import { migrateDatabase } from '../src/db/migrate';
import { orgs, persons } from '../src/db/schema';
import { makeIdNumber } from '../src/domain/id-number';
import { memberImportWorkbook } from './member-workbook';
import { maskIdNumber } from '../src/domain/masking';
import { childPath, rootPath } from '../src/domain/scope';
import { systemClock } from '../src/lib/clock';
import { PiiCipher } from '../src/lib/pii';
import { loadConfig } from '../src/server/config';
import type { AdminActor, AppContext } from '../src/server/context';
import { commitImport, getImport, listImportRows, uploadImport, waitForImport } from '../src/server/modules/imports/imports.service';

const ROWS = Number(process.env.ROWS ?? 100_000);
const BRANCHES = 10;
const base = process.env.DATABASE_URL;
if (!base) {
  console.error('bench:import needs DATABASE_URL (a PostgreSQL server); it creates and drops its own scratch database.');
  process.exit(2);
}
const dbName = `zhtj_bench_import_${Date.now()}`;
const url = new URL(base);
url.pathname = `/${dbName}`;

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;

async function admin(q: string) {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    await c.query(q);
  } finally {
    await c.end();
  }
}

/**
 * CPU seconds spent by this process (all threads) and by the PostgreSQL backends serving the scratch
 * database (read from /proc: same machine) — a measure that, unlike wall time, hardly moves with
 * what else runs on a shared machine.
 */
async function cpuNow(pool: pg.Pool): Promise<{ node: number; pg: Map<number, number> }> {
  const pg = new Map<number, number>();
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  for (const { pid } of rows) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      pg.set(pid, (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // not on this machine, or gone
    }
  }
  const u = process.cpuUsage();
  return { node: (u.user + u.system) / 1e6, pg };
}
function cpuSince(a: { node: number; pg: Map<number, number> }, b: { node: number; pg: Map<number, number> }): string {
  let pgSecs = 0;
  for (const [pid, s] of b.pg) pgSecs += s - (a.pg.get(pid) ?? 0);
  return `CPU node ${(b.node - a.node).toFixed(1)} s + PostgreSQL ${pgSecs.toFixed(1)} s`;
}

async function main() {
  await admin(`CREATE DATABASE ${dbName}`);
  const database = await openDatabase({ url: url.toString(), statementTimeoutMs: 120_000 });
  try {
    await migrateDatabase(database);
    const db = database.db;
    const ctx: AppContext = { db, database, clock: systemClock, cipher: new PiiCipher(randomBytes(32)), config: loadConfig({ NODE_ENV: 'test', DEMO_SEED: '0', DATA_DIR: '/nonexistent' }) };
    // A committee with ten branches, and its admin.
    const [root] = await db.insert(orgs).values({ id: 1, path: rootPath(1), depth: 0, name: '基准团委', fullName: '中国共产主义青年团基准委员会', kind: 'COMMITTEE', industryCategory: 'OTHER' }).returning();
    const names: string[] = [];
    for (let b = 0; b < BRANCHES; b++) {
      const id = 2 + b;
      const name = `基准${b + 1}班团支部`;
      await db.insert(orgs).values({ id, parentId: 1, path: childPath(root!.path, id), depth: 1, name, fullName: `中国共产主义青年团基准${b + 1}班支部委员会`, kind: 'BRANCH', industryCategory: 'OTHER' });
      names.push(`中国共产主义青年团基准${b + 1}班支部委员会`);
    }
    await db.execute(sql`SELECT setval(pg_get_serial_sequence('orgs', 'id'), 100)`);
    const adminId = makeIdNumber('339999', '19900101', '001');
    const [person] = await db
      .insert(persons)
      .values({ name: '基准管理员', idNumberEnc: ctx.cipher.encrypt(adminId), idNumberIdx: ctx.cipher.blindIndex('id', adminId), idNumberMasked: maskIdNumber(adminId), gender: 'MALE', birthDate: '1990-01-01' })
      .returning();
    const actor: AdminActor = { personId: person!.id, name: person!.name, sessionId: 'bench', ip: '127.0.0.1', requestId: 'bench', scope: { orgId: 1, path: root!.path, name: root!.name, kind: 'COMMITTEE', leadershipLevel: null, industryCategory: 'OTHER' } };

    let t = performance.now();
    const { file, csv } = await memberImportWorkbook(ROWS, names, { withCsv: true });
    console.log(`workbook: ${ROWS.toLocaleString()} rows, ${(file.length / 1024 / 1024).toFixed(1)} MB, written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const rssBefore = process.memoryUsage.rss();
    peakRss = rssBefore;

    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const elu = performance.eventLoopUtilization();
    const pool = database.pool!;
    const cpu0 = await cpuNow(pool);
    t = performance.now();
    const job = await uploadImport(ctx, actor, { kind: 'MEMBERS', orgId: 1, fileName: 'bench.xlsx' }, file);
    await waitForImport(job.id);
    const validated = await getImport(ctx, actor, job.id);
    const tValidate = (performance.now() - t) / 1000;
    loopDelay.disable();
    const busy = performance.eventLoopUtilization(elu).utilization;
    const ms = (ns: number) => `${(ns / 1e6).toFixed(0)} ms`;
    if (validated.status !== 'VALIDATED' || validated.errorRows > 0) {
      const sample = await listImportRows(ctx, actor, job.id, { page: 1, pageSize: 3, errorsOnly: true });
      throw new Error(`validation: ${JSON.stringify(validated)} ${JSON.stringify(sample.items)}`);
    }
    const cpu1 = await cpuNow(pool);
    t = performance.now();
    await commitImport(ctx, actor, job.id, { onlyValid: false });
    await waitForImport(job.id);
    const committed = await getImport(ctx, actor, job.id);
    const tCommit = (performance.now() - t) / 1000;
    if (committed.status !== 'COMMITTED') throw new Error(`commit: ${JSON.stringify(committed)}`);
    const cpu2 = await cpuNow(pool);
    const importPeak = peakRss;

    // Raw COPY of the same rows into a plain table, in the same run.
    await db.execute(sql.raw('CREATE TABLE bench_raw (name text, id_number text, ethnicity text, political text, joined text, branch text, cadre text, post text, phone text, evidence text, dev text)'));
    t = performance.now();
    const copy = spawnSync('psql', [url.toString(), '-v', 'ON_ERROR_STOP=1', '-c', '\\copy bench_raw FROM STDIN WITH (FORMAT csv)'], { input: csv, encoding: 'utf8' });
    const tCopy = (performance.now() - t) / 1000;
    if (copy.status !== 0) throw new Error(`psql \\copy failed: ${copy.stderr}`);

    const total = tValidate + tCommit;
    const lines = [
      `rows:                       ${ROWS.toLocaleString()}`,
      `import, upload + validate:  ${tValidate.toFixed(1)} s (${Math.round(ROWS / tValidate).toLocaleString()} rows/s)`,
      `main thread while validating: event-loop delay p50 ${ms(loopDelay.percentile(50))}, p99 ${ms(loopDelay.percentile(99))}, max ${ms(loopDelay.max)}; loop busy ${(busy * 100).toFixed(0)} %`,
      `import, commit (1 tx):      ${tCommit.toFixed(1)} s (${Math.round(ROWS / tCommit).toLocaleString()} rows/s)`,
      `cpu, upload + validate:     ${cpuSince(cpu0, cpu1)}`,
      `cpu, commit:                ${cpuSince(cpu1, cpu2)}`,
      `import, end to end:         ${total.toFixed(1)} s (${Math.round(ROWS / total).toLocaleString()} rows/s)`,
      `peak RSS during import:     ${mib(importPeak)} (before: ${mib(rssBefore)}, includes the generated workbook and CSV)`,
      `raw COPY of the same rows:  ${tCopy.toFixed(1)} s (${Math.round(ROWS / tCopy).toLocaleString()} rows/s) into one plain table`,
      `targets: >= 5,000 rows/s end to end: ${ROWS / total >= 5000 ? 'met' : 'NOT met'}; < 1 GiB peak RSS: ${importPeak < 1024 ** 3 ? 'met' : 'NOT met'}`,
    ];
    console.log(lines.join('\n'));
  } finally {
    clearInterval(sampler);
    await database.close();
    await admin(`DROP DATABASE IF EXISTS ${dbName}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
