import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { totpAt } from '../../src/lib/totp';
import { app, logout, screenshots, serverDataDir, useApp, visible } from './harness';

// Issue 7 item 3: no default superadmin; the first admin comes from the bootstrap token and binds an
// authenticator at the first login; a recovery code replaces a lost phone once.
const ADMIN_ID = '339901198503019114';
const ADMIN_PASSWORD = 'Lantern-River-Dawn-31';

useApp({ DEMO_SEED: '0' });

describe('admin second factor journey', () => {
  it('bootstrap → first login binds TOTP (QR, code, recovery codes) → 管理中心; a recovery code logs in once', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    const token = readFileSync(join(serverDataDir(), 'secrets', 'bootstrap-token'), 'utf8').trim();
    await page.goto(`${app.baseUrl}/bootstrap`);
    await visible(page.getByText('系统初始化：创建第一位后台管理员'));
    await page.getByLabel('初始化令牌').fill(token);
    await page.getByLabel('姓名').fill('初始管理员');
    await page.getByLabel('身份证号码').fill(ADMIN_ID);
    await page.getByLabel('密码', { exact: true }).fill(ADMIN_PASSWORD);
    await page.getByLabel('再次输入密码').fill(ADMIN_PASSWORD);
    await screenshots(page, 'mfa-bootstrap');
    await page.getByRole('button', { name: '创建管理员' }).click();
    await visible(page.getByText('第一位后台管理员已创建'));
    await page.getByRole('button', { name: '去登录' }).click();

    await page.getByLabel('身份证号码').fill(ADMIN_ID);
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/mfa$/);
    await visible(page.getByRole('img', { name: '身份验证器二维码' }));
    const secret = (await page.locator('.ant-typography code').first().innerText()).replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await screenshots(page, 'mfa-enroll');
    const now = async () => new Date(((await (await fetch(`${app.baseUrl}/api/health`)).json()) as { now: string }).now);
    await page.getByLabel('验证码').fill(totpAt(secret, await now()));
    await page.getByRole('button', { name: '确认绑定' }).click();
    const codes = page.getByRole('list', { name: '恢复码' }).getByRole('listitem');
    await visible(codes.first());
    expect(await codes.count()).toBe(10);
    const recovery = (await codes.first().innerText()).trim();
    await screenshots(page, 'mfa-recovery-codes');
    await expect(page.getByRole('button', { name: '继续' }).isDisabled()).resolves.toBe(true);
    await page.getByText('我已保存恢复码').click();
    await page.getByRole('button', { name: '继续' }).click();
    await page.waitForURL(/\/manage\/\d+/);
    await visible(page.getByRole('heading', { name: '团中央' }));

    // A lost phone: the recovery code instead of a TOTP code, once.
    await logout(page);
    await page.getByLabel('身份证号码').fill(ADMIN_ID);
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/mfa$/);
    await visible(page.getByLabel('验证码'));
    await screenshots(page, 'mfa-verify');
    await page.getByRole('button', { name: '使用恢复码' }).click();
    await page.getByLabel('恢复码').fill(recovery);
    await page.getByRole('button', { name: '验证', exact: true }).click();
    await page.waitForURL(/\/manage\/\d+/);

    await logout(page);
    await page.getByLabel('身份证号码').fill(ADMIN_ID);
    await page.getByLabel('密码').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/mfa$/);
    await page.getByRole('button', { name: '使用恢复码' }).click();
    await page.getByLabel('恢复码').fill(recovery);
    await page.getByRole('button', { name: '验证', exact: true }).click();
    await visible(page.getByText('验证码或恢复码不正确'));

    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
