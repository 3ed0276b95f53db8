import type { AppContext } from '../server/context';

/**
 * Runs `fn` only if this process wins the PostgreSQL advisory lock `key`, so that with several server
 * processes exactly one runs a scheduled job at a time. PGlite is single-process: no lock needed.
 * Returns false when another process holds the lock.
 */
export async function withJobLock(ctx: Pick<AppContext, 'database'>, key: number, fn: () => Promise<void>): Promise<boolean> {
  const pool = ctx.database.pool;
  if (!pool) {
    await fn();
    return true;
  }
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [key]);
    if (!rows[0]?.locked) return false;
    try {
      await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [key]);
    }
    return true;
  } finally {
    client.release();
  }
}
