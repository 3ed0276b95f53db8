import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sessionState } from '../../domain/accounts';
import { DomainError, type ErrorCode } from '../../domain/errors';
import { constantTimeEquals } from '../../lib/passwords';
import { writeAudit } from '../audit';
import type { Actor, AdminActor, AdminScope, AppContext } from '../context';
import { SESSION_TOUCH_INTERVAL_MS, isMfaPending, loadSession, revokeSession, touchSession, type MfaState } from '../modules/auth/session-store';
import { sendError } from './errors';

/**
 * Who may call a route:
 * - public: anyone;
 * - session-pending: a logged-in person, even one who still owes the admin second factor (the second
 *   factor's own operations, the session itself, logout);
 * - session-any: a logged-in person past the second factor, even one who must still change the initial password;
 * - session: a logged-in person whose password is changed;
 * - admin: … acting for the org in `x-org-id`, which they administer right now;
 * - member: … who has a member record (个人中心).
 */
export type Access = 'public' | 'session-pending' | 'session-any' | 'session' | 'admin' | 'member';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    actor: Actor | null;
    adminScope: AdminScope | null;
    memberId: number | null;
    sessionCsrf: string | null;
    sessionMfa: MfaState;
  }
}

export function cookieName(secure: boolean): string {
  // The __Host- prefix pins the cookie to this host and path and requires Secure.
  return secure ? '__Host-zhtj_session' : 'zhtj_session';
}

/**
 * The session cookie's attributes, the same when it is set and when it is cleared: a browser ignores
 * a clearing Set-Cookie for a __Host- cookie that lacks Secure.
 */
export function cookieOptions(secure: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure };
}

/** How long a session may wait for the admin second factor after the password (issue 7). */
export const MFA_PENDING_MINUTES = 10;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A route's access level. An API route that does not say is closed (any session), never public by
 * accident; only the API docs UI and the web app's own paths are open without saying so.
 */
function accessOf(req: FastifyRequest): Access {
  const configured = req.routeOptions.config?.access;
  if (configured) return configured;
  const url = req.routeOptions.url;
  if (url === undefined || !url.startsWith('/api/') || url === '/api/docs' || url.startsWith('/api/docs/')) return 'public';
  return 'session';
}

export function requireActor(req: FastifyRequest): Actor {
  if (!req.actor) throw new DomainError('UNAUTHENTICATED');
  return req.actor;
}

export function requireAdmin(req: FastifyRequest): AdminActor {
  const actor = requireActor(req);
  if (!req.adminScope) throw new DomainError('ORG_HEADER_REQUIRED');
  return { ...actor, scope: req.adminScope };
}

export function requireMember(req: FastifyRequest): Actor & { memberId: number } {
  const actor = requireActor(req);
  if (req.memberId === null) throw new DomainError('MEMBER_ONLY');
  return { ...actor, memberId: req.memberId };
}

export function clientIp(req: FastifyRequest): string {
  return req.ip;
}

/** The org id of an `x-org-id` header; NaN when it is present but malformed or not positive. */
function orgIdOf(raw: string | string[] | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const orgId = typeof raw === 'string' && /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(orgId) && orgId > 0 ? orgId : NaN;
}

export function installAuth(app: FastifyInstance, ctx: AppContext): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('adminScope', null);
  app.decorateRequest('memberId', null);
  app.decorateRequest('sessionCsrf', null);
  app.decorateRequest('sessionMfa', 'NONE');

  const cookie = cookieName(ctx.config.cookieSecure);

  async function deny(req: FastifyRequest, reply: FastifyReply, code: ErrorCode, actor: Actor | null, orgId?: number) {
    if (code !== 'UNAUTHENTICATED') {
      await writeAudit(ctx.db, ctx, actor ? { ...actor } : { ip: req.ip, requestId: req.id }, {
        action: 'ACCESS_DENIED',
        result: 'DENIED',
        objectType: orgId === undefined ? undefined : 'org',
        objectId: orgId,
        reason: `${code} ${req.method} ${req.routeOptions.url ?? req.url}${orgId === undefined ? '' : ` x-org-id=${orgId}`}`,
      }).catch((err: unknown) => req.log.error({ err }, 'audit write failed'));
    }
    return sendError(reply, code);
  }

  // Runs before the body is parsed: an anonymous caller learns nothing from validation errors.
  app.addHook('onRequest', async (req, reply) => {
    const access = accessOf(req);
    if (access === 'public') return;

    const token = req.cookies[cookie];
    if (!token) return deny(req, reply, 'UNAUTHENTICATED', null);
    // The acting org is parsed now so that the session, the grant and the member id come in one query;
    // the checks below still run in the same order.
    const orgId = access === 'admin' ? orgIdOf(req.headers['x-org-id']) : undefined;
    // An id beyond the integer column's range names no org (no grant), rather than failing the query.
    const grantOrgId = orgId !== undefined && orgId <= 2_147_483_647 ? orgId : undefined;
    const session = await loadSession(ctx.db, token, { orgId: grantOrgId, member: access === 'member' });
    if (!session) return deny(req, reply, 'UNAUTHENTICATED', null);
    const now = ctx.clock.now();
    // Issue 7: the second factor is owed within minutes of the password, not for the whole idle period.
    const mfaTooLate = isMfaPending(session.mfaState) && now.getTime() - session.createdAt.getTime() > MFA_PENDING_MINUTES * 60_000;
    const state = session.disabledAt ? 'REVOKED' : mfaTooLate ? 'IDLE_EXPIRED' : sessionState(session, now, ctx.config.policy);
    if (state !== 'ACTIVE') {
      if (state !== 'REVOKED') await revokeSession(ctx.db, session.id, now);
      reply.clearCookie(cookie, cookieOptions(ctx.config.cookieSecure));
      return sendError(reply, state === 'REVOKED' ? 'UNAUTHENTICATED' : 'SESSION_EXPIRED');
    }
    const actor: Actor = { personId: session.personId, name: session.name, sessionId: session.id, ip: req.ip, requestId: req.id };

    if (!SAFE_METHODS.has(req.method)) {
      const header = req.headers['x-csrf-token'];
      if (typeof header !== 'string' || !constantTimeEquals(header, session.csrfToken)) {
        return deny(req, reply, 'CSRF_TOKEN_INVALID', actor);
      }
    }
    // Issue 7: a session that still owes the admin second factor can do nothing but pass it.
    if (isMfaPending(session.mfaState) && access !== 'session-pending') return deny(req, reply, 'MFA_PENDING', actor);
    if (session.mustChangePassword && access !== 'session-any' && access !== 'session-pending') return deny(req, reply, 'PASSWORD_CHANGE_REQUIRED', actor);

    if (now.getTime() - session.lastSeenAt.getTime() > SESSION_TOUCH_INTERVAL_MS) await touchSession(ctx.db, session.id, now);
    req.actor = actor;
    req.sessionCsrf = session.csrfToken;
    req.sessionMfa = session.mfaState as MfaState;

    if (access === 'admin') {
      if (orgId === undefined || Number.isNaN(orgId)) return deny(req, reply, 'ORG_HEADER_REQUIRED', actor);
      // Read with the session on every request, so a revoked grant stops working at once.
      const scope = session.scope;
      if (!scope) return deny(req, reply, 'NOT_ADMIN_OF_ORG', actor, orgId);
      // A session opened without the second factor (a grant given since, ADMIN_MFA turned on) acts as no admin.
      if (ctx.config.adminMfa === 'required' && session.mfaState !== 'VERIFIED') return deny(req, reply, 'MFA_REQUIRED', actor, orgId);
      req.adminScope = scope;
    }
    if (access === 'member') {
      if (session.memberId === null) return deny(req, reply, 'MEMBER_ONLY', actor);
      req.memberId = session.memberId;
    }
  });
}
