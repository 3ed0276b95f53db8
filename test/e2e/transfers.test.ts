import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The graduate transfer journey (issue 3/7) in the built app on a fresh demo database: a college
 * starts a 未就业 transfer to a township; the township approves and allocates to its 学社衔接临时团支部;
 * the member sees it completed in 个人中心. Screenshots at 1440 and 375 px.
 */
const root = resolve(import.meta.dirname, '../..');
const shots = join(root, 'test-results', 'e2e');
const CHROMIUM = '/usr/bin/chromium';
// README demo accounts.
const COLLEGE_ADMIN = '339901199509300526'; // 吴院管
const TOWNSHIP_ADMIN = '339901199307080350'; // 李街管, 西溪街道团工委
const GRADUATE = '339901200406070938'; // 冯毕业, 2022级 (毕业生团组织)
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
const hidden = (l: Locator) => l.first().waitFor({ state: 'hidden', timeout: 15_000 });

async function login(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('身份证号码').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: '用户菜单' }).click();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await visible(page.getByRole('button', { name: '登录' }));
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

describe('graduate transfer journey', () => {
  it('TR-2/3/6/9: 未就业 from the college to 西溪街道, approved and allocated, seen by the member', async () => {
    const context = await browser!.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    try {

    // 1. The college admin starts the transfer with the wizard.
    await login(page, COLLEGE_ADMIN, DEMO_PASSWORD);
    await page.waitForURL(/\/manage\/\d+/);
    await page.goto(`${page.url().split('?')[0]}?tab=transfers`);
    await page.getByRole('button', { name: '转出发起' }).click();
    const wizard = page.getByRole('dialog', { name: '转出发起' });
    await wizard.getByLabel('选择团员').fill('冯毕业');
    await page.locator('.ant-select-dropdown').getByText('冯毕业（2022级计算机科学与技术班团支部）').click();
    // A multiple select keeps its list open: close it before going on.
    await wizard.getByText('选择团员', { exact: true }).click();
    await hidden(page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)'));
    await wizard.getByRole('button', { name: '下一步' }).click();
    await visible(wizard.getByText('学社衔接', { exact: false }));
    await wizard.getByLabel('转接原因').click();
    await page.locator('.ant-select-dropdown').getByText('未就业', { exact: true }).click();
    await wizard.getByLabel('户籍地或居住地详细地址').fill('浙江省杭州市西湖区西溪街道文二西路8号');
    await wizard.getByRole('button', { name: '下一步' }).click();
    // The suggestion from the address: pick the region down to the township.
    await wizard.locator('.ant-cascader').click();
    for (const name of ['浙江省', '杭州市', '西湖区', '西溪街道']) {
      await page.locator('.ant-cascader-dropdown').getByText(name, { exact: true }).click();
    }
    const suggestions = wizard.locator('.ant-list').filter({ hasText: '推荐的转入组织' });
    await visible(suggestions.getByText('西溪街道团工委的学社衔接临时团支部'));
    await screenshots(page, 'transfer-wizard-suggestion');
    await suggestions.locator('.ant-list-item').filter({ hasText: '地址所在的乡镇街道团组织' }).getByRole('button', { name: '选择' }).click();
    await visible(wizard.getByText(/转入组织：中国共产主义青年团.*西溪街道工作委员会/));
    await wizard.getByRole('button', { name: '下一步' }).click();
    await wizard.getByLabel('备注').fill('户籍地：文二西路8号');
    await wizard.getByRole('button', { name: '提交申请' }).click();
    const drawer = page.locator('.ant-drawer').filter({ hasText: '组织关系转接详情' });
    await visible(drawer.getByText('转入团组织审批'));
    await visible(drawer.getByText('分配团支部'));
    await screenshots(page, 'transfer-detail-started');

    // TR-9: the letter, numbered per org, as an A4 page.
    await drawer.getByRole('button', { name: '介绍信' }).click();
    await page.getByRole('dialog', { name: '开具组织关系介绍信' }).getByLabel('团费交至').fill('2026-06');
    await page.getByRole('button', { name: '开具并打印' }).click();
    const letter = page.getByRole('article', { name: '组织关系介绍信' });
    await visible(letter.getByText(/〔\d{4}〕第1号/));
    await visible(letter.getByText('冯毕业'));
    await screenshots(page, 'transfer-letter');
    await logout(page);

    // 2. The township admin approves from the inbox, then allocates to its 学社衔接临时团支部.
    await login(page, TOWNSHIP_ADMIN, DEMO_PASSWORD);
    await page.waitForURL(/\/manage\/\d+/);
    await page.goto(`${page.url().split('?')[0]}?tab=transfers`);
    await visible(page.getByText('冯毕业'));
    await screenshots(page, 'transfer-inbox', page.getByRole('button', { name: /组织树/ }));
    await page.getByText('冯毕业').first().click();
    const tdrawer = page.locator('.ant-drawer').filter({ hasText: '组织关系转接详情' });
    await tdrawer.getByRole('button', { name: '通过' }).click();
    await visible(tdrawer.getByRole('button', { name: '分配团支部' }));
    await tdrawer.getByRole('button', { name: '分配团支部' }).click();
    const alloc = page.getByRole('dialog', { name: '分配团支部' });
    await alloc.getByLabel('团支部').fill('学社衔接');
    await page.locator('.ant-select-dropdown').getByText('学社衔接临时团支部', { exact: true }).click();
    await alloc.getByRole('button', { name: '分配' }).click();
    await visible(tdrawer.getByText('接转成功', { exact: false }));
    await screenshots(page, 'transfer-detail-completed');
    await page.keyboard.press('Escape');
    await hidden(tdrawer);
    await logout(page);

    // 3. The member sees it completed in 个人中心.
    await login(page, GRADUATE, DEMO_PASSWORD);
    await page.waitForURL(/\/me/);
    const card = page.locator('.ant-card').filter({ hasText: '组织关系转接' }).last();
    await visible(card.getByText('接转成功').first());
    await visible(card.getByText('已分配团支部'));
    await card.scrollIntoViewIfNeeded();
    await screenshots(page, 'transfer-me-completed');
    expect(pageErrors).toEqual([]);
    } catch (err) {
      // The state of the page when a step fails: the screenshot says more than the locator.
      await page.screenshot({ path: join(shots, 'transfer-failure.png'), fullPage: true }).catch(() => undefined);
      throw err;
    } finally {
      await context.close();
    }
  }, 240_000);
});
