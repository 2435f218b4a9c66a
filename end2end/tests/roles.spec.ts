// Roles: create one with built-in and custom permissions, find it in the Users page's Role
// filter, preview, edit and delete it; axe on the page and its dialogs in light and dark.
import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test } from '@playwright/test';
import { hydrated, signIn } from './helpers';

async function noSeriousViolations(page: Page, include?: string) {
  let axe = new AxeBuilder({ page });
  if (include) axe = axe.include(include);
  const results = await axe.analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

test('a role is created with permissions, offered in the Role filter, edited and deleted', async ({ page }) => {
  const name = `Support ${Date.now()}`;
  await signIn(page);
  await page.goto('/p/default/roles');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Roles', level: 1 })).toBeVisible();
  const table = page.getByRole('table', { name: 'Roles of this project' });
  await expect(table.getByRole('row').filter({ hasText: 'end_user' })).toContainText('Built-in');

  await page.getByRole('button', { name: 'Create role' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create role' });
  await expect(dialog.getByLabel('Name')).toBeFocused();
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('checkbox', { name: /^users:read/ }).check();
  await dialog.getByRole('checkbox', { name: /^audit:read/ }).check();
  await dialog.getByLabel('Custom permissions').fill('billing refund');
  await dialog.getByRole('button', { name: 'Create role' }).click();
  // A bad custom permission is refused under its field; nothing is created.
  await expect(dialog.getByText('"billing" is not a permission')).toBeVisible();
  await dialog.getByLabel('Custom permissions').fill('billing:refund');
  await dialog.getByRole('button', { name: 'Create role' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: `Role “${name}” created.` })).toBeVisible();
  const row = table.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('audit:read');
  await expect(row).toContainText('billing:refund');

  // Offered at once in the Users page's Role filter.
  await page.goto('/p/default/users');
  await hydrated(page);
  await expect(page.getByLabel('Role', { exact: true }).locator('option', { hasText: name })).toHaveCount(1);

  // Preview, then edit.
  await page.goto('/p/default/roles');
  await hydrated(page);
  await page.getByRole('button', { name, exact: true }).click();
  const preview = page.getByRole('dialog', { name });
  await expect(preview).toContainText('Read the audit log');
  await preview.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit role' });
  await edit.getByLabel('Description').fill('Answers customers');
  await edit.getByRole('checkbox', { name: /^audit:read/ }).uncheck();
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();
  await expect(row).toContainText('Answers customers');
  await expect(row).not.toContainText('audit:read');

  // Delete (nobody holds it, so no target is asked for).
  await page.getByRole('button', { name, exact: true }).click();
  await page.getByRole('dialog', { name }).getByRole('button', { name: 'Delete' }).click();
  const del = page.getByRole('dialog', { name: 'Delete role' });
  await expect(del).toContainText(`Delete the role “${name}”?`);
  await del.getByRole('button', { name: 'Delete role' }).click();
  await expect(del).toBeHidden();
  await expect(table.getByRole('row').filter({ hasText: name })).toHaveCount(0);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`the roles page and its dialogs have no serious accessibility violations (${colorScheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await signIn(page);
    await page.goto('/p/default/roles');
    await hydrated(page);
    await noSeriousViolations(page);
    await page.getByRole('button', { name: 'Create role' }).click();
    await expect(page.getByRole('dialog', { name: 'Create role' })).toBeVisible();
    await noSeriousViolations(page, '.modal');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'developer', exact: true }).click();
    await expect(page.getByRole('dialog', { name: 'developer' })).toBeVisible();
    await noSeriousViolations(page, '.modal');
  });
}
