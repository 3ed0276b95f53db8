import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/client';

/** Which database the API suite runs on: PGlite (default) or PostgreSQL (TEST_DB=postgres). */
export function testDbKind(): 'pglite' | 'postgres' {
  return process.env.TEST_DB === 'postgres' ? 'postgres' : 'pglite';
}

/** The server URL with another database name. */
export function urlFor(base: string, dbName: string): string {
  const u = new URL(base);
  u.pathname = `/${dbName}`;
  return u.toString();
}

export async function adminQuery(sqlText: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(sqlText);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database for one test file, cloned from the migrated template made by global-setup:
 * `CREATE DATABASE … TEMPLATE` on PostgreSQL, a loaded data-directory dump on PGlite.
 */
export async function openTestDatabase(template: { pgliteDump?: string; pgTemplate?: string }): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (testDbKind() === 'postgres') {
    const base = process.env.DATABASE_URL;
    if (!base || !template.pgTemplate) throw new Error('TEST_DB=postgres needs DATABASE_URL and the template from global-setup');
    const name = `${template.pgTemplate.replace(/_template$/, '')}_${randomBytes(4).toString('hex')}`;
    await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${template.pgTemplate}"`);
    const database = await openDatabase({ url: urlFor(base, name), poolMax: Number(process.env.TEST_POOL_MAX ?? 8) });
    return {
      database,
      drop: async () => {
        await database.close();
        await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  }
  if (!template.pgliteDump) throw new Error('missing PGlite template dump from global-setup');
  const database = await openDatabase({ loadDataDir: new Blob([readFileSync(template.pgliteDump)]) });
  return { database, drop: () => database.close() };
}
