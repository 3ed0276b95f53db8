import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { app, DEMO_PASSWORD, downloadBy, login, screenshots, shots, useApp, visible } from './harness';

/**
 * Supervision journey (ST-1…ST-7): the provincial admin of the demo opens 统计监督, drills down from
 * the province to a county by clicking rows, exports the table to Excel and checks the file.
 */
const PROVINCE_ADMIN = '339901198803150114'; // 钱省管, README demo account


useApp();

describe('supervision journey', () => {
  it('ST-1…ST-4: the provincial admin drills down from the province to a county and exports the table', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    await login(page, PROVINCE_ADMIN, DEMO_PASSWORD);
    await page.waitForURL(/\/manage\/\d+/);
    await visible(page.getByRole('heading', { name: '浙江省团委' }));
    await page.getByRole('tab', { name: '统计监督' }).click();
    const table = page.locator('.ant-table').filter({ hasText: '合计（浙江省团委）' });
    await visible(table);
    const hangzhou = table.locator('.ant-table-tbody tr', { hasText: '杭州市团委' });
    await visible(hangzhou);
    await visible(page.getByTestId('figure-chart').locator('canvas'));
    // 11 cities and the university.
    expect(await table.locator('.ant-table-tbody tr.ant-table-row').count()).toBe(12);
    await screenshots(page, 'supervision-province', page.getByRole('button', { name: /组织树/ }));

    // Drill down: the city row, then the county row; the breadcrumb leads back up.
    await hangzhou.getByText('杭州市团委', { exact: true }).click();
    await visible(page.getByRole('heading', { name: '杭州市团委' }));
    const cityTable = page.locator('.ant-table').filter({ hasText: '合计（杭州市团委）' });
    await visible(cityTable);
    await cityTable.locator('.ant-table-tbody tr', { hasText: '西湖区团委' }).getByText('西湖区团委', { exact: true }).click();
    await visible(page.getByRole('heading', { name: '西湖区团委' }));
    const countyTable = page.locator('.ant-table').filter({ hasText: '合计（西湖区团委）' });
    await visible(countyTable);
    const crumbs = await page.locator('.ant-breadcrumb').filter({ hasText: '浙江省团委' }).last().innerText();
    expect(crumbs.replace(/\s+/g, '')).toContain('浙江省团委/杭州市团委/西湖区团委');
    await screenshots(page, 'supervision-county', page.getByRole('button', { name: /组织树/ }));

    // Excel export of what is on screen: the county's next level, then 合计.
    const download = await downloadBy(page, page.getByRole('button', { name: '导出Excel' }), /^\/api\/supervision\/export$/);
    expect(download.suggestedFilename()).toContain('西湖区团委');
    const file = join(shots, 'supervision-county.xlsx');
    await download.saveAs(file);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const ws = wb.worksheets[0]!;
    expect(String(ws.getRow(2).getCell(1).value)).toBe('组织');
    expect(String(ws.getRow(2).getCell(3).value)).toBe('已录入团员数');
    expect(String(ws.getRow(ws.rowCount).getCell(1).value)).toBe('合计（西湖区团委）');
    const countyRowsOnScreen = await countyTable.locator('.ant-table-tbody tr.ant-table-row').count();
    expect(ws.rowCount).toBe(2 + countyRowsOnScreen + 1);

    // ST-4 at the university: the unmarked list; 上报事项 shows the demo reports filed below.
    await page.locator('.ant-breadcrumb a', { hasText: '浙江省团委' }).last().click();
    await visible(page.getByRole('heading', { name: '浙江省团委' }));
    await page.getByText('毕业时间标记', { exact: true }).click();
    await visible(page.getByText(/未标记毕业时间的学校团支部/));
    await page.getByText('转接进度', { exact: true }).click();
    await visible(page.getByText('滞后排名', { exact: true }).first());
    // ST-7: the demo range of 500 numbers issued to the university; REP-3: the 教统 form of the province.
    await page.getByText('发展编号', { exact: true }).click();
    await visible(page.locator('.ant-table-tbody tr', { hasText: '浙江演示大学团委' }).filter({ hasText: '500' }));
    await page.getByText('教统核团统', { exact: true }).click();
    await visible(page.getByText(/填报本级 \d{4} 年教统数据/));
    await visible(page.getByText('学生团员数', { exact: true }).first());
    await screenshots(page, 'supervision-edu');
    await page.getByRole('tab', { name: '发展团员编号' }).click();
    await visible(page.getByText('向直属下级下发号段'));
    await screenshots(page, 'supervision-devnumbers');
    await page.getByRole('tab', { name: '上报事项' }).click();
    await page.getByText('本级及下级上报').click();
    await visible(page.getByText('乡镇街道团委识别更正'));
    await screenshots(page, 'supervision-reports');
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
