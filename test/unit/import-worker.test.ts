import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { MEMBER_IMPORT_HEADERS, memberImportRow, memberImportWorkbook } from '../../scripts/member-workbook';
import { PiiCipher } from '../../src/lib/pii';
import { ImportFileError } from '../../src/server/modules/imports/engine';
import { validateInWorker } from '../../src/server/modules/imports/import-thread';
import { MEMBER_COLUMNS, type Branch, type MemberChecked, type Prep } from '../../src/server/modules/imports/member-rows';

const FULL_NAME = '中国共产主义青年团基准1班支部委员会';
const branch: Branch = { id: 2, name: '基准1班团支部', fullName: FULL_NAME, path: '/1/2/', category: 'NORMAL', graduationAt: null };
const prep = (): Prep => ({ today: '2026-11-23', single: null, byKey: new Map([[FULL_NAME, branch]]), seenId: new Map(), seenPhone: new Map(), seenDev: new Map() });

describe('the import worker thread (issue 7: validation must not block the server)', () => {
  it('parses, checks and encrypts 20,000 rows in another thread while the main event loop keeps running timers', async () => {
    const ROWS = 20_000;
    const { file } = await memberImportWorkbook(ROWS, [FULL_NAME]);
    const cipher = new PiiCipher(randomBytes(32));
    const rows: MemberChecked[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const elu = performance.eventLoopUtilization();
    let ticksAtFirstBatch = -1;
    const result = await validateInWorker(
      { kind: 'MEMBERS', columns: MEMBER_COLUMNS, file, prep: prep(), keys: cipher.workerKeys() },
      async (batch, checked) => {
        expect(checked).toBe(true);
        if (ticksAtFirstBatch < 0) ticksAtFirstBatch = ticks;
        rows.push(...(batch as MemberChecked[]));
        // A slow consumer: the worker must wait for acknowledgements, not run ahead unbounded.
        await new Promise((r) => setTimeout(r, 5));
      },
      async () => undefined,
    );
    const busy = performance.eventLoopUtilization(elu).utilization;
    clearInterval(timer);

    // The work ran in a worker thread, not on this one.
    expect(result.threadId).not.toBe(threadId);
    expect(result.total).toBe(ROWS);
    // This thread stayed free: timers fired throughout (between the batches too), and the loop was mostly idle.
    expect(ticks - ticksAtFirstBatch).toBeGreaterThan(20);
    expect(busy).toBeLessThan(0.5);

    // Every row came back once, in file order, valid, encrypted with the main thread's keys.
    expect(rows.map((r) => r.rowNo)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 2));
    expect(rows.every((r) => r.problems.length === 0 && r.data !== null)).toBe(true);
    for (const i of [0, 4321, ROWS - 1]) {
      const id = memberImportRow(i, FULL_NAME)[1]!;
      expect(cipher.decrypt(Buffer.from(rows[i]!.data!.idEnc, 'base64'))).toBe(id);
      expect(rows[i]!.idIdx).toBe(cipher.blindIndex('id', id).toString('base64'));
    }
  });

  it('in-file duplicates are found across batches inside the worker, and a file error comes back as an ImportFileError', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('团员团干部');
    ws.addRow(MEMBER_IMPORT_HEADERS);
    const row = memberImportRow(7, FULL_NAME);
    ws.addRow(row);
    ws.addRow(row);
    const cipher = new PiiCipher(randomBytes(32));
    const seen: MemberChecked[] = [];
    await validateInWorker(
      { kind: 'MEMBERS', columns: MEMBER_COLUMNS, file: Buffer.from(await wb.xlsx.writeBuffer()), prep: prep(), keys: cipher.workerKeys(), batchSize: 1 },
      async (batch) => void seen.push(...(batch as MemberChecked[])),
      async () => undefined,
    );
    expect(seen[0]!.problems).toEqual([]);
    expect(seen[1]!.problems).toContainEqual({ column: '身份证号码', message: '与第2行的身份证号码重复', severity: 'error' });

    const bad = new ExcelJS.Workbook();
    bad.addWorksheet('S').addRow(['姓名']);
    const failure = await validateInWorker({ kind: 'MEMBERS', columns: MEMBER_COLUMNS, file: Buffer.from(await bad.xlsx.writeBuffer()) }, async () => undefined, async () => undefined).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ImportFileError);
    expect((failure as Error).message).toContain('缺少必填列');
  });

  it('when staging fails the worker is told to stop: the failure comes back and no batch follows it', async () => {
    const { file } = await memberImportWorkbook(5_000, [FULL_NAME]);
    const cipher = new PiiCipher(randomBytes(32));
    let batches = 0;
    const failure = await validateInWorker(
      { kind: 'MEMBERS', columns: MEMBER_COLUMNS, file, prep: prep(), keys: cipher.workerKeys() },
      async () => {
        batches++;
        if (batches === 2) throw new Error('staging failed');
      },
      async () => undefined,
    ).catch((e: unknown) => e);
    expect((failure as Error).message).toBe('staging failed');
    await new Promise((r) => setTimeout(r, 300));
    expect(batches).toBe(2);
  });

  it('a worker that ends right after its last batch is not taken for one that died while batches are still being staged', async () => {
    const { file } = await memberImportWorkbook(2_000, [FULL_NAME]);
    const cipher = new PiiCipher(randomBytes(32));
    let staged = 0;
    const result = await validateInWorker(
      { kind: 'MEMBERS', columns: MEMBER_COLUMNS, file, prep: prep(), keys: cipher.workerKeys(), batchSize: 500 },
      async (batch) => {
        // Slower than the worker: all four batches and 'done' are posted and the thread has exited
        // long before the last batch is staged.
        await new Promise((r) => setTimeout(r, 250));
        staged += batch.length;
      },
      async () => undefined,
    );
    expect(result.total).toBe(2_000);
    expect(staged).toBe(2_000);
  });
});
