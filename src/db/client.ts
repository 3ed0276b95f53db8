import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { getTableName, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { PgDialect, type PgColumn } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgSession, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import pg from 'pg';
import * as schema from './schema';

export type Schema = typeof schema;
/** The one database type the code sees, whichever driver is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything that runs queries: the database or an open transaction. */
export type Executor = Db | Tx;

export interface Database {
  db: Db;
  /**
   * For reads that tolerate a replica's lag of a second or two (lists, searches, exports, dashboards):
   * a streaming replica when DATABASE_REPLICA_URL is set, otherwise the same database as `db`.
   * Writes, and the reads a write depends on (scope checks, locks), always use `db`.
   */
  readDb: Db;
  kind: 'pglite' | 'postgres';
  /** PostgreSQL pool (only for `kind === 'postgres'`). */
  pool?: pg.Pool;
  /** PostgreSQL only: the scheduled jobs' advisory locks, on a connection of their own. */
  jobLocks?: JobLockSession;
  replicaPool?: pg.Pool;
  pglite?: PGlite;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… — use a PostgreSQL server; otherwise PGlite. */
  url?: string;
  /** postgres://… of a streaming replica for `readDb` (PostgreSQL only). */
  replicaUrl?: string;
  /** PGlite data directory; omitted means in memory. */
  dataDir?: string;
  /** PGlite: start from a dumped data directory (tests clone a migrated template this way). */
  loadDataDir?: Blob | File;
  poolMax?: number;
  /**
   * Connections the pool keeps however long they idle (the server keeps all of them, see `openPool`);
   * default 0: every idle connection closes after 10 s, as tests and scripts want.
   */
  poolMin?: number;
  statementTimeoutMs?: number;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolMax ?? 10,
      // A connection that closes takes its parsed named statements (`namedStatement`) and its
      // backend's catalog caches with it; the next busy moment pays for them again on new connections.
      min: Math.min(opts.poolMin ?? 0, opts.poolMax ?? 10),
      statement_timeout: opts.statementTimeoutMs ?? 15_000,
      idle_in_transaction_session_timeout: 60_000,
      // JIT compilation costs tens of milliseconds per query and pays off only for long analytic
      // scans; every query here is short and indexed.
      options: '-c jit=off',
    });
    // A dropped connection must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    // …also while checked out: a backend killed mid-transaction (an aborted import) fails that
    // transaction's queries, and the client's own 'error' event must not become an uncaught one.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    // Keepalive: the locks' connection idles between ticks; a silently dropped one is noticed sooner.
    const jobLocks = new JobLockSession({ connectionString: opts.url, keepAlive: true });
    if (!opts.replicaUrl) return { db, readDb: db, kind: 'postgres', pool, jobLocks, close: async () => void (await Promise.all([pool.end(), jobLocks.close()])) };
    const replica = new pg.Pool({ connectionString: opts.replicaUrl, max: opts.poolMax ?? 10, min: Math.min(opts.poolMin ?? 0, opts.poolMax ?? 10), statement_timeout: opts.statementTimeoutMs ?? 15_000, options: '-c jit=off' });
    replica.on('error', () => undefined);
    const readDb = drizzlePg(replica, { schema }) as unknown as Db;
    return {
      db,
      readDb,
      kind: 'postgres',
      pool,
      replicaPool: replica,
      jobLocks,
      close: async () => void (await Promise.all([pool.end(), replica.end(), jobLocks.close()])),
    };
  }
  const pglite = await PGlite.create({
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
    extensions: { pg_trgm },
  });
  const db = drizzlePglite(pglite, { schema }) as unknown as Db;
  return { db, readDb: db, kind: 'pglite', pglite, close: () => pglite.close() };
}

/**
 * The scheduled jobs' advisory locks (one per job: with several server processes, one runs a job at a
 * time), all held on one connection of their own. A session lock lives as long as the connection that
 * took it; taken from the pool, each running job held a pooled connection while its work waited for
 * others, and with as many jobs running as the pool has connections (eight start together) every
 * connection was a lock holder waiting for another: the server hung. One session holds many locks,
 * and counts a second lock on the same key as held, so a key held here is refused here first.
 * If the connection dies its locks go with it; the jobs still running finish (each is idempotent) and
 * the next lock opens a new connection.
 */
export class JobLockSession {
  private client: pg.Client | null = null;
  private opening: Promise<pg.Client> | null = null;
  private last: Promise<unknown> = Promise.resolve();
  /** Key → the connection that holds it (null while it is being asked for). */
  private readonly held = new Map<number, pg.Client | null>();

  constructor(private readonly config: pg.ClientConfig) {}

  async tryLock(key: number): Promise<boolean> {
    if (this.held.has(key)) return false;
    this.held.set(key, null);
    try {
      let client = await this.connection();
      let r: { locked: boolean }[];
      try {
        r = await this.query<{ locked: boolean }>(client, 'SELECT pg_try_advisory_lock($1) AS locked', key);
      } catch {
        // Most likely the connection died before it said so: once more on a new one.
        this.discard(client);
        client = await this.connection();
        r = await this.query<{ locked: boolean }>(client, 'SELECT pg_try_advisory_lock($1) AS locked', key);
      }
      if (r[0]?.locked !== true) {
        this.held.delete(key);
        return false;
      }
      this.held.set(key, client);
      return true;
    } catch (err) {
      this.held.delete(key);
      throw err;
    }
  }

  private discard(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => undefined);
  }

  async unlock(key: number): Promise<void> {
    const client = this.held.get(key);
    this.held.delete(key);
    // A connection that died released its locks with it.
    if (client && client === this.client) await this.query(client, 'SELECT pg_advisory_unlock($1)', key).catch(() => undefined);
  }

  /** One statement at a time on the connection (pg no longer queues them itself). */
  private query<T extends pg.QueryResultRow>(client: pg.Client, text: string, key: number): Promise<T[]> {
    const run = this.last.then(() => client.query<T>(text, [key])).then((r) => r.rows);
    this.last = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    const client = this.client ?? (await this.opening?.catch(() => null)) ?? null;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private connection(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.opening ??= (async () => {
      const client = new pg.Client(this.config);
      const lost = () => {
        if (this.client === client) this.client = null;
      };
      client.on('error', lost);
      client.on('end', lost);
      try {
        await client.connect();
        this.client = client;
        return client;
      } finally {
        this.opening = null;
      }
    })();
    return this.opening;
  }
}

/**
 * Opens the pool's kept connections now (PostgreSQL; PGlite has its one), so the first requests after
 * start-up do not each wait for a new backend. Failures are left to the first query to report.
 */
export async function warmPool(database: Database, connections: number): Promise<void> {
  const pools = [database.pool, database.replicaPool].filter((p): p is pg.Pool => p !== undefined);
  // All held until all are open: released one by one, the pool would hand the same one back each time.
  const clients = await Promise.all(pools.flatMap((pool) => Array.from({ length: connections }, () => pool.connect().catch(() => null))));
  for (const client of clients) client?.release();
}

/** Runs raw SQL and returns its rows (both drivers answer `{ rows }`). */
export async function rows<T>(ex: Executor, query: SQL): Promise<T[]> {
  const result = (await ex.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export async function one<T>(ex: Executor, query: SQL): Promise<T | undefined> {
  return (await rows<T>(ex, query))[0];
}

/**
 * A statement built once and run by name (issue 8: an approval's statements cost more to build in
 * JavaScript and to plan in PostgreSQL than to execute). The text is made from `query` once, with
 * `sql.placeholder(key)` where the values go; on PostgreSQL each pooled connection parses it once and,
 * after a few runs, keeps a generic plan (`plan_cache_mode = auto` still re-plans when a generic plan
 * would cost more). The name carries a hash of the text, so two texts never share one. PGlite runs
 * the same text unnamed. Returns the rows as `rows` does.
 */
export function namedStatement<T>(name: string, query: SQL): (ex: Executor, values: Record<string, unknown>) => Promise<T[]> {
  const { sql: text, params } = keyDialect.sqlToQuery(query);
  const fullName = `${name}_${createHash('sha256').update(text).digest('hex').slice(0, 12)}`;
  return async (ex, values) => {
    // The executor's own session (the pool, or the transaction's client); drizzle's raw `execute`
    // goes the same way, only without a name.
    const session = (ex as unknown as { session: PgSession }).session;
    const prepared = session.prepareQuery({ sql: text, params }, undefined, fullName, false);
    const result = (await prepared.execute(values)) as unknown as { rows: T[] };
    return result.rows;
  };
}

/**
 * A drizzle query builder prepared once per executor under `name` (`.prepare`), for queries whose
 * values are all `sql.placeholder`s: built once, parsed once per connection, planned as above.
 */
export function preparedPerExecutor<P extends { execute(values?: Record<string, unknown>): Promise<unknown> }>(build: (ex: Executor) => P) {
  const cache = new WeakMap<Executor, P>();
  return (ex: Executor): P => {
    let prepared = cache.get(ex);
    if (!prepared) cache.set(ex, (prepared = build(ex)));
    return prepared;
  };
}

/**
 * A column written with its table name ("orgs"."id"). Drizzle prints bare column names in
 * single-table queries, which inside a correlated subquery would bind to the subquery's own table.
 */
export function outer(column: PgColumn): SQL {
  return sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;
}

/**
 * The total of a list: exact up to `limit` matches (counting stops there, so a province-wide list
 * costs no more than a county's); above it the planner's row estimate of `estimate` (the same matches,
 * or a cheaper superset whose statistics are better), flagged so the UI says “约”. When the estimate
 * alone is far above the limit the count is not run at all: it would stop at the limit anyway, after
 * reading `limit` index entries (most of a province-wide list's time). `matches` and `estimate` must
 * be different builders: `.limit()` changes the builder it is called on.
 */
export async function cappedTotal(
  ex: Executor,
  matches: { limit(n: number): SQLWrapper },
  estimate: SQLWrapper,
  limit: number,
): Promise<{ total: number; totalIsEstimate: boolean }> {
  const rowsEstimate = await plannedRows(ex, estimate);
  if (rowsEstimate > limit * ESTIMATE_ONLY_ABOVE) return { total: rowsEstimate, totalIsEstimate: true };
  const capped = await one<{ n: number }>(ex, sql`SELECT count(*)::int AS n FROM (${matches.limit(limit + 1)}) AS capped`);
  if (capped!.n <= limit) return { total: capped!.n, totalIsEstimate: false };
  return { total: Math.max(rowsEstimate, limit + 1), totalIsEstimate: true };
}

/**
 * The planner's row estimate of a query. It changes only when ANALYZE runs, so it is kept for a minute
 * per database and query (the pages of one list ask for the same one); a round trip fewer per page.
 */
export async function plannedRows(ex: Executor, query: SQLWrapper): Promise<number> {
  const { sql: text, params } = keyDialect.sqlToQuery(query.getSQL());
  const key = `${text}\u0000${JSON.stringify(params, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`;
  let cache = estimateCache.get(ex);
  if (!cache) estimateCache.set(ex, (cache = new Map()));
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && now - hit.at < ESTIMATE_TTL_MS) return hit.rows;
  const plan = await one<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(ex, sql`EXPLAIN (FORMAT JSON) ${query}`);
  const rows = Math.round(plan!['QUERY PLAN'][0].Plan['Plan Rows']);
  if (cache.size >= ESTIMATE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, { rows, at: now });
  return rows;
}
const keyDialect = new PgDialect();
const estimateCache = new WeakMap<Executor, Map<string, { rows: number; at: number }>>();
const ESTIMATE_TTL_MS = 60_000;
const ESTIMATE_CACHE_SIZE = 1000;

/** An estimate this many times the exact-count limit is trusted to be above it without counting. */
const ESTIMATE_ONLY_ABOVE = 5;
