import { expect, test } from '@playwright/test';
import { hydrated, signIn } from './helpers';

test('health check answers 200', async ({ request }) => {
  const res = await request.get('/healthz');
  expect(res.status()).toBe(200);
  expect(await res.text()).toBe('ok');
});

test('pages carry security headers and a nonce-based CSP', async ({ request }) => {
  const res = await request.get('/login');
  expect(res.status()).toBe(200);
  const h = res.headers();
  expect(h['x-content-type-options']).toBe('nosniff');
  expect(h['referrer-policy']).toBeTruthy();
  expect(h['content-security-policy']).toMatch(/script-src 'self' 'nonce-[^']+' 'wasm-unsafe-eval'/);
  expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
});

test('assets are precompressed, content-hashed and cached for a year', async ({ request }) => {
  const html = await (await request.get('/login')).text();
  const wasm = html.match(/href="(\/pkg\/[^"]+\.wasm)"/)?.[1];
  const css = html.match(/href="(\/pkg\/[^"]+\.css)"/)?.[1];
  expect(wasm, 'the page preloads its wasm').toBeTruthy();
  expect(css, 'the page links its stylesheet').toBeTruthy();
  for (const asset of [wasm!, css!]) {
    // A content hash in the name: roster.<hash>.wasm
    expect(asset).toMatch(/^\/pkg\/roster\.[^./]+\.(wasm|css)$/);
    for (const encoding of ['br', 'gzip']) {
      const res = await request.get(asset, { headers: { 'accept-encoding': encoding } });
      expect(res.status()).toBe(200);
      expect(res.headers()['content-encoding']).toBe(encoding);
      expect(res.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
    }
  }
  const missing = await request.get('/pkg/roster.nothing.wasm');
  expect(missing.status()).toBe(404);
  // A missing file is never cached (pages and answers are never stored at all).
  expect(missing.headers()['cache-control']).toBe('no-store');
});

test('the console shell renders and hydrates', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

  await signIn(page);
  await expect(page).toHaveURL(/\/p\/default\/users$/);
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const name of ['Users', 'Roles', 'Groups', 'Audit log', 'Projects', 'Account']) {
    await expect(nav.getByRole('link', { name })).toBeVisible();
  }
  await expect(nav.getByRole('link', { name: 'Users' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByLabel('Project')).toHaveValue('default');

  // A client-side interaction: the shortcuts dialog opens, traps focus, closes on Escape and
  // gives focus back to the button that opened it.
  const opener = page.getByRole('button', { name: 'Keyboard shortcuts' });
  await opener.click();
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Close' }).first()).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(dialog.locator(':focus')).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();

  // The user menu toggles client-side.
  const menuButton = page.getByRole('button', { name: 'User menu' });
  await menuButton.click();
  await expect(menuButton).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByRole('menuitem', { name: 'Sign out' })).toBeVisible();

  // Client-side navigation keeps the shell.
  await nav.getByRole('link', { name: 'Roles' }).click();
  await expect(page.getByRole('heading', { name: 'Roles', level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/p\/default\/roles$/);
  expect(errors).toEqual([]);
});

test('the dark theme tokens apply', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/login');
  await hydrated(page);
  const bg = await page.locator('.auth-page').evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(bg).toBe('rgb(13, 17, 23)');
});
