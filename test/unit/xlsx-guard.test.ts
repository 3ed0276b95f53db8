import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { readRows, type RawRow } from '../../src/server/modules/imports/engine';
import { asciiXlsx, guardXlsx, type XlsxGuardError } from '../../src/lib/xlsx-guard';

async function book(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('S');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const problemOf = async (buf: Buffer) => guardXlsx(buf).then(() => null, (e: XlsxGuardError) => e.problem);

describe('hostile workbooks are refused before parsing (issue 2/7)', () => {
  it('accepts a plain workbook', async () => {
    expect(await problemOf(await book([['姓名'], ['张三']]))).toBeNull();
  });
  it('refuses content that is not a zip, or a zip without a workbook, whatever the name', async () => {
    expect(await problemOf(Buffer.from('姓名,身份证号码\n'))).toBe('NOT_XLSX');
    expect(await problemOf(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]))).toBe('NOT_XLSX');
  });
  it('refuses files over 20 MB', async () => {
    expect(await problemOf(Buffer.alloc(20 * 1024 * 1024 + 1))).toBe('TOO_LARGE');
  });
  it('refuses formulas in any worksheet', async () => {
    expect(await problemOf(await book([['a'], [{ formula: '1+1', result: 2 }]]))).toBe('FORMULA');
  });
});

describe('reading Chinese text in a large workbook', () => {
  it('no character is split at a chunk boundary (ExcelJS decodes chunks separately; asciiXlsx prevents it)', async () => {
    const names = Array.from({ length: 6000 }, (_, i) => `共青团员张${'三'.repeat(i % 7)}${i}`);
    const file = await book([['姓名'], ...names.map((n) => [n])]);
    expect((await asciiXlsx(file)).length).toBeGreaterThan(0);
    const read: RawRow[] = [];
    await readRows(file, [{ key: 'name', header: '姓名', required: true }], async (b) => void read.push(...b), async () => undefined);
    expect(read.map((r) => r.cells.name)).toEqual(names);
  });
});

describe('reading a workbook whose parts come in any order', () => {
  it('reads worksheets stored before workbook.xml (ExcelJS alone fails on them; asciiXlsx puts the workbook parts first)', async () => {
    const file = await book([['姓名'], ['王甲子'], ['李乙丑']]);
    // The same workbook with the worksheet after the rels and shared strings but before workbook.xml:
    // the order ExcelJS's own writer sometimes produces under load.
    const late = ['xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml', 'xl/styles.xml', 'xl/worksheets/sheet1.xml'];
    const reversed = await asciiXlsx(file, (name) => (name === 'xl/workbook.xml' ? 99 : late.includes(name) ? late.indexOf(name) : 50));
    const direct = async () => {
      const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([reversed]), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
      for await (const sheet of reader) for await (const row of sheet) void row;
    };
    await expect(direct()).rejects.toThrow(/sheets/);
    const read: RawRow[] = [];
    await readRows(reversed, [{ key: 'name', header: '姓名', required: true }], async (b) => void read.push(...b), async () => undefined);
    expect(read.map((r) => r.cells.name)).toEqual(['王甲子', '李乙丑']);
  });
});
