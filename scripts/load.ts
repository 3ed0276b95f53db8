// `npm run load -- [--minutes 10] [--rate 40] [--mix admin=45,member=40,approve=15] [--connections 64]
//                  [--members 100] [--import-rows 20000] [--port 3741] [--rss-tolerance 15]`
//
// Issue 7/7 item 8: mixed traffic against the built server (dist/server.js, NODE_ENV=production) on a
// PostgreSQL database loaded by `npm run gen` (same DATABASE_URL and DATA_DIR / ZHTJ_DATA_KEY as
// scripts/bench.ts): admin lists (members, org children, org search, dashboard, transfer inbox),
// member self-service (/api/me…), transfer approvals, and one Excel import (upload → validation →
// commit) started half-way through. Open loop: requests start at `--rate` per second whatever the
// server's speed, at most `--connections` in flight (a request that finds them all busy is counted
// as dropped — the server is not keeping up). Reports per class the errors and p50/p95/p99, the
// server's RSS sampled every 5 s, and whether the memory stayed flat: in each steady phase (before the
// import, and from a minute after it to the end) the second half's average RSS within `--rss-tolerance`
// % of the first half's — a leak grows, a one-time step from the import is reported apart. Targets (issue 7/7): zero errors, p95 < 300 ms per class, memory flat;
// the exit code is 1 when one is missed. Results also go to bench-results/ (not committed).
//
// It changes the database: self-service members get the bench password, and transfers and the import
// are really made — run it on a bench database, never on real data.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { hashPassword } from '../src/lib/passwords';
import { PiiCipher, loadMasterKey } from '../src/lib/pii';
import { defaultKeyFile, loadConfig } from '../src/server/config';
import { BENCH_ACCOUNTS, BENCH_PASSWORD } from '../src/seed/generate';
import { httpLogin, type HttpSession } from './http-login';
import { memberImportWorkbook } from './member-workbook';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '40' },
    mix: { type: 'string', default: 'admin=45,member=40,approve=15' },
    connections: { type: 'string', default: '64' },
    members: { type: 'string', default: '100' },
    'import-rows': { type: 'string', default: '20000' },
    port: { type: 'string', default: '3741' },
    'rss-tolerance': { type: 'string', default: '15' },
  },
});
const SECONDS = Math.round(Number(values.minutes) * 60);
const RATE = Number(values.rate);
const CONNECTIONS = Number(values.connections);
const MEMBERS = Number(values.members);
const IMPORT_ROWS = Number(values['import-rows']);
const PORT = Number(values.port);
const RSS_TOLERANCE = Number(values['rss-tolerance']) / 100;
const P95_TARGET_MS = 300;
const MIX = Object.fromEntries(values.mix!.split(',').map((kv) => kv.split('=')).map(([k, v]) => [k!, Number(v)])) as Record<string, number>;
for (const k of Object.keys(MIX)) if (!['admin', 'member', 'approve'].includes(k)) throw new Error(`--mix: unknown class ${k} (admin, member, approve)`);
if (!(SECONDS > 0 && RATE > 0)) throw new Error('--minutes and --rate must be positive');

const config = loadConfig();
if (!config.databaseUrl) throw new Error('npm run load needs DATABASE_URL: a PostgreSQL database loaded by npm run gen');
const keyFile = defaultKeyFile(config);
const dataKey = process.env.ZHTJ_DATA_KEY ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
if (!dataKey) throw new Error('没有数据密钥：先运行 npm run gen（同样的 DATA_DIR / ZHTJ_DATA_KEY）');
const cipher = new PiiCipher(loadMasterKey({ env: { ZHTJ_DATA_KEY: dataKey }, production: true, defaultKeyFile: keyFile }));
const base = `http://127.0.0.1:${PORT}`;
const mib = (b: number) => b / 1024 / 1024;

type Session = HttpSession;

/**
 * The one place this script logs in (admins and members alike). When admins need a second factor
 * (issue 7/7 TOTP), it is added here: after the password step, answer the TOTP challenge.
 */
function login(idNumber: string, password: string): Promise<Session> {
  return httpLogin(base, idNumber, password);
}

function headers(s: Session, json = false): Record<string, string> {
  const h: Record<string, string> = { cookie: s.cookie, 'x-csrf-token': s.csrf };
  if (s.orgId !== null) h['x-org-id'] = String(s.orgId);
  if (json) h['content-type'] = 'application/json';
  return h;
}

// ---- measurements ---------------------------------------------------------------------------------
interface ClassStats {
  latencies: number[];
  errors: number;
  dropped: number;
  samples: string[];
}
const stats = new Map<string, ClassStats>();
function statsOf(cls: string): ClassStats {
  let s = stats.get(cls);
  if (!s) stats.set(cls, (s = { latencies: [], errors: 0, dropped: 0, samples: [] }));
  return s;
}
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

let inFlight = 0;
/** One timed request; non-2xx and network failures are errors of its class (first few kept as samples). */
async function timed(cls: string, label: string, url: string, init: RequestInit = {}): Promise<Response | null> {
  const s = statsOf(cls);
  inFlight++;
  const t0 = performance.now();
  try {
    const res = await fetch(`${base}${url}`, init);
    const body = await res.arrayBuffer();
    s.latencies.push(performance.now() - t0);
    if (!res.ok) {
      s.errors++;
      if (s.samples.length < 5) s.samples.push(`${label} → ${res.status} ${Buffer.from(body).toString('utf8').slice(0, 160)}`);
      return null;
    }
    return new Response(body, { status: res.status, headers: res.headers });
  } catch (err) {
    s.latencies.push(performance.now() - t0);
    s.errors++;
    if (s.samples.length < 5) s.samples.push(`${label} → ${(err as Error).message}`);
    return null;
  } finally {
    inFlight--;
  }
}

// ---- server and its memory ------------------------------------------------------------------------
function rssOf(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function waitForHealth(exited: () => boolean) {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (exited()) throw new Error('服务进程已退出');
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('服务 60 s 内没有就绪');
}

async function main() {
  if (!existsSync('dist/server.js')) throw new Error('先运行 npm run build');
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 4 });
  const q = async <T extends pg.QueryResultRow>(text: string, params: unknown[] = []) => (await pool.query<T>(text, params)).rows;
  const [county] = await q<{ id: number; path: string }>(`SELECT o.id, o.path FROM orgs o JOIN admin_grants g ON g.org_id = o.id JOIN persons p ON p.id = g.person_id WHERE p.id_number_idx = $1 LIMIT 1`, [cipher.blindIndex('id', BENCH_ACCOUNTS[1].idNumber)]);
  if (!county) throw new Error('没有压测账号：先运行 npm run gen -- --scale county');
  const [university] = await q<{ id: number; path: string }>(`SELECT o.id, o.path FROM orgs o JOIN admin_grants g ON g.org_id = o.id JOIN persons p ON p.id = g.person_id WHERE p.id_number_idx = $1 LIMIT 1`, [cipher.blindIndex('id', BENCH_ACCOUNTS[3].idNumber)]);
  const end = (path: string) => `${path.slice(0, -1)}0`;

  // Self-service members: active members outside the university (whose members are transferred), given the bench password.
  console.log(`准备：${MEMBERS} 个团员自助账号…`);
  const picked = await q<{ person_id: number; enc: Buffer }>(
    `SELECT m.person_id, p.id_number_enc AS enc FROM members m JOIN persons p ON p.id = m.person_id
      WHERE m.status = 'ACTIVE' AND m.org_path >= $1 AND m.org_path < $2 AND NOT (m.org_path >= $3 AND m.org_path < $4)
      ORDER BY m.id LIMIT $5`,
    [county.path, end(county.path), university!.path, end(university!.path), MEMBERS],
  );
  const hash = await hashPassword(BENCH_PASSWORD);
  await q(`UPDATE accounts SET password_hash = $1, must_change_password = false, password_changed_at = now() WHERE person_id = ANY($2::int[])`, [hash, picked.map((p) => p.person_id)]);
  const memberIdNumbers = picked.map((p) => cipher.decrypt(p.enc));

  // The import's workbook: a fresh range of fictional ID numbers per run (counties 339980+), university branches.
  const priorImports = (await q<{ n: number }>(`SELECT count(*)::int AS n FROM import_jobs`))[0]!.n;
  const branchNames = (await q<{ full_name: string }>(`SELECT full_name FROM orgs WHERE kind = 'BRANCH' AND deleted_at IS NULL AND path >= $1 AND path < $2 AND special_kind IS NULL ORDER BY id LIMIT 10`, [university!.path, end(university!.path)])).map((r) => r.full_name);
  const { file: importFile } = IMPORT_ROWS > 0 ? await memberImportWorkbook(IMPORT_ROWS, branchNames, { offset: 336_000 * 70 + priorImports * IMPORT_ROWS }) : { file: Buffer.alloc(0) };

  const env = { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', NODE_ENV: 'production', LOG_LEVEL: 'warn', ZHTJ_DATA_KEY: dataKey!, COOKIE_SECURE: '0', DEMO_SEED: '0' };
  const server = spawn(process.execPath, ['dist/server.js'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  let exited = false;
  server.once('exit', () => (exited = true));
  const rss: { t: number; bytes: number }[] = [];
  try {
    await waitForHealth(() => exited);
    const [province, countyAdmin, township, school] = await Promise.all(BENCH_ACCOUNTS.map((a) => login(a.idNumber, BENCH_PASSWORD)));
    const members: Session[] = [];
    for (let i = 0; i < memberIdNumbers.length; i += 4) members.push(...(await Promise.all(memberIdNumbers.slice(i, i + 4).map((id) => login(id, BENCH_PASSWORD)))));

    // Approvals: transfers from the university to one township branch, started by the university, so
    // the township's receiving node is the only one (as scripts/bench.ts does).
    const approvalsWanted = Math.ceil(((RATE * SECONDS * (MIX.approve ?? 0)) / Object.values(MIX).reduce((a, b) => a + b, 0)) * 1.1);
    const [target] = await q<{ id: number }>(`SELECT id FROM orgs WHERE parent_id = $1 AND kind = 'BRANCH' AND deleted_at IS NULL ORDER BY special_kind NULLS FIRST, id LIMIT 1`, [township!.orgId]);
    const candidates = (
      await q<{ id: number }>(
        `SELECT m.id FROM members m WHERE m.org_path >= $1 AND m.org_path < $2 AND m.status = 'ACTIVE'
           AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.member_id = m.id AND t.status = 'OPEN') ORDER BY m.id LIMIT $3`,
        [university!.path, end(university!.path), approvalsWanted],
      )
    ).map((r) => r.id);
    console.log(`准备：${candidates.length} 个待审批的转接（需要约 ${approvalsWanted} 个）…`);
    for (let i = 0; i < candidates.length; i += 100) {
      const r = await fetch(`${base}/api/transfers`, { method: 'POST', headers: headers(school!, true), body: JSON.stringify({ memberIds: candidates.slice(i, i + 100), reason: 'WORK_CHANGE', targetOrgId: target!.id }) });
      if (!r.ok) throw new Error(`发起转接失败：${r.status} ${await r.text()}`);
    }
    const nodeQueue = (await q<{ id: number }>(`SELECT id FROM transfer_nodes WHERE org_id = $1 AND state = 'PENDING' ORDER BY id`, [target!.id])).map((r) => r.id);
    let approvalsExhausted = 0;

    const searchTerms = ['团支部', '街道', '社区', '中学', '学院', '村'];
    const political = ['LEAGUE_MEMBER', 'PARTY_PROBATIONARY', 'PARTY_MEMBER'];
    let k = 0;
    const adminCalls: (() => [string, Session])[] = [
      () => [`/api/members?page=${1 + (k % 5)}&pageSize=20`, countyAdmin!],
      () => [`/api/members?page=1&pageSize=20&politicalStatus=${political[k % political.length]}`, province!],
      () => [`/api/orgs/${countyAdmin!.orgId}/children?page=1&pageSize=20`, countyAdmin!],
      () => [`/api/orgs?page=1&pageSize=20&q=${encodeURIComponent(searchTerms[k % searchTerms.length]!)}`, countyAdmin!],
      () => [`/api/supervision/figures?orgId=${countyAdmin!.orgId}`, countyAdmin!],
      () => [`/api/transfer-inbox?page=1&pageSize=20`, township!],
    ];
    const memberCalls = ['/api/me', '/api/me/transfers', '/api/auth/session', '/api/me/transfer-reason-set'];

    const fire: Record<string, () => Promise<unknown>> = {
      admin: () => {
        const [url, s] = adminCalls[k++ % adminCalls.length]!();
        return timed('admin', url.split('?')[0]!, url, { headers: headers(s) });
      },
      member: () => {
        const url = memberCalls[k++ % memberCalls.length]!;
        return timed('member', url, url, { headers: headers(members[k % members.length]!) });
      },
      approve: async () => {
        const node = nodeQueue.shift();
        if (node === undefined) return void approvalsExhausted++;
        return timed('approve', 'POST /api/transfer-nodes/:id/approve', `/api/transfer-nodes/${node}/approve`, { method: 'POST', headers: headers(township!, true), body: '{}' });
      },
    };
    const weights = Object.entries(MIX).filter(([, w]) => w > 0);
    const total = weights.reduce((a, [, w]) => a + w, 0);
    const pick = (): string => {
      let x = Math.random() * total;
      for (const [c, w] of weights) if ((x -= w) < 0) return c;
      return weights[weights.length - 1]![0];
    };

    // The import, half-way through: upload, poll validation, commit, poll commit.
    const importReport: Record<string, unknown> = {};
    // When the import ran (seconds from the start): memory is judged in the steady phases around it.
    let importWindow: [number, number] | null = null;
    const runImport = async () => {
      const t0 = performance.now();
      const up = await timed('import', 'POST /api/imports', `/api/imports?kind=MEMBERS&orgId=${school!.orgId}&fileName=load.xlsx`, { method: 'POST', headers: { ...headers(school!), 'content-type': 'application/octet-stream' }, body: new Uint8Array(importFile) });
      if (!up) return;
      const { id } = (await up.json()) as { id: number };
      const poll = async (busy: string) => {
        for (;;) {
          await new Promise((r) => setTimeout(r, 1000));
          const r = await timed('import', 'GET /api/imports/:id', `/api/imports/${id}`, { headers: headers(school!) });
          const job = r ? ((await r.json()) as { status: string; errorRows: number; committedRows: number; message: string | null }) : null;
          if (job && job.status !== busy) return job;
        }
      };
      const validated = await poll('READING');
      importReport.validateSeconds = (performance.now() - t0) / 1000;
      importReport.errorRows = validated.errorRows;
      if (validated.status !== 'VALIDATED' || validated.errorRows > 0) {
        statsOf('import').errors++;
        statsOf('import').samples.push(`validation: ${JSON.stringify(validated)}`);
        return;
      }
      const t1 = performance.now();
      const c = await timed('import', 'POST /api/imports/:id/commit', `/api/imports/${id}/commit`, { method: 'POST', headers: headers(school!, true), body: JSON.stringify({ onlyValid: false }) });
      if (!c) return;
      const done = await poll('COMMITTING');
      importReport.commitSeconds = (performance.now() - t1) / 1000;
      importWindow = [(t0 - started) / 1000, (performance.now() - started) / 1000];
      importReport.committedRows = done.committedRows;
      if (done.status !== 'COMMITTED') {
        statsOf('import').errors++;
        statsOf('import').samples.push(`commit: ${JSON.stringify(done)}`);
      }
    };

    console.log(`开始：${SECONDS} s，${RATE} 请求/秒（${values.mix}），最多 ${CONNECTIONS} 个并发请求；导入 ${IMPORT_ROWS} 行在第 ${Math.round(SECONDS / 2)} s 开始`);
    const started = performance.now();
    const pending = new Set<Promise<unknown>>();
    const track = (p: Promise<unknown>) => {
      pending.add(p);
      void p.finally(() => pending.delete(p));
    };
    let issued = 0;
    let importStarted = false;
    let nextRss = 0;
    let nextLine = 30;
    while (!exited) {
      const elapsed = (performance.now() - started) / 1000;
      if (elapsed >= SECONDS) break;
      if (elapsed >= nextRss) {
        const b = rssOf(server.pid!);
        if (b !== null) rss.push({ t: elapsed, bytes: b });
        nextRss += 5;
      }
      if (elapsed >= nextLine) {
        const n = [...stats.values()].reduce((a, s) => a + s.latencies.length, 0);
        const e = [...stats.values()].reduce((a, s) => a + s.errors + s.dropped, 0);
        console.log(`  ${Math.round(elapsed)} s：${n} 个响应，${e} 个错误/丢弃，进行中 ${inFlight}，RSS ${mib(rss[rss.length - 1]?.bytes ?? 0).toFixed(0)} MiB`);
        nextLine += 30;
      }
      if (!importStarted && IMPORT_ROWS > 0 && elapsed >= SECONDS / 2) {
        importStarted = true;
        track(runImport());
      }
      const due = Math.floor(elapsed * RATE);
      while (issued < due) {
        issued++;
        const cls = pick();
        if (inFlight >= CONNECTIONS) {
          statsOf(cls).dropped++;
          continue;
        }
        track(fire[cls]!());
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    const wall = (performance.now() - started) / 1000;
    console.log(`结束发送（${wall.toFixed(0)} s），等待进行中的请求与导入…`);
    await Promise.race([Promise.all(pending), new Promise((r) => setTimeout(r, 300_000))]);
    const last = rssOf(server.pid!);
    if (last !== null) rss.push({ t: (performance.now() - started) / 1000, bytes: last });

    // ---- report ---------------------------------------------------------------------------------
    const rows = [...stats.entries()].map(([cls, s]) => {
      const sorted = [...s.latencies].sort((a, b) => a - b);
      return { cls, requests: s.latencies.length, errors: s.errors, dropped: s.dropped, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), rps: s.latencies.length / wall, samples: s.samples };
    });
    console.log(`\n${'类别'.padEnd(10)}${'请求'.padStart(8)}${'错误'.padStart(7)}${'丢弃'.padStart(7)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'req/s'.padStart(8)}`);
    for (const r of rows) console.log(`${r.cls.padEnd(12)}${String(r.requests).padStart(8)}${String(r.errors).padStart(7)}${String(r.dropped).padStart(7)}${r.p50.toFixed(1).padStart(9)}${r.p95.toFixed(1).padStart(9)}${r.p99.toFixed(1).padStart(9)}${r.rps.toFixed(1).padStart(8)}`);
    for (const r of rows) for (const s of r.samples) console.log(`  错误示例（${r.cls}）：${s}`);
    if (approvalsExhausted > 0) console.log(`  审批节点用尽：${approvalsExhausted} 次审批未发出（不计入错误）`);
    console.log(`导入：${JSON.stringify(importReport)}`);

    // Memory, judged for a leak: in each steady phase — before the import, and from a minute after it
    // until the end — the second half may not exceed the first by more than the tolerance. The import
    // itself may raise RSS once (V8 keeps the heap it grew to); that step is reported, not judged.
    // Without an import (or too short a run) the second minute (quarter) is compared with the last.
    const avg = ([a, b]: [number, number]) => {
      const xs = rss.filter((s) => s.t >= a && s.t < b).map((s) => s.bytes);
      return xs.length ? xs.reduce((x, y) => x + y, 0) / xs.length : NaN;
    };
    const growthIn = ([a, b]: [number, number]) => (avg([(a + b) / 2, b]) - avg([a, (a + b) / 2])) / avg([a, (a + b) / 2]);
    const short = SECONDS < 180;
    // The last sample (taken after the import and the in-flight requests finished) closes the last phase.
    const endAt = (rss[rss.length - 1]?.t ?? SECONDS) + 1e-6;
    const phases: [string, [number, number]][] = [];
    const imp = importWindow as [number, number] | null;
    if (imp && !short && imp[0] - 60 >= 60 && SECONDS - (imp[1] + 60) >= 120) {
      phases.push(['导入前', [60, imp[0]]], ['导入后', [imp[1] + 60, endAt]]);
    } else {
      phases.push(['全程', short ? [SECONDS * 0.25, endAt] : [60, endAt]]);
    }
    const judged = phases.map(([name, win]) => ({ name, win, growth: growthIn(win) }));
    const flat = judged.every((j) => Number.isFinite(j.growth) && j.growth <= RSS_TOLERANCE);
    console.log(`\nRSS（每 5 s）：${rss.map((s) => `${Math.round(s.t)}s=${mib(s.bytes).toFixed(0)}`).join(' ')} MiB`);
    for (const j of judged) {
      const to = j.win[1] >= endAt ? '结束' : `${j.win[1].toFixed(0)} s`;
      console.log(`内存（${j.name}，${j.win[0].toFixed(0)} s–${to}）：后半段比前半段 ${(j.growth * 100).toFixed(1)}%（容差 ${(RSS_TOLERANCE * 100).toFixed(0)}%）：${j.growth <= RSS_TOLERANCE ? '平稳' : '增长'}`);
    }
    if (judged.length === 2) {
      const step = avg(judged[1]!.win) - avg(judged[0]!.win);
      console.log(`内存：导入带来一次性增长 ${mib(step).toFixed(0)} MiB（导入前平均 ${mib(avg(judged[0]!.win)).toFixed(0)} MiB，导入后平均 ${mib(avg(judged[1]!.win)).toFixed(0)} MiB）`);
    }

    const errors = rows.reduce((a, r) => a + r.errors + r.dropped, 0);
    const slow = rows.filter((r) => r.cls !== 'import' && r.p95 >= P95_TARGET_MS).map((r) => r.cls);
    console.log(`目标：零错误 ${errors === 0 ? '达到' : `未达到（${errors}）`}；各类 p95 < ${P95_TARGET_MS} ms ${slow.length === 0 ? '达到' : `未达到（${slow.join('、')}）`}；内存平稳 ${flat ? '达到' : '未达到'}`);
    mkdirSync('bench-results', { recursive: true });
    const out = `bench-results/load-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    writeFileSync(out, JSON.stringify({ seconds: SECONDS, rate: RATE, mix: MIX, connections: CONNECTIONS, rows: rows.map(({ samples, ...r }) => ({ ...r, samples })), importReport, rss, memory: { phases: judged, flat } }, null, 2));
    console.log(`结果已写入 ${out}`);
    process.exitCode = errors === 0 && slow.length === 0 && flat ? 0 : 1;
  } finally {
    if (!exited) {
      server.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 2000));
      if (!exited) server.kill('SIGKILL');
    }
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
