import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Download, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { TOTP_STEP_SECONDS, TOTP_WINDOW, totpForStep, totpStep } from '../../src/lib/totp';

/**
 * The browser layer's harness (STYLE.md: thin, for the journeys users take): the built app
 * (dist/server.js + web/dist) on a fresh database with the demo seed and the test API (movable clock,
 * jobs on demand), driven by Chromium at phone and desktop widths. Each e2e file calls `useApp()`.
 */
export const root = resolve(import.meta.dirname, '../..');
export const shots = join(root, 'test-results', 'e2e');
const CHROMIUM = '/usr/bin/chromium';
export const DEMO_PASSWORD = 'Zhejiang@2026';
/** The demo admins' published authenticator secret (README.md, src/seed/demo.ts). */
export const DEMO_TOTP_SECRET = 'ZHTJDEMOZHTJDEMOZHTJDEMOZHTJDEMO';

let server: ChildProcess | undefined;
let serverLog = '';
let dataDir = '';

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
export const visible = (l: Locator) => l.filter({ visible: true }).first().waitFor({ state: 'visible', timeout: 15_000 });
export const hidden = (l: Locator) => l.first().waitFor({ state: 'hidden', timeout: 15_000 });

/**
 * Clicks a button of a dialog or popconfirm once it has finished opening. antd zooms them in; on a
 * loaded CI machine a click during that animation was once lost (the dialog stayed open, nothing
 * was sent), so the click waits for the running animations of the overlay (5 s at most: a spinner
 * never finishes).
 */
export async function clickSettled(overlay: Locator, button: string | RegExp): Promise<void> {
  await visible(overlay);
  // Runs in the page; typed here without the DOM library.
  await overlay.first().evaluate(async (node) => {
    type Animated = { closest(selector: string): Animated | null; getAnimations(o: { subtree: boolean }): { playState: string; finished: Promise<unknown> }[] };
    const el = node as unknown as Animated;
    const root = el.closest('.ant-modal-root, .ant-popover') ?? el;
    const running = root.getAnimations({ subtree: true }).filter((a) => a.playState === 'running');
    await Promise.race([Promise.all(running.map((a) => a.finished.catch(() => undefined))), new Promise((r) => setTimeout(r, 5_000))]);
  });
  await overlay.getByRole('button', { name: button }).click();
}

/**
 * Clicks `button` and returns the file it downloads. The app downloads through fetch and a link it
 * clicks itself (web/src/api/client.ts `download`), so whether the click took is seen in the request
 * to `path`: a click lost on a loaded CI machine (seen once: no download within 30 s, nothing to say
 * why) is made again, at most three times, and a request the server refuses fails with its answer.
 */
export async function downloadBy(page: Page, button: Locator, path: RegExp): Promise<Download> {
  for (let attempt = 1; ; attempt++) {
    const sent = page.waitForRequest((r) => path.test(new URL(r.url()).pathname), { timeout: 5_000 }).then((r) => r, () => null);
    const download = page.waitForEvent('download', { timeout: 30_000 });
    download.catch(() => undefined); // awaited below only when the request went out
    await button.click();
    const request = await sent;
    if (request) {
      const response = await request.response();
      if (!response?.ok()) throw new Error(`下载请求 ${request.url()} 失败：${response ? `${response.status()} ${await response.text()}` : '没有响应'}`);
      return download.catch((err: unknown) => {
        throw new Error(`下载请求 ${request.url()} 已成功，但浏览器没有开始下载：${String(err)}`);
      });
    }
    if (attempt >= 3) throw new Error(`点击三次都没有发出下载请求（${path}）`);
  }
}

/**
 * Picks `option` in the antd Select whose input is `field` (typing `search` first when given, for
 * selects with a search box) and waits until the select shows it. On a loaded CI machine a click on
 * the option during the dropdown's opening motion was once lost (the select stayed empty and the
 * form refused to submit), so a choice that did not take is made again, at most three times.
 */
export async function chooseOption(page: Page, field: Locator, option: string, search?: string): Promise<void> {
  const item = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').getByTitle(option, { exact: true });
  for (let attempt = 1; ; attempt++) {
    // Opened (and searched) unless a lost click left the option on screen: clicking the field again
    // would close the dropdown.
    if (attempt === 1 || !(await item.isVisible())) {
      await field.click();
      if (search !== undefined) await field.fill(search);
    }
    await visible(item);
    await item.click();
    // The select shows the chosen label as its text (the typed search is an input's value, not text).
    const deadline = Date.now() + 3_000;
    while (Date.now() < deadline) {
      // Runs in the page; typed here without the DOM library.
      const shown = await field.evaluate((node) => (node as unknown as { closest(s: string): { textContent: string | null } | null }).closest('.ant-select')?.textContent ?? '');
      if (shown.includes(option)) return;
      await page.waitForTimeout(100);
    }
    if (attempt >= 3) throw new Error(`选择“${option}”三次都没有选上`);
  }
}

/**
 * The last TOTP step each demo admin used on this file's server. The server refuses a step at or
 * below the last one (replay), so a second login within 30 s takes the next step of the ±1 window,
 * and when none is left we wait for the server's next step (its clock runs, from wherever a test set it).
 */
const usedSteps = new Map<string, number>();

async function serverNow(): Promise<Date> {
  const res = await fetch(`${app.baseUrl}/api/health`);
  return new Date(((await res.json()) as { now: string }).now);
}

export async function nextDemoCode(username: string): Promise<string> {
  for (;;) {
    const now = totpStep(await serverNow());
    const last = usedSteps.get(username);
    const clockWentBack = last !== undefined && now + TOTP_WINDOW < last;
    const step = last === undefined || clockWentBack ? now : Math.max(now, last + 1);
    if (step <= now + TOTP_WINDOW) {
      usedSteps.set(username, step);
      return totpForStep(DEMO_TOTP_SECRET, step);
    }
    await new Promise((r) => setTimeout(r, (TOTP_STEP_SECONDS / 3) * 1000));
  }
}

/** Logs in through the login page; a demo admin then passes the second factor (issue 7) with the demo authenticator. */
export async function login(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${app.baseUrl}/login`);
  await page.getByLabel('身份证号码').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  // Either the app leaves /login or shows why not; the loser's timeout is swallowed, never unhandled.
  const left = page.waitForURL((u) => u.pathname !== '/login', { timeout: 15_000 }).then(() => true, () => false);
  const failed = page.locator('.ant-alert-error').first().waitFor({ state: 'visible', timeout: 15_000 }).then(() => false, () => false);
  if (!(await Promise.race([left, failed]))) return;
  if (new URL(page.url()).pathname !== '/mfa') return;
  await page.getByLabel('验证码').fill(await nextDemoCode(username));
  await page.getByRole('button', { name: '验证', exact: true }).click();
  await page.waitForURL((u) => u.pathname !== '/mfa', { timeout: 15_000 });
}

export async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: '用户菜单' }).click();
  await page.getByRole('menuitem', { name: '退出登录' }).click();
  await visible(page.getByRole('button', { name: '登录' }));
}

/** After a resize: no request in flight and two frames painted (antd switches layout on matchMedia). */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  // A string, because this file is type-checked without the DOM library.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
}

/** Desktop and phone screenshots of the same screen; `phoneMarker` proves the phone layout is on. */
export async function screenshots(page: Page, name: string, phoneMarker?: Locator): Promise<void> {
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

/** The running app and browser of the current e2e file. */
export const app: { baseUrl: string; browser: Browser } = { baseUrl: '', browser: undefined as unknown as Browser };

/** Starts the built server on a fresh data directory and a browser before the file's tests; stops both after. */
export function useApp(env: Record<string, string> = {}): typeof app {
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
    app.baseUrl = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [serverJs], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', ZHTJ_TEST_API: '1', NODE_ENV: 'test', DATABASE_URL: '', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (d: Buffer) => (serverLog += d.toString()));
    server.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
    await waitForHealth(app.baseUrl, 180_000);

    app.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  // A failed journey leaves what it saw: every open page as a screenshot and the server's warnings.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const pages = app.browser?.contexts().flatMap((c) => c.pages()) ?? [];
    for (const [i, page] of pages.entries()) {
      await page.screenshot({ path: join(shots, `FAILED-${ctx.task.name.slice(0, 40).replace(/[^\w\u4e00-\u9fa5-]+/g, '_')}-${i}.png`), fullPage: true }).catch(() => undefined);
    }
    console.error(`server log (last 4,000 characters):\n${serverLog.slice(-4000)}`);
  });

  afterAll(async () => {
    await app.browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return app;
}

/** The current e2e server's data directory (e.g. its bootstrap token under secrets/). */
export function serverDataDir(): string {
  return dataDir;
}

/** Moves the server's clock (ZHTJ_TEST_API=1 only). */
export async function setServerClock(now: string): Promise<void> {
  const res = await fetch(`${app.baseUrl}/api/test/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ now }) });
  if (!res.ok) throw new Error(`setClock failed: ${res.status} ${await res.text()}`);
}

/** Runs a scheduled job now (ZHTJ_TEST_API=1 only). */
export async function runJob(name: string): Promise<unknown> {
  const res = await fetch(`${app.baseUrl}/api/test/jobs/${name}`, { method: 'POST' });
  if (!res.ok) throw new Error(`job ${name} failed: ${res.status} ${await res.text()}`);
  return res.json();
}
