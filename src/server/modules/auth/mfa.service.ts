import { and, eq, isNull, count } from 'drizzle-orm';
import QRCode from 'qrcode';
import type { MfaEnrollment, MfaStatus } from '../../../contracts/auth';
import { adminGrants, adminMfa, mfaRecoveryCodes, orgs, persons } from '../../../db/schema';
import type { Executor } from '../../../db/client';
import { DomainError } from '../../../domain/errors';
import { generateRecoveryCodes, generateTotpSecret, normalizeRecoveryCode, otpauthUri, verifyTotp } from '../../../lib/totp';
import { adminAuditActor, refuseOutOfScope, writeAudit } from '../../audit';
import type { Actor, AdminActor, AppContext } from '../../context';
import { inSubtree } from '../orgs/orgs.repo';
import { accountOrgPath, activeRoles, reauthenticate } from './auth.service';
import { addressKey, clearGuard, releaseAttempt, reserveAttempt, usernameKey } from './login-guard';
import { revokeSessionsOf, setSessionMfaState, type MfaState } from './session-store';

/**
 * The admin second factor (issue 7; MLPS level 3, 8.1.4.1 d: two or more authentication techniques,
 * one of them cryptographic). TOTP secrets are encrypted with the data key; recovery codes are kept
 * as a keyed hash (HMAC with a key derived from the data key, so a database dump alone cannot be
 * brute-forced); neither a code nor a secret is ever written to the audit log.
 */

function recoveryHash(ctx: AppContext, code: string): string {
  return ctx.cipher.blindIndex('recovery', normalizeRecoveryCode(code)).toString('hex');
}

async function idNumberOf(ctx: AppContext, personId: number): Promise<string> {
  const [p] = await ctx.db.select({ enc: persons.idNumberEnc }).from(persons).where(eq(persons.id, personId));
  if (!p) throw new DomainError('UNAUTHENTICATED');
  return ctx.cipher.decrypt(p.enc);
}

async function replaceRecoveryCodes(ex: Executor, ctx: AppContext, personId: number): Promise<string[]> {
  const codes = generateRecoveryCodes();
  const now = ctx.clock.now();
  await ex.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.personId, personId));
  await ex.insert(mfaRecoveryCodes).values(codes.map((c) => ({ personId, codeHash: recoveryHash(ctx, c), createdAt: now })));
  return codes;
}

export async function mfaStatus(ctx: AppContext, actor: Actor): Promise<MfaStatus> {
  const [row] = await ctx.db.select({ enrolledAt: adminMfa.enrolledAt }).from(adminMfa).where(eq(adminMfa.personId, actor.personId));
  const [left] = await ctx.db
    .select({ n: count() })
    .from(mfaRecoveryCodes)
    .where(and(eq(mfaRecoveryCodes.personId, actor.personId), isNull(mfaRecoveryCodes.usedAt)));
  const roles = await activeRoles(ctx, actor.personId);
  return {
    required: roles.length > 0 && ctx.config.adminMfa === 'required',
    enrolled: !!row?.enrolledAt,
    enrolledAt: row?.enrolledAt?.toISOString() ?? null,
    recoveryCodesRemaining: row?.enrolledAt ? Number(left?.n ?? 0) : 0,
  };
}

/**
 * Starts (or restarts) binding an authenticator: a new secret is kept as pending until confirmed, so
 * an enrolled admin's current authenticator keeps working meanwhile. In an ENROLL session (first
 * login) nothing more is asked; from a verified session it is a re-enrollment and needs the password.
 */
export async function startEnrollment(ctx: AppContext, actor: Actor, state: MfaState, password: string | undefined): Promise<MfaEnrollment> {
  const [row] = await ctx.db.select({ enrolledAt: adminMfa.enrolledAt }).from(adminMfa).where(eq(adminMfa.personId, actor.personId));
  if (state === 'ENROLL' && row?.enrolledAt) {
    // Enrolled meanwhile (another session): this password-only session must now present a code.
    await setSessionMfaState(ctx.db, actor.sessionId, 'REQUIRED');
    throw new DomainError('MFA_PENDING');
  }
  if (state === 'REQUIRED') throw new DomainError('MFA_PENDING');
  if (state !== 'ENROLL') {
    if ((await activeRoles(ctx, actor.personId)).length === 0) throw new DomainError('MFA_ADMINS_ONLY');
    if (password === undefined) throw new DomainError('PASSWORD_WRONG');
    await reauthenticate(ctx, actor, password, 'MFA_ENROLL');
  }
  const secret = generateTotpSecret();
  const secretEnc = ctx.cipher.encrypt(secret);
  await ctx.db
    .insert(adminMfa)
    .values({ personId: actor.personId, pendingSecretEnc: secretEnc })
    .onConflictDoUpdate({ target: adminMfa.personId, set: { pendingSecretEnc: secretEnc } });
  const [p] = await ctx.db.select({ masked: persons.idNumberMasked }).from(persons).where(eq(persons.id, actor.personId));
  const uri = otpauthUri(secret, `${actor.name}（${p?.masked ?? ''}）`);
  return { secret, otpauthUri: uri, qrDataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 240 }) };
}

/** Counts a code attempt in the login guard (per account and per address): 5 wrong codes lock like 5 wrong passwords. */
async function guarded(ctx: AppContext, actor: Actor): Promise<{ ok: () => Promise<void> }> {
  const ipKey = addressKey(actor.ip);
  if (!(await reserveAttempt(ctx, ipKey, ctx.config.policy.ipMaxFailures))) throw new DomainError('LOGIN_THROTTLED');
  const userKey = usernameKey(ctx, await idNumberOf(ctx, actor.personId));
  if (!(await reserveAttempt(ctx, userKey, ctx.config.policy.maxFailures))) {
    await writeAudit(ctx.db, ctx, actor, { action: 'MFA_VERIFY', result: 'DENIED', objectType: 'person', objectId: actor.personId, orgPath: await accountOrgPath(ctx, actor.personId), reason: 'LOCKED' });
    throw new DomainError('LOGIN_LOCKED');
  }
  return {
    ok: async () => {
      await clearGuard(ctx, userKey);
      await releaseAttempt(ctx, ipKey, ctx.config.policy.ipMaxFailures);
    },
  };
}

/** Confirms the pending secret with a code from the app; answers the recovery codes, shown this once. */
export async function confirmEnrollment(ctx: AppContext, actor: Actor, state: MfaState, code: string): Promise<string[]> {
  if (state === 'REQUIRED') throw new DomainError('MFA_PENDING');
  const guard = await guarded(ctx, actor);
  const orgPath = await accountOrgPath(ctx, actor.personId);
  const result = await ctx.db.transaction(async (tx) => {
    const [row] = await tx.select().from(adminMfa).where(eq(adminMfa.personId, actor.personId)).for('update');
    if (!row?.pendingSecretEnc) throw new DomainError('MFA_NO_ENROLLMENT_STARTED');
    const step = verifyTotp(ctx.cipher.decrypt(row.pendingSecretEnc), code, ctx.clock.now(), row.lastStep);
    if (step === null) return null;
    const now = ctx.clock.now();
    await tx
      .update(adminMfa)
      .set({ secretEnc: row.pendingSecretEnc, pendingSecretEnc: null, enrolledAt: now, lastStep: step })
      .where(eq(adminMfa.personId, actor.personId));
    const codes = await replaceRecoveryCodes(tx, ctx, actor.personId);
    if (state === 'ENROLL') await setSessionMfaState(tx, actor.sessionId, 'VERIFIED');
    else await revokeSessionsOf(tx, actor.personId, now, actor.sessionId); // a new authenticator: other sessions end
    await writeAudit(tx, ctx, actor, { action: 'MFA_ENROLL', result: 'OK', objectType: 'person', objectId: actor.personId, objectLabel: actor.name, orgPath, reason: row.enrolledAt ? 'RE_ENROLL' : 'FIRST' });
    return codes;
  });
  if (!result) {
    await writeAudit(ctx.db, ctx, actor, { action: 'MFA_ENROLL', result: 'DENIED', objectType: 'person', objectId: actor.personId, orgPath, reason: 'CODE_WRONG' });
    throw new DomainError('MFA_CODE_INVALID');
  }
  await guard.ok();
  return result;
}

/** The second step of login: a TOTP code or one unused recovery code. */
export async function verifySecondFactor(ctx: AppContext, actor: Actor, state: MfaState, input: { code?: string; recoveryCode?: string }): Promise<void> {
  if (state !== 'REQUIRED') throw new DomainError(state === 'ENROLL' ? 'MFA_NOT_ENROLLED' : 'MFA_NOT_PENDING');
  const guard = await guarded(ctx, actor);
  const orgPath = await accountOrgPath(ctx, actor.personId);
  const how = input.code !== undefined ? 'TOTP' : 'RECOVERY_CODE';
  const ok = await ctx.db.transaction(async (tx) => {
    // Locked, so two requests with the same code cannot both pass (RFC 6238 §5.2).
    const [row] = await tx.select().from(adminMfa).where(eq(adminMfa.personId, actor.personId)).for('update');
    if (!row?.secretEnc || !row.enrolledAt) return false;
    if (input.code !== undefined) {
      const step = verifyTotp(ctx.cipher.decrypt(row.secretEnc), input.code, ctx.clock.now(), row.lastStep);
      if (step === null) return false;
      await tx.update(adminMfa).set({ lastStep: step }).where(eq(adminMfa.personId, actor.personId));
    } else {
      const used = await tx
        .update(mfaRecoveryCodes)
        .set({ usedAt: ctx.clock.now() })
        .where(and(eq(mfaRecoveryCodes.personId, actor.personId), eq(mfaRecoveryCodes.codeHash, recoveryHash(ctx, input.recoveryCode ?? '')), isNull(mfaRecoveryCodes.usedAt)))
        .returning({ id: mfaRecoveryCodes.id });
      if (used.length === 0) return false;
    }
    await setSessionMfaState(tx, actor.sessionId, 'VERIFIED');
    await writeAudit(tx, ctx, actor, { action: 'MFA_VERIFY', result: 'OK', objectType: 'person', objectId: actor.personId, objectLabel: actor.name, orgPath, reason: how });
    return true;
  });
  if (!ok) {
    await writeAudit(ctx.db, ctx, actor, { action: 'MFA_VERIFY', result: 'DENIED', objectType: 'person', objectId: actor.personId, orgPath, reason: `${how}_WRONG` });
    throw new DomainError('MFA_CODE_INVALID');
  }
  await guard.ok();
}

/** New recovery codes after re-entering the password; the old set stops working at once. */
export async function regenerateRecoveryCodes(ctx: AppContext, actor: Actor, password: string): Promise<string[]> {
  await reauthenticate(ctx, actor, password, 'MFA_RECOVERY_CODES');
  const orgPath = await accountOrgPath(ctx, actor.personId);
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.select({ enrolledAt: adminMfa.enrolledAt }).from(adminMfa).where(eq(adminMfa.personId, actor.personId)).for('update');
    if (!row?.enrolledAt) throw new DomainError('MFA_NOT_ENROLLED');
    const codes = await replaceRecoveryCodes(tx, ctx, actor.personId);
    await writeAudit(tx, ctx, actor, { action: 'MFA_RECOVERY_CODES', result: 'OK', objectType: 'person', objectId: actor.personId, objectLabel: actor.name, orgPath });
    return codes;
  });
}

/**
 * An admin of the grant's org or above resets a colleague's lost second factor (the same people who may
 * grant and revoke admins, ADM-1): the authenticator and recovery codes are deleted and every session
 * of that person ends, so their next login enrolls anew. Oneself: re-enroll under 账号安全 instead.
 */
export async function resetAdminMfa(ctx: AppContext, actor: AdminActor, grantId: number): Promise<{ ok: true }> {
  const inScope = and(eq(adminGrants.id, grantId), inSubtree(orgs.path, actor.scope.path));
  const select = (ex: Executor) =>
    ex
      .select({ personId: adminGrants.personId, orgPath: orgs.path, name: persons.name, masked: persons.idNumberMasked, revokedAt: adminGrants.revokedAt })
      .from(adminGrants)
      .innerJoin(orgs, eq(orgs.id, adminGrants.orgId))
      .innerJoin(persons, eq(persons.id, adminGrants.personId))
      .where(inScope);
  const [visible] = await select(ctx.db);
  if (!visible) {
    await refuseOutOfScope(ctx, actor, 'admin', grantId, async () => (await ctx.db.select({ id: adminGrants.id }).from(adminGrants).where(eq(adminGrants.id, grantId))).length > 0);
  }
  if (!visible || visible.revokedAt) throw new DomainError('NOT_FOUND');
  if (visible.personId === actor.personId) throw new DomainError('MFA_SELF_RESET');
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.personId, visible.personId));
    await tx.delete(adminMfa).where(eq(adminMfa.personId, visible.personId));
    await revokeSessionsOf(tx, visible.personId, now);
    await writeAudit(tx, ctx, adminAuditActor(actor), {
      action: 'MFA_RESET',
      result: 'OK',
      objectType: 'admin',
      objectId: grantId,
      objectLabel: `${visible.name}（${visible.masked}）的二次验证已重置`,
      orgPath: visible.orgPath,
    });
  });
  return { ok: true };
}
