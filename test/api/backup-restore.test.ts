import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client';
import { createTestApp, TEST_DATA_KEY, type TestApp } from '../helpers/app';
import { Factory, type Tree } from '../helpers/factories';
import { commit, MEMBER_HEADERS, uploadAndValidate, workbook } from '../helpers/imports';
import { adminQuery, testDbKind, urlFor } from '../helpers/test-db';
import { testIdNumber, testPhone } from '../helpers/factories';

// Issue 7/7 item 7c (MLPS 8.1.4.9/10 backup and recovery): scripts/backup.sh, scripts/restore.sh and
// the drill of scripts/drill-restore.sh on a populated database, and the scripts' refusals.

const root = resolve(import.meta.dirname, '../..');
let t: TestApp;
let f: Factory;
let tree: Tree;
let dbUrl = '';
let work = '';
const KEY = TEST_DATA_KEY.toString('base64');
const someId = testIdNumber(777, '20040102');

function run(script: string, args: string[], env: Record<string, string>) {
  const r = spawnSync('bash', [join(root, 'scripts', script), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ZHTJ_DATA_KEY: '', ZHTJ_DATA_KEY_FILE: '', ...env }, timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, stderr: r.stderr };
}

describe.runIf(testDbKind() === 'postgres')('backup and restore (issue 7/7 item 7c, PostgreSQL)', () => {
  beforeAll(async () => {
    t = await createTestApp();
    f = new Factory(t);
    tree = await f.tree();
    const college = (await f.admin(tree.collegeA)).client.as(tree.collegeA.id);
    for (let i = 0; i < 20; i++) await f.member(i % 2 ? tree.branchA1 : tree.branchB1);
    await f.member(tree.branchA2, { idNumber: someId });
    // an import (staged and committed rows, audit) and a transfer, so most tables hold rows
    const file = await workbook(MEMBER_HEADERS, [0, 1, 2].map((k) => [`备份${k}`, testIdNumber(800 + k, '20050301'), '汉族', '共青团员', '2020-05', tree.branchA1.fullName, '否', '', testPhone(800 + k), '入团志愿书', `2020${String(800 + k).padStart(8, '0')}`]));
    const job = await uploadAndValidate(college, file, { orgId: tree.collegeA.id });
    expect((await commit(college, job.id)).body.status).toBe('COMMITTED');
    const [db] = await rows<{ name: string }>(t.ctx.db, sql`SELECT current_database() AS name`);
    dbUrl = urlFor(process.env.DATABASE_URL!, db!.name);
    work = mkdtempSync(join(tmpdir(), 'zhtj-backup-test-'));
  });
  afterAll(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    await t?.close();
  });

  it('the drill: backup, restore into a scratch database, every table has the same row count, the backed-up key decrypts it', () => {
    const r = run('drill-restore.sh', [], { DATABASE_URL: dbUrl, ZHTJ_DATA_KEY: KEY });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/行数一致：\d+ 张表/);
    expect(r.out).toContain('用备份的数据密钥解密成功');
    expect(r.out).toContain('恢复演练通过');
    // the scratch database is dropped afterwards
    const scratch = /已恢复到数据库 (\w+)/.exec(r.out)![1]!;
    const left = spawnSync('psql', [process.env.DATABASE_URL!, '-XAtqc', `SELECT count(*) FROM pg_database WHERE datname = '${scratch}'`], { encoding: 'utf8' });
    expect(left.stdout.trim()).toBe('0');
  });

  it('backup: the key goes only to KEY_BACKUP_DIR, never beside the dump; without it a loud warning; the dump holds no plaintext ID number', () => {
    const dumps = join(work, 'a');
    const keys = join(work, 'keys');
    const withKey = run('backup.sh', [], { DATABASE_URL: dbUrl, BACKUP_DIR: dumps, KEY_BACKUP_DIR: keys, ZHTJ_DATA_KEY: KEY });
    expect(withKey.code, withKey.out).toBe(0);
    const files = readdirSync(dumps);
    expect(files.filter((n) => n.endsWith('.dump'))).toHaveLength(1);
    expect(files.some((n) => n.endsWith('.key'))).toBe(false);
    expect(files.every((n) => !readFileSync(join(dumps, n)).includes(KEY))).toBe(true);
    expect(readdirSync(keys)).toEqual([expect.stringMatching(/^zhtj-data-key-[0-9a-f]{16}\.key$/)]);
    const manifest = readFileSync(join(dumps, files.find((n) => n.endsWith('.manifest'))!), 'utf8');
    expect(manifest).toMatch(/data_key_fingerprint=[0-9a-f]{16}/);
    expect(manifest).toContain(`data_key_backup=${keys}`);
    const dump = join(dumps, files.find((n) => n.endsWith('.dump'))!);
    const plain = spawnSync('pg_restore', ['-f', '-', dump], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    expect(plain.status).toBe(0);
    expect(plain.stdout).toContain('COPY public.persons');
    expect(plain.stdout).not.toContain(someId);

    const noKey = run('backup.sh', [], { DATABASE_URL: dbUrl, BACKUP_DIR: join(work, 'b'), ZHTJ_DATA_KEY: KEY });
    expect(noKey.code, noKey.out).toBe(0);
    expect(noKey.stderr).toContain('数据密钥没有备份');
    expect(readdirSync(join(work, 'b')).some((n) => n.endsWith('.key'))).toBe(false);

    const inside = run('backup.sh', [], { DATABASE_URL: dbUrl, BACKUP_DIR: join(work, 'c'), KEY_BACKUP_DIR: join(work, 'c', 'keys'), ZHTJ_DATA_KEY: KEY });
    expect(inside.code).toBe(3);
    expect(inside.out).toContain('密钥必须与数据库备份分开保存');
    expect(existsSync(join(work, 'c', 'keys')) && readdirSync(join(work, 'c', 'keys')).length > 0).toBe(false);
  });

  it('restore: refuses an existing database, a damaged dump and the wrong key', async () => {
    const dumps = join(work, 'a');
    const dump = join(dumps, readdirSync(dumps).find((n) => n.endsWith('.dump'))!);
    const [db] = await rows<{ name: string }>(t.ctx.db, sql`SELECT current_database() AS name`);
    const existing = run('restore.sh', [dump, db!.name], { DATABASE_URL: process.env.DATABASE_URL! });
    expect(existing.code).toBe(3);
    expect(existing.out).toContain('已存在');

    const wrongKey = run('restore.sh', [dump, 'zhtj_restore_never'], { DATABASE_URL: process.env.DATABASE_URL!, ZHTJ_DATA_KEY: Buffer.alloc(32, 9).toString('base64') });
    expect(wrongKey.code).toBe(5);

    const damagedDir = join(work, 'damaged');
    mkdirSync(damagedDir);
    const copy = join(damagedDir, 'x.dump');
    const bytes = readFileSync(dump);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    writeFileSync(copy, bytes);
    writeFileSync(`${copy}.sha256`, readFileSync(`${dump}.sha256`, 'utf8').replace(/\S+$/m, 'x.dump'));
    const damaged = run('restore.sh', [copy, 'zhtj_restore_never'], { DATABASE_URL: process.env.DATABASE_URL! });
    expect(damaged.code).toBe(4);
    await adminQuery('DROP DATABASE IF EXISTS zhtj_restore_never');
  });
});
