import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { sheetRows, type SheetRow } from '../../src/lib/xlsx-read';
import { ImportFileError, readRows, type RawRow } from '../../src/server/modules/imports/engine';

/** A zip of the given parts in the given order (deflated, or stored when `stored`). */
async function zip(files: [string, string][], stored = false): Promise<Buffer> {
  const z = new JSZip();
  for (const [name, text] of files) z.file(name, text);
  return z.generateAsync({ type: 'nodebuffer', compression: stored ? 'STORE' : 'DEFLATE' });
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

function parts(sheet: string, opts: { strings?: string; styles?: string; workbookPr?: string; sheetTarget?: string } = {}): [string, string][] {
  const target = opts.sheetTarget ?? 'worksheets/sheet1.xml';
  return [
    ['[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'],
    ['_rels/.rels', `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`],
    [
      'xl/_rels/workbook.xml.rels',
      `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="${REL}/worksheet" Target="worksheets/other.xml"/><Relationship Id="rId3" Type="${REL}/worksheet" Target="${target}"/><Relationship Id="rId4" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId5" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
    ],
    ['xl/workbook.xml', `<workbook ${NS}>${opts.workbookPr ?? ''}<sheets><sheet name="数据" sheetId="1" r:id="rId3"/><sheet name="说明" sheetId="2" r:id="rId9"/></sheets></workbook>`],
    ['xl/sharedStrings.xml', `<sst ${NS}>${opts.strings ?? ''}</sst>`],
    ['xl/styles.xml', `<styleSheet ${NS}>${opts.styles ?? ''}</styleSheet>`],
    ['xl/worksheets/other.xml', `<worksheet ${NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>不是第一个表</t></is></c></row></sheetData></worksheet>`],
    [`xl/${target}`, `<worksheet ${NS}><sheetData>${sheet}</sheetData></worksheet>`],
  ];
}

/** A sparse row as the reader gives it: values at their column numbers, holes elsewhere. */
function at(cells: Record<number, SheetRow['values'][number]>): SheetRow['values'] {
  const values: SheetRow['values'] = [];
  for (const [col, v] of Object.entries(cells)) values[Number(col)] = v;
  return values;
}

async function read(file: Buffer): Promise<SheetRow[]> {
  const out: SheetRow[] = [];
  for await (const { rows } of sheetRows(file)) out.push(...rows);
  return out;
}

describe('reading a worksheet for an import (issue 2/7)', () => {
  it('reads every kind of cell value the way ExcelJS gave it', async () => {
    const strings = '<si><t>姓名</t></si><si><r><t>张</t></r><r><rPr><b/></rPr><t xml:space="preserve">三 </t></r><rPh sb="0" eb="1"><t>チョウ</t></rPh></si><si><t>A&amp;B &lt;b&gt; &#27721;&#x5b57;&#1114112;</t></si><si/>';
    const styles =
      '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>' +
      '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164"/><xf numFmtId="49"/><xf numFmtId="31"/></cellXfs>';
    const sheet =
      '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>' +
      '<row r="3" spans="1:9"><c r="A3" t="s"><v>2</v></c><c r="B3"><v>42.5</v></c><c r="C3" s="1"><v>45444</v></c><c r="D3" s="2"><v>45444</v></c>' +
      '<c r="E3" s="3"><v>110101200001011234</v></c><c r="F3" t="b"><v>1</v></c><c r="G3" t="e"><v>#N/A</v></c><c r="H3" t="str"><v>x&lt;y</v></c><c r="I3" s="4"><v>45444</v></c></row>' +
      '<row r="4"/>' +
      '<row><c t="inlineStr"><is><r><t>李</t></r><r><t>四</t></r></is></c><c/><c t="d"><v>2024-06-01T00:00:00Z</v></c><c r="AB5" t="s"><v>3</v></c><c r="AC5"><f>1+1</f><v>2</v></c></row>';
    const rows = await read(await zip(parts(sheet, { strings, styles })));
    expect(rows.map((r) => r.number)).toEqual([1, 3, 4, 5]);
    expect(rows[0]!.values).toStrictEqual(at({ 1: '姓名', 3: '张三 ' }));
    const june1 = new Date(Date.UTC(2024, 5, 1));
    // E3 is an ID number Excel stored as a number: it comes back as that number (cellText then reports it).
    expect(rows[1]!.values).toStrictEqual(at({ 1: 'A&B <b> 汉字&#1114112;', 2: 42.5, 3: june1, 4: june1, 5: Number('110101200001011234'), 6: true, 7: { error: '#N/A' }, 8: 'x<y', 9: june1 }));
    expect(rows[2]!.values).toEqual([]);
    const last = rows[3]!.values;
    expect(last[1]).toBe('李四');
    expect(2 in last).toBe(false); // an empty cell is a hole, not a value
    expect(last[3]).toEqual(june1);
    expect(last[28]).toBe('');
    expect(last[29]).toEqual({ formula: '' });
  });

  it('reads dates of a 1904 workbook, a stored (uncompressed) zip and a namespace prefix', async () => {
    const sheet = '<x:row r="1"><x:c r="A1" s="1"><x:v>0</x:v></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>王五</x:t></x:is></x:c></x:row>';
    const prefixed = parts('', { styles: '<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>', workbookPr: '<workbookPr date1904="1"/>' }).map(([name, text]): [string, string] =>
      name === 'xl/worksheets/sheet1.xml' ? [name, `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>${sheet}</x:sheetData></x:worksheet>`] : [name, text],
    );
    const rows = await read(await zip(prefixed, true));
    expect(rows).toStrictEqual([{ number: 1, values: at({ 1: new Date(Date.UTC(1904, 0, 1)), 2: '王五' }) }]);
  });

  it('finds the first sheet through the workbook, in whatever order the parts are stored', async () => {
    const files = parts('<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>王甲子</t></is></c></row>', { sheetTarget: '/xl/worksheets/data.xml' }).map(
      ([name, text]): [string, string] => [name === 'xl//xl/worksheets/data.xml' ? 'xl/worksheets/data.xml' : name, text],
    );
    // The worksheets first and the workbook last (ExcelJS's streaming reader needs the workbook first).
    const reversed = [...files].reverse();
    const read: RawRow[] = [];
    await readRows(await zip(reversed), [{ key: 'name', header: '姓名', required: true }], async (b) => void read.push(...b), async () => undefined);
    expect(read.map((r) => [r.rowNo, r.cells.name])).toEqual([[2, '王甲子']]);
  });

  it('no Chinese character is split at a chunk boundary (ExcelJS decodes each chunk on its own)', async () => {
    const names = Array.from({ length: 6000 }, (_, i) => `共青团员张${'三'.repeat(i % 7)}${i}`);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('S');
    ws.addRow(['姓名']);
    for (const n of names) ws.addRow([n]);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const read: RawRow[] = [];
    const progress: number[] = [];
    await readRows(file, [{ key: 'name', header: '姓名', required: true }], async (b) => void read.push(...b), async (f) => void progress.push(f), 500);
    expect(read.map((r) => r.cells.name)).toEqual(names);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.every((f, i) => f > 0 && f <= 1 && (i === 0 || f >= progress[i - 1]!))).toBe(true);
  });

  it('gives the values ExcelJS reads from a workbook ExcelJS wrote', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('S');
    ws.addRow(['name', 'n', 'when', 'flag', 'rich', 'id']);
    for (let i = 0; i < 300; i++) {
      const row = ws.addRow([`name ${i} & <x>`, i * 1.5, new Date(Date.UTC(2000 + (i % 20), i % 12, 1 + (i % 28))), i % 2 === 0, { richText: [{ text: 'a' }, { font: { bold: true }, text: `b${i}` }] }, `1101012000${String(i).padStart(8, '0')}`]);
      if (i % 7 === 0) row.getCell(8).value = 'far';
    }
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([file]), { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
    const expected: SheetRow[] = [];
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = (row.values as unknown[]).map((v) => (v && typeof v === 'object' && 'richText' in v ? (v as { richText: { text: string }[] }).richText.map((r) => r.text).join('') : v));
        expected.push({ number: row.number, values: values as SheetRow['values'] });
      }
      break;
    }
    expect(expected.length).toBe(301);
    expect(await read(file)).toEqual(expected);
  });

  it('a workbook without a worksheet, or whose worksheet part is missing, is a file error with a Chinese reason', async () => {
    const noSheet = parts('').map(([name, text]): [string, string] => [name, name === 'xl/workbook.xml' ? `<workbook ${NS}><sheets/></workbook>` : text]);
    const missing = parts('').filter(([name]) => name !== 'xl/worksheets/sheet1.xml');
    for (const file of [await zip(noSheet), await zip(missing)]) {
      const failure = await readRows(file, [{ key: 'name', header: '姓名' }], async () => undefined, async () => undefined).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(ImportFileError);
      expect((failure as Error).message).toMatch(/工作表|损坏/);
    }
  });
});
