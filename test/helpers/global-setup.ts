import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client';
import { migrateDatabase } from '../../src/db/migrate';
import { adminQuery, testDbKind, urlFor } from './test-db';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDump?: string;
    pgTemplate?: string;
  }
}

/** Migrates one template database; every test file then starts from a copy of it. */
export default async function setup(project: TestProject) {
  if (testDbKind() === 'postgres') {
    const base = process.env.DATABASE_URL!;
    const dbName = new URL(base).pathname.slice(1) || 'test';
    const template = `${dbName}_t${process.pid}_template`.toLowerCase();
    await adminQuery(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    await adminQuery(`CREATE DATABASE "${template}"`);
    const database = await openDatabase({ url: urlFor(base, template), poolMax: 2 });
    await migrateDatabase(database);
    await database.close();
    project.provide('pgTemplate', template);
    return async () => {
      await adminQuery(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
    };
  }
  const database = await openDatabase({});
  await migrateDatabase(database);
  const dump = await database.pglite!.dumpDataDir('none');
  await database.close();
  const file = join(tmpdir(), `zhtj-pglite-template-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteDump', file);
  return () => rmSync(file, { force: true });
}
