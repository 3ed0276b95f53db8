// `npm run bench [-- --seconds 10 --connections 10 --only list,lookup]`
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
import { PiiCipher, loadMasterKey } from '../src/lib/pii';
import { defaultKeyFile, loadConfig } from '../src/server/config';
import { BENCH_ACCOUNTS, BENCH_PASSWORD } from '../src/seed/generate';
import { queryGrams } from '../src/server/modules/orgs/orgs.repo';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    only: { type: 'string' },
    port: { type: 'string', default: '3900' },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const only = values.only ? new Set(values.only.split(',')) : null;
const PORT = Number(values.port);
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
const results: { scenario: string; rows: Measured[] }[] = [];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
function summarize(name: string, latencies: number[], seconds: number, errors: number): Measured {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { name, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), rps: latencies.length / seconds, errors };
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

/** autocannon with exact percentiles: every response time is recorded, not a histogram bucket. */
async function http(name: string, opts: { url: string; method?: 'GET' | 'POST'; headers?: Record<string, string>; body?: string; requests?: autocannon.Request[]; connections?: number }): Promise<Measured> {
  const latencies: number[] = [];
  let errors = 0;
  let instance!: autocannon.Instance;
  const done = await new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
    url: opts.url,
    method: opts.method ?? 'GET',
    headers: opts.headers,
    body: opts.body,
    requests: opts.requests,
    connections: opts.connections ?? CONNECTIONS,
        duration: SECONDS,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 400) errors++;
      latencies.push(responseTime);
    });
  });
  return summarize(name, latencies, SECONDS, errors + done.errors + done.timeouts);
}

/** The same query through `pg` with the same concurrency, for the "bare SQL" reference. */
async function bareSql(name: string, pool: pg.Pool, query: () => { text: string; values: unknown[] }): Promise<Measured> {
  const latencies: number[] = [];
  let errors = 0;
  const until = Date.now() + SECONDS * 1000;
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
  const server = spawn(process.execPath, ['dist/server.js'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const hello = spawn(process.execPath, ['--input-type=module', '-e', `import Fastify from 'fastify'; const app = Fastify(); app.get('/', async () => ({ hello: 'world' })); await app.listen({ port: ${HELLO_PORT}, host: '127.0.0.1' });`], { stdio: 'inherit' });
  const pool = config.databaseUrl ? new pg.Pool({ connectionString: config.databaseUrl, max: CONNECTIONS }) : null;
  try {
    const bootStart = Date.now();
    await waitFor(`http://127.0.0.1:${PORT}/api/health`, server);
    const startup = Date.now() - bootStart;
    await waitFor(`http://127.0.0.1:${HELLO_PORT}/`, hello);
    const base = `http://127.0.0.1:${PORT}`;
    console.log(`数据库：${config.databaseUrl ? 'PostgreSQL' : 'PGlite'}；每项 ${SECONDS} s，并发 ${CONNECTIONS}；服务启动（迁移已是最新）${startup} ms`);

    const login = async (idNumber: string) => {
      const r = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: idNumber, password: BENCH_PASSWORD }) });
      if (!r.ok) throw new Error(`登录失败 ${idNumber}: ${r.status} ${await r.text()}`);
      const body = (await r.json()) as { csrfToken: string; roles: { orgId: number }[] };
      const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      return { cookie, csrf: body.csrfToken, orgId: body.roles[0]!.orgId };
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
        rows.push(await bareSql('同一查询（pg 直连，列表+计数）', pool, () => ({ text: `WITH l AS (${listSql}), c AS (${countSql}) SELECT * FROM l, c`, values: [path, upper] })));
        const fullCount = `SELECT count(*) FROM members m WHERE m.org_path >= $1 AND m.org_path < $2 AND m.status = 'ACTIVE' AND m.political_status = 'PARTY_PROBATIONARY'`;
        rows.push(await bareSql('同上但精确计数全部（不封顶）', pool, () => ({ text: `WITH l AS (${listSql}), c AS (${fullCount}) SELECT * FROM l, c`, values: [path, upper] })));
        // RuoYi's data scope: dept_id IN (SELECT dept_id FROM sys_dept WHERE dept_id = X OR find_in_set(X, ancestors)).
        const ruoyi = `WITH scope AS (SELECT id FROM orgs WHERE id = $1 OR $1::text = ANY(string_to_array(trim(both '/' from path), '/')))`;
        rows.push(
          await bareSql('RuoYi 式 IN(全部下级id)（基线）', pool, () => ({
            text: `${ruoyi}, l AS (SELECT m.id, p.name, p.id_number_masked FROM members m JOIN persons p ON p.id = m.person_id WHERE m.branch_id IN (SELECT id FROM scope) AND m.status = 'ACTIVE' AND m.political_status = 'PARTY_PROBATIONARY' ORDER BY m.branch_id, m.id LIMIT 20), c AS (SELECT count(*) FROM members m WHERE m.branch_id IN (SELECT id FROM scope) AND m.status = 'ACTIVE' AND m.political_status = 'PARTY_PROBATIONARY') SELECT * FROM l, c`,
            values: [province.orgId],
          })),
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
      const terms = ['西溪', '演示企业3', '第2学院', '社区团支部', '中学团委', '桃源村'];
      let i = 0;
      const rows = [
        await http('GET /api/orgs?q=…（全省）', {
          url: `${base}/api/orgs`,
          headers: h(province),
          requests: [{ setupRequest: (req) => ({ ...req, path: `/api/orgs?page=1&pageSize=20&q=${encodeURIComponent(terms[i++ % terms.length]!)}` }) }],
        }),
      ];
      if (pool) {
        let j = 0;
        rows.push(
          await bareSql('同一查询（pg 直连，字/双字索引）', pool, () => {
            const term = terms[j++ % terms.length]!;
            return {
              text: `SELECT id, name FROM orgs WHERE deleted_at IS NULL AND zh_grams(name || ' ' || full_name) @> $2::text[] AND (name ILIKE $1 OR full_name ILIKE $1) ORDER BY depth, char_length(name), name, id LIMIT 20`,
              values: [`%${term}%`, queryGrams(term)],
            };
          }),
          await bareSql('仅 ILIKE（无字索引，pg_trgm 对两字词无效）', pool, () => ({
            text: `SELECT id, name FROM orgs WHERE deleted_at IS NULL AND (name ILIKE $1 OR full_name ILIKE $1) ORDER BY depth, char_length(name), name, id LIMIT 20`,
            values: [`%${terms[j++ % terms.length]}%`],
          })),
        );
      }
      print('组织名称搜索', [...rows, helloRow]);
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
