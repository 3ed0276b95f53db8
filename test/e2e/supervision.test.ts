import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';

/**
 * Supervision journey (ST-1…ST-7): the provincial admin of the demo opens 统计监督, drills down from
 * the province to a county by clicking rows, exports the table to Excel and checks the file.
 */
const root = resolve(import.meta.dirname, '../..');
const shots = join(root, 'test-results', 'e2e');
const CHROMIUM = '/usr/bin/chromium';
const PROVINCE_ADMIN = '339901198803150114'; // 钱省管, README demo account
const DEMO_PASSWORD = 'Zhejiang@2026';

let server: ChildProcess | undefined;
let serverLog = '';
let dataDir = '';
let baseUrl = '';
let browser: Browser | undefined;

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

async function waitForHealth(url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (server?.exitCode !== null && server?.exitCode !== undefined) throw new Error(`server exited (${server.exitCode}):\n${serverLog}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`server did not become healthy within ${ms} ms:\n${serverLog}`);
}

// Playwright's auto-waiting, without its test runner: wait for the state, fail with the locator.
const visible = (l: Locator) => l.filter({ visible: true }).first().waitFor({ state: 'visible', timeout: 15_000 });

async function login(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('身份证号码').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

/** After a resize: no request in flight and two frames painted (antd switches layout on matchMedia). */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  // A string, because this file is type-checked without the DOM library.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
}

/** Desktop and phone screenshots of the same screen; `phoneMarker` proves the phone layout is on. */
async function screenshots(page: Page, name: string, phoneMarker?: Locator): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await settle(page);
  await page.screenshot({ path: join(shots, `${name}-1440.png`), fullPage: true });
  await page.setViewportSize({ width: 375, height: 812 });
  if (phoneMarker) await visible(phoneMarker);
  await settle(page);
  await page.screenshot({ path: join(shots, `${name}-375.png`), fullPage: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await settle(page);
}

beforeAll(async () => {
  const serverJs = join(root, 'dist', 'server.js');
  const webIndex = join(root, 'web', 'dist', 'index.html');
  if (!existsSync(serverJs) || !existsSync(webIndex)) {
    throw new Error(`The e2e test runs the built app, but ${existsSync(serverJs) ? webIndex : serverJs} is missing: run "npm run build" first.`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) to run the e2e tests.`);
  mkdirSync(shots, { recursive: true });

  dataDir = mkdtempSync(join(tmpdir(), 'zhtj-e2e-'));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [serverJs], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', ZHTJ_TEST_API: '1', NODE_ENV: 'test', DATABASE_URL: '', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout?.on('data', (d: Buffer) => (serverLog += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
  await waitForHealth(baseUrl, 180_000);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('supervision journey', () => {
  it('ST-1…ST-4: the provincial admin drills down from the province to a county and exports the table', async () => {
    const context = await browser!.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
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
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出Excel' }).click()]);
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
