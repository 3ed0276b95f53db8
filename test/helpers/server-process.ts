/* eslint-disable @typescript-eslint/no-explicit-any -- responses are asserted field by field */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Client } from './client';
import { TEST_DATA_KEY } from './app';

/**
 * The real server as a child process (issue 7/7 crash drills): `src/server/main.ts` through tsx, so
 * the API suite needs no build, on a given PostgreSQL database with the test data key. `kill9()` is
 * a real SIGKILL: no shutdown hook runs, open transactions die with their connections.
 */
export interface ServerProcess {
  baseUrl: string;
  pid: number;
  log(): string;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

const root = resolve(import.meta.dirname, '../..');

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

export async function startServer(databaseUrl: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'zhtj-drill-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      DATABASE_REPLICA_URL: '',
      ZHTJ_DATA_KEY: TEST_DATA_KEY.toString('base64'),
      ZHTJ_TEST_API: '',
      DEMO_SEED: '0',
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${out}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become healthy within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  return {
    baseUrl,
    pid: child.pid!,
    log: () => out,
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      cleanup();
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      }
      cleanup();
    },
  };
}

/** A request to the child server in the session of a test client (cookie, CSRF token, acting org). */
export async function httpAs(server: ServerProcess, client: Client, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (client.cookie) headers.cookie = client.cookie;
  if (client.csrf && method !== 'GET') headers['x-csrf-token'] = client.csrf;
  if (client.orgId !== null) headers['x-org-id'] = String(client.orgId);
  let payload: Uint8Array | string | undefined;
  if (body !== undefined) {
    headers['content-type'] = contentType;
    payload = Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body);
  }
  const res = await fetch(`${server.baseUrl}${path}`, { method, headers, body: payload });
  const text = await res.text();
  const isJson = (res.headers.get('content-type') ?? '').includes('application/json');
  return { status: res.status, body: isJson && text ? JSON.parse(text) : text };
}
