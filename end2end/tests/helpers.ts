import { expect, Page } from '@playwright/test';
import { admin } from '../playwright.config';

export { admin };

/** Waits until the page's wasm has hydrated, so clicks reach Leptos's handlers. */
export async function hydrated(page: Page) {
  await page.waitForSelector('body[data-hydrated="true"]');
}

export async function signIn(page: Page, email = admin.email, password = admin.password) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await hydrated(page);
}
