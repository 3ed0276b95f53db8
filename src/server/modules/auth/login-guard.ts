import { eq } from 'drizzle-orm';
import { isLocked, recordFailure, type FailureGuard } from '../../../domain/accounts';
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

async function load(ctx: AppContext, key: string): Promise<FailureGuard | null> {
  const [row] = await ctx.db.select().from(loginGuards).where(eq(loginGuards.key, key));
  return row ?? null;
}

export async function guardLocked(ctx: AppContext, key: string): Promise<boolean> {
  return isLocked(await load(ctx, key), ctx.clock.now());
}

export async function addFailure(ctx: AppContext, key: string, max: number): Promise<void> {
  const next = recordFailure(await load(ctx, key), ctx.clock.now(), max, ctx.config.policy);
  await ctx.db
    .insert(loginGuards)
    .values({ key, ...next })
    .onConflictDoUpdate({ target: loginGuards.key, set: next });
}

export async function clearGuard(ctx: AppContext, key: string): Promise<void> {
  await ctx.db.delete(loginGuards).where(eq(loginGuards.key, key));
}
