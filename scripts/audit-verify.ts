/**
 * `npm run audit:verify` — walks the audit log's hash chain (issue 7 item 4) of the database the
 * server uses (DATABASE_URL, or the embedded one under DATA_DIR; stop the server first for PGlite,
 * which one process opens at a time). Exit code 0: intact; 1: broken (the first bad row is printed).
 */
import { existsSync } from 'node:fs';
import { openDatabase } from '../src/db/client';
import { formatVerifyReport, verifyAuditChain } from '../src/server/audit-chain';
import { loadConfig, pgliteDir } from '../src/server/config';

async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.databaseUrl && !existsSync(pgliteDir(config))) {
    console.error(`找不到数据库：未设置 DATABASE_URL，且 ${pgliteDir(config)} 不存在 / no database: DATABASE_URL unset and ${pgliteDir(config)} missing`);
    return 2;
  }
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.databaseUrl ? undefined : pgliteDir(config), poolMax: 1, statementTimeoutMs: 0 });
  try {
    const result = await verifyAuditChain(database.db);
    console.log(formatVerifyReport(result));
    return result.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('校验失败 / verification failed:', err);
    process.exit(2);
  },
);
