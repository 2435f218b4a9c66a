import AxeBuilder from '@axe-core/playwright';
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

test('forgot password asks for the email and answers the same for any address', async ({ page, browser }) => {
  await page.goto('/forgot-password');
  await hydrated(page);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  const answer = page.getByRole('status').filter({ hasText: 'If an account' });
  await expect(answer).toContainText('If an account uses that address');
  const known = await answer.textContent();

  // Without JavaScript the form posts and the page says the same.
  const noJs = await browser.newContext({ javaScriptEnabled: false });
  const plain = await noJs.newPage();
  await plain.goto('/forgot-password');
  await plain.getByLabel('Email').fill('nobody@roster.test');
  await plain.getByRole('button', { name: 'Send reset link' }).click();
  await expect(plain).toHaveURL(/\/forgot-password\?sent=1$/);
  await expect(plain.getByRole('status').filter({ hasText: 'If an account' })).toHaveText(known ?? '');
  await noJs.close();
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

test('a browser that asks for French gets the sign-in pages and their errors in French', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await hydrated(page);
  await page.getByLabel('E-mail').fill('nobody@roster.test');
  await page.getByLabel('Mot de passe', { exact: true }).fill('not the password');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  // The server's message, in the reader's language.
  await expect(page.getByRole('alert')).toHaveText('Adresse e-mail ou mot de passe incorrect.');
  await page.getByRole('link', { name: 'Mot de passe oublié ?' }).click();
  await expect(page.getByRole('heading', { name: 'Mot de passe oublié ?' })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('E-mail').fill('not an address');
  await page.getByRole('button', { name: 'Envoyer le lien' }).click();
  await expect(page.getByRole('alert')).toHaveText('Saisissez une adresse e-mail valide, comme nom@exemple.com.');
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  await context.close();
});
