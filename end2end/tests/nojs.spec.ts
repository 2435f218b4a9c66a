import { expect, Page, test } from '@playwright/test';
import { admin } from './helpers';

// Every page renders in place on the server: with JavaScript off a person signs in, reads,
// searches, filters, sorts and pages through users, opens a profile and signs out, all through
// plain links and forms.
test.use({ javaScriptEnabled: false });

const rows = (page: Page) => page.locator('table.users-table tbody tr');
const emails = async (page: Page) =>
  (await page.locator('table.users-table tbody tr td.cell-email').allInnerTexts()).map((t) => t.trim());

async function signIn(page: Page) {
  await page.goto('/users');
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/p\/default\/users$/);
}

test('the users page arrives whole in the HTML, in the person\'s language and theme', async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await expect(rows(page)).toHaveCount(20);
  await expect(page.getByText('Loading…')).toHaveCount(0);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.locator('html')).toHaveAttribute('data-theme', /^(light|dark|system)$/);

  // The response itself holds the rows before </html>: no streamed <template> chunks to swap
  // in; only the resources' data for hydration follows, as scripts (and a marker comment).
  const html = await (await page.request.get('/p/default/users')).text();
  const end = html.indexOf('</html>');
  expect(end).toBeGreaterThan(0);
  expect(html.slice(0, end)).toContain('class="table users-table"');
  expect(html).not.toContain('<template');
  const after = html.slice(end + '</html>'.length);
  expect(after.replace(/<script[^>]*>[\s\S]*?<\/script>|<!>|<!--[\s\S]*?-->/g, '').trim()).toBe('');
  expect(html).not.toContain('Loading…');
});

test('search, filters, sort and pages work as plain GET forms', async ({ page }) => {
  await signIn(page);
  const total = Number((await page.getByText(/^\d+ users$/).innerText()).split(' ')[0]);
  const pages = Math.ceil(total / 20);
  await expect(page.getByText(`Page 1 of ${pages}`, { exact: true })).toBeVisible();

  // Pager: Next and Previous are buttons of a GET form.
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL(/[?&]page=2(&|$)/);
  await expect(page.getByText(`Page 2 of ${pages}`, { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Previous' }).click();
  await expect(page.getByText(`Page 1 of ${pages}`, { exact: true })).toBeVisible();

  // Sort: each header is a form; the sort then survives paging.
  const email = page.getByRole('columnheader', { name: 'Email' });
  await email.getByRole('button').click();
  await expect(page).toHaveURL(/sort=email&dir=asc/);
  await expect(email).toHaveAttribute('aria-sort', 'ascending');
  const first = await emails(page);
  expect(first).toEqual([...first].sort());
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL(/sort=email&dir=asc.*page=2/);
  const second = await emails(page);
  expect(second[0] >= first[first.length - 1]).toBeTruthy();

  // Search: Enter submits the toolbar's form, keeping the sort, back to page 1.
  const search = page.getByRole('searchbox', { name: 'Search users' });
  await search.fill('exa');
  await search.press('Enter');
  await expect(page).toHaveURL(/[?&]q=exa(&|$)/);
  await expect(page).toHaveURL(/sort=email/);
  await expect(page).not.toHaveURL(/page=2/);
  await expect(search).toHaveValue('exa');
  expect(await rows(page).count()).toBeGreaterThan(0);
  for (const row of await rows(page).all()) {
    expect((await row.innerText()).toLowerCase()).toContain('exa');
  }

  // Filters: choose, then "Apply" (the form's button that exists only without script).
  await page.getByLabel('Status').selectOption({ label: 'Active' });
  await page.getByRole('button', { name: 'Apply' }).first().click();
  await expect(page).toHaveURL(/status=active/);
  await expect(page).toHaveURL(/q=exa/);
  const statuses = await page.locator('table.users-table tbody tr td:nth-child(6)').allInnerTexts();
  expect(new Set(statuses.map((t) => t.trim()))).toEqual(new Set(['Active']));

  // Clear filters keeps the sort and drops search and filters.
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(/\/p\/default\/users\?sort=email&dir=asc$/);
  await expect(search).toHaveValue('');
  await expect(rows(page)).toHaveCount(20);

  // Page size: choose, then Apply.
  await page.getByLabel('Rows per page').selectOption('50');
  await page.locator('form.pager').getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/size=50/);
  await expect(rows(page)).toHaveCount(50);
});

test('a profile opens from its link, and sign-out is a plain form post', async ({ page }) => {
  await signIn(page);
  const link = rows(page).first().locator('td.cell-email a');
  const address = (await link.innerText()).trim();
  await link.click();
  await expect(page).toHaveURL(/\/p\/default\/users\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('.page-header')).toContainText(address);
  await expect(page.getByRole('heading', { name: 'Active sessions' })).toBeVisible();
  await expect(page.getByText('Loading…')).toHaveCount(0);

  // The user menu opens on focus (CSS), and "Sign out" posts its form.
  await page.getByRole('button', { name: 'User menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/p/default/users');
  await expect(page).toHaveURL(/\/login\?next=/);
});

test('an invitation is accepted with a plain form post, and a bad entry comes back to the form', async ({ page, browser }) => {
  await signIn(page);
  const email = `plain-${Date.now()}@roster.test`;
  const origin = new URL(page.url()).origin;
  const res = await page.request.post('/api/invite_user', {
    headers: { origin, 'sec-fetch-site': 'same-origin' },
    data: { project: 'default', form: { email, role: 'end_user', groups: [] } },
  });
  expect(res.status()).toBe(200);
  const link = new URL((await res.json()).url);

  const context = await browser.newContext({ javaScriptEnabled: false });
  const invitee = await context.newPage();
  await invitee.goto(link.pathname + link.search);
  await invitee.getByLabel('First name').fill('Plain');
  await invitee.getByLabel('Last name').fill('Form');
  await invitee.getByLabel('Password', { exact: true }).fill('a quiet harbour at dawn');
  await invitee.getByLabel('Confirm password').fill('not the same one at all');
  await invitee.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(invitee.getByRole('alert')).toContainText('Check your entries');
  await invitee.getByLabel('First name').fill('Plain');
  await invitee.getByLabel('Last name').fill('Form');
  await invitee.getByLabel('Password', { exact: true }).fill('a quiet harbour at dawn');
  await invitee.getByLabel('Confirm password').fill('a quiet harbour at dawn');
  await invitee.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(invitee).toHaveURL(/\/account$/);
  await context.close();
});
