import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';

/**
 * A cell value that a spreadsheet would run as a formula (= + - @, or a leading tab/CR) gets a
 * leading apostrophe, so exported names can never execute (CSV/formula injection, ASVS 1.2.10).
 */
export function neutralizeCell(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * Streams a one-sheet workbook: rows are written and flushed as they come, so memory stays bounded
 * whatever the number of rows. `rows` yields batches of already-formatted rows.
 */
export function streamWorkbook(
  sheetName: string,
  columns: { header: string; width?: number }[],
  rows: AsyncIterable<unknown[][]>,
  onError: (err: unknown) => void,
): PassThrough {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName);
  sheet.columns = columns.map((c, i) => ({ header: c.header, key: String(i), width: c.width ?? 14 }));
  sheet.getRow(1).font = { bold: true };
  void (async () => {
    try {
      for await (const batch of rows) {
        for (const row of batch) sheet.addRow(row.map(neutralizeCell)).commit();
      }
      sheet.commit();
      await workbook.commit();
    } catch (err) {
      onError(err);
      out.destroy(err as Error);
    }
  })();
  return out;
}

export function contentDisposition(filename: string): string {
  return `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
