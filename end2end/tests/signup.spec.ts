// Sign-up end to end: a project that accepts it (`open`, with terms), the verification mail
// delivered to a real SMTP server, and the link that activates the account and signs in; a
// project that does not accept sign-ups says so.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { hydrated, linkIn, mailTo } from './helpers';

test('signing up needs the terms, then the mailed link activates the account and signs in', async ({ page }) => {
  const email = `signer-${Date.now()}@roster.test`;
  await page.goto('/p/open/signup');
  await hydrated(page);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  await expect(page.getByRole('link', { name: 'terms' })).toHaveAttribute('href', 'https://example.test/terms');

  await page.getByLabel('Email').fill(email);
  await page.getByLabel('First name').fill('Sam');
  await page.getByLabel('Last name').fill('Signer');
  await page.getByLabel('Password', { exact: true }).fill('a lantern in the orchard');
  await page.getByLabel('Confirm password').fill('a lantern in the orchard');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.locator('#agree-error')).toContainText('Agree to the terms');
  await page.getByLabel('I agree to the terms').check();
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Check your email' })).toBeVisible();

  const mail = await mailTo(email, '/verify-email?token=');
  await page.goto(linkIn(mail, '/verify-email?token='));
  await hydrated(page);
  await page.getByRole('button', { name: 'Verify email' }).click();
  await expect(page).toHaveURL(/\/account$/);
});

test('a project that does not accept sign-ups says so', async ({ page }) => {
  await page.goto('/p/default/signup');
  await expect(page.getByRole('heading', { name: 'This project does not accept sign-ups' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();
});
