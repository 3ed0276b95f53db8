import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, app, clickSettled, login, screenshots, setServerClock, useApp, visible } from './harness';

const COLLEGE_ADMIN = '339901199509300526'; // 吴院管, README demo account
const GRADUATE = '冯毕业'; // in 2022级计算机科学与技术班团支部 (毕业生团组织), no transfer in the demo

useApp({ ADMIN_PASSWORD_MAX_AGE_DAYS: '0' });

describe('学社衔接 tab (TR-10 … TR-12, MEM-7, GRAD-8)', () => {
  it('after 7月25日 a college admin puts an unemployed graduate into the 毕业学生流动团员团支部, records a destination and deletes an emptied branch', async () => {
    await setServerClock('2026-08-03T02:00:00.000Z');
    const context = await app.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    await login(page, COLLEGE_ADMIN, DEMO_PASSWORD);
    await visible(page.getByRole('heading', { name: '计算机科学与技术学院团委' }));
    await page.getByRole('tab', { name: '学社衔接' }).click();
    await visible(page.getByText('2026年学社衔接时间节点'));
    const unplaced = page.locator('.ant-card', { hasText: '7月25日后仍未办理转接的毕业生' });
    await visible(unplaced.getByText(GRADUATE));
    await screenshots(page, 'campaign-deadlines');

    await unplaced.getByRole('checkbox', { name: `选择${GRADUATE}` }).check();
    await unplaced.getByRole('button', { name: /转入流动团员团支部（1）/ }).click();
    await clickSettled(page.getByRole('dialog'), '转入');
    await visible(page.getByText('已将 1 名毕业生转入毕业学生流动团员团支部'));
    await expect.poll(() => unplaced.getByText(GRADUATE).count()).toBe(0);

    // MEM-7 on screen.
    await page.getByRole('tab', { name: '毕业去向' }).click();
    await page.getByRole('button', { name: `填写${GRADUATE}的毕业去向` }).click();
    const dialog = page.getByRole('dialog', { name: `毕业去向 · ${GRADUATE}` });
    await dialog.getByLabel('去向单位').fill('杭州某科技有限公司');
    await dialog.getByLabel('单位地址').fill('杭州市西湖区文三路1号');
    await dialog.getByRole('button', { name: '保存' }).click();
    await visible(page.getByText(`已保存 ${GRADUATE} 的毕业去向`));
    await visible(page.locator('.ant-table-tbody tr', { hasText: GRADUATE }).getByText('杭州某科技有限公司'));
    await screenshots(page, 'campaign-destinations');

    // GRAD-8: a member marked 延迟毕业 and revoked leaves an emptied 延迟毕业团支部 (set up through the API).
    const orgId = /\/manage\/(\d+)/.exec(page.url())![1]!;
    const session = (await (await page.request.get(`${app.baseUrl}/api/auth/session`)).json()) as { csrfToken: string };
    const headers = { 'x-csrf-token': session.csrfToken, 'x-org-id': orgId };
    const overview = (await (await page.request.get(`${app.baseUrl}/api/graduation/campaign`, { headers })).json()) as { lists: { key: string; items: { id: number }[] }[] };
    const someone = overview.lists.find((l) => l.key === 'UNPLACED')!.items[0]!.id;
    const marked = await page.request.post(`${app.baseUrl}/api/graduation/member-marks`, { headers, data: { memberIds: [someone], mark: { kind: 'DELAYED', graduationAt: '2027-06', reason: '休学一年' } } });
    expect(marked.status()).toBe(200);
    expect((await page.request.post(`${app.baseUrl}/api/graduation/member-marks/revoke`, { headers, data: { memberIds: [someone] } })).status()).toBe(200);

    await page.getByRole('tab', { name: '已清空组织' }).click();
    await page.getByRole('checkbox', { name: '选择延迟毕业团支部' }).check();
    await screenshots(page, 'campaign-empty-branches');
    await page.getByRole('button', { name: /批量删除（1）/ }).click();
    await clickSettled(page.getByRole('dialog'), '删除');
    await visible(page.getByText('已删除 1 个团支部，历史记录仍保留'));
    await visible(page.getByText('没有已清空的毕业生团组织或临时团支部'));
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
