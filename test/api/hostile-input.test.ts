/* eslint-disable @typescript-eslint/no-explicit-any -- the OpenAPI document is walked as plain JSON */
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rows } from '../../src/db/client';
import { MAX_PAGE_SIZE } from '../../src/contracts/common';
import { buildApp } from '../../src/server/app';
import type { AppContext } from '../../src/server/context';
import { createTestApp, type TestApp } from '../helpers/app';
import { anonymous, type Client } from '../helpers/client';
import { Factory, memberInput, type Tree } from '../helpers/factories';
import { testDbKind } from '../helpers/test-db';

let t: TestApp;
let f: Factory;
let tree: Tree;
let admin: Client;
let memberId: number;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  // The back-end admin: acting for the root of the tree, so every scope check lets the input through
  // to the validation and the services behind it.
  admin = (await f.admin(tree.root, { name: '后台管理员' })).client;
  const created = await admin.post('/api/members', memberInput(tree.branchA1.id, 1));
  expect(created.status).toBe(201);
  memberId = created.body.id;
});
afterAll(() => t.close());

interface Operation {
  method: string;
  path: string;
  operationId: string;
  params: { in: string; name: string }[];
  bodyProps: string[] | null;
}

function operations(app: TestApp['app']): Operation[] {
  const doc = app.swagger() as any;
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(methods)) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      ops.push({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        params: (op.parameters ?? []).map((p: any) => ({ in: p.in, name: p.name })),
        bodyProps: op.requestBody ? Object.keys(schema?.properties ?? {}) : null,
      });
    }
  }
  return ops;
}

const HOSTILE_STRINGS = [
  '',
  ' ',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '0',
  '1.5',
  '1e308',
  '-9223372036854775809',
  '99999999999999999999999999',
  '9'.repeat(400),
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  "' OR '1'='1",
  "1; DROP TABLE members; --",
  "'); SELECT pg_sleep(10); --",
  '\\',
  '%',
  '_',
  '%00',
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C',
  '\u001b[31mred\u001b[0m',
  'line\nbreak\r\n{"level":60}',
  '\uD800',
  '😀'.repeat(40),
  '中'.repeat(5000),
  'x'.repeat(70_000),
  '../../../etc/passwd',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  '2026-02-30',
  '9999-99',
  '0000-00-00T00:00:00Z',
  '110101200001011234',
  '9223372036854775807',
];

const hostileString = fc.oneof(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
const hostileNumber = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(2 ** 53 + 1, -0, 1e308, -1e308, 2_147_483_648, -2_147_483_649, 0.1, Number.MAX_SAFE_INTEGER));
const hostileKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '$where', 'a.b', ''), fc.string({ maxLength: 8 }));

const { value: hostileValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.array(fc.tuple(hostileKey, tie('value')), { maxLength: 3 }).map((entries) => ({ __entries: entries })),
  ),
}));

/** JSON text by hand, so keys such as "__proto__" become own keys on the wire. */
function toJson(v: unknown): string {
  if (v && typeof v === 'object' && '__entries' in v) {
    return `{${(v as { __entries: [string, unknown][] }).__entries.map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',')}}`;
  }
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  return JSON.stringify(v) ?? 'null';
}

function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80'; // a lone surrogate, as raw (invalid) UTF-8
  }
}

function requestArb(op: Operation) {
  const body = op.bodyProps
    ? fc.oneof(
        hostileValue.map(toJson),
        // The known fields with hostile values, sometimes with polluting extras.
        fc
          .tuple(
            fc.subarray(op.bodyProps).chain((keys) => fc.tuple(...keys.map((k) => hostileValue.map((v) => [k, v] as [string, unknown])))),
            fc.array(fc.tuple(hostileKey, hostileValue), { maxLength: 2 }),
          )
          .map(([known, extra]) => toJson({ __entries: [...known, ...extra] })),
        fc.constantFrom('{', '{"a":', 'not json', '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"polluted":1}}}', `[${'['.repeat(5000)}${']'.repeat(5000)}]`),
      )
    : fc.constant(undefined);
  const values = fc.tuple(...op.params.map(() => fc.option(hostileString, { nil: undefined })));
  const rawQuery = fc.option(fc.constantFrom('%E0%A4%A', '%', '&&&', 'a[b][c]=1', 'page=1&page=2', '__proto__[x]=1', 'pageSize=1e3'), { nil: undefined });
  return fc.tuple(body, values, rawQuery);
}

function isErrorShape(body: any): boolean {
  return (
    !!body &&
    typeof body === 'object' &&
    typeof body.error === 'object' &&
    /^[A-Z][A-Z0-9_]*$/.test(body.error.code) &&
    typeof body.error.message === 'string' &&
    body.error.message.length > 0 &&
    Array.isArray(body.error.details)
  );
}

describe('issue 7 item 6: hostile input to every operation', () => {
  it('fast-check over every operation in the OpenAPI document, anonymous and as the back-end admin: never a 5xx, every 4xx in the SPEC error shape', async () => {
    const ops = operations(t.app);
    expect(ops.length).toBeGreaterThan(80);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const started = Date.now();
    for (const op of ops) {
      for (const [who, client] of [
        ['anonymous', anonymous(t.app)],
        ['admin', admin],
      ] as const) {
        // Logging the admin out would end the admin half of the run.
        if (who === 'admin' && op.operationId === 'logout') continue;
        const result = await fc.check(
          fc.asyncProperty(requestArb(op), async ([body, values, rawQuery]) => {
            let path = op.path;
            const query: string[] = [];
            op.params.forEach((p, i) => {
              const v = values[i];
              if (p.in === 'path') path = path.replace(`{${p.name}}`, v === undefined || v === '' ? String(memberId) : enc(v));
              else if (p.in === 'query' && v !== undefined) query.push(`${p.name}=${enc(v)}`);
            });
            if (rawQuery) query.push(rawQuery);
            const url = query.length ? `${path}?${query.join('&')}` : path;
            const headers: Record<string, string> = {};
            if (client.cookie) headers.cookie = client.cookie;
            if (client.csrf) headers['x-csrf-token'] = client.csrf;
            headers['x-org-id'] = String(tree.root.id);
            if (body !== undefined) headers['content-type'] = 'application/json';
            const res = await t.app.inject({ method: op.method as 'GET', url, headers, ...(body === undefined ? {} : { payload: body }) });
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
            if (res.statusCode >= 500) throw new Error(`${res.statusCode} ${res.body.slice(0, 300)}`);
            if (res.statusCode >= 400 && !isErrorShape(res.json())) throw new Error(`${res.statusCode} not in the error shape: ${res.body.slice(0, 300)}`);
          }),
          { numRuns: 12, seed: 7_2026, endOnFailure: true },
        );
        if (result.failed) failures.push(`${who} ${op.method} ${op.path} (${op.operationId}): ${String(result.errorInstance)} — input ${fc.stringify(result.counterexample).slice(0, 400)}`);
      }
    }
    expect(failures).toEqual([]);
    // The inputs got past authentication to validation and to the services (not all refused at the door).
    console.log('hostile-input statuses', Object.fromEntries(statuses));
    expect(statuses.get(400)).toBeGreaterThan(100);
    expect(statuses.get(401)).toBeGreaterThan(100);
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    // Bounded: the whole sweep stays well inside the test's time on PGlite.
    expect(Date.now() - started).toBeLessThan(120_000);
  }, 180_000);

  it('every paged list caps pageSize at 100 (SPEC API conventions), declared in the OpenAPI document and enforced', async () => {
    expect(MAX_PAGE_SIZE).toBe(100);
    const doc = t.app.swagger() as any;
    const paged: string[] = [];
    for (const [path, methods] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(methods)) {
        const ok = op.responses?.['200']?.content?.['application/json']?.schema;
        const isPage = ok?.properties?.items && ok?.properties?.total;
        const pageSize = (op.parameters ?? []).find((p: any) => p.in === 'query' && p.name === 'pageSize');
        if (isPage) {
          expect(pageSize, `${method} ${path} answers a page but takes no pageSize`).toBeDefined();
        }
        if (!pageSize) continue;
        expect(pageSize.schema.maximum, `${method} ${path}`).toBeLessThanOrEqual(100);
        paged.push(path);
        if (path.includes('{')) continue;
        const res = await admin.get(`${path}?pageSize=101`);
        expect(res.status, `${method} ${path}`).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
      }
    }
    expect(paged.length).toBeGreaterThan(10);
  });

  it('a body over the limit is refused with 413 in the error shape, before any handler runs', async () => {
    const small = await createTestApp({ env: { BODY_LIMIT_BYTES: '2048' } });
    try {
      const res = await small.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ username: 'x'.repeat(4096), password: 'y' }) });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: '提交的数据过大', details: [] } });
    } finally {
      await small.close();
    }
    // The default limit (1 MB) holds too.
    const big = await admin.post('/api/members', { ...memberInput(tree.branchA1.id, 2), name: 'x'.repeat(1_100_000) });
    expect(big.status).toBe(413);
    expect(isErrorShape(big.body)).toBe(true);
  });
});

describe('issue 7 item 6: security headers', () => {
  it('CSP with frame-ancestors, nosniff, no-store on personal data; no HSTS over plain HTTP', async () => {
    const detail = await admin.get(`/api/members/${memberId}`);
    expect(detail.status).toBe(200);
    for (const res of [detail, await anonymous(t.app).get('/api/auth/session'), await anonymous(t.app).get('/api/nowhere')]) {
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(res.headers['content-security-policy']).toMatch(/object-src 'none'/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
    const reveal = await admin.post(`/api/members/${memberId}/reveal`);
    expect(reveal.status).toBe(200);
    expect(reveal.headers['cache-control']).toBe('no-store');
    const exported = await admin.get('/api/members/export');
    expect(exported.status).toBe(200);
    expect(exported.headers['cache-control']).toBe('no-store');
  });

  it('HSTS when served over HTTPS (COOKIE_SECURE=1)', async () => {
    const secure = await createTestApp({ env: { COOKIE_SECURE: '1' } });
    try {
      const res = await secure.app.inject({ method: 'GET', url: '/api/auth/session' });
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d{8,}; includeSubDomains/);
    } finally {
      await secure.close();
    }
  });
});

describe('issue 7 item 6: structured logs cannot be forged', () => {
  it('a username with a newline, a forged JSON record and ANSI escapes yields one JSON log line per record', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(...String(chunk).split('\n').filter((l) => l !== ''));
        cb();
      },
    });
    const app = await buildApp(t.ctx, { logger: { level: 'info', stream } as any });
    await app.ready();
    try {
      const evil = 'e\n{"msg":"forged"}\u001b[2J\u001b[31m';
      expect(evil.length).toBeLessThanOrEqual(32);
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: evil, password: `${evil}\r\u2028` }, headers: { 'user-agent': evil } });
      expect(res.statusCode, res.body).toBe(401);
      await app.inject({ method: 'GET', url: `/api/${encodeURIComponent(evil)}` });
      // A handler that logs what the user sent (message and field) goes through the same logger.
      app.log.warn({ username: evil }, `login refused for ${evil}`);
      expect(lines.length).toBeGreaterThanOrEqual(5);
      const warned = lines.filter((l) => l.includes('login refused'));
      expect(warned).toHaveLength(1);
      expect(JSON.parse(warned[0]!)).toMatchObject({ level: 40, username: evil, msg: `login refused for ${evil}` });
      for (const line of lines) {
        const record = JSON.parse(line) as Record<string, unknown>;
        expect(typeof record.level).toBe('number');
        expect(record.msg).not.toBe('forged');
        // No raw control character (newline, CR, ESC …) or line separator survives into a line.
        expect([...line].some((c) => c.charCodeAt(0) < 0x20 || c === '\u2028')).toBe(false);
      }
      // The forged record never became a line of its own.
      expect(lines.filter((l) => l.startsWith('{"msg"'))).toEqual([]);
      expect(lines.length).toBe(lines.filter((l) => l.startsWith('{"level":')).length);
    } finally {
      await app.close();
    }
  });
});

describe.runIf(testDbKind() === 'postgres')('issue 7 item 6: query time cap on PostgreSQL', () => {
  it('a statement past statement_timeout is cancelled and answered 503 QUERY_TIMEOUT in the error shape', async () => {
    const url = (t.ctx.database.pool as unknown as { options: { connectionString: string } }).options.connectionString;
    const database = await openDatabase({ url, poolMax: 2, statementTimeoutMs: 300 });
    const ctx: AppContext = { ...t.ctx, db: database.db, database };
    const app = await buildApp(ctx);
    // A test-only slow path: the cap is the pool's, so any handler's query is bound by it.
    app.get('/api/__slow', { config: { access: 'public' } }, async () => {
      await ctx.db.execute(sql`SELECT pg_sleep(5)`);
      return { ok: true };
    });
    await app.ready();
    try {
      const started = Date.now();
      const res = await app.inject({ method: 'GET', url: '/api/__slow' });
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ error: { code: 'QUERY_TIMEOUT', message: '查询超时，请缩小查询范围后重试', details: [] } });
      // The pool that the server opens carries the configured cap.
      expect(await rows<{ statement_timeout: string }>(database.db, sql`SHOW statement_timeout`)).toEqual([{ statement_timeout: '300ms' }]);
      // …and the test databases (like the server's) carry the 15 s default.
      expect(await rows<{ statement_timeout: string }>(t.ctx.db, sql`SHOW statement_timeout`)).toEqual([{ statement_timeout: '15s' }]);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
