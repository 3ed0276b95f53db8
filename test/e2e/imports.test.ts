import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { makeIdNumber } from '../../src/domain/id-number';
import { app, clickSettled, DEMO_PASSWORD, downloadBy, hidden, login, screenshots, useApp, visible } from './harness';

/**
 * The Excel import journey (issue 2/7) in the built app on a fresh demo database: the 导入 drawer of
 * a branch, an upload with one bad row (its HTML name shown as text), the problems table, then
 * 仅导入无误的行; screenshots at 1440 and 375 px.
 */
const COLLEGE_ADMIN = '339901199509300526'; // 吴院管, README demo account
const BRANCH = '2023级计算机科学与技术班团支部';


// 339901 is the demo accounts' fictional county; the demo uses sequences 011–082, so 911–913 are free.
const GOOD = [
  ['导入甲', makeIdNumber('339901', '20050815', '911')],
  ['导入乙', makeIdNumber('339901', '20050816', '913')],
];
const BAD_NAME = '<b>粗体</b>';
const VALID_915 = makeIdNumber('339901', '20050817', '915');
const BAD_ID = VALID_915.slice(0, 17) + (VALID_915.endsWith('0') ? '1' : '0');

async function importFile(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('团员团干部');
  ws.addRow(['姓名*', '身份证号码*', '民族*', '政治面貌*', '入团年月*', '所在团支部*', '是否团干部*', '团内职务', '手机号码', '团员身份认定依据', '发展团员编号']);
  GOOD.forEach(([name, id], i) => ws.addRow([name, id, '汉族', '共青团员', '2020-05', '', '否', '', '', '入团志愿书', `20209999${String(11 + i).padStart(4, '0')}`]));
  ws.addRow([BAD_NAME, BAD_ID, '火星族', '共青团员', '2020-05', '', '是', '', '', '', '']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

useApp();

describe('Excel import journey (issue 2/7)', () => {
  it('a branch imports members: problems of every row on screen, the HTML name as text, then only the valid rows', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('dialog', (d) => {
      pageErrors.push(`unexpected dialog: ${d.message()}`);
      void d.dismiss();
    });

    await login(page, COLLEGE_ADMIN, DEMO_PASSWORD);
    await page.waitForURL(/\/manage\/\d+/);
    await page.locator('.ant-tree').getByText(BRANCH, { exact: true }).click();
    await visible(page.getByRole('heading', { name: BRANCH }));
    await page.getByRole('button', { name: /导入$/ }).first().click();
    const drawer = page.locator('.ant-drawer-open');
    await visible(drawer.getByText(`导入团员团干部 · ${BRANCH}`));
    await visible(drawer.getByText('点击或把 Excel 文件拖到这里'));
    await screenshots(page, 'import-1-drawer', drawer.getByText('点击或把 Excel 文件拖到这里'));

    // The template downloads with the drop-downs and the 填写说明 sheet.
    const tpl = await downloadBy(page, drawer.getByRole('button', { name: '下载模板' }), /^\/api\/imports\/template$/);
    expect(tpl.suggestedFilename()).toBe('团员团干部导入模板.xlsx');

    await drawer.locator('input[type=file]').setInputFiles({ name: '本班团员.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await importFile() });
    await visible(drawer.getByText('共 3 行，其中 1 行有错误，2 行无误'));
    const problemRow = drawer.locator('.ant-table-tbody tr', { hasText: '民族' });
    await visible(problemRow);
    const text = await problemRow.innerText();
    expect(text).toContain(BAD_NAME); // shown as text, not rendered as bold
    expect(await problemRow.locator('b').count()).toBe(0);
    expect(text).toContain('身份证号码校验位错误');
    expect(text).toContain('“火星族”不是可选的民族');
    expect(text).toContain('团干部须填写团内职务');
    await screenshots(page, 'import-2-problems', drawer.getByText('1 行有问题'));

    const errBook = await downloadBy(page, drawer.getByRole('button', { name: '下载错误说明工作簿' }), /^\/api\/imports\/\d+\/error-workbook$/);
    expect(errBook.suggestedFilename()).toBe('本班团员-错误说明.xlsx');

    await drawer.getByRole('button', { name: '仅导入无误的行（2 行）' }).click();
    await clickSettled(page.locator('.ant-popconfirm'), /导\s*入/);
    await visible(drawer.getByText('已导入 2 行'));
    await screenshots(page, 'import-3-done', drawer.getByText('已导入 2 行'));
    await page.keyboard.press('Escape');
    await hidden(drawer);

    await page.getByPlaceholder('姓名开头').fill('导入甲');
    await page.getByRole('button', { name: '查询' }).click();
    await visible(page.locator('.ant-table-tbody tr', { hasText: '导入甲' }));
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
