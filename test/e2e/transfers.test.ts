import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { app, DEMO_PASSWORD, hidden, login, logout, screenshots, shots, useApp, visible } from './harness';

/**
 * The graduate transfer journey (issue 3/7) in the built app on a fresh demo database: a college
 * starts a 未就业 transfer to a township; the township approves and allocates to its 学社衔接临时团支部;
 * the member sees it completed in 个人中心. Screenshots at 1440 and 375 px.
 */
// README demo accounts.
const COLLEGE_ADMIN = '339901199509300526'; // 吴院管
const TOWNSHIP_ADMIN = '339901199307080350'; // 李街管, 西溪街道团工委
const GRADUATE = '339901200406070938'; // 冯毕业, 2022级 (毕业生团组织)


useApp();

describe('graduate transfer journey', () => {
  it('TR-2/3/6/9: 未就业 from the college to 西溪街道, approved and allocated, seen by the member', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
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
