import { lt, or, isNotNull, and } from 'drizzle-orm';
import { loginGuards, sessions } from '../db/schema';
import type { AppContext } from '../server/context';

/** Deletes sessions past their absolute lifetime and login counters nobody has touched for a day. */
export async function purgeExpiredSessions(ctx: AppContext): Promise<void> {
  const now = ctx.clock.now().getTime();
  const sessionCutoff = new Date(now - ctx.config.policy.sessionAbsoluteHours * 3_600_000 - 86_400_000);
  await ctx.db.delete(sessions).where(or(lt(sessions.createdAt, sessionCutoff), and(isNotNull(sessions.revokedAt), lt(sessions.revokedAt, sessionCutoff))));
  await ctx.db.delete(loginGuards).where(lt(loginGuards.windowStartedAt, new Date(now - 86_400_000)));
}
