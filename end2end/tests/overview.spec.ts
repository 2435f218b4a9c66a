// The project overview: figures that lead to the Users page filtered to them, a chart of
// sign-ins readable in both themes with a text alternative, axe clean in light and dark.
import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test } from '@playwright/test';
import { hydrated, signIn } from './helpers';

async function noSeriousViolations(page: Page, where: string) {
  const results = await new AxeBuilder({ page }).setLegacyMode().analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${where}: ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('the overview shows the figures and the chart, and each figure filters Users', async ({ page }) => {
  await signIn(page);
  await page.goto('/p/default/users');
  await hydrated(page);
  await page.getByRole('navigation').getByRole('link', { name: 'Overview' }).click();
  await expect(page).toHaveURL(/\/p\/default$/);
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  const chart = page.getByRole('img', { name: 'Sign-ins, last 30 days' });
  await expect(chart).toBeVisible();
  // The chart's text alternative says what it shows; the figures are also a table.
  await expect(page.locator('#chart-desc')).toContainText('successful and');
  await page.getByText('Show as a table').click();
  await expect(page.locator('details table tbody tr')).toHaveCount(30);
  // Bars are drawn in the theme's colours.
  const fill = await page.locator('.chart rect.ok').first().evaluate((r) => getComputedStyle(r).fill);
  expect(fill).not.toBe('rgb(0, 0, 0)');

  for (const theme of ['light', 'dark']) {
    await page.evaluate((t) => (document.documentElement.dataset.theme = t), theme);
    await noSeriousViolations(page, `overview (${theme})`);
  }

  const inactive = page.locator('a.stat', { hasText: 'Inactive' });
  const count = Number((await inactive.locator('.stat-value').innerText()).replace(/\D/g, ''));
  await inactive.click();
  await expect(page).toHaveURL(/\/p\/default\/users\?status=inactive$/);
  await expect(page.getByLabel('Status')).toHaveValue('inactive');
  if (count > 0) await expect(page.locator('table.users-table tbody tr').first()).toBeVisible();
});
