import { and, eq, inArray } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, importJobs, importRows, members, persons } from '../../src/db/schema';
import { createTestApp, type TestApp } from '../helpers/app';
import { Factory, testIdNumber, testPhone, type Client, type Tree } from '../helpers/factories';
import { commit, MEMBER_HEADERS, problems, readWorkbook, upload, uploadAndValidate, workbook } from '../helpers/imports';

let t: TestApp;
let f: Factory;
let tree: Tree;
let college: Client;
let branchAdmin: Client;

beforeAll(async () => {
  t = await createTestApp();
  f = new Factory(t);
  tree = await f.tree();
  college = (await f.admin(tree.collegeA)).client;
  branchAdmin = (await f.admin(tree.branchA1)).client;
});
afterAll(() => t.close());

let n = 1000;
/** One valid row (joined 2020, so a development number and 入团志愿书 make the identity verified). */
function row(over: Partial<Record<'name' | 'id' | 'ethnicity' | 'political' | 'joined' | 'branch' | 'cadre' | 'post' | 'phone' | 'evidence' | 'dev', string>> = {}) {
  const k = ++n;
  return [
    over.name ?? `导入${k}`,
    over.id ?? testIdNumber(k, '20050301'),
    over.ethnicity ?? '汉族',
    over.political ?? '共青团员',
    over.joined ?? '2020-05',
    over.branch ?? '',
    over.cadre ?? '否',
    over.post ?? '',
    over.phone ?? testPhone(k),
    over.evidence ?? '入团志愿书',
    over.dev ?? `2020${String(k).padStart(8, '0')}`,
  ];
}

async function membersWithName(name: string) {
  return t.ctx.db.select({ id: members.id, branchId: members.branchId }).from(members).innerJoin(persons, eq(persons.id, members.personId)).where(eq(persons.name, name));
}

describe('Excel import of members (issue 2/7)', () => {
  it('template round trip: download the template, fill it, import into the branch; members, accounts and audit rows are written', async () => {
    const tpl = await branchAdmin.as(tree.branchA1.id).request('GET', '/api/imports/template?kind=MEMBERS');
    expect(tpl.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(tpl.raw.rawPayload as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['团员团干部', '选项', '填写说明']);
    const sheet = wb.worksheets[0]!;
    const headers = (sheet.getRow(1).values as string[]).slice(1);
    // MEM-1 required columns first, then the optional ones
    expect(headers.slice(0, 7)).toEqual(['姓名*', '身份证号码*', '民族*', '政治面貌*', '入团年月*', '所在团支部*', '是否团干部*']);
    const validations = (sheet as unknown as { dataValidations: { model: Record<string, { formulae: string[] }> } }).dataValidations.model;
    const lists = Object.values(validations).map((v) => v.formulae[0]);
    expect(lists.length).toBeGreaterThanOrEqual(4);
    expect(wb.getWorksheet('选项')!.getColumn(1).values.filter(Boolean)).toHaveLength(57); // 56 民族 + 其他
    const a = row({ name: '模板甲' });
    const b = row({ name: '模板乙', cadre: '是', post: '组织委员' });
    sheet.addRow(a);
    sheet.addRow(b);
    const filled = Buffer.from(await wb.xlsx.writeBuffer());

    const job = await uploadAndValidate(branchAdmin.as(tree.branchA1.id), filled, { orgId: tree.branchA1.id, fileName: '模板.xlsx' });
    expect(job).toMatchObject({ status: 'VALIDATED', mode: 'BRANCH', totalRows: 2, errorRows: 0, can: { commit: true, commitValid: false } });
    const done = await commit(branchAdmin.as(tree.branchA1.id), job.id);
    expect(done.body).toMatchObject({ status: 'COMMITTED', committedRows: 2 });
    expect(await membersWithName('模板甲')).toEqual([expect.objectContaining({ branchId: tree.branchA1.id })]);
    const list = await branchAdmin.as(tree.branchA1.id).get(`/api/members?name=模板乙`);
    expect(list.body.items[0]).toMatchObject({ isCadre: true, leaguePosition: '组织委员', identityStatus: 'VERIFIED' });
    const audit = await t.ctx.db.select().from(auditLog).where(inArray(auditLog.action, ['IMPORT_UPLOAD', 'IMPORT_COMMIT']));
    expect(audit.map((r) => r.action)).toEqual(['IMPORT_UPLOAD', 'IMPORT_COMMIT']);
    // Staged personal data and the file are gone after a full commit.
    expect(await t.ctx.db.select().from(importRows).where(eq(importRows.jobId, job.id))).toEqual([]);
    const [stored] = await t.ctx.db.select({ file: importJobs.file }).from(importJobs).where(eq(importJobs.id, job.id));
    expect(stored!.file).toBeNull();
  });
});
