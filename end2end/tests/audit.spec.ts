// The audit log: a change made in the console appears with its actor and details; the log is
// filtered by action and actor (forms and links, rendered by the server, followed in the page),
// paged, exported as CSV; axe in light and dark; and with JavaScript off it is the same page.
import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test } from '@playwright/test';
import * as fs from 'node:fs';
import { admin, hydrated, signIn } from './helpers';

async function noSeriousViolations(page: Page, where: string) {
  const results = await new AxeBuilder({ page }).setLegacyMode().analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${where}: ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

const rows = (page: Page) => page.locator('table.audit-table tbody tr');

test('a change is in the log, found by action and actor, and exported', async ({ page }) => {
  const name = `Audited ${Date.now()}`;
  await signIn(page);
  const created = await page.request.post('/api/create_role', {
    form: { project: 'default', name, 'permissions[]': 'users:read' },
    headers: { origin: new URL(page.url()).origin, 'sec-fetch-site': 'same-origin' },
  });
  expect(created.status(), await created.text()).toBe(200);

  // Reached from the sidebar: the page loads its code and the log's HTML in place.
  await page.goto('/p/default/users');
  await hydrated(page);
  await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
  await expect(page).toHaveURL(/\/p\/default\/audit$/);
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  await expect(rows(page).first()).toBeVisible();

  // Filter by action with the form: the page follows without a reload.
  await page.evaluate(() => ((window as unknown as { __same: boolean }).__same = true));
  await page.getByLabel('Action').selectOption('role.created');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/\/p\/default\/audit\?action=role\.created$/);
  const row = rows(page).filter({ hasText: 'role.created' }).first();
  await expect(row).toContainText(admin.email);
  await row.getByText('Show').click();
  await expect(row.locator('pre')).toContainText(name);
  expect(await rows(page).filter({ hasNotText: 'role.created' }).count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __same?: boolean }).__same)).toBe(true);

  // Each actor filters the log to their events.
  await row.getByRole('link', { name: admin.email }).click();
  await expect(page).toHaveURL(/actor=/);
  await expect(page.getByLabel('Actor')).toHaveValue(admin.email);
  await expect(page.getByLabel('Action')).toHaveValue('');
  for (const r of await rows(page).all()) await expect(r.locator('td').nth(1)).toHaveText(admin.email);

  // Export: a CSV of the view's events.
  await page.goto('/p/default/audit?action=role.created');
  await hydrated(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^roster-audit-default-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  expect(csv.split('\n')[0]).toBe('time,actor,action,target,project,ip,location,user_agent,device,details');
  expect(csv).toContain(name);
  expect(csv.split('\n').filter((l) => l && !l.startsWith('time,')).every((l) => l.includes(',role.created,'))).toBe(true);
});

test('the log pages newest first and is accessible in both themes', async ({ page }) => {
  await signIn(page);
  await page.goto('/p/default/audit');
  await hydrated(page);
  await expect(rows(page)).toHaveCount(50);
  const firstTime = await rows(page).first().locator('time').getAttribute('datetime');
  await page.getByRole('link', { name: 'Older →' }).click();
  await expect(page).toHaveURL(/before=/);
  await expect(page.getByRole('link', { name: '← Newer' })).toBeVisible();
  const olderTime = await rows(page).first().locator('time').getAttribute('datetime');
  expect(olderTime! <= firstTime!).toBe(true);
  await page.getByRole('link', { name: 'Newest' }).click();
  await expect(page).toHaveURL(/\/p\/default\/audit$/);
  await expect(rows(page).first().locator('time')).toHaveAttribute('datetime', firstTime!);

  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    await rows(page).first().locator('details').first().evaluate((d) => ((d as HTMLDetailsElement).open = true)).catch(() => {});
    await noSeriousViolations(page, `audit log (${theme})`);
  }
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the log is in the page, and its filters and pages are plain links and forms', async ({ page }) => {
    await page.goto('/login?next=/p/default/audit');
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/p\/default\/audit$/);
    await expect(rows(page).first()).toBeVisible();
    await expect(page.getByText('Loading…')).toHaveCount(0);
    await page.getByLabel('Action').selectOption('auth.signed_in');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/action=auth\.signed_in/);
    await expect(rows(page).first()).toContainText('auth.signed_in');
    expect(await rows(page).filter({ hasNotText: 'auth.signed_in' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Clear filters' }).click();
    await expect(page).toHaveURL(/\/p\/default\/audit$/);
  });
});
