// Two-factor authentication end to end: setup from the account page (QR code, secret key, a
// code computed here from that key per RFC 6238, recovery codes), then a sign-in that asks for
// the code, and a recovery code that works once. Axe on the dialog and the code step.
import AxeBuilder from '@axe-core/playwright';
import { Browser, BrowserContext, expect, Page, test } from '@playwright/test';
import * as crypto from 'crypto';
import { hydrated, signIn } from './helpers';

const password = 'a lantern in the orchard';

function base32(secret: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** RFC 6238: HMAC-SHA-1, 30-second steps, 6 digits; `steps` later than now. */
function totp(secret: string, steps = 0): string {
  const counter = Math.floor(Date.now() / 1000 / 30) + steps;
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const h = crypto.createHmac('sha1', base32(secret)).update(msg).digest();
  const o = h[h.length - 1] & 15;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1_000_000).padStart(6, '0');
}

async function noSeriousViolations(page: Page, include?: string) {
  let axe = new AxeBuilder({ page });
  if (include) axe = axe.include(include);
  const serious = (await axe.analyze()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

async function newMember(page: Page, browser: Browser, email: string): Promise<BrowserContext> {
  await signIn(page);
  const headers = { origin: new URL(page.url()).origin, 'sec-fetch-site': 'same-origin' };
  const invited = await page.request.post('/api/invite_user', {
    headers,
    data: { project: 'default', form: { email, role: 'end_user', groups: [] } },
  });
  const token = new URL((await invited.json()).url).searchParams.get('token')!;
  const context = await browser.newContext();
  const accepted = await context.request.post('/api/accept_invitation', {
    headers,
    form: { token, first_name: 'Tess', last_name: 'Totp', password, confirm: password },
  });
  expect(accepted.status()).toBe(200);
  return context;
}

test('two-factor setup, then a sign-in with a code and with a recovery code', async ({ page, browser }) => {
  const email = `totp-${Date.now()}@roster.test`;
  const context = await newMember(page, browser, email);
  const me = await context.newPage();
  await me.goto('/account');
  await hydrated(me);
  await me.getByRole('button', { name: 'Enable two-factor authentication' }).click();
  const dialog = me.getByRole('dialog', { name: 'Enable two-factor authentication' });
  await expect(dialog.getByRole('img', { name: 'QR code' })).toBeVisible();
  const secret = (await dialog.getByLabel('Secret key').innerText()).trim();
  expect(secret.replace(/\s/g, '')).toMatch(/^[A-Z2-7]{32}$/);
  await noSeriousViolations(me, '.modal');

  await dialog.getByLabel('Verification code').fill('000000');
  await dialog.getByRole('button', { name: 'Complete setup' }).click();
  await expect(dialog.locator('#code-error')).toBeVisible();
  await dialog.getByLabel('Verification code').fill(totp(secret));
  await dialog.getByRole('button', { name: 'Complete setup' }).click();
  await expect(dialog.getByText('Two-factor authentication enabled')).toBeVisible();
  const codes = (await dialog.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allInnerTexts()).map((c) => c.trim());
  expect(codes).toHaveLength(10);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(me.getByText('On. 10 recovery codes left.')).toBeVisible();

  // A new browser: the password, then the code step.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto('/login');
  await hydrated(other);
  await other.getByLabel('Email').fill(email);
  await other.getByLabel('Password', { exact: true }).fill(password);
  await other.getByRole('button', { name: 'Sign in' }).click();
  await expect(other).toHaveURL(/\/login\?step=code/);
  await hydrated(other);
  await noSeriousViolations(other);
  // The setup's code was used in its step: the next step's is the one to send.
  await other.getByLabel('Authentication code').fill(totp(secret, 1));
  await other.getByRole('button', { name: 'Verify' }).click();
  await expect(other).toHaveURL(/\/account$/);
  await fresh.close();

  // Another browser with a recovery code, which then is used up.
  const lost = await browser.newContext();
  const phoneless = await lost.newPage();
  await phoneless.goto('/login');
  await hydrated(phoneless);
  await phoneless.getByLabel('Email').fill(email);
  await phoneless.getByLabel('Password', { exact: true }).fill(password);
  await phoneless.getByRole('button', { name: 'Sign in' }).click();
  await expect(phoneless).toHaveURL(/\/login\?step=code/);
  await hydrated(phoneless);
  await phoneless.getByLabel('Authentication code').fill(codes[0]);
  await phoneless.getByRole('button', { name: 'Verify' }).click();
  await expect(phoneless).toHaveURL(/\/account$/);
  await expect(phoneless.getByText('On. 9 recovery codes left.')).toBeVisible();
  await lost.close();
  await context.close();
});
