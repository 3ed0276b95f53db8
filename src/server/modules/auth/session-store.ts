import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import { outer, preparedPerExecutor, type Executor } from '../../../db/client';
import { accounts, adminGrants, orgs, persons, sessions } from '../../../db/schema';

export const SESSION_TOUCH_INTERVAL_MS = 60_000;

/** Where a session stands with the admin second factor (see the sessions table). */
export type MfaState = 'NONE' | 'REQUIRED' | 'ENROLL' | 'VERIFIED';
export const isMfaPending = (s: string): s is 'REQUIRED' | 'ENROLL' => s === 'REQUIRED' || s === 'ENROLL';

export async function setSessionMfaState(ex: Executor, id: string, mfaState: MfaState) {
  await ex.update(sessions).set({ mfaState }).where(eq(sessions.id, id));
}

export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new session: the cookie gets the random token, the database only its hash. */
export async function createSession(ex: Executor, personId: number, now: Date, ip: string, mfaState: MfaState = 'NONE') {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  await ex.insert(sessions).values({ id: sessionIdOf(token), personId, csrfToken, createdAt: now, lastSeenAt: now, ip, mfaState });
  return { token, csrfToken, id: sessionIdOf(token) };
}

/**
 * The session of `token` with its person and account, in one round trip. With `orgId` it also brings
 * the person's active admin grant for that (live) org with the org's scope facts (null when none); with
 * `member` the person's member id (null when none). Every request's checks read this one row. Built
 * once and run by name (issue 8): it is every request's first statement.
 */
export async function loadSession(ex: Executor, token: string, want: { orgId?: number; member?: boolean } = {}) {
  const [row] = await sessionQuery(want.member === true)(ex).execute({ id: sessionIdOf(token), orgId: want.orgId ?? null });
  return row ?? null;
}

const sessionQueryOf = (member: boolean) =>
  preparedPerExecutor((ex: Executor) =>
    ex
      .select({
        id: sessions.id,
        personId: sessions.personId,
        csrfToken: sessions.csrfToken,
        createdAt: sessions.createdAt,
        lastSeenAt: sessions.lastSeenAt,
        revokedAt: sessions.revokedAt,
        mfaState: sessions.mfaState,
        name: persons.name,
        mustChangePassword: accounts.mustChangePassword,
        disabledAt: accounts.disabledAt,
        scope: {
          orgId: orgs.id,
          path: orgs.path,
          name: orgs.name,
          kind: orgs.kind,
          leadershipLevel: orgs.leadershipLevel,
          industryCategory: orgs.industryCategory,
        },
        memberId: member ? sql<number | null>`(SELECT m.id FROM members m WHERE m.person_id = ${outer(sessions.personId)})` : sql<number | null>`NULL::int`,
      })
      .from(sessions)
      .innerJoin(persons, eq(persons.id, sessions.personId))
      .innerJoin(accounts, eq(accounts.personId, sessions.personId))
      // At most one active grant per person and org (admin_grants_one_active_key): the join adds no
      // rows. A null org id (no acting org asked for) matches no grant.
      .leftJoin(adminGrants, and(eq(adminGrants.personId, sessions.personId), sql`${adminGrants.orgId} = ${sql.placeholder('orgId')}::int`, isNull(adminGrants.revokedAt)))
      .leftJoin(orgs, and(eq(orgs.id, adminGrants.orgId), isNull(orgs.deletedAt)))
      .where(eq(sessions.id, sql.placeholder('id')))
      .prepare(member ? 'session_member' : 'session'),
  );
const sessionQueries = [sessionQueryOf(false), sessionQueryOf(true)] as const;
const sessionQuery = (member: boolean) => sessionQueries[member ? 1 : 0];
export type SessionRow = NonNullable<Awaited<ReturnType<typeof loadSession>>>;

export async function touchSession(ex: Executor, id: string, now: Date) {
  await ex.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id));
}

export async function revokeSession(ex: Executor, id: string, now: Date) {
  await ex.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.id, id), isNull(sessions.revokedAt)));
}

/** Ends every session of a person (password change/reset, revoked admin grant), except `keep`. */
export async function revokeSessionsOf(ex: Executor, personId: number, now: Date, keep?: string) {
  await ex
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.personId, personId), isNull(sessions.revokedAt), keep ? ne(sessions.id, keep) : sql`true`));
}
