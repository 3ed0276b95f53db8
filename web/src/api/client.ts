import type { ErrorDetail } from '../../../src/domain/errors';

/**
 * The one way the web talks to the API: JSON, the CSRF header on every state change, the acting
 * org in `x-org-id` for admin work, and errors as {@link ApiError} carrying the server's Chinese message.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];

  constructor(status: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error && err.message) return err.message;
  return '操作失败，请稍后重试';
}

// The CSRF token lives in memory only; after a reload it comes again from GET /api/auth/session.
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

type AuthListener = (err: ApiError) => void;
let authListener: AuthListener | null = null;
/** Called when a request finds the session gone (401) or the password change still pending. */
export function onAuthProblem(listener: AuthListener | null): void {
  authListener = listener;
}

let lastActivity = Date.now();
/** When the server last saw this tab (any answered request extends the idle timeout). */
export function lastApiActivity(): number {
  return lastActivity;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  orgId?: number;
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Login and the session probe handle 401 themselves. */
  skipAuthHandling?: boolean;
  /** A file sent as the request body itself (Excel imports). */
  file?: Blob;
}

export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

async function toApiError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: ErrorDetail[] } };
    if (body.error?.message) return new ApiError(res.status, body.error.code ?? 'UNKNOWN', body.error.message, body.error.details ?? []);
  } catch {
    // not JSON: a proxy or the network answered
  }
  return new ApiError(res.status, 'HTTP_' + res.status, `服务器返回错误（${res.status}），请稍后重试`);
}

async function send(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (opts.orgId !== undefined) headers['x-org-id'] = String(opts.orgId);
  let body: string | Blob | undefined;
  if (opts.file) {
    headers['content-type'] = 'application/octet-stream';
    body = opts.file;
  } else if (method === 'POST' || method === 'PATCH') {
    // Fastify refuses an empty JSON body, so bodiless actions send {}.
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body ?? {});
  }
  let res: Response;
  try {
    res = await fetch(path + queryString(opts.query), { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', '无法连接服务器，请检查网络后重试');
  }
  lastActivity = Date.now();
  if (res.ok) return res;
  const err = await toApiError(res);
  if (!opts.skipAuthHandling && (res.status === 401 || err.code === 'PASSWORD_CHANGE_REQUIRED')) authListener?.(err);
  throw err;
}

async function json<T>(method: string, path: string, opts?: RequestOptions): Promise<T> {
  const res = await send(method, path, opts);
  return (await res.json()) as T;
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => json<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => json<T>('POST', path, { ...opts, body }),
  patch: <T>(path: string, body: unknown, opts?: RequestOptions) => json<T>('PATCH', path, { ...opts, body }),
  delete: <T>(path: string, opts?: RequestOptions) => json<T>('DELETE', path, opts),
  upload: <T>(path: string, file: Blob, opts?: RequestOptions) => json<T>('POST', path, { ...opts, file }),
};

function filenameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      return fallback;
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1] ?? fallback;
}

/** Downloads a file through fetch, because the request needs the x-org-id header a plain link cannot send. */
export async function download(path: string, opts: RequestOptions, fallbackName: string): Promise<string> {
  const res = await send('GET', path, opts);
  const blob = await res.blob();
  const name = filenameOf(res.headers.get('content-disposition'), fallbackName);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
