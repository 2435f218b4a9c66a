import AxeBuilder from '@axe-core/playwright';
import { expect, Locator, Page, test } from '@playwright/test';
import { signIn } from './helpers';

const COLUMNS = ['Email', 'Name', 'Role', 'Groups', 'Status', 'Last sign-in', 'Created'];

function column(page: Page, name: string): Locator {
  // The first cell of a row is its selection checkbox.
  const index = COLUMNS.indexOf(name) + 2;
  return page.locator(`table.users-table tbody tr td:nth-child(${index})`);
}

async function texts(l: Locator): Promise<string[]> {
  return (await l.allInnerTexts()).map((t) => t.trim());
}

async function pagesOf(page: Page, size: number): Promise<number> {
  const total = Number((await page.getByText(/^\d+ users$/).innerText()).split(' ')[0]);
  return Math.ceil(total / size);
}

async function openUsers(page: Page) {
  await signIn(page);
  await expect(page).toHaveURL(/\/p\/default\/users$/);
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await expect(page.locator('table.users-table tbody tr')).toHaveCount(20);
}

test('the table shows the project users, 20 a page, with every column', async ({ page }) => {
  await openUsers(page);
  for (const name of COLUMNS) {
    await expect(page.getByRole('columnheader', { name })).toBeVisible();
  }
  // 120 demo users and the admin; later specs may delete some, so derive the pages.
  const total = Number((await page.getByText(/^\d+ users$/).innerText()).split(' ')[0]);
  expect(total).toBeGreaterThan(110);
  await expect(page.getByText(`Page 1 of ${Math.ceil(total / 20)}`, { exact: true })).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'Created' })).toHaveAttribute('aria-sort', 'descending');
  // Relative times carry the exact time on hover.
  await expect(column(page, 'Created').first().locator('time')).toHaveAttribute('title', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
});

test('search filters as you type, lives in the URL and clears', async ({ page }) => {
  await openUsers(page);
  const search = page.getByRole('searchbox', { name: 'Search users' });
  await page.keyboard.press('/');
  await expect(search).toBeFocused();
  // About 40% of demo emails are at example.org / example.com, so "exa" always matches some.
  await page.keyboard.type('exa');
  await expect(page).toHaveURL(/[?&]q=exa(&|$)/);
  await expect(page.getByText(/^Page 1 of \d+$/)).toBeVisible();
  const rows = page.locator('table.users-table tbody tr');
  const n = await rows.count();
  expect(n).toBeGreaterThan(0);
  for (const row of await rows.all()) {
    expect((await row.innerText()).toLowerCase()).toContain('exa');
  }
  await page.reload();
  await expect(search).toHaveValue('exa');
  await expect(rows).toHaveCount(n);

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(/\/p\/default\/users$/);
  await expect(search).toHaveValue('');
  await expect(rows).toHaveCount(20);
});

test('a search left while its rows are on the way is aborted, not waited for', async ({ page }) => {
  await openUsers(page);
  // Hold the first search's answer back, as a slow server would; let the others through.
  let held = 0;
  await page.route('**/api/users?*', async (route) => {
    if (new URL(route.request().url()).searchParams.toString().includes('exa') && !held++) {
      await new Promise((r) => setTimeout(r, 3_000));
      await route.continue().catch(() => {});
      return;
    }
    await route.continue();
  });
  const aborted: string[] = [];
  page.on('requestfailed', (r) => {
    if (r.url().includes('/api/users?')) aborted.push(r.failure()?.errorText ?? '');
  });
  // The superseded answer must never show, not even for a frame.
  await page.evaluate(() => {
    (window as any).errorShown = false;
    new MutationObserver(() => {
      if (document.querySelector('.error-state')) (window as any).errorShown = true;
    }).observe(document.body, { childList: true, subtree: true });
  });
  const search = page.getByRole('searchbox', { name: 'Search users' });
  await search.fill('exa');
  await expect(page).toHaveURL(/[?&]q=exa(&|$)/);
  await expect.poll(() => held).toBe(1);
  await search.fill('example.org');
  await expect(page).toHaveURL(/[?&]q=example\.org(&|$)/);
  await expect.poll(() => aborted.length).toBe(1);
  expect(aborted[0]).toContain('ERR_ABORTED');
  const rows = page.locator('table.users-table tbody tr');
  await expect(rows.first()).toContainText('example.org');
  for (const row of await rows.all()) {
    expect((await row.innerText()).toLowerCase()).toContain('example.org');
  }
  expect(await page.evaluate(() => (window as any).errorShown)).toBe(false);
});

test('each filter narrows the rows and survives a reload', async ({ page }) => {
  await openUsers(page);
  await page.getByLabel('Status').selectOption({ label: 'Inactive' });
  await expect(page).toHaveURL(/status=inactive/);
  await expect(column(page, 'Status').first()).toHaveText('Inactive');
  expect(new Set(await texts(column(page, 'Status')))).toEqual(new Set(['Inactive']));
  await page.reload();
  await expect(page.getByLabel('Status')).toHaveValue('inactive');
  expect(new Set(await texts(column(page, 'Status')))).toEqual(new Set(['Inactive']));
  await page.getByRole('button', { name: 'Clear filters' }).click();

  await page.getByLabel('Role').selectOption('end_user');
  await expect(page).toHaveURL(/role=end_user/);
  await expect(column(page, 'Role').first()).toHaveText('end_user');
  expect(new Set(await texts(column(page, 'Role')))).toEqual(new Set(['end_user']));

  await page.getByLabel('Group').selectOption('Sales');
  await expect(page).toHaveURL(/role=end_user&group=Sales/);
  await expect(column(page, 'Groups').first()).toContainText('Sales');
  for (const g of await texts(column(page, 'Groups'))) expect(g).toContain('Sales');
  expect(new Set(await texts(column(page, 'Role')))).toEqual(new Set(['end_user']));

  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByLabel('Role')).toHaveValue('');
  await expect(page.getByLabel('Group')).toHaveValue('');

  // Who never signed in: every row says so, and the view is in the URL.
  await page.getByLabel('Last sign-in', { exact: true }).selectOption({ label: 'Never signed in' });
  await expect(page).toHaveURL(/last_sign_in=never/);
  await expect(column(page, 'Last sign-in').first()).toHaveText('Never');
  expect(new Set(await texts(column(page, 'Last sign-in')))).toEqual(new Set(['Never']));
  await page.reload();
  await expect(page.getByLabel('Last sign-in', { exact: true })).toHaveValue('never');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByLabel('Last sign-in', { exact: true })).toHaveValue('');
});

test('headers sort both ways and pages move forward and back', async ({ page }) => {
  await openUsers(page);
  const email = page.getByRole('columnheader', { name: 'Email' });
  await email.getByRole('button').click();
  await expect(email).toHaveAttribute('aria-sort', 'ascending');
  await expect(page).toHaveURL(/sort=email&dir=asc/);
  const asc = await texts(column(page, 'Email'));
  expect(asc).toEqual([...asc].sort());
  await email.getByRole('button').click();
  await expect(email).toHaveAttribute('aria-sort', 'descending');
  const desc = await texts(column(page, 'Email'));
  expect(desc).toEqual([...desc].sort().reverse());

  const pages = await pagesOf(page, 20);
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText(`Page 2 of ${pages}`, { exact: true })).toBeVisible();
  await expect(page).toHaveURL(/page=2/);
  const second = await texts(column(page, 'Email'));
  expect(second[0] < desc[desc.length - 1]).toBeTruthy();
  await page.goBack();
  await expect(page.getByText(`Page 1 of ${pages}`, { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Previous' })).toBeDisabled();

  await page.getByLabel('Rows per page').selectOption('50');
  await expect(page.locator('table.users-table tbody tr')).toHaveCount(50);
  await expect(page.getByText(`Page 1 of ${await pagesOf(page, 50)}`, { exact: true })).toBeVisible();
});

test('the users page has no serious accessibility violations', async ({ page }) => {
  await openUsers(page);
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
});
