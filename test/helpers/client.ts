/* eslint-disable @typescript-eslint/no-explicit-any -- test responses are asserted field by field; typing every body would add nothing */
import type { LightMyRequestResponse } from 'fastify';
import { TOTP_WINDOW, totpForStep, totpStep } from '../../src/lib/totp';
import type { ZApp } from '../../src/server/http/types';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

export interface Res<T = any> {
  status: number;
  body: T;
  headers: LightMyRequestResponse['headers'];
  raw: LightMyRequestResponse;
}

/**
 * A logged-in browser, as the API sees it: the session cookie, the CSRF header on state changes and,
 * for admin work, the org in x-org-id.
 */
export class Client {
  constructor(
    readonly app: ZApp,
    readonly cookie: string | null,
    readonly csrf: string | null,
    readonly orgId: number | null = null,
    readonly session: any = null,
  ) {}

  /** The same session acting for another org (as a second browser tab would). */
  as(orgId: number | null): Client {
    return new Client(this.app, this.cookie, this.csrf, orgId, this.session);
  }

  withoutCsrf(): Client {
    return new Client(this.app, this.cookie, null, this.orgId, this.session);
  }

  async request<T = any>(method: Method, url: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Res<T>> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    if (this.orgId !== null) headers['x-org-id'] = String(this.orgId);
    const res = await this.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
    let parsed: unknown = res.body;
    if ((res.headers['content-type'] ?? '').toString().includes('application/json')) parsed = res.json();
    return { status: res.statusCode, body: parsed as T, headers: res.headers, raw: res };
  }

  get<T = any>(url: string) {
    return this.request<T>('GET', url);
  }
  post<T = any>(url: string, body?: unknown) {
    return this.request<T>('POST', url, body ?? {});
  }
  patch<T = any>(url: string, body: unknown) {
    return this.request<T>('PATCH', url, body);
  }
  delete<T = any>(url: string) {
    return this.request<T>('DELETE', url);
  }
}

export function anonymous(app: ZApp): Client {
  return new Client(app, null, null);
}

/**
 * The authenticator apps of the test admins (issue 7): per app (one database each), the TOTP secret of
 * each username and the last step used, mirroring the server's replay rule so that a test may log the
 * same admin in again within a 30-second step (the next login takes the next step, up to now+1).
 */
const authenticators = new WeakMap<ZApp, Map<string, { secret: string; lastStep: number | null }>>();

export function rememberAuthenticator(app: ZApp, username: string, secret: string, lastStep: number | null = null): void {
  if (!authenticators.has(app)) authenticators.set(app, new Map());
  authenticators.get(app)!.set(username, { secret, lastStep });
}

/** A second app on the same database (its own logger, say) shares the authenticators and their used steps. */
export function shareAuthenticators(from: ZApp, to: ZApp): void {
  if (!authenticators.has(from)) authenticators.set(from, new Map());
  authenticators.set(to, authenticators.get(from)!);
}

async function serverNow(app: ZApp): Promise<Date> {
  const res = await app.inject({ method: 'GET', url: '/api/health' });
  return new Date(res.json().now as string);
}

/** A code the server will accept for `username` now (the oldest unused step inside the ±1 window). */
export async function nextTotpCode(app: ZApp, username: string): Promise<string> {
  const a = authenticators.get(app)?.get(username);
  if (!a) throw new Error(`no test authenticator for ${username}: enroll through the login helper or Factory.admin()`);
  const now = totpStep(await serverNow(app));
  const clockWentBack = a.lastStep !== null && now + TOTP_WINDOW < a.lastStep;
  const step = a.lastStep === null || clockWentBack ? now - TOTP_WINDOW : Math.max(now - TOTP_WINDOW, a.lastStep + 1);
  if (step > now + TOTP_WINDOW) throw new Error(`${username} already used every TOTP step of this frozen instant: move the test clock by 30 s`);
  a.lastStep = step;
  return totpForStep(a.secret, step);
}

/** The password step only: an admin's session still owes the second factor (`session.mfa`). */
export async function loginPasswordOnly(app: ZApp, username: string, password: string, ip = '10.0.0.1'): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });
  if (res.statusCode !== 200) throw new Error(`login failed for ${username}: ${res.statusCode} ${res.body}`);
  const setCookie = res.headers['set-cookie'];
  const raw = Array.isArray(setCookie) ? setCookie[0]! : String(setCookie);
  const body = res.json();
  return new Client(app, raw.split(';')[0]!, body.csrfToken, null, body);
}

/**
 * Logs in as a browser would, through the admin second factor when the server asks for it: a known
 * authenticator answers REQUIRED; ENROLL binds a new one (and remembers it) as the enrollment page does.
 */
export async function login(app: ZApp, username: string, password: string, ip = '10.0.0.1'): Promise<Client> {
  return completeMfa(await loginPasswordOnly(app, username, password, ip), username, ip);
}

/** Passes what a session still owes of the second factor, as the login pages do; answers the verified client. */
export async function completeMfa(pending: Client, username: string, ip = '10.0.0.1'): Promise<Client> {
  const { app } = pending;
  const mfa = pending.session?.mfa as 'REQUIRED' | 'ENROLL' | null | undefined;
  if (!mfa) return pending;
  const post = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url, payload, headers: { cookie: pending.cookie!, 'x-csrf-token': pending.csrf! }, remoteAddress: ip });
    if (res.statusCode !== 200) throw new Error(`${url} failed for ${username}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  let session: any;
  if (mfa === 'ENROLL') {
    const enrollment = await post('/api/auth/mfa/enrollment', {});
    rememberAuthenticator(app, username, enrollment.secret);
    session = (await post('/api/auth/mfa/enrollment/confirm', { code: await nextTotpCode(app, username) })).session;
  } else {
    session = await post('/api/auth/mfa/verify', { code: await nextTotpCode(app, username) });
  }
  return new Client(app, pending.cookie, pending.csrf, pending.orgId, session);
}
