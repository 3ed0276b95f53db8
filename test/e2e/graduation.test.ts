import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, app, chooseOption, clickSettled, login, runJob, screenshots, setServerClock, useApp, visible } from './harness';

const COLLEGE_ADMIN = '339901199509300526'; // 吴院管, README demo account
const CLASSES = ['2023级计算机科学与技术班团支部', '2023级软件工程班团支部', '2023级人工智能班团支部'];
const TEACHERS = '教工团支部';

// The clock jumps months ahead; admin password ageing would get in the way of this journey.
useApp({ ADMIN_PASSWORD_MAX_AGE_DAYS: '0' });

describe('graduation season (GRAD-1…6)', () => {
  it('a college admin marks four branches, the 6月1日 conversion runs, one member is marked 延迟毕业 and leaves the class', async () => {
    await setServerClock('2027-03-01T02:00:00.000Z');
    const context = await app.browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    await login(page, COLLEGE_ADMIN, DEMO_PASSWORD);
    await visible(page.getByRole('heading', { name: '计算机科学与技术学院团委' }));
    await page.getByRole('tab', { name: '下级组织', exact: true }).click();
    for (const name of CLASSES) await page.getByRole('checkbox', { name: `选择${name}` }).check();
    await page.getByRole('button', { name: /标记团支部团员毕业时间（3）/ }).click();
    const dialog = page.getByRole('dialog', { name: '标记团支部团员毕业时间' });
    // GRAD-7: 2023级 + 本科 → 2027年6月, proposed by the form.
    await dialog.getByRole('button', { name: '推算毕业时间' }).click();
    await expect.poll(() => dialog.getByLabel('预计毕业时间', { exact: true }).inputValue()).toBe('2027年6月');
    await dialog.getByRole('button', { name: '下一步' }).click();
    const confirm = page.getByRole('dialog', { name: '请确认标记' });
    await visible(confirm.getByText('到毕业当年的转换日'));
    await confirm.getByRole('button', { name: '确定标记' }).click();
    await visible(page.getByText('已标记 3 个团支部'));
    for (const name of CLASSES) await visible(page.locator('.ant-table-tbody tr', { hasText: name }).getByText('2027年6月'));

    // The fourth: the teachers' branch has no graduation time, only a reason (GRAD-2).
    await page.getByRole('button', { name: `修改${TEACHERS}的毕业时间` }).click();
    await page.getByRole('dialog', { name: '标记团支部团员毕业时间' }).getByLabel('无法确定毕业时间（选择理由）').check();
    await chooseOption(page, page.getByRole('dialog', { name: '标记团支部团员毕业时间' }).getByLabel('理由', { exact: true }), '教师支部');
    await page.getByRole('button', { name: '下一步' }).click();
    await clickSettled(page.getByRole('dialog', { name: '请确认标记' }), '确定标记');
    await visible(page.locator('.ant-table-tbody tr', { hasText: TEACHERS }).getByText('无法确定：教师支部'));
    await screenshots(page, 'graduation-marks');

    // 6月1日: the conversion job runs; the marked classes become 毕业生团组织 (GRAD-5).
    await setServerClock('2027-06-01T01:00:00.000Z');
    await runJob('graduation-conversion');
    await login(page, COLLEGE_ADMIN, DEMO_PASSWORD); // the session expired while the clock moved
    await visible(page.getByRole('heading', { name: '计算机科学与技术学院团委' }));
    await page.getByRole('tab', { name: '下级组织', exact: true }).click();
    for (const name of CLASSES) await visible(page.locator('.ant-table-tbody tr', { hasText: name }).getByText('毕业生团组织'));
    await expect.poll(() => page.locator('.ant-table-tbody tr', { hasText: TEACHERS }).getByText('毕业生团组织').count()).toBe(0);

    // GRAD-6: 王团员 is marked 延迟毕业团员 and moves to the 延迟毕业团支部.
    await page.locator('.ant-tree').getByText(CLASSES[0]!, { exact: true }).click();
    await visible(page.getByRole('heading', { name: CLASSES[0]! }));
    await page.getByRole('tab', { name: '团员', exact: true }).click();
    await page.getByPlaceholder('姓名开头').fill('王团员');
    await page.getByRole('button', { name: '查询' }).click();
    const row = page.locator('.ant-table-tbody tr', { hasText: '王团员' });
    await visible(row.getByText('毕业生'));
    await page.getByRole('checkbox', { name: '选择王团员' }).check();
    await page.getByRole('button', { name: /标记延迟毕业团员\/教师（1）/ }).click();
    const mark = page.getByRole('dialog', { name: '标记延迟毕业团员/教师' });
    await mark.getByLabel('预计毕业时间').click();
    await mark.getByLabel('预计毕业时间').fill('2028年6月');
    await mark.getByLabel('预计毕业时间').press('Enter');
    await mark.getByLabel('延迟毕业原因').fill('休学一年');
    await mark.getByRole('button', { name: '确定' }).click();
    await visible(page.getByText('已标记 1 名团员'));
    await expect.poll(() => page.locator('.ant-table-tbody tr', { hasText: '王团员' }).count()).toBe(0);
    await screenshots(page, 'graduation-delayed');

    // The 延迟毕业团支部 was created below the college (GRAD-6): open it from the college's 下级组织
    // after a reload, as a colleague opening the page would. The tree re-renders after the phone-size
    // screenshot; under load a click can land on a node being replaced, so it is repeated until the
    // college's page shows.
    await page.reload();
    const collegeHeading = page.getByRole('heading', { name: '计算机科学与技术学院团委', exact: true });
    for (let i = 0; i < 3 && !(await collegeHeading.isVisible()); i++) {
      await page.locator('.ant-tree').getByText('计算机科学与技术学院团委', { exact: true }).click();
      await collegeHeading.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
    }
    await visible(collegeHeading);
    await page.getByRole('tab', { name: '下级组织', exact: true }).click();
    await page.locator('.ant-table-tbody tr', { hasText: '延迟毕业团支部' }).getByText('延迟毕业团支部', { exact: true }).first().click();
    await visible(page.getByRole('heading', { name: '延迟毕业团支部' }));
    await page.getByRole('tab', { name: '团员', exact: true }).click();
    const moved = page.locator('.ant-table-tbody tr', { hasText: '王团员' });
    await visible(moved.getByText('延迟毕业团员'));
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
