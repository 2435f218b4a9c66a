// Accessibility (issue #9): axe on every dialog of the product and the pages under them, in the
// light and the dark theme, allowing no serious or critical violation. Signed-in scans run as
// fresh people whose account's Theme is set on the Account page (the admin's theme is never
// touched); signed-out pages follow the system theme, emulated here.
import AxeBuilder from '@axe-core/playwright';
import { Browser, expect, Locator, Page, test } from '@playwright/test';
import * as crypto from 'crypto';
import { hydrated, signIn } from './helpers';

type Theme = 'light' | 'dark';
const THEMES: Theme[] = ['light', 'dark'];
/** The page background of each theme (--bg), to be sure the theme really applies. */
const BACKGROUND: Record<Theme, string> = { light: 'rgb(248, 249, 250)', dark: 'rgb(13, 17, 23)' };
const password = 'a lantern in the orchard';

/**
 * Runs axe on the page (or on `include` only) and fails with every serious or critical
 * violation: its rule, what it means, and each element with axe's summary of what to fix.
 */
async function expectAccessible(page: Page, where: string, include?: string) {
  // Legacy mode runs axe in the page itself rather than finishing each run in a blank page of
  // its own: twice as fast, and the same for these pages (they have no frames).
  let axe = new AxeBuilder({ page }).setLegacyMode();
  if (include) axe = axe.include(include);
  const { violations } = await axe.analyze();
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: `${v.id} (${v.impact}): ${v.help}`,
      nodes: v.nodes.map((n) => `${n.target.join(' ')} — ${(n.failureSummary ?? '').replace(/\s*\n\s*/g, ' ')}`),
    }));
  // Soft: one run lists every scan's problems; the test still fails at its end.
  expect.soft(serious, `axe: serious or critical violations in ${where}`).toEqual([]);
}

/** The open dialog named `name`, once `ready` (its lazily loaded body) shows: scanned alone. */
async function expectAccessibleDialog(page: Page, theme: Theme, name: string, ready: (dialog: Locator) => Promise<void>) {
  const dialog = page.getByRole('dialog', { name });
  await expect(dialog).toBeVisible();
  await ready(dialog);
  await expectAccessible(page, `the "${name}" dialog (${theme})`, '.modal');
  return dialog;
}

async function closeDialog(page: Page, name: string) {
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name })).toHaveCount(0);
}

/** Posts to a server function as the page's browser would. */
async function call(page: Page, fn: string, data: object) {
  const res = await page.request.post(`/api/${fn}`, {
    data,
    headers: { origin: new URL(page.url()).origin, 'sec-fetch-site': 'same-origin' },
  });
  expect(res.status(), `${fn}: ${await res.text()}`).toBe(200);
  return res.json();
}

/**
 * A new member of project `default` with `role`, invited by the admin (signed in on `admin`)
 * and accepted in a browser of their own, whose Theme is set to `theme` on the Account page.
 * Roles other than end_user keep these people out of other specs' picks of demo users.
 */
async function themedMember(admin: Page, browser: Browser, theme: Theme, role: 'admin' | 'developer') {
  const email = `a11y-${theme}-${role}-${Date.now()}@roster.test`;
  const invited = await call(admin, 'invite_user', { project: 'default', form: { email, role, groups: [] } });
  const token = new URL(invited.url).searchParams.get('token')!;
  const context = await browser.newContext();
  const accepted = await context.request.post('/api/accept_invitation', {
    headers: { origin: new URL(admin.url()).origin, 'sec-fetch-site': 'same-origin' },
    form: { token, first_name: 'Ally', last_name: theme === 'light' ? 'Light' : 'Dark', password, confirm: password },
  });
  expect(accepted.status()).toBe(200);
  const page = await context.newPage();
  await page.goto('/account');
  await hydrated(page);
  // The Account page's code loads after the page reports hydrated: a choice made before it
  // runs is not seen by Save (which then saves the old theme), so try again until it is.
  await expect(async () => {
    await page.getByLabel('Theme').selectOption(theme);
    const reloaded = page.waitForEvent('load', { timeout: 5000 });
    await page.getByRole('button', { name: 'Save' }).click();
    await reloaded;
    await hydrated(page);
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.locator('.app')).toHaveCSS('background-color', BACKGROUND[theme]);
  return { context, page, email };
}

function base32(secret: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits. */
function totp(secret: string): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const h = crypto.createHmac('sha1', base32(secret)).update(msg).digest();
  const o = h[h.length - 1] & 15;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1_000_000).padStart(6, '0');
}

/** The users page filtered to `email`, hydrated. */
async function search(page: Page, email: string) {
  await page.goto(`/p/default/users?q=${encodeURIComponent(email)}`);
  await hydrated(page);
}

async function rowMenuItem(page: Page, email: string, item: string) {
  await page.getByRole('button', { name: `Actions for ${email}`, exact: true }).click();
  await page.getByRole('menu').filter({ visible: true }).getByRole('menuitem', { name: item }).click();
}

for (const theme of THEMES) {
  test.describe(`${theme} theme`, () => {
    test('signed-out pages', async ({ browser }) => {
      const context = await browser.newContext({ colorScheme: theme });
      const page = await context.newPage();
      for (const path of ['/login', '/forgot-password', '/p/open/signup']) {
        await page.goto(path);
        await hydrated(page);
        await expect(page.locator('.auth-page')).toHaveCSS('background-color', BACKGROUND[theme]);
        await expectAccessible(page, `${path} (${theme})`);
      }
      await context.close();
    });

    test('users page, its dialogs, the bulk actions and the detail page', async ({ page, browser }) => {
      await signIn(page);
      const me = await themedMember(page, browser, theme, 'admin');
      const other = `a11y-${theme}-member-${Date.now()}@roster.test`;
      const u = me.page;

      await u.goto('/p/default/users');
      await hydrated(u);
      await expectAccessible(u, `the users page (${theme})`);

      await u.keyboard.press('?');
      await expectAccessibleDialog(u, theme, 'Keyboard shortcuts', async (d) => {
        await expect(d.getByRole('button', { name: 'Close' }).last()).toBeVisible();
      });
      await closeDialog(u, 'Keyboard shortcuts');

      // Invite user: the form (and the page under it), then the Registration URL.
      await u.getByRole('button', { name: 'Invite user' }).click();
      const invite = await expectAccessibleDialog(u, theme, 'Invite user', async (d) => {
        await expect(d.getByLabel('Email')).toBeFocused();
      });
      await expectAccessible(u, `the users page under a dialog (${theme})`);
      await invite.getByLabel('Email').fill(other);
      await invite.getByLabel('Role').selectOption('developer');
      await invite.getByRole('button', { name: 'Send invitation' }).click();
      await expect(invite.getByLabel('Registration URL')).toBeVisible();
      await expectAccessible(u, `the "Invite user" dialog's link step (${theme})`, '.modal');
      const token = new URL(await invite.getByLabel('Registration URL').inputValue()).searchParams.get('token')!;
      await closeDialog(u, 'Invite user');

      await search(u, other);
      await rowMenuItem(u, other, 'Cancel invitation');
      await expectAccessibleDialog(u, theme, 'Cancel invitation', async (d) => {
        await expect(d).toContainText(other);
      });
      await closeDialog(u, 'Cancel invitation');

      // They accept: an active member to act on.
      const theirs = await browser.newContext();
      const accepted = await theirs.request.post('/api/accept_invitation', {
        headers: { origin: new URL(u.url()).origin, 'sec-fetch-site': 'same-origin' },
        form: { token, first_name: 'Otto', last_name: 'Other', password, confirm: password },
      });
      expect(accepted.status()).toBe(200);
      await theirs.close();

      await search(u, other);
      await rowMenuItem(u, other, 'Edit');
      await expectAccessibleDialog(u, theme, 'Edit user', async (d) => {
        await expect(d.getByLabel('First name')).toBeFocused();
      });
      await closeDialog(u, 'Edit user');

      await rowMenuItem(u, other, 'Remove from project');
      await expectAccessibleDialog(u, theme, 'Remove from project', async (d) => {
        await expect(d.getByRole('button', { name: 'Remove from project' })).toBeVisible();
      });
      await closeDialog(u, 'Remove from project');

      // The detail page and its Set temporary password dialog, both steps.
      await u.getByRole('link', { name: other, exact: true }).click();
      await expect(u).toHaveURL(/\/p\/default\/users\/\d+$/);
      await expect(u.getByRole('button', { name: 'Set temporary password' })).toBeVisible();
      await expectAccessible(u, `the user detail page (${theme})`);
      await u.getByRole('button', { name: 'Set temporary password' }).click();
      const temporary = await expectAccessibleDialog(u, theme, 'Set temporary password', async (d) => {
        await expect(d).toContainText(other);
      });
      await temporary.getByRole('button', { name: 'Set temporary password' }).click();
      await expect(temporary.getByLabel('Temporary password')).toHaveValue(/\S{8,}/);
      await expectAccessible(u, `the "Set temporary password" dialog's result (${theme})`, '.modal');
      await closeDialog(u, 'Set temporary password');

      // A failed action's error toast (the server is made to fail here).
      await u.route('**/api/send_password_reset', (route) => route.fulfill({ status: 500, body: 'unavailable' }));
      await u.getByRole('button', { name: 'Send password reset' }).click();
      await expect(u.locator('.toast-error')).toBeVisible();
      await expectAccessible(u, `an error toast (${theme})`, '.toasts');
      await u.unroute('**/api/send_password_reset');

      // Deactivate (confirmed: its toast has Undo), then Delete on the now inactive member.
      await search(u, other);
      await rowMenuItem(u, other, 'Deactivate');
      const deactivate = await expectAccessibleDialog(u, theme, 'Deactivate user', async (d) => {
        await expect(d.getByLabel('Reason (optional)')).toBeFocused();
      });
      await deactivate.getByRole('button', { name: 'Deactivate' }).click();
      await expect(u.locator('.toast').filter({ hasText: `${other} was deactivated.` })).toBeVisible();
      await expectAccessible(u, `a toast with Undo (${theme})`, '.toasts');
      await expect(u.locator('table.users-table tbody tr').filter({ hasText: other })).toContainText('Inactive');
      await rowMenuItem(u, other, 'Delete');
      await expectAccessibleDialog(u, theme, 'Delete user', async (d) => {
        await expect(d.getByLabel("Type the user's email to confirm")).toBeFocused();
      });
      await closeDialog(u, 'Delete user');

      // The bulk bar, and its summary (own account only: refused, nothing changes).
      await search(u, me.email);
      await u.getByRole('checkbox', { name: `Select ${me.email}`, exact: true }).check();
      const bar = u.getByRole('region', { name: 'Bulk actions' });
      await expect(bar.getByLabel('New role')).toBeVisible();
      await expectAccessible(u, `the bulk actions bar (${theme})`, '.bulk-bar');
      await bar.getByRole('button', { name: 'Deactivate selected' }).click();
      await expect(u.getByRole('status', { name: 'Result of the bulk action' })).toContainText('0 changed, 1 refused.');
      await expectAccessible(u, `the users page with the bulk summary (${theme})`);
      await me.context.close();
    });

    test('account page and the two-factor dialogs', async ({ page, browser }) => {
      await signIn(page);
      const me = await themedMember(page, browser, theme, 'developer');
      const u = me.page;
      await expectAccessible(u, `the account page (${theme})`);

      await u.getByRole('button', { name: 'Enable two-factor authentication' }).click();
      const setup = await expectAccessibleDialog(u, theme, 'Enable two-factor authentication', async (d) => {
        await expect(d.getByRole('img', { name: 'QR code' })).toBeVisible();
      });
      await expectAccessible(u, `the account page under a dialog (${theme})`);
      const secret = (await setup.getByLabel('Secret key').innerText()).trim();
      await setup.getByLabel('Verification code').fill(totp(secret));
      await setup.getByRole('button', { name: 'Complete setup' }).click();
      await expect(setup.getByRole('list', { name: 'Recovery codes' })).toBeVisible();
      await expectAccessible(u, `the recovery codes step (${theme})`, '.modal');
      await setup.getByRole('button', { name: 'Done' }).click();
      await expect(u.getByText('On. 10 recovery codes left.')).toBeVisible();

      for (const name of ['Regenerate recovery codes', 'Turn off two-factor authentication']) {
        await u.getByRole('button', { name }).click();
        await expectAccessibleDialog(u, theme, name, async (d) => {
          await expect(d.getByLabel('Current code or password')).toBeVisible();
        });
        await closeDialog(u, name);
      }
      await expectAccessible(u, `the account page with two-factor on (${theme})`);
      await me.context.close();
    });
  });
}
