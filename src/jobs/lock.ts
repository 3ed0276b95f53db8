import type { AppContext } from '../server/context';

/**
 * Runs `fn` only if this process wins the PostgreSQL advisory lock `key`, so that with several server
 * processes exactly one runs a scheduled job at a time (the locks are held on a connection of their
 * own, `JobLockSession`, so a job's work never waits for a pooled connection held by a lock). PGlite
 * is single-process: no lock needed. Returns false when the lock is held elsewhere.
 */
export async function withJobLock(ctx: Pick<AppContext, 'database'>, key: number, fn: () => Promise<void>): Promise<boolean> {
  const locks = ctx.database.jobLocks;
  if (!locks) {
    await fn();
    return true;
  }
  if (!(await locks.tryLock(key))) return false;
  try {
    await fn();
  } finally {
    await locks.unlock(key);
  }
  return true;
}
