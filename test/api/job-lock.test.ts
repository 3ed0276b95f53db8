import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows, type Database } from '../../src/db/client';
import { withJobLock } from '../../src/jobs/lock';
import { JOBS, startScheduler } from '../../src/jobs/scheduler';
import type { AppContext } from '../../src/server/context';
import { createTestApp, type TestApp } from '../helpers/app';
import { testDbKind, urlFor } from '../helpers/test-db';

// The scheduled jobs' advisory locks (one process runs a job at a time) must never hold a pooled
// connection: with PG_POOL_MAX no larger than the number of jobs that start together, every pooled
// connection was a lock holder waiting for another for its work, and the server hung.

describe.runIf(testDbKind() === 'postgres')('job locks on PostgreSQL', () => {
  let t: TestApp;
  let url = '';
  const opened: Database[] = [];
  const open = async (poolMax: number) => {
    const d = await openDatabase({ url, poolMax });
    opened.push(d);
    return d;
  };
  const withDb = (database: Database): AppContext => ({ ...t.ctx, db: database.db, database });
  const lockHolder = async (key: number) =>
    (await rows<{ pid: number }>(t.ctx.db, sql`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = ${key} AND granted`))[0]?.pid;

  /** A job under lock `key` that has started and runs until released. */
  const runningJob = async (ctx: AppContext, key: number) => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const done = withJobLock(ctx, key, async () => {
      started();
      await gate;
    });
    await running;
    return { done, release };
  };

  beforeAll(async () => {
    t = await createTestApp();
    const [db] = await rows<{ name: string }>(t.ctx.db, sql`SELECT current_database() AS name`);
    url = urlFor(process.env.DATABASE_URL!, db!.name);
  });
  afterAll(async () => {
    for (const d of opened) await d.close();
    await t.close();
  });

  it('every scheduled job starts at once on a pool of two connections, and each finishes', async () => {
    const small = await open(2);
    const ctx = withDb(small);
    const finished: string[] = [];
    const jobs = JOBS.map((j) => ({ ...j, run: async (c: AppContext) => (await j.run(c), void finished.push(j.name)) }));
    const scheduler = startScheduler(ctx, t.app.log, jobs);
    // A request arriving meanwhile is answered too.
    const [answer] = await rows<{ n: number }>(small.db, sql`SELECT count(*)::int AS n FROM pg_class`);
    await scheduler.stop();
    expect(answer!.n).toBeGreaterThan(0);
    expect(finished.sort()).toEqual(JOBS.map((j) => j.name).sort());
    // No lock is left behind.
    expect(await rows(t.ctx.db, sql`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid BETWEEN 7240100 AND 7240199`)).toEqual([]);
  }, 30_000);

  it('eight jobs, each holding its lock while its work uses the pool, finish on a pool of one', async () => {
    const one = await open(1);
    const ctx = withDb(one);
    const ran = await Promise.all(
      Array.from({ length: 8 }, (_, i) => withJobLock(ctx, 9_100_000 + i, async () => void (await ctx.db.transaction(async (tx) => tx.execute(sql`SELECT pg_sleep(0.01)`))))),
    );
    expect(ran).toEqual(Array(8).fill(true));
  }, 30_000);

  it('a lock held by one process is refused to another and to a second run in the same process, and free after', async () => {
    const a = withDb(await open(2));
    const b = withDb(await open(2));
    const { done: first, release } = await runningJob(a, 9_200_001);
    expect(await withJobLock(b, 9_200_001, async () => undefined)).toBe(false);
    expect(await withJobLock(a, 9_200_001, async () => undefined)).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(await withJobLock(b, 9_200_001, async () => undefined)).toBe(true);
  });

  it('when the lock connection dies its locks go with it, the running job finishes, and the next lock opens a new connection', async () => {
    const ctx = withDb(await open(2));
    const { done: job, release } = await runningJob(ctx, 9_300_001);
    const pid = await lockHolder(9_300_001);
    expect(pid).toBeTypeOf('number');
    await t.ctx.db.execute(sql`SELECT pg_terminate_backend(${pid}::int, 10000)`);
    // Gone with its connection (the call above waits until the backend has exited): another process may take it now.
    const other = withDb(await open(1));
    expect(await withJobLock(other, 9_300_001, async () => undefined)).toBe(true);
    release();
    expect(await job).toBe(true);
    let ranAgain = false;
    expect(await withJobLock(ctx, 9_300_002, async () => void (ranAgain = true))).toBe(true);
    expect(ranAgain).toBe(true);
    expect(await lockHolder(9_300_002)).toBeUndefined();
  });
});
