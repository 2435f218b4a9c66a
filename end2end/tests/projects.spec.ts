// Projects: a superadmin creates one (the project picker offers it at once), its owner renames
// and configures it, and it is deleted after typing its slug; axe on the page and its dialogs.
import { expect, Page, test } from '@playwright/test';
import { hydrated, noSeriousViolations, signIn } from './helpers';

const picker = (page: Page) => page.locator('#project-picker');

test('a project is created, configured and deleted', async ({ page }) => {
  const slug = `e2e-${Date.now()}`;
  const name = `Acme ${slug}`;
  await signIn(page);
  await page.goto('/p/default/users');
  await hydrated(page);
  await page.getByRole('navigation').getByRole('link', { name: 'Projects' }).click();
  await expect(page).toHaveURL(/\/p\/default\/projects$/);

  // Create: a bad slug is refused under the form; a good one opens the new project.
  await page.getByRole('button', { name: 'Create project' }).click();
  const create = page.getByRole('dialog', { name: 'Create project' });
  await expect(create.getByLabel('Slug')).toBeFocused();
  await create.getByLabel('Slug').fill('Not a slug');
  await create.getByLabel('Name').fill(name);
  await create.getByRole('button', { name: 'Create project' }).click();
  await expect(create.getByRole('alert')).toContainText('lowercase letters, digits and hyphens');
  await create.getByLabel('Slug').fill(slug);
  await create.getByRole('button', { name: 'Create project' }).click();
  await expect(page).toHaveURL(new RegExp(`/p/${slug}/projects$`));
  await hydrated(page);
  await expect(picker(page).locator('option', { hasText: name })).toHaveCount(1);
  const table = page.getByRole('table', { name: 'Your projects' });
  const row = table.getByRole('row').filter({ hasText: slug });
  await expect(row).toContainText('Current');
  await expect(row).toContainText('By invitation');

  // Settings: rename, open sign-up with terms.
  await row.getByRole('button', { name: `Settings of ${name}` }).click();
  const settings = page.getByRole('dialog', { name: `Settings of ${name}` });
  await settings.getByLabel('Name').fill(`${name} renamed`);
  await settings.getByLabel('Allow sign-up').check();
  await settings.getByLabel('Terms of service URL').fill('example.test/terms');
  await settings.getByRole('button', { name: 'Save' }).click();
  await expect(settings.getByRole('alert')).toHaveText('Enter an http:// or https:// address.');
  await expect(settings.getByLabel('Terms of service URL')).toBeFocused();
  await settings.getByLabel('Terms of service URL').fill('https://example.test/terms');
  await settings.getByRole('button', { name: 'Save' }).click();
  await hydrated(page);
  await expect(row).toContainText(`${name} renamed`);
  await expect(row).toContainText('Open');
  await expect(picker(page).locator('option', { hasText: `${name} renamed` })).toHaveCount(1);

  // Delete: the slug must be typed back.
  await row.getByRole('button', { name: `Delete ${name} renamed` }).click();
  const del = page.getByRole('dialog', { name: 'Delete project' });
  await expect(del).toContainText(`Delete the project "${name} renamed"`);
  await del.getByLabel(`Type ${slug} to confirm`).fill('default');
  await del.getByRole('button', { name: 'Delete project' }).click();
  await expect(del.getByRole('alert')).toHaveText("Type the project's slug to confirm.");
  await del.getByLabel(`Type ${slug} to confirm`).fill(slug);
  await del.getByRole('button', { name: 'Delete project' }).click();
  await expect(page).not.toHaveURL(new RegExp(slug));
  await hydrated(page);
  await expect(picker(page).locator('option', { hasText: name })).toHaveCount(0);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`the projects page and its dialogs have no serious accessibility violations (${colorScheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await signIn(page);
    await page.goto('/p/default/projects');
    await hydrated(page);
    await noSeriousViolations(page);
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect(page.getByRole('dialog', { name: 'Create project' })).toBeVisible();
    await noSeriousViolations(page, 'dialog[open]');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: /^Settings of / }).first().click();
    await expect(page.locator('dialog[open]')).toBeVisible();
    await noSeriousViolations(page, 'dialog[open]');
  });
}
