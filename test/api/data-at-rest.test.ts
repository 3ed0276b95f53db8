import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client';
import { sealAudit } from '../../src/server/audit-chain';
import { createTestApp, type TestApp } from '../helpers/app';
import { Factory, memberInput, type Client, type Tree } from '../helpers/factories';
import { testDbKind } from '../helpers/test-db';

let t: TestApp;
let f: Factory;
let tree: Tree;
let admin: Client;
const created: { idNumber: string; phone: string }[] = [];

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  admin = (await f.admin(tree.collegeA)).client;
  for (let n = 1; n <= 5; n++) {
    const input = memberInput(tree.branchA1.id, 900 + n);
    const res = await admin.post('/api/members', input);
    expect(res.status).toBe(201);
    created.push({ idNumber: input.idNumber, phone: input.phone });
  }
  // Search and detail reads by ID number and phone go through the blind index only.
  expect((await admin.get(`/api/members?idNumber=${created[0]!.idNumber}`)).status).toBe(200);
  await sealAudit(t.ctx);
});
afterAll(() => t.close());

const hex = (b: Buffer) => b.toString('hex');

function assertNoPlaintext(dump: string) {
  for (const { idNumber, phone } of created) {
    expect(dump.includes(idNumber), `plaintext ID number ${idNumber} in the dump`).toBe(false);
    expect(dump.includes(phone), `plaintext phone ${phone} in the dump`).toBe(false);
  }
}

describe('issue 7 item 5: data at rest holds no plaintext ID number or phone', () => {
  it('every table, read as text, holds the blind index and ciphertext but never the plain values', async () => {
    const tables = await rows<{ name: string }>(t.ctx.db, sql`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`);
    let text = '';
    for (const { name } of tables) {
      const r = await rows<{ row: string }>(t.ctx.db, sql`SELECT t::text AS row FROM ${sql.identifier(name)} t`);
      text += r.map((x) => x.row).join('\n');
    }
    assertNoPlaintext(text);
    for (const { idNumber, phone } of created) {
      expect(text).toContain(hex(t.ctx.cipher.blindIndex('id', idNumber)));
      expect(text).toContain(hex(t.ctx.cipher.blindIndex('phone', phone)));
    }
  });

  it.runIf(testDbKind() === 'pglite')('the embedded database files (PGlite data directory, WAL included) hold no plaintext ID number or phone', async () => {
    await t.ctx.database.pglite!.exec('CHECKPOINT');
    const tar = Buffer.from(await (await t.ctx.database.pglite!.dumpDataDir('gzip')).arrayBuffer());
    const raw = gunzipSync(tar);
    const text = raw.toString('latin1');
    assertNoPlaintext(text);
    // The ciphertext's companions are there: the raw blind index bytes of each ID number.
    for (const { idNumber } of created) expect(raw.includes(t.ctx.cipher.blindIndex('id', idNumber))).toBe(true);
  });

  it.runIf(testDbKind() === 'postgres')('pg_dump of the database holds no plaintext ID number or phone, and does hold the ciphertext and blind index', async () => {
    const bin = ['/usr/lib/postgresql/15/bin/pg_dump', '/usr/bin/pg_dump'].find((p) => existsSync(p))!;
    const url = (t.ctx.database.pool as unknown as { options: { connectionString: string } }).options.connectionString;
    const dump = execFileSync(bin, ['--no-owner', '--dbname', url], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    expect(dump).toContain('COPY public.persons');
    assertNoPlaintext(dump);
    const ciphertexts = await rows<{ enc: string }>(t.ctx.db, sql`SELECT encode(id_number_enc, 'hex') AS enc FROM persons`);
    for (const { enc } of ciphertexts) expect(dump).toContain(`\\\\x${enc}`);
    for (const { idNumber, phone } of created) {
      expect(dump).toContain(hex(t.ctx.cipher.blindIndex('id', idNumber)));
      expect(dump).toContain(hex(t.ctx.cipher.blindIndex('phone', phone)));
    }
  });
});
