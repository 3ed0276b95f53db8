// `npm run gen -- --scale province|city|county [--members N] [--seed S] [--reset]`
// Loads synthetic data (src/seed/generate.ts) into PostgreSQL (DATABASE_URL, bulk COPY) or, without
// it, into the embedded PGlite under DATA_DIR. Refuses a database that already holds orgs unless
// --reset is given (which drops and re-creates the schema). Prints the bench accounts at the end.
import { parseArgs } from 'node:util';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import { from as copyFrom } from 'pg-copy-streams';
import { openDatabase, one, type Database } from '../src/db/client';
import { migrateDatabase } from '../src/db/migrate';
import { adminGrants, adminMfa, accounts, auditLog, persons } from '../src/db/schema';
import { maskIdNumber, maskPhone } from '../src/domain/masking';
import { hashPassword } from '../src/lib/passwords';
import { PiiCipher, loadMasterKey } from '../src/lib/pii';
import { defaultKeyFile, loadConfig, pgliteDir } from '../src/server/config';
import { BENCH_ACCOUNTS, BENCH_PASSWORD, BENCH_TOTP_SECRET, SCALES, generateMembers, planTree, type GenOrg, type Scale } from '../src/seed/generate';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'county' },
    members: { type: 'string' },
    seed: { type: 'string', default: '20261123' },
    reset: { type: 'boolean', default: false },
  },
});
if (!(values.scale! in SCALES)) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}`);
const scale = values.scale as Scale;
const seed = Number(values.seed);
const memberCount = values.members ? Number(values.members) : undefined;

const config = loadConfig();
const cipher = new PiiCipher(loadMasterKey({ env: process.env, production: config.production, defaultKeyFile: defaultKeyFile(config) }));
const started = Date.now();
const log = (msg: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${msg}`);

// ---- CSV (COPY … FORMAT csv) ----------------------------------------------------------------------
function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Buffer.isBuffer(v)) return `\\x${v.toString('hex')}`;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\n\r]/.test(s) || s === '' ? `"${s.replaceAll('"', '""')}"` : s;
}
const line = (values: unknown[]) => `${values.map(cell).join(',')}\n`;

/** COPY rows (produced lazily, in chunks of text) into a table on either driver. */
async function copyRows(database: Database, table: string, columns: string[], chunks: Iterable<string>): Promise<void> {
  const statement = `COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`;
  if (database.kind === 'postgres') {
    const client = await database.pool!.connect();
    try {
      await pipeline(Readable.from(chunks), client.query(copyFrom(statement)));
    } finally {
      client.release();
    }
    return;
  }
  // PGlite reads COPY input from a blob named /dev/blob.
  for (const chunk of chunks) {
    await database.pglite!.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([chunk]) });
  }
}

function* batched<T>(items: Iterable<T>, toLine: (t: T) => string, size = 5_000): Generator<string> {
  let buf: string[] = [];
  for (const item of items) {
    buf.push(toLine(item));
    if (buf.length >= size) {
      yield buf.join('');
      buf = [];
    }
  }
  if (buf.length) yield buf.join('');
}

async function main() {
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : pgliteDir(config), statementTimeoutMs: 0 });
  try {
    if (values.reset) {
      log('删除并重建数据库结构（--reset）');
      await database.db.execute(sql.raw('DROP SCHEMA IF EXISTS drizzle CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public;'));
    }
    await migrateDatabase(database);
    const existing = await one<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM orgs`);
    if (existing!.n > 0) throw new Error('数据库中已有组织数据：请使用空数据库，或加 --reset 重建（会删除全部数据）');

    const plan = planTree({ scale, members: memberCount, seed });
    const now = new Date('2026-11-01T00:00:00Z');
    const iso = now.toISOString();
    log(`计划：${plan.orgs.length.toLocaleString()} 个组织，其中团支部 ${plan.branches.length.toLocaleString()} 个，团员 ${plan.branches.reduce((s, b) => s + b.members, 0).toLocaleString()} 名`);

    await copyRows(
      database,
      'orgs',
      ['id', 'parent_id', 'path', 'depth', 'name', 'full_name', 'kind', 'leadership_level', 'special_kind', 'industry_category', 'region_code', 'is_township', 'school_code', 'created_at', 'updated_at'],
      batched(plan.orgs, (o: GenOrg) => line([o.id, o.parentId, o.path, o.depth, o.name, o.fullName, o.kind, o.leadershipLevel, o.specialKind, o.industryCategory, o.regionCode, o.isTownship, o.schoolCode, iso, iso])),
    );
    log('组织已写入');

    // Persons and members come from one generator; persons are copied first (members reference them),
    // so the generator runs twice with the same seed rather than holding 3 million rows in memory.
    await copyRows(
      database,
      'persons',
      ['id', 'name', 'id_number_enc', 'id_number_idx', 'id_number_masked', 'gender', 'birth_date', 'phone_enc', 'phone_idx', 'phone_masked', 'created_at', 'updated_at'],
      batched(generateMembers(plan, { seed }), ({ person: p }) =>
        line([
          p.id,
          p.name,
          cipher.encrypt(p.idNumber),
          cipher.blindIndex('id', p.idNumber),
          maskIdNumber(p.idNumber),
          p.gender,
          p.birthDate,
          p.phone ? cipher.encrypt(p.phone) : null,
          p.phone ? cipher.blindIndex('phone', p.phone) : null,
          p.phone ? maskPhone(p.phone) : null,
          iso,
          iso,
        ]),
      ),
    );
    log('人员已写入');
    let last = 0;
    await copyRows(
      database,
      'members',
      ['id', 'person_id', 'branch_id', 'org_path', 'ethnicity', 'political_status', 'joined_league_at', 'development_number', 'identity_evidence', 'identity_status', 'identity_issues', 'education', 'highest_education', 'occupation', 'work_unit', 'hukou_address', 'residence_address', 'profile_complete', 'created_at', 'updated_at'],
      batched(generateMembers(plan, { seed }), ({ member: m }) => {
        last = m.id;
        return line([m.id, m.personId, m.branchId, m.orgPath, m.ethnicity, m.politicalStatus, m.joinedLeagueAt, m.developmentNumber, m.identityEvidence, m.identityStatus, m.identityIssues, m.education, m.highestEducation, m.occupation, m.workUnit, m.hukouAddress, m.residenceAddress, m.profileComplete, iso, iso]);
      }),
    );
    log(`团员已写入（${last.toLocaleString()}）`);
    await database.db.execute(sql`INSERT INTO memberships (member_id, branch_id, started_at, start_reason) SELECT id, branch_id, ${iso}::timestamptz, 'ENTRY' FROM members`);
    // Members log in with the initial password (no hash computed for millions of rows, MEM-6).
    await database.db.execute(sql`INSERT INTO accounts (person_id, password_hash, must_change_password, issued_at) SELECT id, NULL, true, ${iso}::timestamptz FROM persons`);
    log('组织关系与账号已写入');

    // COPY with explicit ids leaves the sequences behind.
    for (const table of ['orgs', 'persons', 'members']) {
      await database.db.execute(sql`SELECT setval(pg_get_serial_sequence(${table}, 'id'), (SELECT max(id) FROM ${sql.identifier(table)}))`);
    }

    // Benchmark admins: one per level, fixed fictional ID numbers (county code 339902 does not exist).
    const hash = await hashPassword(BENCH_PASSWORD);
    const orgOf = { province: plan.province, county: plan.samples.county, township: plan.samples.township, university: plan.samples.university };
    const admins = BENCH_ACCOUNTS.flatMap((a) => (orgOf[a.key] ? [{ ...a, org: orgOf[a.key]! }] : []));
    const printed: string[] = [];
    for (const [i, a] of admins.entries()) {
      const idNumber = a.idNumber;
      const phone = `1990001${String(i).padStart(4, '0')}`;
      const [p] = await database.db
        .insert(persons)
        .values({ name: a.name, idNumberEnc: cipher.encrypt(idNumber), idNumberIdx: cipher.blindIndex('id', idNumber), idNumberMasked: maskIdNumber(idNumber), gender: 'MALE', birthDate: '1990-01-01', phoneEnc: cipher.encrypt(phone), phoneIdx: cipher.blindIndex('phone', phone), phoneMasked: maskPhone(phone) })
        .returning({ id: persons.id });
      await database.db.insert(accounts).values({ personId: p!.id, passwordHash: hash, mustChangePassword: false, issuedAt: now, passwordChangedAt: now });
      await database.db.insert(adminGrants).values({ personId: p!.id, orgId: a.org.id, grantedAt: now });
      await database.db.insert(adminMfa).values({ personId: p!.id, secretEnc: cipher.encrypt(BENCH_TOTP_SECRET), enrolledAt: now });
      printed.push(`  ${a.name}  ${idNumber}  ${a.org.name}（组织 ${a.org.id}）`);
    }
    await database.db.insert(auditLog).values({ at: now, action: 'SYNTHETIC_LOAD', result: 'OK', orgPath: plan.orgs[0]!.path, reason: `合成数据（${scale}，种子 ${seed}）：${plan.orgs.length}个组织，${last}名团员` });
    // The members trigger left one delta row per branch; fold them now (the server's fold job runs under
    // the statement timeout), and VACUUM so index-only scans work from the first query — the COPY left
    // every page unmarked in the visibility map, and autovacuum may be off or far behind a bulk load.
    await database.db.execute(sql`SELECT sup_fold_rollup_deltas()`);
    await database.db.execute(sql`VACUUM (ANALYZE)`);
    log('完成（已汇总、VACUUM ANALYZE）');
    console.log(`\n压测管理员（密码 ${BENCH_PASSWORD}，身份验证器密钥 ${BENCH_TOTP_SECRET}）：\n${printed.join('\n')}`);
  } finally {
    await database.close();
  }
}

await main();
