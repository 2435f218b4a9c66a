// Invitations end to end: the invite dialog and its Registration URL, the mail Roster's worker
// delivers to a real SMTP server, accepting in another browser, forgot password through the
// delivered mail, resend and cancel from the row menu.
import AxeBuilder from '@axe-core/playwright';
import { expect, Page, test } from '@playwright/test';
import { hydrated, linkIn, mailTo, signIn } from './helpers';

async function noSeriousViolations(page: Page, include?: string) {
  let axe = new AxeBuilder({ page });
  if (include) axe = axe.include(include);
  const results = await axe.analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Sends an invitation from the Users page's dialog; answers the Registration URL. */
async function inviteFromDialog(page: Page, email: string, scan = false): Promise<string> {
  await page.goto('/p/default/users');
  await hydrated(page);
  await page.getByRole('button', { name: 'Invite user' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite user' });
  await expect(dialog.getByLabel('Email')).toBeFocused();
  await expect(dialog.getByLabel('Role')).toHaveValue('end_user');
  await expect(dialog.getByRole('group', { name: 'Groups' })).toBeVisible();
  if (scan) await noSeriousViolations(page, '.modal');

  // A malformed address is refused under the field.
  await dialog.getByLabel('Email').fill('not-an-email');
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await expect(dialog.locator('#email-error')).toContainText('valid email');

  await dialog.getByLabel('Email').fill(email);
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  const url = dialog.getByLabel('Registration URL');
  await expect(url).toBeVisible();
  await expect(url).toHaveValue(/\/invitation\?token=[\w-]{43}$/);
  const link = await url.inputValue();
  await dialog.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(dialog.getByRole('button', { name: 'Copied', exact: true })).toBeVisible();
  if (scan) await noSeriousViolations(page, '.modal');
  await dialog.getByRole('button', { name: 'Copy and close' }).click();
  await expect(dialog).toBeHidden();
  return new URL(link).pathname + new URL(link).search;
}

test('an invited person gets the mail over SMTP, accepts in another browser, and can recover the password by mail', async ({ page, browser }) => {
  const email = `newcomer-${Date.now()}@roster.test`;
  await signIn(page);
  const registration = await inviteFromDialog(page, email, true);

  // At once in the table, as Invited.
  await page.goto(`/p/default/users?q=${encodeURIComponent(email)}`);
  const row = page.locator('table.users-table tbody tr').filter({ hasText: email });
  await expect(row).toContainText('Invited');

  // The mail left over SMTP and carries the same link.
  const mail = await mailTo(email, '/invitation?token=');
  expect(mail).toContain('Default project');
  expect(linkIn(mail, '/invitation?token=')).toBe(registration);

  // Accepted in another browser: names, password, then signed in, on their account page.
  const other = await browser.newContext();
  const invitee = await other.newPage();
  await invitee.goto(registration);
  await hydrated(invitee);
  await expect(invitee.getByRole('heading', { name: 'Join Default project' })).toBeVisible();
  await noSeriousViolations(invitee);
  await invitee.getByLabel('First name').fill('Nina');
  await invitee.getByLabel('Last name').fill('Newcomer');
  await invitee.getByLabel('Password', { exact: true }).fill('password');
  await invitee.getByLabel('Confirm password').fill('password');
  await invitee.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(invitee.locator('#password-error')).toContainText('10');
  const password = 'a quiet harbour at dawn';
  await invitee.getByLabel('Password', { exact: true }).fill(password);
  await invitee.getByLabel('Confirm password').fill(password);
  await invitee.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(invitee).toHaveURL(/\/account$/);
  await other.close();

  // The link was single use.
  const late = await browser.newContext();
  const again = await late.newPage();
  await again.goto(registration);
  await expect(again.getByRole('heading', { name: 'This invitation is no longer valid' })).toBeVisible();

  // Forgot password, through the mail the SMTP server received.
  await again.goto('/forgot-password');
  await hydrated(again);
  await again.getByLabel('Email').fill(email);
  await again.getByRole('button', { name: 'Send reset link' }).click();
  await expect(again.getByRole('status').filter({ hasText: 'If an account' })).toBeVisible();
  const reset = await mailTo(email, '/reset-password?token=');
  await again.goto(linkIn(reset, '/reset-password?token='));
  await hydrated(again);
  const fresh = 'a different harbour at dusk';
  await again.getByLabel('New password', { exact: true }).fill(fresh);
  await again.getByLabel('Confirm new password').fill(fresh);
  await again.getByRole('button', { name: 'Set new password' }).click();
  await expect(again.getByRole('status').filter({ hasText: 'Your password was changed' })).toBeVisible();
  await signIn(again, email, fresh);
  await expect(again).toHaveURL(/\/account$/);
  await late.close();
});

test('resend kills the old link and cancel makes the new one say it is no longer valid', async ({ page, browser }) => {
  const email = `cancelled-${Date.now()}@roster.test`;
  await signIn(page);
  const first = await inviteFromDialog(page, email);

  await page.goto(`/p/default/users?q=${encodeURIComponent(email)}`);
  await hydrated(page);
  const menu = page.getByRole('button', { name: `Actions for ${email}`, exact: true });
  await menu.click();
  await page.getByRole('menuitem', { name: 'Resend invitation' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Invitation sent to ${email}` })).toBeVisible();
  const firstToken = first.split('token=')[1];
  const resent = linkIn(await mailTo(email, '/invitation?token=', firstToken), '/invitation?token=');
  expect(resent).not.toBe(first);

  const other = await browser.newContext();
  const invitee = await other.newPage();
  await invitee.goto(first);
  await expect(invitee.getByRole('heading', { name: 'This invitation is no longer valid' })).toBeVisible();
  await invitee.goto(resent);
  await expect(invitee.getByRole('heading', { name: 'Join Default project' })).toBeVisible();

  await menu.click();
  await page.getByRole('menuitem', { name: 'Cancel invitation' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cancel invitation' });
  await expect(dialog).toContainText(email);
  await noSeriousViolations(page, '.modal');
  await dialog.getByRole('button', { name: 'Cancel invitation' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(`The invitation of ${email} was cancelled.`)).toBeVisible();
  await expect(page.getByRole('link', { name: email, exact: true })).toHaveCount(0);

  await invitee.goto(resent);
  await hydrated(invitee);
  await expect(invitee.getByRole('heading', { name: 'This invitation is no longer valid' })).toBeVisible();
  await expect(invitee.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await noSeriousViolations(invitee);
  await other.close();
});
