import { spawnSync } from 'node:child_process';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { one, rows, type Executor } from '../../src/db/client';
import { auditLog, persons } from '../../src/db/schema';
import { ANCHOR_KEY, canonicalRow, formatVerifyReport, purgeAudit, sealAudit, verifyAuditChain } from '../../src/server/audit-chain';
import { writeAudit } from '../../src/server/audit';
import { loadConfig } from '../../src/server/config';
import { createTestApp, TEST_NOW, type TestApp } from '../helpers/app';
import { Factory, memberInput, type Client, type Tree } from '../helpers/factories';
import { testDbKind } from '../helpers/test-db';

let t: TestApp;
let f: Factory;
let tree: Tree;
let admin: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  admin = (await f.admin(tree.collegeA)).client;
});
afterAll(() => t.close());

/**
 * What only the table's owner or a superuser can do: change audit rows with the append-only trigger
 * off for one transaction. Setting session_replication_role no longer turns it off (drizzle/0021).
 */
async function asSuperuser(fn: (tx: Executor) => Promise<unknown>, db = t.ctx.db): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    await fn(tx);
    await tx.execute(sql`ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_append_only`);
  });
}

async function writeSome(n: number, label: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    await writeAudit(t.ctx.db, t.ctx, { personId: 1, name: `审计员${i}` }, { action: 'TEST_EVENT', result: 'OK', objectType: 'test', objectId: i, objectLabel: `${label}-${i}`, changes: { n: { before: i, after: i + 1 } } });
  }
}

async function sealedIds(): Promise<number[]> {
  const r = await rows<{ id: string }>(t.ctx.db, sql`SELECT id::text AS id FROM audit_log WHERE seq IS NOT NULL ORDER BY seq`);
  return r.map((x) => Number(x.id));
}

describe('issue 7 item 4: the audit hash chain', () => {
  it('seals committed rows in id order; the verifier walks an intact chain and reports the unsealed tail', async () => {
    expect((await admin.post('/api/members', memberInput(tree.branchA1.id, 1))).status).toBe(201);
    // More than 9 rows, so text-ordered ids or seqs (10 < 9) would break the chain.
    await writeSome(12, 'a');
    const before = await verifyAuditChain(t.ctx.db);
    expect(before.unsealed).toBeGreaterThanOrEqual(12);
    const { sealed, deferred } = await sealAudit(t.ctx);
    expect(deferred).toBe(false);
    expect(sealed).toBe(before.unsealed);
    await writeSome(3, 'b');
    const after = await verifyAuditChain(t.ctx.db);
    expect(after).toMatchObject({ ok: true, unsealed: 3, checked: sealed });
    const ids = await sealedIds();
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    // Sealing in small batches continues the same chain.
    await sealAudit(t.ctx, { batch: 2 });
    await writeSome(11, 'c');
    await sealAudit(t.ctx, { batch: 4 });
    expect(await verifyAuditChain(t.ctx.db)).toMatchObject({ ok: true, unsealed: 0, checked: sealed + 14 });
    expect(formatVerifyReport(await verifyAuditChain(t.ctx.db))).toMatch(/审计日志哈希链完整[\s\S]*Audit hash chain intact/);
  });

  it('the append-only trigger admits only the one-time seal: no re-seal, no other column with it, no TRUNCATE', async () => {
    const [row] = await t.ctx.db.select().from(auditLog).where(sql`seq IS NOT NULL`).limit(1);
    await expect(t.ctx.db.update(auditLog).set({ hash: 'f'.repeat(64) }).where(eq(auditLog.id, row!.id))).rejects.toThrow();
    await writeSome(1, 'c');
    const [fresh] = await t.ctx.db.select().from(auditLog).where(sql`seq IS NULL`).limit(1);
    await expect(t.ctx.db.update(auditLog).set({ seq: 999_999, hash: 'a'.repeat(64), reason: 'forged' }).where(eq(auditLog.id, fresh!.id))).rejects.toThrow();
    await expect(t.ctx.db.execute(sql`TRUNCATE audit_log`)).rejects.toThrow();
    // Nor in a session that sets session_replication_role = replica, as the TR-5 sweep does (drizzle/0021).
    const inReplicaSession = (fn: (tx: Executor) => Promise<unknown>) =>
      t.ctx.db.transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL session_replication_role = replica`);
        await fn(tx);
      });
    await expect(inReplicaSession((tx) => tx.update(auditLog).set({ objectLabel: '篡改' }).where(eq(auditLog.id, row!.id)))).rejects.toThrow();
    await expect(inReplicaSession((tx) => tx.delete(auditLog).where(eq(auditLog.id, row!.id)))).rejects.toThrow();
    await expect(inReplicaSession((tx) => tx.execute(sql`TRUNCATE audit_log`))).rejects.toThrow();
    // A purge may not take young rows, nor unsealed ones.
    await expect(
      t.ctx.db.transaction(async (tx) => {
        await tx.execute(sql`SELECT set_config('zhtj.audit_purge', 'on', true)`);
        await tx.delete(auditLog).where(eq(auditLog.id, fresh!.id));
      }),
    ).rejects.toThrow();
    await sealAudit(t.ctx);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
  });

  it('a row seen from a second subtree (also_org_path, drizzle/0020) is sealed with it; a row without one hashes as before 0020', async () => {
    await writeAudit(t.ctx.db, t.ctx, null, { action: 'TEST_EVENT', result: 'OK', objectLabel: 'two-sided', orgPath: tree.collegeA.path, alsoOrgPath: tree.collegeB.path });
    await sealAudit(t.ctx);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    const [row] = await t.ctx.db.select().from(auditLog).where(eq(auditLog.objectLabel, 'two-sided'));
    expect(row!.alsoOrgPath).toBe(tree.collegeB.path);
    await asSuperuser((tx) => tx.update(auditLog).set({ alsoOrgPath: null }).where(eq(auditLog.id, row!.id)));
    expect((await verifyAuditChain(t.ctx.db)).broken).toMatchObject({ id: row!.id, reason: 'HASH_MISMATCH' });
    await asSuperuser((tx) => tx.update(auditLog).set({ alsoOrgPath: tree.collegeB.path }).where(eq(auditLog.id, row!.id)));
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    // Rows sealed before 0020 were hashed over 16 fields; without a second path a row still is.
    const raw = { id: '1', seq: null, hash: null, at_us: '0', actor_person_id: null, actor_name: null, acting_org_id: null, action: 'X', object_type: null, object_id: null, object_label: null, org_path: null, also_org_path: null, changes: null, result: 'OK', reason: null, ip: null, request_id: null };
    expect(JSON.parse(canonicalRow(raw, 1))).toHaveLength(16);
    expect(JSON.parse(canonicalRow({ ...raw, also_org_path: '1.2' }, 1))).toHaveLength(17);
  });

  it('a row tampered by a superuser (trigger disabled) is found, by id', async () => {
    const ids = await sealedIds();
    const victim = ids[3]!;
    const original = await one<{ label: string | null }>(t.ctx.db, sql`SELECT object_label AS label FROM audit_log WHERE id = ${victim}`);
    await asSuperuser((tx) => tx.update(auditLog).set({ objectLabel: '篡改' }).where(eq(auditLog.id, victim)));
    const r = await verifyAuditChain(t.ctx.db);
    expect(r.ok).toBe(false);
    expect(r.broken).toMatchObject({ id: victim, reason: 'HASH_MISMATCH' });
    expect(formatVerifyReport(r)).toContain(`Audit hash chain BROKEN at row id ${victim}`);
    expect(formatVerifyReport(r)).toContain(`第 ${victim} 行`);
    // Putting the content back restores the chain: the hash covers the content, nothing else.
    await asSuperuser((tx) => tx.update(auditLog).set({ objectLabel: original!.label }).where(eq(auditLog.id, victim)));
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    // Forging the row's own hash does not help either: the next row chains the true one.
    await asSuperuser((tx) => tx.update(auditLog).set({ hash: 'e'.repeat(64) }).where(eq(auditLog.id, victim)));
    expect((await verifyAuditChain(t.ctx.db)).broken).toMatchObject({ id: victim, reason: 'HASH_MISMATCH' });
    const sealedRow = await one<{ hash: string }>(t.ctx.db, sql`SELECT hash FROM audit_log WHERE id = ${ids[4]!}`);
    expect(sealedRow).toBeDefined();
  });

  it('a deleted middle row is found: the row after the gap is reported', async () => {
    const fresh = await createTestApp();
    try {
      for (let i = 0; i < 6; i++) await writeAudit(fresh.ctx.db, fresh.ctx, null, { action: 'TEST_EVENT', result: 'OK', objectLabel: `d-${i}` });
      await sealAudit(fresh.ctx);
      const ids = (await fresh.ctx.db.select({ id: auditLog.id }).from(auditLog).orderBy(auditLog.seq)).map((r) => r.id);
      await asSuperuser((tx) => tx.delete(auditLog).where(eq(auditLog.id, ids[2]!)), fresh.ctx.db);
      const r = await verifyAuditChain(fresh.ctx.db);
      expect(r.broken).toMatchObject({ id: ids[3], reason: 'SEQ_GAP' });
      expect(formatVerifyReport(r)).toMatch(/缺少序号 3–3[\s\S]*BROKEN at row id/);
    } finally {
      await fresh.close();
    }
  });
});

describe('issue 7 item 4: the seal learns which rows are final from transaction ids (drizzle/0018)', () => {
  it('audit ids come from audit_log_next_id(), which gives the transaction its id first, from an uncached sequence', async () => {
    const def = await one<{ expr: string }>(
      t.ctx.db,
      sql`SELECT pg_get_expr(d.adbin, d.adrelid) AS expr FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
          WHERE d.adrelid = 'audit_log'::regclass AND a.attname = 'id'`,
    );
    expect(def!.expr).toBe('audit_log_next_id()');
    // A cached sequence would let a session hand out ids below the last value read later.
    const seq = await one<{ cache: string }>(t.ctx.db, sql`SELECT seqcache::text AS cache FROM pg_sequence WHERE seqrelid = 'audit_log_id_seq'::regclass`);
    expect(seq!.cache).toBe('1');
    await t.ctx.db.transaction(async (tx) => {
      const before = await one<{ xid: string | null }>(tx, sql`SELECT pg_current_xact_id_if_assigned()::text AS xid`);
      expect(before!.xid).toBeNull();
      await tx.execute(sql`SELECT audit_log_next_id()`);
      const after = await one<{ xid: string | null }>(tx, sql`SELECT pg_current_xact_id_if_assigned()::text AS xid`);
      expect(after!.xid).not.toBeNull();
    });
    // drizzle/0019: one SQL expression the planner inlines into each insert, not a PL/pgSQL call per row.
    const plan = (await rows<{ 'QUERY PLAN': string }>(t.ctx.db, sql`EXPLAIN (VERBOSE, COSTS OFF) SELECT audit_log_next_id()`)).map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/CASE WHEN \(pg_current_xact_id\(\) IS NOT NULL\) THEN nextval/);
  });

  it('the seq index covers sealed rows only (drizzle/0019) and still refuses a second row with a sealed seq', async () => {
    await writeSome(2, 'seq-index');
    await sealAudit(t.ctx);
    const [sealedRow] = await t.ctx.db.select().from(auditLog).where(sql`seq IS NOT NULL`).orderBy(sql`seq DESC`).limit(1);
    await writeSome(1, 'seq-index-unsealed');
    const [unsealed] = await t.ctx.db.select().from(auditLog).where(sql`seq IS NULL`).orderBy(sql`id DESC`).limit(1);
    // The append-only trigger lets seq go from null to a value once; the unique index is what refuses a repeat.
    const refused = await t.ctx.db.execute(sql`UPDATE audit_log SET seq = ${sealedRow!.seq}, hash = ${sealedRow!.hash} WHERE id = ${unsealed!.id}`).then(
      () => null,
      (e: Error & { cause?: Error }) => e,
    );
    expect(`${refused?.message} ${refused?.cause?.message}`).toMatch(/audit_log_seq_idx/);
    const def = await one<{ def: string }>(t.ctx.db, sql`SELECT pg_get_indexdef('audit_log_seq_idx'::regclass) AS def`);
    expect(def!.def).toMatch(/WHERE \(seq IS NOT NULL\)/);
  });
});

describe('issue 7 item 4: a failed audit write rolls the change back', () => {
  it('when the MEMBER_CREATE audit insert fails, no person or member is created and the answer has the error shape', async () => {
    const fresh = await createTestApp();
    try {
      const ff = new Factory(fresh);
      const tr = await ff.tree();
      const client = (await ff.admin(tr.collegeA)).client;
      await fresh.ctx.db.execute(sql.raw(`CREATE FUNCTION fail_member_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        IF NEW.action = 'MEMBER_CREATE' THEN RAISE EXCEPTION 'audit store unavailable'; END IF; RETURN NEW; END $$`));
      await fresh.ctx.db.execute(sql`CREATE TRIGGER fail_member_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION fail_member_audit()`);
      const input = memberInput(tr.branchA1.id, 41);
      const res = await client.post('/api/members', input);
      expect(res.status).toBe(500);
      expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      const idx = fresh.ctx.cipher.blindIndex('id', input.idNumber);
      expect(await fresh.ctx.db.select().from(persons).where(eq(persons.idNumberIdx, idx))).toHaveLength(0);
      await fresh.ctx.db.execute(sql`DROP TRIGGER fail_member_audit ON audit_log`);
      const again = await client.post('/api/members', input);
      expect(again.status).toBe(201);
      expect(await fresh.ctx.db.select().from(persons).where(eq(persons.idNumberIdx, idx))).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });
});

describe('issue 7 item 4: retention', () => {
  it('AUDIT_RETENTION_DAYS below 184 is refused at start-up with a Chinese reason; the default is 365', () => {
    expect(loadConfig({}).auditRetentionDays).toBe(365);
    expect(loadConfig({ AUDIT_RETENTION_DAYS: '184' }).auditRetentionDays).toBe(184);
    expect(() => loadConfig({ AUDIT_RETENTION_DAYS: '183' })).toThrow(/至少保留 184 天/);
  });

  it('the purge deletes only the sealed prefix past retention, records the anchor, and the rest still verifies', async () => {
    const fresh = await createTestApp({ now: '2024-01-10T02:00:00.000Z', env: { AUDIT_RETENTION_DAYS: '200' } });
    try {
      const ex = fresh.ctx.db;
      const write = (label: string) => writeAudit(ex, fresh.ctx, null, { action: 'TEST_EVENT', result: 'OK', objectLabel: label });
      for (let i = 0; i < 4; i++) await write(`old-${i}`);
      fresh.clock.freeze(new Date(TEST_NOW));
      for (let i = 0; i < 3; i++) await write(`young-${i}`);
      // Unsealed old rows are never purged: the anchor must cover what is gone.
      expect((await purgeAudit(fresh.ctx)).purged).toBe(0);
      await sealAudit(fresh.ctx);
      const all = await ex.select().from(auditLog).orderBy(auditLog.seq);
      expect((await purgeAudit(fresh.ctx)).purged).toBe(4);
      const left = await ex.select().from(auditLog).orderBy(auditLog.seq);
      expect(left.map((r) => r.objectLabel)).toEqual(['young-0', 'young-1', 'young-2']);
      const anchor = await one<{ value: { seq: number; hash: string } }>(ex, sql`SELECT value FROM system_settings WHERE key = ${ANCHOR_KEY}`);
      expect(anchor!.value).toMatchObject({ seq: all[3]!.seq, hash: all[3]!.hash, retentionDays: 200 });
      const r = await verifyAuditChain(ex);
      expect(r).toMatchObject({ ok: true, checked: 3 });
      expect(formatVerifyReport(r)).toMatch(/保留期清理锚点[\s\S]*Retention cut: rows up to seq 4/);
      // Sealing continues from the remaining head; a second purge has nothing to do.
      await write('young-3');
      await sealAudit(fresh.ctx);
      expect((await purgeAudit(fresh.ctx)).purged).toBe(0);
      expect(await verifyAuditChain(ex)).toMatchObject({ ok: true, checked: 4 });
      // Cutting the head beyond the anchor is not a retention cut.
      await asSuperuser((tx) => tx.delete(auditLog).where(eq(auditLog.id, left[0]!.id)), fresh.ctx.db);
      expect((await verifyAuditChain(ex)).broken).toMatchObject({ id: left[1]!.id, reason: 'SEQ_GAP' });
    } finally {
      await fresh.close();
    }
  });
});

describe.runIf(testDbKind() === 'postgres')('issue 7 item 4 on PostgreSQL', () => {
  it('concurrent writers holding their transactions open while the sealer runs still give one valid, gap-free chain', async () => {
    const fresh = await createTestApp();
    try {
      const ctx = fresh.ctx;
      let stop = false;
      let written = 0;
      const writer = async (w: number) => {
        for (let i = 0; i < 25; i++) {
          await ctx.db.transaction(async (tx) => {
            await writeAudit(tx, ctx, null, { action: 'TEST_EVENT', result: 'OK', objectLabel: `w${w}-${i}` });
            // Commit late and in a random order, so lower ids commit after higher ones.
            await tx.execute(sql`SELECT pg_sleep(${Math.random() * 0.03})`);
          });
          written += 1;
        }
      };
      const sealer = async () => {
        let deferred = 0;
        while (!stop) {
          const r = await sealAudit(ctx, { settleMs: 20, batch: 7 });
          if (r.deferred) deferred += 1;
          expect((await verifyAuditChain(ctx.db)).ok).toBe(true);
        }
        return deferred;
      };
      const sealing = sealer();
      await Promise.all(Array.from({ length: 6 }, (_, w) => writer(w)));
      stop = true;
      await sealing;
      expect(written).toBe(150);
      await sealAudit(ctx);
      const r = await verifyAuditChain(ctx.db);
      const total = await one<{ n: string }>(ctx.db, sql`SELECT count(*)::text AS n FROM audit_log`);
      expect(r).toMatchObject({ ok: true, unsealed: 0, checked: Number(total!.n) });
    } finally {
      await fresh.close();
    }
  });

  const insertRaw = async (c: pg.PoolClient, label: string): Promise<number> => {
    const r = await c.query<{ id: string }>(`INSERT INTO audit_log (at, action, result, object_label) VALUES (now(), 'TEST_EVENT', 'OK', $1) RETURNING id::text AS id`, [label]);
    return Number(r.rows[0]!.id);
  };
  const locksOnAuditLog = async (c: pg.PoolClient): Promise<string[]> =>
    (await c.query<{ mode: string }>(`SELECT DISTINCT mode FROM pg_locks WHERE relation = 'audit_log'::regclass AND pid <> pg_backend_pid()`)).rows.map((r) => r.mode);

  for (const outcome of ['COMMIT', 'ROLLBACK'] as const) {
    it(`writers never wait for the seal: a transaction holding an audit row open defers it, other connections insert meanwhile (${outcome})`, async () => {
      const fresh = await createTestApp();
      const pool = fresh.ctx.database.pool!;
      const open = await pool.connect();
      const other = await pool.connect();
      try {
        const ctx = fresh.ctx;
        for (let i = 0; i < 3; i++) await writeAudit(ctx.db, ctx, null, { action: 'TEST_EVENT', result: 'OK', objectLabel: `before-${i}` });
        expect((await sealAudit(ctx)).deferred).toBe(false);
        await open.query('BEGIN');
        const held = await insertRaw(open, 'held-open');
        // Committed, but drawn after the open row: none of it may be sealed while the row is open.
        const after = [await insertRaw(other, 'after-0')];
        let sealing = true;
        const run = sealAudit(ctx, { settleMs: 3_000 }).finally(() => (sealing = false));
        // While the sealer waits for the open transaction, inserts go through without waiting for any
        // lock, and the sealer holds or asks for no lock on audit_log. lock_timeout counts only time
        // spent waiting for a lock (not a slow machine): behind the old LOCK TABLE … IN SHARE MODE,
        // queued after the open transaction, the first insert here failed with it.
        await other.query(`SET lock_timeout = '100ms'`);
        await new Promise((r) => setTimeout(r, 30));
        for (let i = 1; i <= 5; i++) after.push(await insertRaw(other, `after-${i}`));
        await other.query('RESET lock_timeout');
        expect(sealing).toBe(true);
        const modes = await locksOnAuditLog(other);
        expect(modes.every((m) => m === 'RowExclusiveLock' || m === 'AccessShareLock')).toBe(true);
        const r = await run;
        expect(r).toEqual({ sealed: 0, deferred: true });
        const sealedNow = await rows<{ id: string }>(ctx.db, sql`SELECT id::text AS id FROM audit_log WHERE seq IS NOT NULL AND id >= ${held}`);
        expect(sealedNow).toEqual([]);
        expect(await verifyAuditChain(ctx.db)).toMatchObject({ ok: true, unsealed: after.length });

        await open.query(outcome);
        const done = await sealAudit(ctx);
        expect(done).toEqual({ sealed: after.length + (outcome === 'COMMIT' ? 1 : 0), deferred: false });
        const v = await verifyAuditChain(ctx.db);
        expect(v).toMatchObject({ ok: true, unsealed: 0 });
        const heldRow = await one<{ seq: string | null }>(ctx.db, sql`SELECT seq::text AS seq FROM audit_log WHERE id = ${held}`);
        if (outcome === 'COMMIT') expect(heldRow!.seq).not.toBeNull();
        else expect(heldRow).toBeUndefined();
      } finally {
        await open.query('ROLLBACK').catch(() => undefined);
        open.release();
        other.release();
        await fresh.close();
      }
    });
  }

  it('rows committed before a long transaction began are sealed while it is still open (the candidate is kept between ticks)', async () => {
    const fresh = await createTestApp();
    const pool = fresh.ctx.database.pool!;
    const long = await pool.connect();
    const open = await pool.connect();
    try {
      const ctx = fresh.ctx;
      // A transaction of this database with a transaction id (writing no audit row) holds back every
      // candidate recorded while it runs.
      await long.query('BEGIN');
      await long.query('SELECT pg_current_xact_id()');
      for (let i = 0; i < 3; i++) await writeAudit(ctx.db, ctx, null, { action: 'TEST_EVENT', result: 'OK', objectLabel: `early-${i}` });
      expect(await sealAudit(ctx, { settleMs: 50 })).toEqual({ sealed: 0, deferred: true });
      // An audit row now held open; then the first transaction ends: the candidate recorded before
      // the open row passes, the one recorded after it does not.
      await open.query('BEGIN');
      const held = await insertRaw(open, 'held-open');
      await long.query('COMMIT');
      expect(await sealAudit(ctx, { settleMs: 50 })).toEqual({ sealed: 3, deferred: true });
      await open.query('COMMIT');
      expect((await one<{ seq: string | null }>(ctx.db, sql`SELECT seq::text AS seq FROM audit_log WHERE id = ${held}`))!.seq).toBeNull();
      expect(await sealAudit(ctx)).toEqual({ sealed: 1, deferred: false });
      expect(await verifyAuditChain(ctx.db)).toMatchObject({ ok: true, unsealed: 0, checked: 4 });
    } finally {
      await long.query('ROLLBACK').catch(() => undefined);
      await open.query('ROLLBACK').catch(() => undefined);
      long.release();
      open.release();
      await fresh.close();
    }
  });

  it('a transaction open in another database of the cluster does not hold the seal back', async () => {
    const fresh = await createTestApp();
    const elsewhere = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await elsewhere.connect();
    try {
      await elsewhere.query('BEGIN');
      await elsewhere.query('SELECT pg_current_xact_id()');
      for (let i = 0; i < 2; i++) await writeAudit(fresh.ctx.db, fresh.ctx, null, { action: 'TEST_EVENT', result: 'OK', objectLabel: `x-${i}` });
      expect(await sealAudit(fresh.ctx, { settleMs: 2_000 })).toEqual({ sealed: 2, deferred: false });
    } finally {
      await elsewhere.query('ROLLBACK').catch(() => undefined);
      await elsewhere.end();
      await fresh.close();
    }
  });

  it('npm run audit:verify prints the broken row in Chinese and English and exits non-zero', async () => {
    await sealAudit(t.ctx);
    const url = (t.ctx.database.pool as unknown as { options: { connectionString: string } }).options.connectionString;
    const run = () => spawnSync('npx', ['tsx', 'scripts/audit-verify.ts'], { env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8', timeout: 60_000 });
    const broken = run();
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/审计日志哈希链校验失败/);
    expect(broken.stdout).toMatch(/Audit hash chain BROKEN at row id \d+/);
    expect(broken.stdout).toMatch(/unsealed tail: 0 rows/);
  });
});
