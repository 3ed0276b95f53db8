import { createInflateRaw } from 'node:zlib';

/**
 * Checks an uploaded workbook BEFORE any spreadsheet library parses it (hostile files, issue 2/7):
 * the bytes must be a zip (whatever the file's name says), its central directory must declare a
 * bounded uncompressed size and ratio (zip bombs), every entry is inflated as a stream and counted
 * (so a directory that lies is caught too), and worksheets may contain no formulas.
 */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024;
const MAX_RATIO = 200;

export type GuardProblem = 'NOT_XLSX' | 'TOO_LARGE' | 'ZIP_BOMB' | 'FORMULA';
export class XlsxGuardError extends Error {
  constructor(
    readonly problem: GuardProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
}

function fail(problem: GuardProblem, message: string): never {
  throw new XlsxGuardError(problem, message);
}

/** Reads the central directory (end record searched from the tail, as zip readers do). */
export function zipEntries(buf: Buffer): ZipEntry[] {
  if (buf.length < 22 || buf.readUInt32LE(0) !== 0x04034b50) fail('NOT_XLSX', '文件不是 Excel（.xlsx）工作簿，请使用导入模板另存为 .xlsx 后上传');
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65_535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('NOT_XLSX', '文件已损坏或不是 Excel（.xlsx）工作簿');
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdOffset + cdSize > buf.length) fail('NOT_XLSX', '文件已损坏或不是 Excel（.xlsx）工作簿');
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) fail('NOT_XLSX', '文件已损坏或不是 Excel（.xlsx）工作簿');
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      uncompressedSize: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
      name: buf.subarray(p + 46, p + 46 + nameLen).toString('utf8'),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Inflates one entry as a stream: counts the real size and looks for formula elements in worksheets. */
async function scanEntry(buf: Buffer, e: ZipEntry, budget: { left: number }, sheet: boolean): Promise<void> {
  const lh = e.localOffset;
  if (lh + 30 > buf.length || buf.readUInt32LE(lh) !== 0x04034b50) fail('NOT_XLSX', '文件已损坏或不是 Excel（.xlsx）工作簿');
  const start = lh + 30 + buf.readUInt16LE(lh + 26) + buf.readUInt16LE(lh + 28);
  const data = buf.subarray(start, start + e.compressedSize);
  const formula = /<(?:[A-Za-z0-9_]+:)?f[\s>/]/;
  const check = (text: string) => {
    if (sheet && formula.test(text)) fail('FORMULA', '工作簿含有公式，请复制后“选择性粘贴为数值”再上传');
  };
  if (e.method === 0) {
    budget.left -= data.length;
    if (budget.left < 0) fail('ZIP_BOMB', '文件解压后过大');
    check(data.toString('latin1'));
    return;
  }
  if (e.method !== 8) fail('NOT_XLSX', '文件使用了不支持的压缩方式');
  await new Promise<void>((resolve, reject) => {
    const inflate = createInflateRaw();
    let tail = '';
    inflate.on('data', (chunk: Buffer) => {
      try {
        budget.left -= chunk.length;
        if (budget.left < 0) fail('ZIP_BOMB', '文件解压后过大（疑似压缩炸弹），已拒绝');
        const text = tail + chunk.toString('latin1');
        check(text);
        tail = text.slice(-24);
      } catch (err) {
        inflate.destroy();
        reject(err as Error);
      }
    });
    inflate.on('error', () => reject(new XlsxGuardError('NOT_XLSX', '文件已损坏，无法解压')));
    inflate.on('end', () => resolve());
    inflate.end(data);
  });
}

export async function guardXlsx(buf: Buffer): Promise<void> {
  if (buf.length > MAX_UPLOAD_BYTES) fail('TOO_LARGE', '文件超过 20 MB');
  const entries = zipEntries(buf);
  if (!entries.some((e) => e.name === '[Content_Types].xml') || !entries.some((e) => e.name.startsWith('xl/'))) {
    fail('NOT_XLSX', '文件不是 Excel（.xlsx）工作簿，请使用导入模板另存为 .xlsx 后上传');
  }
  const declared = entries.reduce((n, e) => n + e.uncompressedSize, 0);
  if (declared > MAX_UNCOMPRESSED_BYTES || declared > Math.max(buf.length, 1) * MAX_RATIO) fail('ZIP_BOMB', '文件解压后过大（疑似压缩炸弹），已拒绝');
  const budget = { left: MAX_UNCOMPRESSED_BYTES };
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    await scanEntry(buf, e, budget, /^xl\/worksheets\/[^/]+\.xml$/.test(e.name));
  }
}
