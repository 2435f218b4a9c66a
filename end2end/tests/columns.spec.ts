// The users table's Columns menu: Permissions and First name are added, the choice is kept for
// the admin across reloads, and put back; axe with the menu open.
import { expect, Page, test } from '@playwright/test';
import { hydrated, noSeriousViolations, signIn } from './helpers';

const headers = (page: Page) => page.locator('table.users-table thead th');

/** Adds (`on`) or removes the columns `keys` in the Columns menu, and applies. */
async function choose(page: Page, keys: string[], on: boolean) {
  await page.locator('.columns-menu > summary').click();
  const select = page.getByLabel('Columns', { exact: true });
  const current = await select.evaluate((el: HTMLSelectElement) =>
    Array.from(el.selectedOptions).map((o) => o.value),
  );
  const wanted = on ? [...new Set([...current, ...keys])] : current.filter((k) => !keys.includes(k));
  await select.selectOption(wanted);
  await page.locator('.columns-form').getByRole('button', { name: 'Apply' }).click();
  await page.waitForLoadState('load');
  await hydrated(page);
}

test('the Columns menu adds Permissions and First name, and the choice survives a reload', async ({ page }) => {
  await signIn(page);
  await page.goto('/p/default/users?status=active');
  await hydrated(page);
  await expect(headers(page).filter({ hasText: 'Permissions' })).toHaveCount(0);
  try {
    await choose(page, ['permissions', 'first_name'], true);
    await expect(page).toHaveURL(/\/p\/default\/users\?status=active$/);
    await expect(headers(page).filter({ hasText: 'Permissions' })).toHaveCount(1);
    await expect(headers(page).filter({ hasText: 'First name' })).toHaveCount(1);
    // Each active member's permissions in short, all of them on hover.
    const cell = page.locator('table.users-table tbody td[title]').filter({ hasText: / · [1-9]\d* permissions$/ }).first();
    await expect(cell).toBeVisible();
    expect((await cell.getAttribute('title'))!.length).toBeGreaterThan(0);

    await page.reload();
    await hydrated(page);
    await expect(headers(page).filter({ hasText: 'Permissions' })).toHaveCount(1);
    await page.locator('.columns-menu > summary').click();
    await noSeriousViolations(page);
    await page.locator('.columns-menu > summary').click();
  } finally {
    await choose(page, ['permissions', 'first_name'], false);
  }
  await expect(headers(page).filter({ hasText: 'Permissions' })).toHaveCount(0);
  await expect(headers(page).filter({ hasText: 'First name' })).toHaveCount(0);
});
