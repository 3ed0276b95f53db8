/**
 * A large member-import workbook (issue 2/7 benchmark, issue 7/7 crash drill, load test): `rows`
 * valid rows in multi-branch mode, spread over `branches` (full names, one per row in turn), every
 * 50th a branch cadre. ID numbers are in the fictional county 3399xx (birth dates spread so 100,000
 * sequences stay unique; `offset` starts another disjoint range), so they never collide with a real
 * person or with test/helpers/factories.ts (339920+). Written with the streaming writer.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { makeIdNumber } from '../src/domain/id-number';

export const MEMBER_IMPORT_HEADERS = ['姓名*', '身份证号码*', '民族*', '政治面貌*', '入团年月*', '所在团支部*', '是否团干部*', '团内职务', '手机号码', '团员身份认定依据', '发展团员编号'];

/** Row `i` (0-based). Valid for i < 30,240,000 (counties 339910 … 339999). */
export function memberImportRow(i: number, branch: string): string[] {
  const day = 1 + (i % 28);
  const birth = `2004${String(1 + (Math.floor(i / 28) % 12)).padStart(2, '0')}${String(day).padStart(2, '0')}`;
  const id = makeIdNumber(`3399${String(10 + Math.floor(i / 336_000)).padStart(2, '0')}`, birth, String(Math.floor(i / 336) % 1000).padStart(3, '0'));
  return [`团员${i}`, id, '汉族', '共青团员', '2020-05', branch, i % 50 === 0 ? '是' : '否', i % 50 === 0 ? '组织委员' : '', `13${String(100_000_000 + i).slice(0, 9)}`, '入团志愿书', `2020${String(i).padStart(8, '0')}`];
}

/** The workbook, and (for a raw COPY comparison) the same rows as CSV when `withCsv`. */
export async function memberImportWorkbook(rows: number, branches: string[], opts: { offset?: number; withCsv?: boolean } = {}): Promise<{ file: Buffer; csv: string }> {
  const offset = opts.offset ?? 0;
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet('团员团干部');
  ws.addRow(MEMBER_IMPORT_HEADERS).commit();
  const csv: string[] = [];
  for (let i = 0; i < rows; i++) {
    const r = memberImportRow(offset + i, branches[i % branches.length]!);
    ws.addRow(r).commit();
    if (opts.withCsv) csv.push(r.join(','));
  }
  ws.commit();
  await wb.commit();
  return { file: Buffer.concat(chunks), csv: csv.length > 0 ? csv.join('\n') + '\n' : '' };
}
