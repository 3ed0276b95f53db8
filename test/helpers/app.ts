import { inject } from 'vitest';
import { MovableClock } from '../../src/lib/clock';
import { PiiCipher } from '../../src/lib/pii';
import { buildApp } from '../../src/server/app';
import { loadConfig } from '../../src/server/config';
import type { AppContext } from '../../src/server/context';
import type { ZApp } from '../../src/server/http/types';
import { openTestDatabase } from './test-db';

/** A fixed instant (China time 2026-03-02 10:00) unless a test moves the clock. */
export const TEST_NOW = '2026-03-02T02:00:00.000Z';
export const TEST_DATA_KEY = Buffer.alloc(32, 7);

export interface TestApp {
  app: ZApp;
  ctx: AppContext;
  clock: MovableClock;
  close(): Promise<void>;
}

/** A server on its own database (cloned from the migrated template), with a frozen, movable clock. */
export async function createTestApp(opts: { now?: string; env?: NodeJS.ProcessEnv } = {}): Promise<TestApp> {
  const { database, drop } = await openTestDatabase({ pgliteDump: inject('pgliteDump'), pgTemplate: inject('pgTemplate') });
  const clock = new MovableClock();
  clock.freeze(new Date(opts.now ?? TEST_NOW));
  const config = loadConfig({ NODE_ENV: 'test', ZHTJ_TEST_API: '1', DEMO_SEED: '0', DATA_DIR: '/nonexistent', ...opts.env });
  const ctx: AppContext = { db: database.db, database, clock, cipher: new PiiCipher(TEST_DATA_KEY), config };
  const app = await buildApp(ctx);
  await app.ready();
  return {
    app,
    ctx,
    clock,
    close: async () => {
      await app.close();
      await drop();
    },
  };
}
