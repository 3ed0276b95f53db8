import { eq } from 'drizzle-orm';
import { isLocked, recordFailure } from '../../../domain/accounts';
import { loginGuards } from '../../../db/schema';
import type { AppContext } from '../../context';

/**
 * Failure counters for login (SEC-2): one per username and one per source address. The username key
 * is a blind index of what was typed, so an unknown ID number locks exactly like a real one and the
 * lock tells an attacker nothing about who exists.
 */
export function usernameKey(ctx: AppContext, username: string): string {
  return `u:${ctx.cipher.blindIndex('login', username).toString('hex')}`;
}

export function addressKey(ip: string): string {
  return `ip:${ip}`;
}

/**
 * Counts one attempt against `key` as a failure *before* the password is checked, with the key's row
 * locked, and answers whether the attempt may go on. Counting afterwards would let a burst of
 * concurrent guesses all pass the lock check before the first failure is written (SEC-2: 5 means 5).
 * A successful attempt gives its count back (`clearGuard` for an account, `releaseAttempt` for an
 * address).
 */
export async function reserveAttempt(ctx: AppContext, key: string, max: number): Promise<boolean> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    await tx.insert(loginGuards).values({ key, failures: 0, windowStartedAt: now, lockedUntil: null }).onConflictDoNothing();
    const [guard] = await tx.select().from(loginGuards).where(eq(loginGuards.key, key)).for('update');
    if (isLocked(guard!, now)) return false;
    const next = recordFailure(guard!, now, max, ctx.config.policy);
    await tx.update(loginGuards).set(next).where(eq(loginGuards.key, key));
    return true;
  });
}

/** Gives back the count of an attempt that succeeded (an address's counter is never simply reset). */
export async function releaseAttempt(ctx: AppContext, key: string, max: number): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [guard] = await tx.select().from(loginGuards).where(eq(loginGuards.key, key)).for('update');
    if (!guard || guard.failures <= 0) return;
    const failures = guard.failures - 1;
    await tx
      .update(loginGuards)
      .set({ failures, lockedUntil: failures >= max ? guard.lockedUntil : null })
      .where(eq(loginGuards.key, key));
  });
}

export async function clearGuard(ctx: AppContext, key: string): Promise<void> {
  await ctx.db.delete(loginGuards).where(eq(loginGuards.key, key));
}
