import { expect, test } from '@playwright/test';
import { admin, hydrated, signIn } from './helpers';

test('a wrong password is refused with a message that names neither field', async ({ page }) => {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password', { exact: true }).fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Incorrect email or password.');
  await expect(page).toHaveURL(/\/login/);

  // An unknown email gets exactly the same answer.
  await page.getByLabel('Email').fill('nobody@roster.test');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Incorrect email or password.');
});

test('the sign-in page links to password recovery', async ({ page }) => {
  await page.goto('/login');
  await expect(page.getByRole('link', { name: 'Forgot password?' })).toHaveAttribute('href', '/forgot-password');
});

test('signing out ends the session; a console link comes back after signing in', async ({ page }) => {
  await signIn(page);
  await page.getByRole('button', { name: 'User menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);

  await page.goto('/p/default/groups');
  await expect(page).toHaveURL(/\/login\?next=\/p\/default\/groups$/);
  await hydrated(page);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/p\/default\/groups$/);
  await expect(page.getByRole('heading', { name: 'Groups', level: 1 })).toBeVisible();
});

test('short paths redirect to the current project', async ({ page }) => {
  await signIn(page);
  await page.goto('/audit');
  await expect(page).toHaveURL(/\/p\/default\/audit$/);
});
