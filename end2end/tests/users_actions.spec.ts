// Acting on users: row menus, edit, deactivate + undo, reactivate, delete, bulk, detail page,
// last-owner refusal. Runs after users.spec.ts (file order) on the same seeded database.
import AxeBuilder from '@axe-core/playwright';
import { expect, Locator, Page, test } from '@playwright/test';
import { admin, hydrated, signIn } from './helpers';

const rows = (page: Page) => page.locator('table.users-table tbody tr');
const emailCell = (row: Locator) => row.locator('td.cell-email');
const statusCell = (row: Locator) => row.locator('td').nth(5);

async function noSeriousViolations(page: Page, include?: string) {
  let axe = new AxeBuilder({ page });
  if (include) axe = axe.include(include);
  const results = await axe.analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Opens the users page with `query` and answers the emails of its rows (never the admin's). */
async function usersWith(page: Page, query: string): Promise<string[]> {
  await page.goto(`/p/default/users${query}`);
  await hydrated(page);
  await expect(rows(page).first()).toBeVisible();
  const emails = (await emailCell(rows(page)).allInnerTexts()).map((e) => e.trim());
  return emails.filter((e) => e !== admin.email);
}

function rowOf(page: Page, email: string): Locator {
  return rows(page).filter({ has: page.getByRole('link', { name: email, exact: true }) });
}

async function openMenu(page: Page, email: string) {
  await page.getByRole('button', { name: `Actions for ${email}`, exact: true }).click();
  await expect(page.getByRole('menu').filter({ visible: true })).toBeVisible();
}

async function search(page: Page, email: string) {
  await page.goto(`/p/default/users?q=${encodeURIComponent(email)}`);
  await hydrated(page);
}

test.beforeEach(async ({ page }) => {
  await signIn(page);
});

test('row menus follow the status, work from the keyboard and refuse your own account', async ({ page }) => {
  await search(page, admin.email);
  const button = page.getByRole('button', { name: `Actions for ${admin.email}` });
  await button.focus();
  await page.keyboard.press('ArrowDown');
  const menu = page.getByRole('menu').filter({ visible: true });
  await expect(menu.getByRole('menuitem', { name: 'View' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'Edit' })).toBeFocused();
  const deactivate = menu.getByRole('menuitem', { name: 'Deactivate' });
  await expect(deactivate).toHaveAttribute('aria-disabled', 'true');
  await expect(deactivate).toHaveAccessibleDescription("You can't deactivate or delete your own account.");
  for (const name of ['Send password reset', 'Revoke sessions']) {
    await expect(menu.getByRole('menuitem', { name })).toBeVisible();
  }
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(button).toBeFocused();

  const [inactive] = await usersWith(page, '?status=inactive');
  await openMenu(page, inactive);
  const items = page.getByRole('menu').filter({ visible: true }).getByRole('menuitem');
  await expect(items).toHaveText(['View', 'Reactivate', 'Remove from project', 'Delete']);
  await page.keyboard.press('Escape');

  const [invited] = await usersWith(page, '?status=invited');
  await openMenu(page, invited);
  const invitedItems = page.getByRole('menu').filter({ visible: true }).getByRole('menuitem');
  await expect(invitedItems).toHaveText(['Resend invitation', 'Cancel invitation']);
  await expect(invitedItems.first()).not.toHaveAttribute('aria-disabled', 'true');
});

test('edit shows field errors, saves nothing on error, then saves', async ({ page }) => {
  const [email] = await usersWith(page, '?status=active&sort=email&dir=asc');
  await openMenu(page, email);
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit user' });
  await expect(dialog.getByLabel('Email')).toHaveValue(email);
  await expect(dialog.getByLabel('First name')).toBeFocused();
  await noSeriousViolations(page, '.modal');

  await dialog.getByLabel('First name').fill('Zebedee');
  await dialog.getByLabel('Metadata (JSON object)').fill('[1, 2]');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText('Metadata must be a JSON object')).toBeVisible();
  await expect(dialog.getByLabel('Metadata (JSON object)')).toHaveAttribute('aria-invalid', 'true');
  await dialog.getByLabel('Email').fill(admin.email);
  await dialog.getByLabel('Metadata (JSON object)').fill('{"plan": "pro"}');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText('A user with this email already exists.')).toBeVisible();
  // Nothing was saved: the name is unchanged on the server.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await search(page, email);
  await expect(rowOf(page, email).locator('td').nth(2)).not.toContainText('Zebedee');

  await openMenu(page, email);
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  await dialog.getByLabel('First name').fill('Zebedee');
  await dialog.getByLabel('Phone').fill('+1 555 0100');
  await dialog.getByLabel('Metadata (JSON object)').fill('{"plan": "pro"}');
  await dialog.getByLabel('Role').selectOption('developer');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText(`Changes to ${email} saved.`)).toBeVisible();
  await expect(dialog).toHaveCount(0);
  const row = rowOf(page, email);
  await expect(row.locator('td').nth(2)).toContainText('Zebedee');
  await expect(row.locator('td').nth(3)).toHaveText('developer');

  // The detail page shows the profile, and the change in the activity.
  await row.getByRole('link', { name: email }).click();
  await expect(page).toHaveURL(/\/p\/default\/users\/\d+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Zebedee');
  await expect(page.getByText('+1 555 0100')).toBeVisible();
  await expect(page.getByText('"plan": "pro"')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Activity' }).getByText('user.updated')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Effective permissions' }).getByText('users:read')).toBeVisible();
  await noSeriousViolations(page);
});

test('deactivate with a reason, then undo from the toast', async ({ page }) => {
  const [email] = await usersWith(page, '?status=active&sort=email&dir=desc');
  await search(page, email);
  await openMenu(page, email);
  await page.getByRole('menuitem', { name: 'Deactivate' }).click();
  const dialog = page.getByRole('dialog', { name: 'Deactivate user' });
  await expect(dialog.getByLabel('Reason (optional)')).toBeFocused();
  await noSeriousViolations(page, '.modal');
  await dialog.getByLabel('Reason (optional)').fill('Left the company');
  await dialog.getByRole('button', { name: 'Deactivate' }).click();
  const toast = page.locator('.toast').filter({ hasText: `${email} was deactivated.` });
  await expect(toast).toBeVisible();
  await expect(statusCell(rowOf(page, email))).toHaveText('Inactive');

  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByText(`${email} was reactivated.`)).toBeVisible();
  await expect(statusCell(rowOf(page, email))).toHaveText('Active');

  // The reason is in the user's activity.
  await rowOf(page, email).getByRole('link', { name: email }).click();
  await expect(page.getByRole('region', { name: 'Activity' }).getByText('Left the company')).toBeVisible();
});

test('a dialog opened before its code has loaded fills in and focuses its first field', async ({ page }) => {
  const [email] = await usersWith(page, '?status=active&sort=email&dir=desc');
  // Hold back every split chunk (the dialogs' code is one) until the dialog is open.
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = 0;
  await page.route(/\/pkg\/(split_|chunk_)[^/]*\.wasm$/, async (route) => {
    held += 1;
    await gate;
    await route.continue();
  });
  await search(page, email);
  await openMenu(page, email);
  await page.getByRole('menuitem', { name: 'Deactivate' }).click();
  const dialog = page.getByRole('dialog', { name: 'Deactivate user' });
  await expect(dialog).toBeVisible();
  expect(held).toBeGreaterThan(0);
  await expect(dialog.getByLabel('Reason (optional)')).toHaveCount(0);
  release();
  await expect(dialog.getByLabel('Reason (optional)')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('reactivate, and delete only once the email is typed', async ({ page }) => {
  const [first, second] = await usersWith(page, '?status=inactive&sort=email&dir=asc');
  await openMenu(page, first);
  await page.getByRole('menuitem', { name: 'Reactivate' }).click();
  await expect(page.getByText(`${first} was reactivated.`)).toBeVisible();
  await expect(rowOf(page, first)).toHaveCount(0);

  await openMenu(page, second);
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete user' });
  const confirm = dialog.getByLabel("Type the user's email to confirm");
  const del = dialog.getByRole('button', { name: 'Delete user' });
  await expect(confirm).toBeFocused();
  await expect(del).toBeDisabled();
  await confirm.fill(second.slice(0, -1));
  await expect(del).toBeDisabled();
  await noSeriousViolations(page, '.modal');
  await confirm.fill(second);
  await expect(del).toBeEnabled();
  await del.click();
  await expect(page.getByText(`${second} was deleted.`)).toBeVisible();
  await search(page, second);
  await expect(page.getByText('No users match these filters.')).toBeVisible();
});

test('bulk deactivate changes the others, refuses your own account, and undoes', async ({ page }) => {
  const emails = await usersWith(page, '?status=active&sort=name&dir=asc');
  const picked = emails.slice(0, 2);
  await page.goto('/p/default/users?status=active&sort=name&dir=asc');
  await hydrated(page);
  for (const e of picked) await page.getByRole('checkbox', { name: `Select ${e}`, exact: true }).check();
  const bar = page.getByRole('region', { name: 'Bulk actions' });
  await expect(bar.getByText('2 selected')).toBeVisible();

  // Add yourself to the selection: the summary says why you were refused.
  await search(page, admin.email);
  await page.getByRole('checkbox', { name: 'Select all on this page' }).check();
  await expect(page.getByRole('checkbox', { name: `Select ${admin.email}` })).toBeChecked();
  await bar.getByRole('button', { name: 'Deactivate selected' }).click();
  const result = page.getByRole('status', { name: 'Result of the bulk action' });
  await expect(result).toContainText('0 changed, 1 refused.');
  await expect(result).toContainText("You can't deactivate or delete your own account.");

  await page.goto('/p/default/users?status=active&sort=name&dir=asc');
  await hydrated(page);
  for (const e of picked) await page.getByRole('checkbox', { name: `Select ${e}`, exact: true }).check();
  await bar.getByRole('button', { name: 'Deactivate selected' }).click();
  await expect(result).toContainText('2 changed, 0 refused.');
  for (const e of picked) await expect(rowOf(page, e)).toHaveCount(0);
  await page.locator('.toast').filter({ hasText: '2 changed' }).getByRole('button', { name: 'Undo' }).click();
  for (const e of picked) await expect(rowOf(page, e)).toHaveCount(1);
});

test('the last owner cannot be deactivated: the menu says why and the server refuses', async ({ page, browser }) => {
  // Demo data may hold other owners (random roles): demote them so the admin is the last one.
  const owners = await usersWith(page, '?role=owner');
  if (owners.length > 0) {
    for (const e of owners) await page.getByRole('checkbox', { name: `Select ${e}`, exact: true }).check();
    const ownersBar = page.getByRole('region', { name: 'Bulk actions' });
    await ownersBar.getByLabel('New role').selectOption('end_user');
    await ownersBar.getByRole('button', { name: 'Change role' }).click();
    await expect(page.getByRole('status', { name: 'Result of the bulk action' })).toContainText(`${owners.length} changed`);
  }
  // Make a demo user an admin with the bulk "Change role".
  const [email] = await usersWith(page, '?status=active&role=end_user&sort=email&dir=asc');
  await page.getByRole('checkbox', { name: `Select ${email}`, exact: true }).check();
  const bar = page.getByRole('region', { name: 'Bulk actions' });
  await bar.getByLabel('New role').selectOption('admin');
  await bar.getByRole('button', { name: 'Change role' }).click();
  await expect(page.getByRole('status', { name: 'Result of the bulk action' })).toContainText('1 changed, 0 refused.');

  const context = await browser.newContext();
  const other = await context.newPage();
  await signIn(other, email, 'demo-password');
  await search(other, admin.email);
  // Demo users have a random language: the console speaks theirs, English or French.
  await other.getByRole('button', { name: new RegExp(`^Actions (for|pour) ${admin.email}$`) }).click();
  const deactivate = other
    .getByRole('menu')
    .filter({ visible: true })
    .getByRole('menuitem', { name: /^(Deactivate|Désactiver)$/ });
  await expect(deactivate).toHaveAttribute('aria-disabled', 'true');
  await expect(deactivate).toHaveAccessibleDescription(/last owner of a project|dernier propriétaire d'un projet/);

  const id = (await other.getByRole('link', { name: admin.email }).getAttribute('href'))!.split('/').pop();
  const res = await other.request.post('/api/deactivate_user', {
    data: { project: 'default', id: Number(id), reason: null },
    headers: { origin: new URL(other.url()).origin, 'sec-fetch-site': 'same-origin' },
  });
  expect(res.status()).toBe(409);
  // In the demo user's language, like the menu above.
  expect(await res.text()).toMatch(/last owner|dernier propriétaire/);
  await context.close();
});

test('a password reset link is sent from the detail page; a bad link is refused', async ({ page }) => {
  const [email] = await usersWith(page, '?status=active&sort=email&dir=asc');
  await rowOf(page, email).getByRole('link', { name: email }).click();
  await expect(page).toHaveURL(/\/p\/default\/users\/\d+$/);
  await page.getByRole('button', { name: 'Send password reset' }).click();
  await expect(page.getByText(`A password reset link was sent to ${email}.`)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Activity' }).getByText('user.password_reset_sent')).toBeVisible();

  await page.goto('/reset-password?token=not-a-real-token');
  await hydrated(page);
  await page.getByLabel('New password', { exact: true }).fill('a brand new password');
  await page.getByLabel('Confirm new password').fill('a brand new password');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByRole('alert')).toContainText('invalid, used or expired');
  await noSeriousViolations(page);
});

test('remove from project takes a member out of this project, after a confirmation', async ({ page }) => {
  const [email] = await usersWith(page, '?status=active&role=developer&sort=email&dir=desc');
  await openMenu(page, email);
  await page
    .getByRole('menu')
    .filter({ visible: true })
    .getByRole('menuitem', { name: 'Remove from project' })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Remove from project' });
  await expect(dialog).toContainText(`Remove ${email} from this project?`);
  await noSeriousViolations(page, '[role="dialog"]');
  await dialog.getByRole('button', { name: 'Remove from project' }).click();
  await expect(page.locator('.toast').filter({ hasText: `${email} was removed from the project.` })).toBeVisible();
  await expect(dialog).toHaveCount(0);
  await expect(rowOf(page, email)).toHaveCount(0);
});

test('a member is added to another project from the detail page, by invitation', async ({ page }) => {
  await signIn(page);
  const [email] = await usersWith(page, '?status=active&role=developer');
  await rowOf(page, email).getByRole('link', { name: email, exact: true }).click();
  await expect(page).toHaveURL(/\/p\/default\/users\/\d+/);
  await hydrated(page);
  const card = page.getByRole('region', { name: 'Memberships' });
  await card.getByLabel('Project').selectOption({ label: 'Open' });
  await expect(card.getByLabel('Role')).toBeEnabled();
  await card.getByLabel('Role').selectOption('developer');
  await card.getByRole('button', { name: 'Add to project' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Invitation sent to ${email}.` })).toBeVisible();
  const row = card.getByRole('row').filter({ has: page.getByRole('link', { name: 'Open', exact: true }) });
  await expect(row).toContainText('Invited');
  await expect(row).toContainText('developer');
  // The membership opens this person's page in that project.
  await row.getByRole('link', { name: 'Open', exact: true }).click();
  await expect(page).toHaveURL(/\/p\/open\/users\/\d+/);
});
