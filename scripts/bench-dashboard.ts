/**
 * Dashboard timing on a generated province (docs/PERFORMANCE.md "## Dashboard").
 *
 *   DATABASE_URL=postgres://…/empty_db MEMBERS=1000000 npx tsx scripts/bench-dashboard.ts
 *
 * Builds 团中央 → 1 province → 11 cities → 10 counties each → 15 townships each → 10 branches each
 * (16,500 branches) and MEMBERS members (bulk INSERT … SELECT in chunks, so the statement-level
 * rollup triggers run as they would for an import), then times the dashboard service calls against
 * a direct count over the subtree. Never run it against a database you care about.
 */
import { sql } from 'drizzle-orm';
import { openDatabase, rows } from '../src/db/client';
import { migrateDatabase } from '../src/db/migrate';
import { systemClock } from '../src/lib/clock';
import type { AdminActor, AppContext } from '../src/server/context';
import { devFigures, figures, graduation } from '../src/server/modules/supervision/supervision.service';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required (an empty PostgreSQL database)');
const MEMBERS = Number(process.env.MEMBERS ?? 1_000_000);
const CHUNK = 100_000;

const database = await openDatabase({ url, statementTimeoutMs: 1_800_000, poolMax: 2 });
await migrateDatabase(database);
const db = database.db;
const [existing] = await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM orgs`);
if (existing!.n === 0) {
  let t = Date.now();
  await db.execute(sql`
    INSERT INTO orgs (id, parent_id, path, depth, name, full_name, kind, leadership_level, industry_category, region_code, is_township)
    VALUES (1, NULL, '/1/', 0, '团中央', '中国共产主义青年团中央委员会', 'LEADERSHIP', 'NATIONAL', 'GOVERNMENT', NULL, false),
           (2, 1, '/1/2/', 1, '某省团委', '中国共产主义青年团某省委员会', 'LEADERSHIP', 'PROVINCIAL', 'GOVERNMENT', '33', false)`);
  // ids: city 100+c, county 1000+c*10+k, township 100000+county*15+w (unique), branch after.
  await db.execute(sql`
    INSERT INTO orgs (id, parent_id, path, depth, name, full_name, kind, leadership_level, industry_category)
    SELECT 100 + c, 2, '/1/2/' || (100 + c) || '/', 2, '市' || c || '团委', '中国共产主义青年团市' || c || '委员会', 'LEADERSHIP', 'CITY', 'GOVERNMENT'
      FROM generate_series(1, 11) c`);
  await db.execute(sql`
    INSERT INTO orgs (id, parent_id, path, depth, name, full_name, kind, leadership_level, industry_category)
    SELECT 1000 + c * 10 + k, 100 + c, '/1/2/' || (100 + c) || '/' || (1000 + c * 10 + k) || '/', 3, '县' || k || '团委', '中国共产主义青年团市' || c || '县' || k || '委员会', 'LEADERSHIP', 'COUNTY', 'GOVERNMENT'
      FROM generate_series(1, 11) c, generate_series(0, 9) k`);
  await db.execute(sql`
    INSERT INTO orgs (id, parent_id, path, depth, name, full_name, kind, industry_category, is_township)
    SELECT 100000 + o.id * 15 + w, o.id, o.path || (100000 + o.id * 15 + w) || '/', 4, '镇' || w || '团委', o.full_name || '镇' || w || '委员会', 'COMMITTEE',
           CASE WHEN w = 0 THEN 'HIGHER_EDUCATION'::industry_category ELSE 'RURAL'::industry_category END, w <> 0
      FROM orgs o, generate_series(0, 14) w WHERE o.leadership_level = 'COUNTY'`);
  await db.execute(sql`
    INSERT INTO orgs (id, parent_id, path, depth, name, full_name, kind, industry_category, graduation_at)
    SELECT 1000000 + (o.id - 100000) * 10 + b, o.id, o.path || (1000000 + (o.id - 100000) * 10 + b) || '/', 5, '支部' || b, o.full_name || '支部' || b || '支部委员会', 'BRANCH',
           o.industry_category, CASE WHEN o.industry_category = 'HIGHER_EDUCATION' AND b % 2 = 0 THEN '2026-06' END
      FROM orgs o, generate_series(0, 9) b WHERE o.depth = 4`);
  await db.execute(sql`SELECT setval(pg_get_serial_sequence('orgs', 'id'), (SELECT max(id) FROM orgs))`);
  console.log(`orgs: ${(await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM orgs`))[0]!.n} in ${Date.now() - t} ms`);

  t = Date.now();
  await db.execute(sql`
    INSERT INTO persons (id, name, id_number_enc, id_number_idx, id_number_masked, gender, birth_date)
    SELECT i, '团员' || i, '\\x00'::bytea, sha256(int8send(i)), '339***********' || lpad((i % 10000)::text, 4, '0'), 'MALE', DATE '2005-01-01'
      FROM generate_series(1, ${MEMBERS}::int) i`);
  console.log(`persons: ${MEMBERS} in ${Date.now() - t} ms`);
  const branches = (await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM orgs WHERE kind = 'BRANCH'`))[0]!.n;
  for (let from = 1; from <= MEMBERS; from += CHUNK) {
    const to = Math.min(MEMBERS, from + CHUNK - 1);
    t = Date.now();
    await db.execute(sql`
      WITH b AS (SELECT id, path, row_number() OVER (ORDER BY id) - 1 AS k FROM orgs WHERE kind = 'BRANCH')
      INSERT INTO members (person_id, status, branch_id, org_path, ethnicity, political_status, joined_league_at, admitted_at, identity_status, profile_complete, leave_reason, created_at, updated_at)
      SELECT i, CASE WHEN i % 10 = 0 THEN 'LEFT'::member_status ELSE 'ACTIVE'::member_status END, b.id, b.path, '汉族', 'LEAGUE_MEMBER',
             (2014 + i % 12) || '-05', CASE WHEN i % 3 = 0 THEN DATE '2025-01-01' END, 'VERIFIED', i % 4 <> 0,
             CASE WHEN i % 10 = 0 THEN 'AGE_28'::leave_reason END, now(), now()
        FROM generate_series(${from}::int, ${to}::int) i JOIN b ON b.k = (i::bigint * 7919) % ${branches}::int`);
    console.log(`members ${from}–${to}: ${Date.now() - t} ms (with the rollup triggers)`);
  }
  await db.execute(sql`ANALYZE`);
}

const ctx = { db, clock: systemClock } as unknown as AppContext;
const [province] = await rows<{ id: number; path: string }>(db, sql`SELECT id, path FROM orgs WHERE leadership_level = 'PROVINCIAL' LIMIT 1`);
const actor = {
  personId: 0,
  name: 'bench',
  sessionId: '',
  ip: '127.0.0.1',
  requestId: 'bench',
  scope: { orgId: province!.id, path: province!.path, name: '某省团委', kind: 'LEADERSHIP', leadershipLevel: 'PROVINCIAL', industryCategory: 'GOVERNMENT' },
} as AdminActor;
const [county] = await rows<{ id: number }>(db, sql`SELECT id FROM orgs WHERE leadership_level = 'COUNTY' LIMIT 1`);

async function time(label: string, fn: () => Promise<unknown>, runs = 7) {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label}: median ${ms[Math.floor(runs / 2)]!.toFixed(1)} ms, max ${ms[runs - 1]!.toFixed(1)} ms`);
}

const [{ n: total }] = (await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM members`)) as [{ n: number }];
console.log(`\n${total} members, timing (PostgreSQL, warm cache):`);
await time('ST-1…ST-4 province (11 cities)', () => figures(ctx, actor, { year: 2026 }));
await time('ST-1…ST-4 county (15 townships)', () => figures(ctx, actor, { orgId: county!.id, year: 2026 }));
await time('ST-5 province, year 2026', () => graduation(ctx, actor, { year: 2026 }));
await time('ST-7 province', () => devFigures(ctx, actor, {}));
await time(
  'direct count, province by city (for comparison)',
  () =>
    rows(
      db,
      sql`SELECT o.id, (SELECT count(*) FROM members m WHERE m.org_path >= o.path AND m.org_path < left(o.path, -1) || '0' AND m.status = 'ACTIVE') AS n
            FROM orgs o WHERE o.parent_id = ${province!.id}`,
    ),
  3,
);
await database.close();
