import { PassThrough } from 'node:stream';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { Tx } from '../../../db/client';
import type { importJobs } from '../../../db/schema';
import { neutralizeCell } from '../../../lib/xlsx';
import { XlsxGuardError } from '../../../lib/xlsx-guard';
import { sheetRows } from '../../../lib/xlsx-read';
import type { AppContext } from '../../context';

/**
 * The generic Excel round trip (issue 2/7; reused by 4/7 for graduate destinations): a column spec
 * and a row validator in, staged rows with every problem out; the error workbook is the uploaded one
 * with an added 错误说明 column. An import kind knows nothing about files; this file knows nothing
 * about members.
 */
export interface ImportColumn {
  key: string;
  header: string;
  required?: boolean;
  width?: number;
  /** Shown in the 填写说明 sheet. */
  hint?: string;
  /** A drop-down in the template (ExcelJS data validation). */
  list?: readonly string[];
  /** Excel date cells in this column are read as YYYY-MM-DD (year-month columns cut them). */
  date?: boolean;
}

export interface RowProblem {
  column: string;
  message: string;
  severity: 'error' | 'warning';
}

export interface RawRow {
  rowNo: number;
  cells: Record<string, string>;
  /** Problems found while reading cells (e.g. an ID number Excel stored as a number). */
  problems: RowProblem[];
}

export interface StagedRow<T> {
  rowNo: number;
  label: string | null;
  data: T | null;
  problems: RowProblem[];
}

export type ImportJob = typeof importJobs.$inferSelect;

export interface ImportKind<T = unknown, P = unknown> {
  kind: string;
  /** The template's and the error workbook's file name stem. */
  title: string;
  sheetName: string;
  columns: ImportColumn[];
  /** Notes for the 填写说明 sheet, before the per-column hints. */
  instructions: string[];
  /** Loads what validation needs once per job (orgs in scope, in-file duplicate maps). */
  prepare(ctx: AppContext, job: ImportJob): Promise<P>;
  /** Validates a batch of rows in file order; every problem of every row, none thrown. */
  validate(ctx: AppContext, job: ImportJob, prep: P, rows: RawRow[]): Promise<StagedRow<T>[]>;
  /**
   * The CPU-bound part of `validate` moved to the import worker thread (the file is always parsed
   * there): the worker validator registered under `kind` in worker-kinds.ts checks and encrypts the
   * rows with `workerPrep(prep)` (structured-cloneable), and `finish` does the database checks on the
   * main thread. Kinds without it are validated here from the rows the worker parsed.
   */
  offThread?: {
    workerPrep(prep: P): unknown;
    finish(ctx: AppContext, job: ImportJob, prep: P, rows: unknown[]): Promise<StagedRow<T>[]>;
  };
  /** Writes the valid rows (read back from import_rows) inside the caller's one transaction. */
  commit?(tx: Tx, ctx: AppContext, job: ImportJob, rows: { rowNo: number; data: T }[]): Promise<void>;
  /**
   * Instead of `commit`: writes the valid staged rows numbered in (after, upTo] straight from
   * import_rows (INSERT … SELECT, the rows never come back to Node) inside the caller's one
   * transaction, deletes those staged rows, and returns how many it wrote.
   */
  commitStaged?(tx: Tx, ctx: AppContext, job: ImportJob, rows: { after: number; upTo: number }): Promise<number>;
}

export class ImportFileError extends Error {}

/** A column of values as ONE array parameter, for INSERT … SELECT FROM unnest (drizzle would spread a JS array). */
export const arr = (values: unknown[], type: string) => sql`${sql.param(values)}::${sql.raw(type)}[]`;

export const MAX_IMPORT_ROWS = 200_000;

function normalizeHeader(h: string): string {
  return h.replace(/[*＊\s]|（必填）|\(必填\)/g, '');
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** One cell as text, the way the admin sees it; ExcelJS gives strings, numbers, dates or rich text. */
export function cellText(value: unknown, column: ImportColumn | undefined): { text: string; problem?: string } {
  if (value === null || value === undefined) return { text: '' };
  if (typeof value === 'string') return { text: value.trim() };
  if (typeof value === 'boolean') return { text: value ? '是' : '否' };
  if (value instanceof Date) {
    const d = value;
    return { text: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` };
  }
  if (typeof value === 'number') {
    if (column?.date && value > 1000 && value < 100_000) {
      // An Excel date serial whose cell lost its date format.
      return cellText(new Date(Date.UTC(1899, 11, 30) + value * 86_400_000), column);
    }
    if (!Number.isSafeInteger(value) && Number.isInteger(value)) {
      return { text: String(value), problem: '该单元格被 Excel 存成了数字，超过15位的数字末尾已丢失，请把该列设为“文本”后重新填写' };
    }
    return { text: String(value) };
  }
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; formula?: unknown; error?: unknown };
    if (v.richText) return { text: v.richText.map((r) => r.text).join('').trim() };
    if (v.formula !== undefined) return { text: '', problem: '单元格含有公式' };
    if (v.error !== undefined) return { text: '', problem: '单元格的值是错误值' };
    if (v.text !== undefined) return cellText(v.text, column);
  }
  return { text: String(value as string).trim() };
}

/** The reader's complaints about the file (a damaged zip, no worksheet) reach the admin as they are. */
async function* fileErrors<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (err) {
    if (err instanceof XlsxGuardError) throw new ImportFileError(err.message);
    throw err;
  }
}

/**
 * Reads the first worksheet as a stream (row 1 = headers, matched by name so the admin may reorder
 * or add columns) and hands rows over in batches; `onProgress` gets the share of the file consumed.
 */
export async function readRows(
  file: Buffer,
  columns: ImportColumn[],
  onBatch: (rows: RawRow[]) => Promise<void>,
  onProgress: (fraction: number) => Promise<void>,
  batchSize = 1000,
): Promise<number> {
  let byIndex: (ImportColumn | undefined)[] | null = null;
  let batch: RawRow[] = [];
  let total = 0;
  for await (const { rows, fraction } of fileErrors(sheetRows(file))) {
    for (const row of rows) {
      const values = row.values;
      if (!byIndex) {
        const known = new Map(columns.map((c) => [normalizeHeader(c.header), c]));
        byIndex = values.map((v) => known.get(normalizeHeader(cellText(v, undefined).text)));
        const present = new Set(byIndex.filter(Boolean).map((c) => c!.key));
        const missing = columns.filter((c) => c.required && !present.has(c.key)).map((c) => c.header);
        if (missing.length > 0) throw new ImportFileError(`第1行（表头）缺少必填列：${missing.join('、')}。请使用导入模板`);
        continue;
      }
      const cells: Record<string, string> = {};
      const problems: RowProblem[] = [];
      let empty = true;
      values.forEach((v, i) => {
        const column = byIndex![i];
        if (!column) return;
        const { text, problem } = cellText(v, column);
        if (text) empty = false;
        cells[column.key] = text;
        if (problem) problems.push({ column: column.header, message: problem, severity: 'error' });
      });
      if (empty && problems.length === 0) continue;
      if (++total > MAX_IMPORT_ROWS) throw new ImportFileError(`一次最多导入 ${MAX_IMPORT_ROWS.toLocaleString('zh-CN')} 行，请拆分文件`);
      batch.push({ rowNo: row.number, cells, problems });
      if (batch.length >= batchSize) {
        await onBatch(batch);
        batch = [];
        await onProgress(fraction);
      }
    }
  }
  if (!byIndex) throw new ImportFileError('工作簿是空的：第一个工作表没有表头');
  if (batch.length > 0) await onBatch(batch);
  if (total === 0) throw new ImportFileError('工作簿没有数据行');
  return total;
}

/**
 * The uploaded workbook again, with an added 错误说明 column (the admin fixes it in place and uploads
 * it again). `problemsOf(rowNo)` is null for rows to leave out (e.g. rows already imported).
 */
export function errorWorkbook(
  file: Buffer,
  sheetName: string,
  problemsOf: (rowNo: number) => Promise<string | null>,
  onError: (err: unknown) => void,
): PassThrough {
  const out = new PassThrough();
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = writer.addWorksheet(sheetName);
  void (async () => {
    try {
      let width = 0;
      for await (const { rows } of sheetRows(file)) {
        for (const row of rows) {
          const values = row.values.slice(1).map((v) => {
            const t = cellText(v, undefined).text;
            return neutralizeCell(t);
          });
          if (width === 0) {
            const at = values.findIndex((v) => v === '错误说明');
            width = at >= 0 ? at : values.length;
            const header = sheet.addRow([...values.slice(0, width), '错误说明']);
            header.font = { bold: true };
            header.getCell(width + 1).font = { bold: true, color: { argb: 'FFC00000' } };
            header.commit();
            continue;
          }
          const text = await problemsOf(row.number);
          if (text === null) continue;
          const cells = values.slice(0, width);
          while (cells.length < width) cells.push('');
          const r = sheet.addRow([...cells, neutralizeCell(text)]);
          if (text) r.getCell(width + 1).font = { color: { argb: 'FFC00000' } };
          r.commit();
        }
      }
      sheet.columns.forEach((c) => (c.width = 16));
      sheet.commit();
      await writer.commit();
    } catch (err) {
      onError(err);
      out.destroy(err as Error);
    }
  })();
  return out;
}

/** The problems of one row as one cell of text: errors first, then 提示 (warnings). */
export function problemsText(problems: RowProblem[]): string {
  const errors = problems.filter((p) => p.severity === 'error').map((p) => `【${p.column}】${p.message}`);
  const warnings = problems.filter((p) => p.severity === 'warning').map((p) => `〔提示·${p.column}〕${p.message}`);
  return [...errors, ...warnings].join('；');
}

/**
 * Rows that carry the drop-downs. ExcelJS (and some other readers) expand a validation range into one
 * entry per cell when loading a whole workbook, so the range covers a large branch, not 200,000 rows.
 */
export const TEMPLATE_LIST_ROWS = 3000;

/** The 团员团干部导入模板 of a kind: headers (required marked *), drop-downs, and 填写说明. */
export async function templateWorkbook(kind: ImportKind): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet(kind.sheetName);
  const lists = wb.addWorksheet('选项', { state: 'veryHidden' });
  sheet.columns = kind.columns.map((c) => ({ header: c.required ? `${c.header}*` : c.header, key: c.key, width: c.width ?? 14, style: { numFmt: '@' } }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  kind.columns.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: c.required ? 'FFFDE2E2' : 'FFEFEFEF' } };
    if (c.hint) cell.note = c.hint;
  });
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  let listCol = 0;
  kind.columns.forEach((c, i) => {
    if (!c.list) return;
    listCol++;
    const letter = lists.getColumn(listCol).letter;
    c.list.forEach((v, j) => (lists.getCell(j + 1, listCol).value = v));
    const colLetter = sheet.getColumn(i + 1).letter;
    // A range on a hidden sheet: a literal list is limited to 255 characters (民族 has 57 values).
    (sheet as unknown as { dataValidations: { add(range: string, v: ExcelJS.DataValidation): void } }).dataValidations.add(`${colLetter}2:${colLetter}${TEMPLATE_LIST_ROWS + 1}`, {
      type: 'list',
      allowBlank: !c.required,
      formulae: [`'选项'!$${letter}$1:$${letter}$${c.list.length}`],
      showErrorMessage: true,
      errorStyle: 'error',
      errorTitle: c.header,
      error: `请从下拉列表中选择${c.header}`,
    });
  });
  const help = wb.addWorksheet('填写说明');
  help.columns = [{ width: 18 }, { width: 90 }];
  help.addRow(['填写说明']).font = { bold: true, size: 14 };
  for (const line of kind.instructions) help.addRow(['', line]);
  help.addRow([]);
  help.addRow(['列', '要求']).font = { bold: true };
  for (const c of kind.columns) help.addRow([c.required ? `${c.header}（必填）` : c.header, c.hint ?? (c.list ? `从下拉列表选择：${c.list.join('、')}` : '')]);
  help.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
