import { mkdirSync } from 'node:fs';
import { openDatabase, warmPool } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { startScheduler } from '../jobs/scheduler';
import { MovableClock, systemClock } from '../lib/clock';
import { PiiCipher, loadMasterKey } from '../lib/pii';
import { seedDemo } from '../seed/demo';
import { prepareBootstrapToken } from './modules/system/bootstrap';
import { buildApp } from './app';
import { defaultKeyFile, loadConfig, pgliteDir } from './config';
import type { AppContext } from './context';

/** Start-up: configuration → database → migrations → demo seed (first start) → HTTP → jobs. */
async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  mkdirSync(config.dataDir, { recursive: true });
  const database = await openDatabase({
    url: config.databaseUrl,
    replicaUrl: config.databaseReplicaUrl,
    dataDir: config.databaseUrl ? undefined : pgliteDir(config),
    poolMax: config.poolMax,
    // The server keeps every connection it opens, with its prepared statements (see openDatabase).
    poolMin: config.poolMax,
    statementTimeoutMs: config.statementTimeoutMs,
  });
  await migrateDatabase(database);
  await warmPool(database, config.poolMax);
  const cipher = new PiiCipher(loadMasterKey({ env: process.env, production: config.production, defaultKeyFile: defaultKeyFile(config) }));
  const clock = config.testApi ? new MovableClock() : systemClock;
  const ctx: AppContext = { db: database.db, database, clock, cipher, config };

  if (config.demoSeed) {
    const seeded = await seedDemo(ctx, { log: (msg) => console.log(`[seed] ${msg}`) });
    if (seeded) console.log('[seed] 演示数据已创建，演示账号见 README.md');
  }

  // Issue 7: no default superadmin. With no admin at all, the first one is created with a one-time
  // token; only the file's path is printed, never the token.
  const tokenFile = await prepareBootstrapToken(ctx);
  if (tokenFile) console.log(`[bootstrap] 系统尚无管理员：一次性初始化令牌已写入 ${tokenFile}（24小时内有效），请在 /bootstrap 页面创建第一位后台管理员`);

  const app = await buildApp(ctx, { logger: { level: config.logLevel }, serveWeb: true });
  await app.listen({ port: config.port, host: config.host });
  const scheduler = startScheduler(ctx, app.log);
  console.log(`智慧团建已启动：http://localhost:${config.port} （数据库：${database.kind}，用时 ${Date.now() - started} ms）`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`收到 ${signal}，正在关闭…`);
    await scheduler.stop();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('启动失败：', err);
  process.exit(1);
});
