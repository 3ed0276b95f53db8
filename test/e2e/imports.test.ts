import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { makeIdNumber } from '../../src/domain/id-number';

/**
 * The Excel import journey (issue 2/7) in the built app on a fresh demo database: the 导入 drawer of
 * a branch, an upload with one bad row (its HTML name shown as text), the problems table, then
 * 仅导入无误的行; screenshots at 1440 and 375 px.
 */
const root = resolve(import.meta.dirname, '../..');
const shots = join(root, 'test-results', 'e2e');
const CHROMIUM = '/usr/bin/chromium';
const COLLEGE_ADMIN = '339901199509300526'; // 吴院管, README demo account
const DEMO_PASSWORD = 'Zhejiang@2026';
const BRANCH = '2023级计算机科学与技术班团支部';

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
const hidden = (l: Locator) => l.first().waitFor({ state: 'hidden', timeout: 15_000 });

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

describe('Excel import journey (issue 2/7)', () => {
  it('a branch imports members: problems of every row on screen, the HTML name as text, then only the valid rows', async () => {
    const context = await browser!.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
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
    const [tpl] = await Promise.all([page.waitForEvent('download'), drawer.getByRole('button', { name: '下载模板' }).click()]);
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

    const [errBook] = await Promise.all([page.waitForEvent('download'), drawer.getByRole('button', { name: '下载错误说明工作簿' }).click()]);
    expect(errBook.suggestedFilename()).toBe('本班团员-错误说明.xlsx');

    await drawer.getByRole('button', { name: '仅导入无误的行（2 行）' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /导\s*入/ }).click();
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
