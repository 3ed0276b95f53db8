import { and, eq, isNull } from 'drizzle-orm';
import {
  checkPasswordPolicy,
  initialPassword,
  initialPasswordExpired,
  passwordTooOld,
} from '../../../domain/accounts';
import { DomainError } from '../../../domain/errors';
import { normalizeIdNumber, validateIdNumber } from '../../../domain/id-number';
import { maskIdNumber } from '../../../domain/masking';
import { accounts, adminGrants, adminMfa, members, orgs, persons } from '../../../db/schema';
import { burnVerifyTime, constantTimeEquals, hashPassword, verifyPassword } from '../../../lib/passwords';
import { writeAudit } from '../../audit';
import type { Actor, AppContext } from '../../context';
import type { SessionResponse } from '../../../contracts/auth';
import { addressKey, clearGuard, releaseAttempt, reserveAttempt, usernameKey } from './login-guard';
import { isMfaPending, createSession, revokeSession, revokeSessionsOf, type MfaState } from './session-store';

interface AccountRow {
  personId: number;
  name: string;
  idNumberMasked: string;
  passwordHash: string | null;
  mustChangePassword: boolean;
  issuedAt: Date;
  passwordChangedAt: Date | null;
  disabledAt: Date | null;
}

async function findAccount(ctx: AppContext, idNumber: string): Promise<AccountRow | null> {
  const [row] = await ctx.db
    .select({
      personId: persons.id,
      name: persons.name,
      idNumberMasked: persons.idNumberMasked,
      passwordHash: accounts.passwordHash,
      mustChangePassword: accounts.mustChangePassword,
      issuedAt: accounts.issuedAt,
      passwordChangedAt: accounts.passwordChangedAt,
      disabledAt: accounts.disabledAt,
    })
    .from(persons)
    .innerJoin(accounts, eq(accounts.personId, persons.id))
    .where(eq(persons.idNumberIdx, ctx.cipher.blindIndex('id', idNumber)));
  return row ?? null;
}

type Check = 'OK' | 'WRONG' | 'INITIAL_EXPIRED';

/** Verifies a password against the account, spending the same time whether or not there is a hash. */
async function checkPassword(ctx: AppContext, account: AccountRow | null, idNumber: string, password: string): Promise<Check> {
  if (!account || account.disabledAt) {
    await burnVerifyTime(password);
    return 'WRONG';
  }
  if (account.passwordHash === null) {
    await burnVerifyTime(password);
    if (!constantTimeEquals(password, initialPassword(idNumber))) return 'WRONG';
    return initialPasswordExpired(account.issuedAt, ctx.clock.now(), ctx.config.policy) ? 'INITIAL_EXPIRED' : 'OK';
  }
  if (!(await verifyPassword(account.passwordHash, password))) return 'WRONG';
  if (account.mustChangePassword && initialPasswordExpired(account.issuedAt, ctx.clock.now(), ctx.config.policy)) {
    return 'INITIAL_EXPIRED'; // an unused reset password expires like an initial one
  }
  return 'OK';
}

/**
 * Where a person's account events belong in the audit log: their branch if they are a member, else the
 * first org they administer. Their admins then see their logins and password changes (SEC-3).
 */
export async function accountOrgPath(ctx: AppContext, personId: number): Promise<string | null> {
  const [member] = await ctx.db.select({ path: members.orgPath }).from(members).where(eq(members.personId, personId));
  if (member) return member.path;
  const [grant] = await ctx.db
    .select({ path: orgs.path })
    .from(adminGrants)
    .innerJoin(orgs, eq(orgs.id, adminGrants.orgId))
    .where(and(eq(adminGrants.personId, personId), isNull(adminGrants.revokedAt)))
    .orderBy(orgs.depth, orgs.id)
    .limit(1);
  return grant?.path ?? null;
}

/** Whether the person has a confirmed authenticator (issue 7). */
export async function adminMfaEnrolled(ctx: AppContext, personId: number): Promise<boolean> {
  const [row] = await ctx.db.select({ enrolledAt: adminMfa.enrolledAt }).from(adminMfa).where(eq(adminMfa.personId, personId));
  return !!row?.enrolledAt;
}

export async function activeRoles(ctx: AppContext, personId: number) {
  return ctx.db
    .select({ orgId: orgs.id, orgName: orgs.name, orgFullName: orgs.fullName, kind: orgs.kind })
    .from(adminGrants)
    .innerJoin(orgs, eq(orgs.id, adminGrants.orgId))
    .where(and(eq(adminGrants.personId, personId), isNull(adminGrants.revokedAt), isNull(orgs.deletedAt)))
    .orderBy(orgs.depth, orgs.id);
}

export async function sessionInfo(ctx: AppContext, personId: number, csrfToken: string, mfaState: MfaState = 'NONE'): Promise<SessionResponse> {
  const [person] = await ctx.db
    .select({
      id: persons.id,
      name: persons.name,
      idNumber: persons.idNumberMasked,
      memberId: members.id,
      mustChangePassword: accounts.mustChangePassword,
      passwordHash: accounts.passwordHash,
      passwordChangedAt: accounts.passwordChangedAt,
    })
    .from(persons)
    .innerJoin(accounts, eq(accounts.personId, persons.id))
    .leftJoin(members, eq(members.personId, persons.id))
    .where(eq(persons.id, personId));
  if (!person) throw new DomainError('UNAUTHENTICATED');
  const reason = !person.mustChangePassword
    ? null
    : person.passwordHash === null
      ? 'INITIAL'
      : person.passwordChangedAt
        ? 'EXPIRED'
        : 'RESET';
  return {
    csrfToken,
    mustChangePassword: person.mustChangePassword,
    passwordChangeReason: reason,
    person: { id: person.id, name: person.name, idNumber: person.idNumber, memberId: person.memberId ?? null },
    roles: await activeRoles(ctx, personId),
    idleTimeoutMinutes: ctx.config.policy.sessionIdleMinutes,
    mfa: isMfaPending(mfaState) ? mfaState : null,
  };
}

/**
 * What the audit log keeps of a typed username: an ID number masked (SEC-4); anything else is not
 * logged at all, since people type their password into the username field (SEC-3).
 */
function loggedUsername(username: string): string {
  return /^\d{17}[\dX]$/.test(username) ? maskIdNumber(username) : '（非身份证号码）';
}

/** SEC-2 login: same answer for an unknown ID and a wrong password; throttled per account and address. */
export async function login(
  ctx: AppContext,
  input: { username: string; password: string },
  from: { ip: string; requestId: string },
): Promise<{ token: string; session: SessionResponse }> {
  const { policy } = ctx.config;
  const ipKey = addressKey(from.ip);
  const username = normalizeIdNumber(input.username);
  // Each attempt counts as a failure until it succeeds, for the address and for the account.
  if (!(await reserveAttempt(ctx, ipKey, policy.ipMaxFailures))) {
    await writeAudit(ctx.db, ctx, from, { action: 'LOGIN_FAILED', result: 'DENIED', reason: `THROTTLED ${loggedUsername(username)}` });
    throw new DomainError('LOGIN_THROTTLED');
  }
  const userKey = usernameKey(ctx, username);
  if (!(await reserveAttempt(ctx, userKey, policy.maxFailures))) {
    await writeAudit(ctx.db, ctx, from, { action: 'LOGIN_FAILED', result: 'DENIED', reason: `LOCKED ${loggedUsername(username)}` });
    throw new DomainError('LOGIN_LOCKED');
  }

  const valid = validateIdNumber(username).ok;
  const account = valid ? await findAccount(ctx, username) : null;
  const check = await checkPassword(ctx, account, username, input.password);

  if (check !== 'OK' || !account) {
    await writeAudit(ctx.db, ctx, from, {
      action: 'LOGIN_FAILED',
      result: 'DENIED',
      objectType: account ? 'person' : undefined,
      objectId: account?.personId,
      orgPath: account ? await accountOrgPath(ctx, account.personId) : null,
      reason: `${check} ${loggedUsername(username)}`,
    });
    throw new DomainError(check === 'INITIAL_EXPIRED' ? 'INITIAL_PASSWORD_EXPIRED' : 'LOGIN_FAILED');
  }

  await clearGuard(ctx, userKey);
  await releaseAttempt(ctx, ipKey, policy.ipMaxFailures);
  const now = ctx.clock.now();
  const roles = await activeRoles(ctx, account.personId);
  // MLPS: an admin's password past its maximum age must be changed now.
  const expired = roles.length > 0 && passwordTooOld(account.passwordChangedAt, now, ctx.config.adminPasswordMaxAgeDays);
  const orgPath = await accountOrgPath(ctx, account.personId);
  // Issue 7: anyone holding an admin grant owes the second factor (or its enrollment) before anything else.
  const mfaState: MfaState =
    roles.length === 0 || ctx.config.adminMfa === 'off' ? 'NONE' : (await adminMfaEnrolled(ctx, account.personId)) ? 'REQUIRED' : 'ENROLL';
  const created = await ctx.db.transaction(async (tx) => {
    await tx
      .update(accounts)
      .set({ lastLoginAt: now, ...(expired ? { mustChangePassword: true } : {}) })
      .where(eq(accounts.personId, account.personId));
    const s = await createSession(tx, account.personId, now, from.ip, mfaState);
    await writeAudit(tx, ctx, { personId: account.personId, name: account.name, ...from }, {
      action: 'LOGIN',
      result: 'OK',
      objectType: 'person',
      objectId: account.personId,
      objectLabel: account.name,
      orgPath,
      ...(isMfaPending(mfaState) ? { reason: `PASSWORD_OK MFA_${mfaState}` } : {}),
    });
    return s;
  });
  return { token: created.token, session: await sessionInfo(ctx, account.personId, created.csrfToken, mfaState) };
}

export async function logout(ctx: AppContext, actor: Actor): Promise<void> {
  const orgPath = await accountOrgPath(ctx, actor.personId);
  await ctx.db.transaction(async (tx) => {
    await revokeSession(tx, actor.sessionId, ctx.clock.now());
    await writeAudit(tx, ctx, actor, { action: 'LOGOUT', result: 'OK', objectType: 'person', objectId: actor.personId, orgPath });
  });
}

/**
 * Changes the password after checking the current one and the policy; every other session of the
 * person ends at once (SEC-2).
 */
export async function changePassword(
  ctx: AppContext,
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const [person] = await ctx.db
    .select({ idNumberEnc: persons.idNumberEnc, birthDate: persons.birthDate, phoneEnc: persons.phoneEnc })
    .from(persons)
    .where(eq(persons.id, actor.personId));
  if (!person) throw new DomainError('UNAUTHENTICATED');
  const idNumber = ctx.cipher.decrypt(person.idNumberEnc);
  const account = await findAccount(ctx, idNumber);
  const userKey = usernameKey(ctx, idNumber);
  if (!(await reserveAttempt(ctx, userKey, ctx.config.policy.maxFailures))) throw new DomainError('LOGIN_LOCKED');
  // An expired initial password still proves who is typing here: the session already exists.
  const check = await checkPassword(ctx, account, idNumber, input.currentPassword);
  if (check === 'WRONG' || !account) {
    await writeAudit(ctx.db, ctx, actor, { action: 'PASSWORD_CHANGE', result: 'DENIED', objectType: 'person', objectId: actor.personId, orgPath: await accountOrgPath(ctx, actor.personId), reason: 'PASSWORD_WRONG' });
    throw new DomainError('PASSWORD_WRONG');
  }
  await clearGuard(ctx, userKey);
  const phone = person.phoneEnc ? ctx.cipher.decrypt(person.phoneEnc) : null;
  const problems = checkPasswordPolicy(input.newPassword, { idNumber, birthDate: person.birthDate, phone });
  if (input.newPassword === input.currentPassword) {
    problems.push({ field: 'newPassword', code: 'SAME', message: '新密码不能与当前密码相同' });
  }
  if (problems.length > 0) throw new DomainError('PASSWORD_POLICY', problems.map((p) => p.message).join('；'), problems);

  const hash = await hashPassword(input.newPassword);
  const now = ctx.clock.now();
  const orgPath = await accountOrgPath(ctx, actor.personId);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(accounts)
      .set({ passwordHash: hash, mustChangePassword: false, passwordChangedAt: now, issuedAt: now })
      .where(eq(accounts.personId, actor.personId));
    await revokeSessionsOf(tx, actor.personId, now, actor.sessionId);
    await writeAudit(tx, ctx, actor, { action: 'PASSWORD_CHANGE', result: 'OK', objectType: 'person', objectId: actor.personId, orgPath });
  });
}

/**
 * Re-authentication before a sensitive account change (re-enrolling the second factor, new recovery
 * codes): the current password, counted in the login guard like a login attempt.
 */
export async function reauthenticate(ctx: AppContext, actor: Actor, password: string, action: string): Promise<void> {
  const [person] = await ctx.db.select({ idNumberEnc: persons.idNumberEnc }).from(persons).where(eq(persons.id, actor.personId));
  if (!person) throw new DomainError('UNAUTHENTICATED');
  const idNumber = ctx.cipher.decrypt(person.idNumberEnc);
  const userKey = usernameKey(ctx, idNumber);
  if (!(await reserveAttempt(ctx, userKey, ctx.config.policy.maxFailures))) throw new DomainError('LOGIN_LOCKED');
  const account = await findAccount(ctx, idNumber);
  const check = await checkPassword(ctx, account, idNumber, password);
  if (check === 'WRONG' || !account) {
    await writeAudit(ctx.db, ctx, actor, { action, result: 'DENIED', objectType: 'person', objectId: actor.personId, orgPath: await accountOrgPath(ctx, actor.personId), reason: 'PASSWORD_WRONG' });
    throw new DomainError('PASSWORD_WRONG');
  }
  await clearGuard(ctx, userKey);
}
