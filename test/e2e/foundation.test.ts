import { describe, expect, it } from 'vitest';
import { makeIdNumber } from '../../src/domain/id-number';
import { DEMO_PASSWORD, app, chooseOption, hidden, login, logout, screenshots, useApp, visible } from './harness';

const COLLEGE_ADMIN = '339901199509300526'; // 吴院管, README demo account
const BRANCH = '2023级计算机科学与技术班团支部';
// 339901 is the demo accounts' fictional county; the demo uses sequences 011–082, so 901 is free.
const NEW_ID = makeIdNumber('339901', '20050815', '901');
const NEW_NAME = '林晓测';
const NEW_PASSWORD = 'Qingchun#Tuan2026';

useApp();

describe('foundation journey', () => {
  it('MEM-1/MEM-6: an admin enters a member, who logs in, changes the initial password and completes the profile', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    // The college admin has one role, so login goes straight to that org's 管理中心.
    await login(page, COLLEGE_ADMIN, DEMO_PASSWORD);
    await page.waitForURL(/\/manage\/\d+/);
    await visible(page.getByRole('heading', { name: '计算机科学与技术学院团委' }));

    // Pick the class branch in the tree, then 录入团员 (the branch is preselected).
    await page.locator('.ant-tree').getByText(BRANCH, { exact: true }).click();
    await visible(page.getByRole('heading', { name: BRANCH }));
    await page.getByRole('button', { name: '录入团员' }).click();
    const dialog = page.getByRole('dialog', { name: '录入团员' });
    await visible(dialog.getByText(BRANCH));
    await dialog.getByLabel('姓名').fill(NEW_NAME);
    // The ID number is checked as it is typed (MEM-2).
    await dialog.getByLabel('身份证号码').fill(NEW_ID.slice(0, 17) + (NEW_ID.endsWith('0') ? '1' : '0'));
    await visible(dialog.getByText('身份证号码校验位错误'));
    await dialog.getByLabel('身份证号码').fill(NEW_ID);
    await visible(dialog.getByText('出生日期 2005-08-15'));
    await chooseOption(page, dialog.getByLabel('民族'), '汉族', '汉族');
    await dialog.getByLabel('入团年月').click();
    await dialog.getByLabel('入团年月').fill('2020-05');
    await dialog.getByLabel('入团年月').press('Enter');
    await dialog.getByLabel('发展团员编号').fill('202099990001');
    await dialog.getByRole('button', { name: '录入', exact: true }).click();
    await visible(page.getByText(`已录入团员 ${NEW_NAME}`));
    await page.getByRole('button', { name: '知道了' }).click();

    // Find the new member in the list by name.
    await page.getByPlaceholder('姓名开头').fill(NEW_NAME);
    await page.getByRole('button', { name: '查询' }).click();
    const row = page.locator('.ant-table-tbody tr', { hasText: NEW_NAME });
    await visible(row);
    expect(await row.count()).toBe(1);
    const rowText = await row.innerText();
    expect(rowText).toContain(BRANCH);
    expect(rowText).toContain('339**************'); // masked (SEC-4)
    expect(rowText).not.toContain(NEW_ID);

    // The row menu comes from the list item's own `can`: opening it loads nothing.
    const memberLoads: string[] = [];
    const onRequest = (r: { url(): string }) => {
      if (/\/api\/members\/\d+$/.test(new URL(r.url()).pathname)) memberLoads.push(r.url());
    };
    page.on('request', onRequest);
    await row.getByRole('button', { name: `${NEW_NAME}的更多操作` }).click();
    await visible(page.getByRole('menuitem', { name: '离团' }));
    expect(memberLoads).toEqual([]);
    page.off('request', onRequest);
    await page.keyboard.press('Escape');
    await hidden(page.getByRole('menuitem', { name: '离团' }));

    // 编辑 from the detail drawer: after saving, the drawer is back with the new value.
    await row.getByRole('button', { name: '详情' }).click();
    const drawer = page.locator('.ant-drawer-open').filter({ hasText: '组织关系记录' });
    await visible(drawer.getByRole('button', { name: '编辑' }));
    await drawer.getByRole('button', { name: '编辑' }).click();
    const edit = page.getByRole('dialog', { name: `编辑团员 · ${NEW_NAME}` });
    await edit.getByLabel('工作/学习单位').fill('浙江演示大学计算机科学与技术学院');
    await edit.getByRole('button', { name: '保存' }).click();
    await visible(page.getByText('已保存'));
    await hidden(edit);
    await visible(drawer.getByText('浙江演示大学计算机科学与技术学院'));
    await drawer.locator('.ant-drawer-close').click();
    await hidden(drawer);

    // On a phone the org tree moves into a drawer opened by a button.
    await screenshots(page, 'manage-members', page.getByRole('button', { name: /组织树/ }));

    await logout(page);

    // The new member logs in with the initial password and must change it first (MEM-6).
    await login(page, NEW_ID, NEW_ID.slice(-8));
    await page.waitForURL(/\/password$/);
    await visible(page.getByText('首次登录，请修改初始密码'));
    await page.getByLabel('当前密码（初始密码）').fill(NEW_ID.slice(-8));
    // A password built on the ID number is refused with the policy's reasons.
    await page.getByLabel('新密码', { exact: true }).fill(`abc${NEW_ID.slice(-8)}`);
    await page.getByLabel('再次输入新密码').fill(`abc${NEW_ID.slice(-8)}`);
    await page.getByRole('button', { name: '确认修改' }).click();
    await visible(page.getByText('不能使用初始密码（身份证号码后8位）'));
    await page.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('再次输入新密码').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: '确认修改' }).click();

    // Only a member record, no admin role: straight to 个人中心.
    await page.waitForURL(/\/me$/);
    await visible(page.getByText(`个人中心 · ${NEW_NAME}`));
    await visible(page.getByText('个人资料尚不完整'));

    await page.getByRole('button', { name: '完善资料' }).click();
    const profile = page.getByRole('dialog', { name: '完善个人资料' });
    await profile.getByLabel('户籍所在地').fill('浙江省杭州市西湖区留下街道');
    await profile.getByLabel('现居住地').fill('浙江省杭州市西湖区西溪街道文三路1号');
    await profile.getByRole('button', { name: '保存' }).click();
    await visible(page.getByText('资料已保存'));
    await hidden(profile);

    // Saved on the server: still there after a reload.
    await page.reload();
    await visible(page.getByText('浙江省杭州市西湖区留下街道'));
    await visible(page.getByText('浙江省杭州市西湖区西溪街道文三路1号'));
    await screenshots(page, 'me');

    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('the web app is served pre-compressed, with hashed assets cached for good and the page itself revalidated', async () => {
    const page = await fetch(`${app.baseUrl}/manage/1`, { headers: { 'accept-encoding': 'gzip' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text(); // fetch decodes the gzip body
    const entry = /src="\/(assets\/index-[^"]+\.js)"/.exec(html)?.[1];
    expect(entry).toBeDefined();
    const plain = await fetch(`${app.baseUrl}/${entry}`, { headers: { 'accept-encoding': 'identity' } });
    const brotli = await fetch(`${app.baseUrl}/${entry}`, { headers: { 'accept-encoding': 'br' } });
    expect(brotli.headers.get('content-encoding')).toBe('br');
    expect(brotli.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await brotli.text()).toBe(await plain.text());
    expect(Number(brotli.headers.get('content-length'))).toBeLessThan(Number(plain.headers.get('content-length')) / 2);
  });
});
