// `npm run bench [-- --seconds 10 --warmup 3 --connections 10 --only children,list,lookup,search,dashboard,approve,sweep --approvals 10000 --sweep 100000 --sweep-branches 1]`
// HTTP benchmarks (autocannon) against a database loaded by `npm run gen`, each printed beside its
// references measured in the same run on the same machine: Fastify hello-world req/s and the bare SQL
// of the same query through `pg` (and, for the subtree list, the RuoYi-style `IN (descendant ids)`
// scope as the baseline ours must beat). Without DATABASE_URL it runs on the PGlite under DATA_DIR.
// Not a test: it asserts nothing and prints numbers for docs/PERFORMANCE.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { openDatabase } from '../src/db/client';
import { NODE_KIND_LABELS, TRANSFER_REASON_LABELS, TRANSFER_TEXTS, transferMembershipNote } from '../src/domain/transfers';
import { SWEEP_BATCH, maySkipReferenceChecks, sweepTransferDeadlines } from '../src/jobs/transfer-deadlines';
import { systemClock } from '../src/lib/clock';
import { PiiCipher, loadMasterKey } from '../src/lib/pii';
import type { AppContext } from '../src/server/context';
import { defaultKeyFile, loadConfig } from '../src/server/config';
import { BENCH_ACCOUNTS, BENCH_PASSWORD } from '../src/seed/generate';
import { pickGrams, queryGrams } from '../src/server/modules/orgs/orgs.repo';
import { httpLogin } from './http-login';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    only: { type: 'string' },
    port: { type: 'string', default: '3900' },
    approvals: { type: 'string', default: '10000' },
    sweep: { type: 'string', default: '100000' },
    'sweep-branches': { type: 'string', default: '1' },
  },
});
const SECONDS = Number(values.seconds);
/** Unmeasured seconds of the same requests before each timed run: a server that has run for days has
 * its code optimized by V8 and its backends' catalog caches filled; a process seconds old has not. */
const WARMUP = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
const only = values.only ? new Set(values.only.split(',')) : null;
const PORT = Number(values.port);
const APPROVALS = Number(values.approvals);
const CONNECTIONS_APPROVE = 50;
const HELLO_PORT = PORT + 1;

const config = loadConfig();
const keyFile = defaultKeyFile(config);
const dataKey = process.env.ZHTJ_DATA_KEY ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
if (!dataKey) throw new Error(`没有数据密钥：先运行 npm run gen（同样的 DATA_DIR / ZHTJ_DATA_KEY）`);
const cipher = new PiiCipher(loadMasterKey({ env: { ZHTJ_DATA_KEY: dataKey }, production: true, defaultKeyFile: keyFile }));

interface Measured {
  name: string;
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  errors: number;
}
const results: { scenario: string; rows: Measured[]; cpu?: Record<string, number> }[] = [];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
function summarize(name: string, latencies: number[], seconds: number, errors: number): Measured {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { name, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), rps: latencies.length / seconds, errors };
}

/** CPU seconds (user + system) a process has used, from /proc (Linux); null when it is gone or unreadable. */
function procCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return null;
  }
}

/**
 * CPU used during a phase by the server process, the PostgreSQL backends of the bench database and
 * this process (autocannon, the sweep itself): wall time on a shared machine follows the other
 * tenants' load, CPU seconds per request much less. Backends are those connected when the phase
 * starts or ends (the pools keep theirs open); one that ends in between is missed, and so is what a
 * backend open at the start used before it ended (a pool's idle one, so little): its /proc entry is gone.
 */
async function cpuMeter(pool: pg.Pool | null, serverPid: number | undefined) {
  const backends = async () =>
    pool ? (await pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'`)).rows.map((r) => r.pid) : [];
  const before = new Map((await backends()).map((pid) => [pid, procCpuSeconds(pid) ?? 0]));
  const server0 = serverPid ? (procCpuSeconds(serverPid) ?? 0) : 0;
  const self0 = process.cpuUsage();
  return async () => {
    const self = process.cpuUsage(self0);
    const server = serverPid ? (procCpuSeconds(serverPid) ?? server0) - server0 : 0;
    let postgres = 0;
    for (const pid of new Set([...before.keys(), ...(await backends())])) {
      const now = procCpuSeconds(pid);
      if (now !== null) postgres += now - (before.get(pid) ?? 0);
    }
    return { server, postgres, bench: (self.user + self.system) / 1e6 };
  };
}

function printCpu(label: string, cpu: { server: number; postgres: number; bench: number }, count: number) {
  const ms = (s: number) => ((s * 1000) / Math.max(count, 1)).toFixed(2);
  console.log(`  CPU ${label}：服务 ${cpu.server.toFixed(2)} s，PostgreSQL ${cpu.postgres.toFixed(2)} s，压测进程 ${cpu.bench.toFixed(2)} s；每次 ${ms(cpu.server)} + ${ms(cpu.postgres)} + ${ms(cpu.bench)} ms`);
}

async function waitFor(url: string, child: ChildProcess, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

type HttpOptions = { url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; requests?: autocannon.Request[]; connections?: number; amount?: number };

/** What autocannon is told by the warm-up and the timed run alike; they differ only in how long they run. */
const cannon = (opts: HttpOptions) => ({
  url: opts.url,
  method: opts.method ?? 'GET',
  headers: opts.headers,
  body: opts.body,
  requests: opts.requests,
  connections: opts.connections ?? CONNECTIONS,
});

/** WARMUP seconds of the same requests, not recorded (`http` runs it first unless told it ran already). */
async function warmUp(opts: HttpOptions): Promise<void> {
  if (WARMUP <= 0) return;
  await new Promise<void>((resolve, reject) =>
    autocannon(
      { ...cannon(opts), duration: WARMUP },
      (err) => (err ? reject(err) : resolve()),
    ),
  );
}

/** autocannon with exact percentiles: every response time is recorded, not a histogram bucket. */
async function http(name: string, opts: HttpOptions & { warmedUp?: boolean }): Promise<Measured> {
  // A fixed amount of work has none: it would use up the work (the approvals print their steady state apart).
  if (!opts.amount && !opts.warmedUp) await warmUp(opts);
  const latencies: number[] = [];
  let errors = 0;
  let instance!: autocannon.Instance;
  const started = performance.now();
  const done = await new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      { ...cannon(opts), ...(opts.amount ? { amount: opts.amount } : { duration: SECONDS }) },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 400) errors++;
      latencies.push(responseTime);
    });
  });
  if (opts.amount && latencies.length > 4 * (opts.connections ?? CONNECTIONS)) {
    // A fixed amount of work starts with every client's first request at once, on connections that
    // have not yet prepared their statements; the rest, apart, says how the steady state looks.
    const later = summarize(name, latencies.slice(2 * (opts.connections ?? CONNECTIONS)), 1, 0);
    console.log(`  （${name} 去掉最先完成的 ${2 * (opts.connections ?? CONNECTIONS)} 个：p50 ${later.p50.toFixed(1)} ms，p95 ${later.p95.toFixed(1)} ms，p99 ${later.p99.toFixed(1)} ms）`);
  }
  return summarize(name, latencies, opts.amount ? (performance.now() - started) / 1000 : SECONDS, errors + done.errors + done.timeouts);
}

/** `count` transactions through `pg` with `concurrency` clients, for write references. */
async function bareSqlTx(name: string, pool: pg.Pool, concurrency: number, count: number, work: (client: pg.PoolClient) => Promise<void>): Promise<Measured> {
  const latencies: number[] = [];
  let errors = 0;
  let left = count;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const client = await pool.connect();
      try {
        while (left-- > 0) {
          const t = performance.now();
          try {
            await work(client);
          } catch {
            errors++;
            await client.query('ROLLBACK').catch(() => undefined);
          }
          latencies.push(performance.now() - t);
        }
      } finally {
        client.release();
      }
    }),
  );
  return summarize(name, latencies, (performance.now() - started) / 1000, errors);
}

/** The same query through `pg` with the same concurrency, for the "bare SQL" reference. */
async function bareSql(name: string, pool: pg.Pool, query: () => { text: string; values: unknown[] }, warmup = WARMUP): Promise<Measured> {
  const run = async (seconds: number) => {
    const latencies: number[] = [];
    let errors = 0;
    const until = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (Date.now() < until) {
          const q = query();
          const t = performance.now();
          try {
            await pool.query(q.text, q.values);
          } catch {
            errors++;
          }
          latencies.push(performance.now() - t);
        }
      }),
    );
    return { latencies, errors };
  };
  if (warmup > 0) await run(warmup);
  const { latencies, errors } = await run(SECONDS);
  return summarize(name, latencies, SECONDS, errors);
}

function print(scenario: string, rows: Measured[]) {
  results.push({ scenario, rows });
  console.log(`\n${scenario}`);
  console.log(`  ${'测量'.padEnd(34)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'req/s'.padStart(10)}${'错误'.padStart(6)}`);
  for (const r of rows) {
    console.log(`  ${r.name.padEnd(36 - [...r.name].filter((c) => c.charCodeAt(0) > 255).length)}${r.p50.toFixed(1).padStart(9)}${r.p95.toFixed(1).padStart(9)}${r.p99.toFixed(1).padStart(9)}${r.rps.toFixed(0).padStart(10)}${String(r.errors).padStart(6)}`);
  }
}

const want = (key: string) => !only || only.has(key);

async function main() {
  if (!existsSync('dist/server.js')) throw new Error('先运行 npm run build');
  const env = { ...process.env, PORT: String(PORT), NODE_ENV: 'production', LOG_LEVEL: 'warn', ZHTJ_DATA_KEY: dataKey!, COOKIE_SECURE: '0', DEMO_SEED: '0' };
  // BENCH_SERVER_NODE_ARGS: extra Node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const server = spawn(process.execPath, [...nodeArgs, 'dist/server.js'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const hello = spawn(process.execPath, ['--input-type=module', '-e', `import Fastify from 'fastify'; const app = Fastify(); app.get('/', async () => ({ hello: 'world' })); await app.listen({ port: ${HELLO_PORT}, host: '127.0.0.1' });`], { stdio: 'inherit' });
  const pool = config.databaseUrl ? new pg.Pool({ connectionString: config.databaseUrl, max: Math.max(CONNECTIONS, CONNECTIONS_APPROVE), idleTimeoutMillis: 0, options: '-c jit=off' }) : null;
  try {
    const bootStart = Date.now();
    await waitFor(`http://127.0.0.1:${PORT}/api/health`, server);
    const startup = Date.now() - bootStart;
    await waitFor(`http://127.0.0.1:${HELLO_PORT}/`, hello);
    const base = `http://127.0.0.1:${PORT}`;
    console.log(`数据库：${config.databaseUrl ? 'PostgreSQL' : 'PGlite'}；每项 ${SECONDS} s（先预热 ${WARMUP} s，不计），并发 ${CONNECTIONS}；服务启动（迁移已是最新）${startup} ms`);

    const login = async (idNumber: string) => {
      const s = await httpLogin(base, idNumber, BENCH_PASSWORD);
      return { ...s, orgId: s.orgId! };
    };
    const province = await login(BENCH_ACCOUNTS[0].idNumber);
    const h = (s: { cookie: string; orgId: number; csrf: string }) => ({ cookie: s.cookie, 'x-org-id': String(s.orgId), 'x-csrf-token': s.csrf });
    const q1 = async <T>(text: string, params: unknown[] = []): Promise<T> => {
      if (!pool) throw new Error('no pool');
      return (await pool.query(text, params)).rows[0] as T;
    };

    const helloRow = await http('Fastify hello-world（参照）', { url: `http://127.0.0.1:${HELLO_PORT}/` });

    if (want('children')) {
      const rows = [await http('GET /api/orgs/:id/children', { url: `${base}/api/orgs/${province.orgId}/children?page=1&pageSize=20`, headers: h(province) })];
      if (pool) {
        const { path } = await q1<{ path: string }>('SELECT path FROM orgs WHERE id = $1', [province.orgId]);
        rows.push(await bareSql('同一查询（pg 直连）', pool, () => ({ text: `SELECT o.id, o.name, o.kind, (SELECT count(*) FROM orgs c WHERE c.parent_id = o.id AND c.deleted_at IS NULL) AS children FROM orgs o WHERE o.parent_id = $1 AND o.deleted_at IS NULL ORDER BY o.region_code, o.id LIMIT 20`, values: [province.orgId] })));
        void path;
      }
      print('组织下级（省团委的下级组织，第1页）', [...rows, helloRow]);
    }

    if (want('list')) {
      const url = `${base}/api/members?page=1&pageSize=20&politicalStatus=PARTY_PROBATIONARY`;
      const rows = [await http('GET /api/members（全省，政治面貌筛选）', { url, headers: h(province) })];
      if (pool) {
        const { path } = await q1<{ path: string }>('SELECT path FROM orgs WHERE id = $1', [province.orgId]);
        const upper = `${path.slice(0, -1)}0`; // '/1/2/' → '/1/20': the range end of the subtree ('/' + 1 = '0')
        const listSql = `SELECT m.id, p.name, p.id_number_masked, m.org_path FROM members m JOIN persons p ON p.id = m.person_id WHERE m.org_path >= $1 AND m.org_path < $2 AND m.status = 'ACTIVE' AND m.political_status = 'PARTY_PROBATIONARY' ORDER BY m.org_path, m.id LIMIT 20`;
        // Counting stops at the exact-count limit, as the server does (EXACT_COUNT_LIMIT).
        const countSql = `SELECT count(*) FROM (SELECT 1 FROM members m WHERE m.org_path >= $1 AND m.org_path < $2 AND m.status = 'ACTIVE' AND m.political_status = 'PARTY_PROBATIONARY' LIMIT 10001) s`;
        // The server gives the planner's estimate as the total when it is far above the exact-count
        // limit (90 k here), so its SQL is the page alone (and an EXPLAIN, kept for a minute).
        rows.push(await bareSql('同一查询（pg 直连，仅列表；总数取估算）', pool, () => ({ text: listSql, values: [path, upper] })));
        rows.push(await bareSql('列表+封顶计数（改前的做法）', pool, () => ({ text: `WITH l AS (${listSql}), c AS (${countSql}) SELECT * FROM l, c`, values: [path, upper] })));
        const fullCount = `SELECT count(*) FROM members m WHERE m.org_path >= $1 AND m.org_path < $2 AND m.status = 'ACTIVE' AND m.political_status = 'PARTY_PROBATIONARY'`;
        rows.push(await bareSql('同上但精确计数全部（不封顶）', pool, () => ({ text: `WITH l AS (${listSql}), c AS (${fullCount}) SELECT * FROM l, c`, values: [path, upper] })));
        // RuoYi's data scope: dept_id IN (SELECT dept_id FROM sys_dept WHERE dept_id = X OR find_in_set(X, ancestors)).
        const ruoyi = `WITH scope AS (SELECT id FROM orgs WHERE id = $1 OR $1::text = ANY(string_to_array(trim(both '/' from path), '/')))`;
        rows.push(
          await bareSql('RuoYi 式 IN(全部下级id)（基线）', pool, () => ({
            text: `${ruoyi}, l AS (SELECT m.id, p.name, p.id_number_masked FROM members m JOIN persons p ON p.id = m.person_id WHERE m.branch_id IN (SELECT id FROM scope) AND m.status = 'ACTIVE' AND m.political_status = 'PARTY_PROBATIONARY' ORDER BY m.branch_id, m.id LIMIT 20), c AS (SELECT count(*) FROM members m WHERE m.branch_id IN (SELECT id FROM scope) AND m.status = 'ACTIVE' AND m.political_status = 'PARTY_PROBATIONARY') SELECT * FROM l, c`,
            values: [province.orgId],
          }), 0), // no warm-up: one query takes seconds, its own first run is warm-up enough
        );
      }
      print('全省团员列表（带筛选，第1页，含总数）', [...rows, helloRow]);
    }

    if (want('lookup')) {
      // Real ID numbers of generated members, decrypted here (the generator's key), looked up by blind index.
      const sample = pool
        ? (await pool.query<{ enc: Buffer }>('SELECT id_number_enc AS enc FROM persons TABLESAMPLE SYSTEM (1) LIMIT 200')).rows.map((r) => cipher.decrypt(r.enc))
        : [];
      if (sample.length === 0) sample.push(BENCH_ACCOUNTS[1].idNumber);
      let i = 0;
      const rows = [
        await http('GET /api/members?idNumber=…（全省）', {
          url: `${base}/api/members`,
          headers: h(province),
          requests: [{ setupRequest: (req) => ({ ...req, path: `/api/members?page=1&pageSize=20&status=ALL&idNumber=${sample[i++ % sample.length]}` }) }],
        }),
      ];
      if (pool) {
        let j = 0;
        rows.push(await bareSql('同一查询（pg 直连，盲索引）', pool, () => ({ text: `SELECT m.id, p.name FROM persons p JOIN members m ON m.person_id = p.id WHERE p.id_number_idx = $1`, values: [cipher.blindIndex('id', sample[j++ % sample.length]!)] })));
      }
      print('身份证号码查询', [...rows, helloRow]);
    }

    if (want('search')) {
      const provincePath = pool ? (await q1<{ path: string }>('SELECT path FROM orgs WHERE id = $1', [province.orgId])).path : '';
      const terms = ['西溪', '演示企业3', '第2学院', '社区团支部', '中学团委', '桃源村'];
      // The grams the server asks the index for (pickGrams over the statistics gramStats reads).
      const stats = pool
        ? await q1<{ elems: string[] | null; freqs: number[] | null }>(
            `SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'orgs_name_grams_idx'`,
          ).catch(() => undefined)
        : undefined;
      const gramStats = stats?.elems && stats.freqs ? new Map(stats.elems.map((g, k) => [g, stats.freqs![k]!])) : null;
      const grams = (term: string) => pickGrams(queryGrams(term), gramStats);
      let i = 0;
      const searchOpts: HttpOptions = {
        url: `${base}/api/orgs`,
        headers: h(province),
        requests: [{ setupRequest: (req) => ({ ...req, path: `/api/orgs?page=1&pageSize=20&q=${encodeURIComponent(terms[i++ % terms.length]!)}` }) }],
      };
      // The CPU meter counts the timed searches only.
      await warmUp(searchOpts);
      const searchCpu = await cpuMeter(pool, server.pid);
      const rows = [await http('GET /api/orgs?q=…（全省）', { ...searchOpts, warmedUp: true })];
      const searchCpuUsed = await searchCpu();
      if (pool) {
        let j = 0;
        rows.push(
          await bareSql('同一查询（pg 直连，字/双字索引）', pool, () => {
            const term = terms[j++ % terms.length]!;
            // As the server asks it (searchOrgs) for a term of at most 10,000 matches, as all six are:
            // one scan of the matches gives the total and the ranked page; strpos() confirms a term
            // without cased letters (orgNameContains).
            return {
              text: `WITH m AS (SELECT id, depth, char_length(name) AS len, name FROM orgs WHERE deleted_at IS NULL AND path >= $3 AND path < $4 AND zh_grams(name || ' ' || full_name) @> $2::text[] AND (strpos(name, $1) > 0 OR strpos(full_name, $1) > 0) LIMIT 10001),
                p AS (SELECT id FROM m ORDER BY depth, len, name, id LIMIT 20)
                SELECT o.id, o.name, (SELECT count(*) FROM m) AS total FROM p JOIN orgs o ON o.id = p.id ORDER BY o.depth, char_length(o.name), o.name, o.id`,
              values: [term, grams(term), provincePath, `${provincePath.slice(0, -1)}0`],
            };
          }),
          await bareSql('改前：lower() LIKE 确认（每行两次 lower()）', pool, () => {
            const term = terms[j++ % terms.length]!;
            return {
              text: `WITH m AS (SELECT id, depth, char_length(name) AS len, name FROM orgs WHERE deleted_at IS NULL AND path >= $3 AND path < $4 AND zh_grams(name || ' ' || full_name) @> $2::text[] AND (lower(name) LIKE lower($1) OR lower(full_name) LIKE lower($1)) LIMIT 10001),
                p AS (SELECT id FROM m ORDER BY depth, len, name, id LIMIT 20)
                SELECT o.id, o.name, (SELECT count(*) FROM m) AS total FROM p JOIN orgs o ON o.id = p.id ORDER BY o.depth, char_length(o.name), o.name, o.id`,
              values: [`%${term}%`, queryGrams(term), provincePath, `${provincePath.slice(0, -1)}0`],
            };
          }),
          await bareSql('仅 ILIKE（不用字索引）', pool, () => ({
            text: `SELECT id, name FROM orgs WHERE deleted_at IS NULL AND (name ILIKE $1 OR full_name ILIKE $1) ORDER BY depth, char_length(name), name, id LIMIT 20`,
            values: [`%${terms[j++ % terms.length]}%`],
          })),
        );
      }
      print('组织名称搜索', [...rows, helloRow]);
      printCpu(`搜索 ${Math.round(rows[0]!.rps * SECONDS)} 次`, searchCpuUsed, Math.round(rows[0]!.rps * SECONDS));
    }

    if (want('dashboard')) {
      const rows = [await http('GET /api/supervision/figures（全省仪表盘）', { url: `${base}/api/supervision/figures?orgId=${province.orgId}`, headers: h(province) })];
      if (pool) {
        rows.push(
          await bareSql('同一查询（pg 直连，汇总表）', pool, () => ({
            text: `SELECT o.id, o.name, r.* FROM orgs o LEFT JOIN org_rollups r ON r.org_id = o.id AND r.org_id = ANY(ARRAY(SELECT c.id FROM orgs c WHERE c.id = $1 OR (c.parent_id = $1 AND c.deleted_at IS NULL))) WHERE o.id = $1 OR (o.parent_id = $1 AND o.deleted_at IS NULL)`,
            values: [province.orgId],
          })),
        );
        const { path } = await q1<{ path: string }>('SELECT path FROM orgs WHERE id = $1', [province.orgId]);
        rows.push(
          await bareSql('不用汇总表：直接计数（参照）', pool, () => ({
            text: `SELECT split_part(m.org_path, '/', 4) AS child, count(*) FROM members m WHERE m.org_path >= $1 AND m.org_path < $2 AND m.status = 'ACTIVE' GROUP BY 1`,
            values: [path, `${path.slice(0, -1)}0`],
          })),
        );
      }
      print('全省统计仪表盘（ST-1）', [...rows, helloRow]);
    }

    if (want('approve') && pool) {
      // Transfers into one branch of a township from members all over the province, started by their
      // sending side, so the receiving node is the only one: the township admin approves them all. They
      // are inserted directly (as the sweep's are below): one school's admin, who could start them over
      // the API, has too few members for a run long enough that its first second does not decide p99.
      const township = await login(BENCH_ACCOUNTS[2].idNumber);
      const target = await q1<{ id: number; path: string }>(
        `SELECT id, path FROM orgs WHERE parent_id = $1 AND kind = 'BRANCH' AND deleted_at IS NULL ORDER BY special_kind NULLS FIRST, id LIMIT 1`,
        [township.orgId],
      );
      const { path: townshipPath } = await q1<{ path: string }>('SELECT path FROM orgs WHERE id = $1', [township.orgId]);
      const starter = (await q1<{ id: number }>('SELECT person_id AS id FROM admin_grants WHERE org_id = $1 LIMIT 1', [province.orgId])).id;
      const wanted = APPROVALS * 2; // half over HTTP, half for the bare-SQL reference
      await pool.query(
        `WITH m AS (
           SELECT m.id, p.name, m.branch_id, m.org_path FROM members m JOIN persons p ON p.id = m.person_id
            WHERE m.id % 37 = 0 AND m.status = 'ACTIVE' AND NOT (m.org_path >= $3 AND m.org_path < $4)
              AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.member_id = m.id AND t.status = 'OPEN')
            ORDER BY m.id LIMIT $5),
         t AS (
           INSERT INTO transfers (member_id, member_name, from_branch_id, from_path, to_org_id, to_path, reason, school_to_society, starter_side, started_by_person_id, started_by_name, started_by_org_id, created_at)
           SELECT m.id, m.name, m.branch_id, m.org_path, $1, $2, 'WORK_CHANGE', false, 'SENDING', $6, '压测', m.branch_id, now() FROM m RETURNING id)
         INSERT INTO transfer_nodes (transfer_id, seq, kind, org_id, state, timeout_action, opened_at, due_at)
         SELECT t.id, 1, 'RECEIVING', $1, 'PENDING', 'AUTO_APPROVE', now(), now() + interval '15 days' FROM t`,
        [target.id, target.path, townshipPath, `${townshipPath.slice(0, -1)}0`, wanted, starter],
      );
      await pool.query('VACUUM ANALYZE transfers, transfer_nodes');
      const nodes = (await pool.query<{ id: number; transfer_id: number }>(`SELECT id, transfer_id FROM transfer_nodes WHERE org_id = $1 AND state = 'PENDING' ORDER BY id`, [target.id])).rows;
      if (nodes.length < 2) throw new Error(`没有待审批的节点（${nodes.length}）：检查压测数据`);
      const httpNodes = nodes.slice(0, Math.ceil(nodes.length / 2)).map((n) => n.id);
      const sqlNodes = nodes.slice(Math.ceil(nodes.length / 2));
      let next = 0;
      const httpCpu = await cpuMeter(pool, server.pid);
      const rows = [
        await http(`POST /api/transfer-nodes/:id/approve（${CONNECTIONS_APPROVE} 个并发客户端）`, {
          url: `${base}/api/transfer-nodes/0/approve`,
          method: 'POST',
          connections: CONNECTIONS_APPROVE,
          amount: httpNodes.length,
          headers: { ...h(township), 'content-type': 'application/json' },
          requests: [{ setupRequest: (req) => ({ ...req, path: `/api/transfer-nodes/${httpNodes[next++ % httpNodes.length]}/approve`, body: '{}' }) }],
        }),
      ];
      const httpCpuUsed = await httpCpu();
      const approvedHttp = (await q1<{ n: number }>(`SELECT count(*)::int AS n FROM transfer_nodes WHERE id = ANY($1) AND state = 'APPROVED'`, [httpNodes])).n;
      // The same writes as one approval that completes a transfer, as bare SQL in one transaction each.
      const targetPath = target.path;
      let k = 0;
      rows.push(
        await bareSqlTx(`同样的写入（pg 直连，每次一个事务，${CONNECTIONS_APPROVE} 并发）`, pool, CONNECTIONS_APPROVE, sqlNodes.length, async (client) => {
          const n = sqlNodes[k++]!;
          await client.query('BEGIN');
          const t = (await client.query<{ member_id: number }>(`SELECT member_id FROM transfers WHERE id = $1 AND status = 'OPEN' FOR UPDATE`, [n.transfer_id])).rows[0]!;
          await client.query(`UPDATE transfer_nodes SET state = 'APPROVED', decided_at = now() WHERE id = $1 AND state = 'PENDING'`, [n.id]);
          await client.query(`UPDATE memberships SET ended_at = now(), end_reason = 'TRANSFER' WHERE member_id = $1 AND ended_at IS NULL`, [t.member_id]);
          await client.query(`INSERT INTO memberships (member_id, branch_id, started_at, start_reason) VALUES ($1, $2, now(), 'TRANSFER')`, [t.member_id, target.id]);
          await client.query(`UPDATE members SET branch_id = $2, org_path = $3, updated_at = now() WHERE id = $1`, [t.member_id, target.id, targetPath]);
          await client.query(`UPDATE transfers SET status = 'COMPLETED', ended_at = now(), final_branch_id = $2 WHERE id = $1`, [n.transfer_id, target.id]);
          await client.query(`INSERT INTO audit_log (at, action, result, object_type, object_id, org_path) VALUES (now(), 'TRANSFER_APPROVE', 'OK', 'transfer', $1, $2)`, [String(n.transfer_id), targetPath]);
          await client.query('COMMIT');
        }),
      );
      print(`审批转接（${httpNodes.length} 个节点经 HTTP，${sqlNodes.length} 个经直连 SQL）`, [...rows, helloRow]);
      printCpu(`HTTP 审批 ${approvedHttp} 个`, httpCpuUsed, approvedHttp);
      results.push({ scenario: 'approve-cpu', rows: [], cpu: { ...httpCpuUsed, approved: approvedHttp } });
    }

    if (want('sweep') && pool) {
      // N transfers whose only node (receiving, at a branch) is 16 days old: the TR-5 sweep approves
      // every one and moves every member. Inserted directly: the API would take longer than the sweep.
      const sweepN = Number(values.sweep);
      // The HTTP scenarios are done: stop the server so its scheduled jobs (sealing the audit rows the
      // earlier scenarios and runs wrote, folding rollups) do not share the two cores with the sweep.
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
      const person = (await q1<{ id: number }>('SELECT person_id AS id FROM admin_grants WHERE org_id = $1 LIMIT 1', [province.orgId])).id;
      // The branches the members move to: the last one (every member into one branch, the hottest
      // spot for its indexes) or, with --sweep-branches N, N branches spread over the province.
      const nBranches = Number(values['sweep-branches']);
      const targets = (
        await pool.query<{ id: number; path: string }>(
          `SELECT id, path FROM orgs WHERE kind = 'BRANCH' AND special_kind IS NULL AND deleted_at IS NULL ORDER BY ${nBranches === 1 ? 'id DESC' : 'md5(id::text)'} LIMIT $1`,
          [nBranches],
        )
      ).rows;
      // Members never transferred before (by this set, an earlier one or an earlier run): the second set
      // for the reference below then gets as many as the first.
      const prepareDue = () =>
        pool.query(
          `WITH b AS (SELECT * FROM unnest($1::int[], $2::text[]) WITH ORDINALITY AS b(id, path, k)),
           m AS (
             SELECT m.id, p.name, m.branch_id, m.org_path, row_number() OVER (ORDER BY m.id DESC) AS r FROM members m JOIN persons p ON p.id = m.person_id
              WHERE m.status = 'ACTIVE' AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.member_id = m.id)
              ORDER BY m.id DESC LIMIT $3 + $3 / 100 + 10),
           mt AS (
             SELECT m.*, b.id AS to_id, b.path AS to_path FROM m JOIN b ON b.k = m.r % cardinality($1::int[]) + 1
              WHERE b.id <> m.branch_id ORDER BY m.id DESC LIMIT $3),
           t AS (
             INSERT INTO transfers (member_id, member_name, from_branch_id, from_path, to_org_id, to_path, reason, school_to_society, starter_side, started_by_person_id, started_by_name, created_at)
             SELECT mt.id, mt.name, mt.branch_id, mt.org_path, mt.to_id, mt.to_path, 'WORK_CHANGE', false, 'SENDING', $4, '压测', now() - interval '16 days' FROM mt RETURNING id, to_org_id)
           INSERT INTO transfer_nodes (transfer_id, seq, kind, org_id, state, timeout_action, opened_at, due_at)
           SELECT t.id, 1, 'RECEIVING', t.to_org_id, 'PENDING', 'AUTO_APPROVE', now() - interval '16 days', now() - interval '1 day' FROM t`,
          [targets.map((b) => b.id), targets.map((b) => b.path), sweepN, person],
        );
      // What autovacuum would have done over the 15 days these nodes waited (and what it cannot have done
      // on a server where it is off, like the bench machine's): without it every run of the bench
      // leaves 100,000 dead member rows and stale statistics behind, and each run is slower than the last.
      const vacuum = () => pool.query('VACUUM ANALYZE members, memberships, transfers, transfer_nodes, transfer_notices, audit_log');
      const setup = performance.now();
      await prepareDue();
      await vacuum();
      const due = (await q1<{ n: number }>(`SELECT count(*)::int AS n FROM transfer_nodes WHERE state = 'PENDING' AND due_at <= now()`)).n;
      console.log(`\n自动通过扫描：已准备 ${due.toLocaleString()} 个到期节点（${((performance.now() - setup) / 1000).toFixed(1)} s）`);
      const database = await openDatabase({ url: config.databaseUrl, poolMax: 10, statementTimeoutMs: 0 });
      // The sweep skips the per-row foreign-key checks it has proved when its role may (docs/OPERATIONS.md).
      const skipChecks = await maySkipReferenceChecks(database.db);
      console.log(`  外键逐行检查：${skipChecks ? '扫描的批语句跳过（引用已在事务内证明）' : '照常（数据库角色无权设置 session_replication_role）'}`);
      try {
        const ctx: AppContext = { db: database.db, database, clock: systemClock, cipher, config };
        await database.pool!.query('SELECT 1'); // a backend to measure from the start
        const sweepCpu = await cpuMeter(database.pool!, undefined);
        const walBefore = (await q1<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).lsn;
        const t0 = performance.now();
        const result = await sweepTransferDeadlines(ctx);
        const seconds = (performance.now() - t0) / 1000;
        const sweepCpuUsed = await sweepCpu();
        // WAL written by the sweep: the rows and index entries, plus a full-page image of each page
        // first touched after a checkpoint — more when a checkpoint falls inside the sweep, which is
        // why checkpoint spacing shows in this figure (wal_compression = lz4 saved only 5 %).
        const wal = (await q1<{ bytes: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS bytes', [walBefore])).bytes;
        console.log(`  扫描用时 ${seconds.toFixed(1)} s：自动通过 ${result.approved.toLocaleString()} 个节点（${(result.approved / seconds).toFixed(0)} 个/秒），提醒 ${result.reminded}；写 WAL ${(Number(wal) / 2 ** 20).toFixed(0)} MiB`);
        printCpu(`扫描 ${result.approved} 个节点`, sweepCpuUsed, result.approved);
        results.push({ scenario: 'sweep-cpu', rows: [], cpu: { ...sweepCpuUsed, approved: result.approved } });
        results.push({ scenario: 'sweep', rows: [{ name: `sweep ${result.approved}`, p50: NaN, p95: NaN, p99: NaN, rps: result.approved / seconds, errors: due - result.approved }] });
      } finally {
        await database.close();
      }

      // The reference: the same rows with the same content written as bare SQL, on a second set of as
      // many due nodes — per batch of SWEEP_BATCH one transaction of plain set statements (same tables,
      // indexes and triggers), two connections at once like the sweep's two workers, without the
      // engine's work (finding due nodes, skipping locked transfers, members locked in id order, next
      // nodes, checking the branches), and without the per-row foreign-key checks when the sweep skips
      // them. What the rows alone cost on this machine in this run.
      await prepareDue();
      await vacuum();
      const refIds = (await pool.query<{ id: number }>(`SELECT id FROM transfer_nodes WHERE state = 'PENDING' AND timeout_action = 'AUTO_APPROVE' AND due_at <= now() ORDER BY due_at, id`)).rows.map((r) => r.id);
      const batches = Array.from({ length: Math.ceil(refIds.length / SWEEP_BATCH) }, (_, i) => refIds.slice(i * SWEEP_BATCH, (i + 1) * SWEEP_BATCH));
      let nextBatch = 0;
      const refStarted = performance.now();
      const ref = await bareSqlTx('同样的写入（pg 直连）', pool, 2, batches.length, async (client) => {
        const ids = batches[nextBatch++]!;
        await client.query('BEGIN');
        if (skipChecks) await client.query('SET LOCAL session_replication_role = replica');
        const rows = (
          await client.query<{ nid: number; org: number; due: Date; tid: number; mid: number; name: string; fb: number; b: number; p: string; fp: string; bname: string }>(
            `SELECT n.id AS nid, n.org_id AS org, n.due_at AS due, t.id AS tid, t.member_id AS mid, t.member_name AS name, t.from_branch_id AS fb,
                    t.to_org_id AS b, t.to_path AS p, t.from_path AS fp, o.name AS bname
               FROM transfer_nodes n JOIN transfers t ON t.id = n.transfer_id JOIN orgs o ON o.id = t.to_org_id
              WHERE n.id = ANY($1) ORDER BY t.id FOR UPDATE OF t`,
            [ids],
          )
        ).rows;
        const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
        const [nids, tids, mids, bids, paths] = [col('nid'), col('tid'), col('mid'), col('b'), col('p')];
        // The same content as the sweep's rows (notes, changes, texts of the domain), so that only the engine differs.
        const node = NODE_KIND_LABELS.RECEIVING;
        const notes = tids.map(transferMembershipNote);
        await client.query(`UPDATE transfer_nodes SET state = 'AUTO_APPROVED', decided_at = due_at WHERE id = ANY($1) AND state = 'PENDING'`, [nids]);
        await client.query(
          `UPDATE memberships ms SET ended_at = now(), end_reason = 'TRANSFER', note = v.note
             FROM unnest($1::int[], $2::text[]) AS v(m, note) WHERE ms.member_id = v.m AND ms.member_id = ANY($1) AND ms.ended_at IS NULL`,
          [mids, notes],
        );
        await client.query(
          `INSERT INTO memberships (member_id, branch_id, started_at, start_reason, note)
           SELECT v.m, v.b, now(), 'TRANSFER', v.note FROM unnest($1::int[], $2::int[], $3::text[]) AS v(m, b, note)`,
          [mids, bids, notes],
        );
        await client.query(
          `UPDATE members m SET branch_id = v.b, org_path = v.p, updated_at = now() FROM unnest($1::int[], $2::int[], $3::text[]) AS v(id, b, p) WHERE m.id = v.id AND m.id = ANY($1)`,
          [mids, bids, paths],
        );
        await client.query(`UPDATE transfers t SET status = 'COMPLETED', ended_at = now(), final_branch_id = v.b FROM unnest($1::int[], $2::int[]) AS v(id, b) WHERE t.id = v.id AND t.id = ANY($1)`, [tids, bids]);
        await client.query(
          `INSERT INTO audit_log (at, actor_name, action, object_type, object_id, object_label, org_path, also_org_path, changes, result, reason)
           SELECT now(), '系统自动通过', x.a, 'transfer', v.tid::text, v.name, v.fp, CASE WHEN x.a = 'TRANSFER_COMPLETE' THEN v.p END,
                  CASE WHEN x.a = 'TRANSFER_COMPLETE' THEN jsonb_build_object('branchId', jsonb_build_object('before', v.fb, 'after', v.b))
                       ELSE jsonb_build_object('node1', jsonb_build_object('before', 'PENDING', 'after', 'AUTO_APPROVED')) END,
                  'OK', CASE WHEN x.a = 'TRANSFER_COMPLETE' THEN v.done ELSE v.approved END
             FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[]) AS v(tid, name, fp, fb, b, p, approved, done)
            CROSS JOIN (VALUES ('TRANSFER_AUTO_APPROVE'), ('TRANSFER_COMPLETE')) AS x(a)`,
          [
            tids,
            col('name'),
            col('fp'),
            col('fb'),
            bids,
            paths,
            rows.map((r) => TRANSFER_TEXTS.autoApprovalReason(node, r.due.toISOString())),
            rows.map((r) => TRANSFER_TEXTS.completionReason(TRANSFER_REASON_LABELS.WORK_CHANGE, r.bname)),
          ],
        );
        await client.query(
          `INSERT INTO transfer_notices (org_id, transfer_id, node_id, kind, message, created_at)
           SELECT v.o, v.t, v.n, 'AUTO_APPROVED', v.m, v.due FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::timestamptz[]) AS v(o, t, n, m, due)`,
          [col('org'), tids, nids, rows.map((r) => TRANSFER_TEXTS.autoApprovalNotice(r.name, node)), col('due')],
        );
        await client.query('COMMIT');
      });
      const refSeconds = (performance.now() - refStarted) / 1000;
      console.log(`  参照：同样的写入（pg 直连，每批 ${SWEEP_BATCH.toLocaleString()} 个一个事务，两个连接）${refIds.length.toLocaleString()} 个节点 ${refSeconds.toFixed(1)} s${ref.errors ? `，失败 ${ref.errors} 批` : ''}${refIds.length < due ? `（未转接过的团员不够，少于扫描的 ${due.toLocaleString()} 个，不可直接比较）` : ''}`);
      console.log(`  参照：Fastify hello-world ${helloRow.rps.toFixed(0)} req/s（本次开始时测得）`);
      results.push({ scenario: 'sweep-bare-sql', rows: [{ ...ref, name: `bare sql ${refIds.length}`, rps: refIds.length / refSeconds }] });
    }

    mkdirSync('bench-results', { recursive: true });
    const file = `bench-results/bench-${new Date().toISOString().replaceAll(':', '-').slice(0, 19)}.json`;
    writeFileSync(file, JSON.stringify({ database: config.databaseUrl ? 'postgres' : 'pglite', seconds: SECONDS, connections: CONNECTIONS, startupMs: startup, results }, null, 2));
    console.log(`\n结果已写入 ${file}`);
  } finally {
    server.kill('SIGTERM');
    hello.kill('SIGTERM');
    await pool?.end();
  }
}

await main();
