import { StringDecoder } from 'node:string_decoder';
import { Readable } from 'node:stream';
import { createInflateRaw, inflateRawSync } from 'node:zlib';
import { XlsxGuardError, zipEntries, type ZipEntry } from './xlsx-guard';

/**
 * Reads the first worksheet of an .xlsx workbook as a stream of rows, for imports (issue 2/7).
 *
 * ExcelJS's streaming reader cost most of an import's validation time (sax events and a Row/Cell
 * object per cell, 3.2 s of CPU per 100,000 rows) and needed a full rewrite of the zip first: it
 * decodes each inflated chunk of XML on its own (a Chinese character split across two chunks became
 * U+FFFD) and it fails on workbooks whose worksheet comes before workbook.xml. This reader finds the
 * parts through the zip's central directory (any order), decodes UTF-8 across chunk boundaries, and
 * cuts the sheet into rows and cells with a handful of regular expressions — an import reads values,
 * not layout. Always called after `guardXlsx`, so sizes are bounded and formulas already refused.
 *
 * Values come as ExcelJS gave them, so callers did not change: strings (shared, inline, rich text
 * joined), numbers, booleans, Dates for numbers in a date format, `{ formula }` and `{ error }`.
 */
export type CellValue = string | number | boolean | Date | { formula: string } | { error: string };

export interface SheetRow {
  /** The row's number in the sheet (1 = the first row). */
  number: number;
  /** Sparse, indexed by column number (1 = column A), like ExcelJS's `row.values`; empty cells are holes. */
  values: CellValue[];
}

const CHUNK = 256 * 1024;

function corrupt(): never {
  throw new XlsxGuardError('NOT_XLSX', '文件已损坏或不是 Excel（.xlsx）工作簿');
}

function entryData(file: Buffer, e: ZipEntry): Buffer {
  const lh = e.localOffset;
  if (lh + 30 > file.length || file.readUInt32LE(lh) !== 0x04034b50) corrupt();
  const start = lh + 30 + file.readUInt16LE(lh + 26) + file.readUInt16LE(lh + 28);
  return file.subarray(start, start + e.compressedSize);
}

/** A whole (small) part as text: the workbook, its relationships, the styles. */
function partText(file: Buffer, e: ZipEntry): string {
  const data = entryData(file, e);
  if (e.method === 0) return data.toString('utf8');
  if (e.method !== 8) throw new XlsxGuardError('NOT_XLSX', '文件使用了不支持的压缩方式');
  try {
    return inflateRawSync(data).toString('utf8');
  } catch {
    throw new XlsxGuardError('NOT_XLSX', '文件已损坏，无法解压');
  }
}

/** A part as UTF-8 text in pieces, decoded across chunk boundaries; `consumed` follows the compressed bytes read. */
async function* partChunks(file: Buffer, e: ZipEntry, consumed: (fraction: number) => void): AsyncGenerator<string> {
  const data = entryData(file, e);
  const decoder = new StringDecoder('utf8');
  const pieces = function* () {
    for (let i = 0; i < data.length; i += CHUNK) {
      consumed(Math.min(1, (i + CHUNK) / Math.max(data.length, 1)));
      yield data.subarray(i, i + CHUNK);
    }
  };
  if (e.method === 0) {
    for (const piece of pieces()) yield decoder.write(piece);
  } else if (e.method === 8) {
    const inflate = createInflateRaw();
    const source = Readable.from(pieces());
    source.on('error', (err) => inflate.destroy(err));
    source.pipe(inflate);
    try {
      for await (const chunk of inflate) yield decoder.write(chunk as Buffer);
    } catch (err) {
      if (err instanceof XlsxGuardError) throw err;
      throw new XlsxGuardError('NOT_XLSX', '文件已损坏，无法解压');
    } finally {
      source.destroy();
      inflate.destroy();
    }
  } else {
    throw new XlsxGuardError('NOT_XLSX', '文件使用了不支持的压缩方式');
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/**
 * Whole elements `<tag …>…</tag>` (or `<tag …/>`) out of a stream of text pieces, in order: each
 * piece is cut after the last start tag it holds, and the unfinished element waits for the next.
 */
async function* elements(chunks: AsyncIterable<string>, tag: string): AsyncGenerator<RegExpExecArray[]> {
  let carry = '';
  let pattern: RegExp | null = null;
  let open = '';
  for await (const piece of chunks) {
    carry += piece;
    if (!pattern) {
      // The document's prefix for the spreadsheet namespace ("x:" in some writers' output), once.
      const root = /<([\w.-]+:)?(?:worksheet|sst)[\s>]/.exec(carry);
      if (!root) continue;
      const p = root[1] ?? '';
      open = `<${p}${tag}`;
      pattern = new RegExp(`<${p}${tag}(?=[\\s>/])([^>]*?)(?:/>|>([\\s\\S]*?)</${p}${tag}>)`, 'g');
    }
    const cut = carry.lastIndexOf(open);
    if (cut <= 0) continue;
    yield matchAll(pattern, carry.slice(0, cut));
    carry = carry.slice(cut);
  }
  if (pattern && carry) yield matchAll(pattern, carry);
}

function matchAll(pattern: RegExp, text: string): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) found.push(m);
  return found;
}

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function xmlText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(ENTITY, (whole, e: string) => {
    if (e[0] !== '#') return NAMED[e]!;
    const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    // Not a character (a broken writer's &#1114112;): left as written rather than failing the file.
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attrs);
  return m ? xmlText(m[1] ?? m[2] ?? '') : undefined;
}

/** The text of a string item (`<si>` or `<is>`): every `<t>` run joined, phonetic runs (`<rPh>`) left out. */
function runsText(inner: string): string {
  if (inner.includes('rPh')) inner = inner.replace(/<([\w.-]+:)?rPh\b[\s\S]*?<\/([\w.-]+:)?rPh>/g, '');
  let text = '';
  const t = /<(?:[\w.-]+:)?t(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?t>/g;
  for (let m = t.exec(inner); m; m = t.exec(inner)) text += m[1];
  return xmlText(text);
}

/** Built-in number formats that show dates or times (ECMA-376 §18.8.30, with the CJK ones 27–36 and 50–58). */
function builtinIsDate(id: number): boolean {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

/** As ExcelJS decides it: date characters outside quoted text and [brackets]. */
export function isDateFormat(code: string): boolean {
  return /[ymdhMsb]/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** For each cell style index, whether its number format shows a date. */
function dateStyles(styles: string | null): boolean[] {
  if (!styles) return [];
  const custom = new Map<number, string>();
  for (const m of styles.matchAll(/<(?:[\w.-]+:)?numFmt\b([^>]*)>/g)) {
    const id = Number(attr(m[1]!, 'numFmtId'));
    custom.set(id, attr(m[1]!, 'formatCode') ?? '');
  }
  const xfs = /<(?:[\w.-]+:)?cellXfs\b[^>]*>([\s\S]*?)<\/(?:[\w.-]+:)?cellXfs>/.exec(styles)?.[1] ?? '';
  return [...xfs.matchAll(/<(?:[\w.-]+:)?xf\b([^>]*)>/g)].map((m) => {
    const id = Number(attr(m[1]!, 'numFmtId') ?? 0);
    const code = custom.get(id);
    return code !== undefined ? isDateFormat(code) : builtinIsDate(id);
  });
}

function resolve(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = base.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}

function relsPath(part: string): string {
  const i = part.lastIndexOf('/');
  return `${part.slice(0, i + 1)}_rels/${part.slice(i + 1)}.rels`;
}

function relationships(text: string | null): { id: string; type: string; target: string }[] {
  if (!text) return [];
  return [...text.matchAll(/<(?:[\w.-]+:)?Relationship\b([^>]*)>/g)].map((m) => ({ id: attr(m[1]!, 'Id') ?? '', type: attr(m[1]!, 'Type') ?? '', target: attr(m[1]!, 'Target') ?? '' }));
}

/** Column number of a cell reference ("AB12" → 28), or 0 when there is none. */
function columnOf(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + c - 64;
    else if (c >= 97 && c <= 122) col = col * 26 + c - 96;
    else break;
  }
  return col;
}

const CELL = /<(?:[\w.-]+:)?c(?=[\s>/])([^>]*?)(?:\/>|>([\s\S]*?)<\/(?:[\w.-]+:)?c>)/g;
const VALUE = /<(?:[\w.-]+:)?v(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?v>/;
const INLINE = /<(?:[\w.-]+:)?is(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?is>/;
const FORMULA = /<(?:[\w.-]+:)?f[\s>/]/;
const ATTR_R = /(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')/;
const ATTR_S = /(?:^|\s)s\s*=\s*(?:"([^"]*)"|'([^']*)')/;
const ATTR_T = /(?:^|\s)t\s*=\s*(?:"([^"]*)"|'([^']*)')/;

function excelDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

/**
 * The rows of the workbook's first worksheet, a chunk's worth at a time, with the share of the
 * sheet's compressed bytes read so far.
 */
export async function* sheetRows(file: Buffer): AsyncGenerator<{ rows: SheetRow[]; fraction: number }> {
  const entries = new Map(zipEntries(file).map((e) => [e.name, e]));
  const text = (name: string) => {
    const e = entries.get(name);
    return e ? partText(file, e) : null;
  };
  const root = relationships(text('_rels/.rels')).find((r) => r.type.endsWith('/officeDocument'));
  const workbookPath = root ? resolve('', root.target) : 'xl/workbook.xml';
  const workbook = text(workbookPath);
  if (workbook === null) corrupt();
  const firstSheet = /<(?:[\w.-]+:)?sheet\b([^>]*)>/.exec(workbook)?.[1];
  if (firstSheet === undefined) throw new XlsxGuardError('NOT_XLSX', '工作簿中没有工作表');
  const rid = /(?:^|\s)[\w.-]+:id\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(firstSheet);
  const rels = relationships(text(relsPath(workbookPath)));
  const byId = (type: string) => rels.find((r) => r.type.endsWith(type));
  const sheetRel = rels.find((r) => r.id === (rid?.[1] ?? rid?.[2]));
  const sheetEntry = sheetRel ? entries.get(resolve(workbookPath, sheetRel.target)) : undefined;
  if (!sheetEntry) corrupt();
  const workbookPr = /<(?:[\w.-]+:)?workbookPr\b([^>]*)>/.exec(workbook)?.[1] ?? '';
  const date1904 = ['1', 'true'].includes(attr(workbookPr, 'date1904') ?? '');
  const stylesRel = byId('/styles');
  const isDate = dateStyles(stylesRel ? text(resolve(workbookPath, stylesRel.target)) : null);

  const shared: string[] = [];
  const stringsRel = byId('/sharedStrings');
  const stringsEntry = stringsRel ? entries.get(resolve(workbookPath, stringsRel.target)) : undefined;
  if (stringsEntry) {
    for await (const items of elements(partChunks(file, stringsEntry, () => undefined), 'si')) {
      for (const m of items) shared.push(m[2] === undefined ? '' : runsText(m[2]));
    }
  }

  let fraction = 0;
  let lastRow = 0;
  for await (const found of elements(
    partChunks(file, sheetEntry, (f) => (fraction = f)),
    'row',
  )) {
    const rows: SheetRow[] = [];
    for (const m of found) {
      const r = ATTR_R.exec(m[1]!);
      const number = r ? Number(r[1] ?? r[2]) : lastRow + 1;
      lastRow = number;
      const values: CellValue[] = [];
      if (m[2]) {
        let col = 0;
        CELL.lastIndex = 0;
        for (let c = CELL.exec(m[2]); c; c = CELL.exec(m[2])) {
          const attrs = c[1]!;
          const ref = ATTR_R.exec(attrs);
          col = (ref && columnOf(ref[1] ?? ref[2]!)) || col + 1;
          const inner = c[2];
          if (!inner) continue;
          if (FORMULA.test(inner)) {
            values[col] = { formula: '' };
            continue;
          }
          const tm = ATTR_T.exec(attrs);
          const type = tm ? (tm[1] ?? tm[2]) : 'n';
          if (type === 'inlineStr') {
            const is = INLINE.exec(inner);
            if (is) values[col] = runsText(is[1]!);
            continue;
          }
          const v = VALUE.exec(inner)?.[1];
          if (v === undefined) continue;
          switch (type) {
            case 's':
              values[col] = shared[Number(v)] ?? '';
              break;
            case 'str':
              values[col] = xmlText(v);
              break;
            case 'b':
              values[col] = Number(v) !== 0;
              break;
            case 'e':
              values[col] = { error: xmlText(v) };
              break;
            case 'd':
              values[col] = new Date(v);
              break;
            default: {
              const n = parseFloat(v);
              const s = ATTR_S.exec(attrs);
              values[col] = s && isDate[Number(s[1] ?? s[2])] ? excelDate(n, date1904) : n;
            }
          }
        }
      }
      rows.push({ number, values });
    }
    if (rows.length > 0) yield { rows, fraction };
  }
}
