// An admin sets a temporary password from a user's detail page (shown once in the dialog); the
// person signs in with it and must choose their own before the console opens.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { hydrated, signIn } from './helpers';

test('a temporary password leads to the account page until it is replaced', async ({ page, browser }) => {
  await signIn(page);
  const email = `temporary-${Date.now()}@roster.test`;
  const headers = { origin: new URL(page.url()).origin, 'sec-fetch-site': 'same-origin' };
  const invited = await page.request.post('/api/invite_user', {
    headers,
    data: { project: 'default', form: { email, role: 'developer', groups: [] } },
  });
  const { url, user_id } = await invited.json();
  const token = new URL(url).searchParams.get('token')!;
  const first = 'a lantern in the orchard';
  const accepted = await (await browser.newContext()).request.post('/api/accept_invitation', {
    headers,
    form: { token, first_name: 'Tim', last_name: 'Temporary', password: first, confirm: first },
  });
  expect(accepted.status()).toBe(200);

  await page.goto(`/p/default/users/${user_id}`);
  await hydrated(page);
  await page.getByRole('button', { name: 'Set temporary password' }).click();
  const dialog = page.getByRole('dialog', { name: 'Set temporary password' });
  await expect(dialog).toContainText(email);
  await dialog.getByRole('button', { name: 'Set temporary password' }).click();
  const field = dialog.getByLabel('Temporary password');
  await expect(field).toHaveValue(/^[A-Za-z0-9]{20}$/);
  const axe = await new AxeBuilder({ page }).include('.modal').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  const temporary = await field.inputValue();
  await dialog.getByRole('button', { name: 'Close' }).last().click();

  const context = await browser.newContext();
  const tim = await context.newPage();
  await signIn(tim, email, temporary);
  await expect(tim).toHaveURL(/\/account$/);
  await expect(tim.getByRole('alert').filter({ hasText: 'temporary password' })).toBeVisible();
  await tim.goto('/p/default/users');
  await expect(tim).toHaveURL(/\/account$/);
  await hydrated(tim);
  const card = tim.getByRole('region', { name: 'Change password' });
  await card.getByLabel('Current password').fill(temporary);
  await card.getByLabel('New password', { exact: true }).fill('my own passphrase again');
  await card.getByLabel('Confirm new password').fill('my own passphrase again');
  await card.getByRole('button', { name: 'Change password' }).click();
  await expect(card.getByRole('status')).toBeVisible();
  await tim.goto('/p/default/users');
  await expect(tim).toHaveURL(/\/p\/default\/users$/);
  await context.close();
});
