/* eslint-disable @typescript-eslint/no-explicit-any -- responses are asserted field by field */
import ExcelJS from 'exceljs';
import { waitForImport } from '../../src/server/modules/imports/imports.service';
import type { Client } from './client';

export const MEMBER_HEADERS = ['姓名*', '身份证号码*', '民族*', '政治面貌*', '入团年月*', '所在团支部*', '是否团干部*', '团内职务', '手机号码', '团员身份认定依据', '发展团员编号'];

/** A workbook as an admin would fill it: one sheet, headers in row 1, cells as text. */
export async function workbook(headers: string[], rows: (string | number | null | object)[][], sheetName = 'Sheet1'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  ws.addRow(headers);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export async function upload(client: Client, file: Buffer, q: { kind?: string; orgId: number; fileName?: string }) {
  const qs = new URLSearchParams({ kind: q.kind ?? 'MEMBERS', orgId: String(q.orgId), fileName: q.fileName ?? 'test.xlsx' });
  return client.request('POST', `/api/imports?${qs}`, file, { 'content-type': 'application/octet-stream' });
}

/** Uploads and waits for the background validation; returns the job as the API shows it. */
export async function uploadAndValidate(client: Client, file: Buffer, q: { kind?: string; orgId: number; fileName?: string }): Promise<any> {
  const res = await upload(client, file, q);
  if (res.status !== 202) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  await waitForImport(res.body.id);
  return (await client.get(`/api/imports/${res.body.id}`)).body;
}

export async function commit(client: Client, id: number, onlyValid = false): Promise<any> {
  const res = await client.post(`/api/imports/${id}/commit`, { onlyValid });
  if (res.status !== 202) return res;
  await waitForImport(id);
  return { status: 202, body: (await client.get(`/api/imports/${id}`)).body };
}

export async function problems(client: Client, id: number): Promise<any[]> {
  return (await client.get(`/api/imports/${id}/rows?pageSize=100`)).body.items;
}

export async function readWorkbook(buf: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as never);
  const rows: string[][] = [];
  wb.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v)))));
  return rows;
}
