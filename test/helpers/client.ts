/* eslint-disable @typescript-eslint/no-explicit-any -- test responses are asserted field by field; typing every body would add nothing */
import type { LightMyRequestResponse } from 'fastify';
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

export async function login(app: ZApp, username: string, password: string, ip = '10.0.0.1'): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });
  if (res.statusCode !== 200) throw new Error(`login failed for ${username}: ${res.statusCode} ${res.body}`);
  const setCookie = res.headers['set-cookie'];
  const raw = Array.isArray(setCookie) ? setCookie[0]! : String(setCookie);
  const body = res.json();
  return new Client(app, raw.split(';')[0]!, body.csrfToken, null, body);
}
