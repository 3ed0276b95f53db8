import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { guardXlsx, type XlsxGuardError } from '../../src/lib/xlsx-guard';

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
