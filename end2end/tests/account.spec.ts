// The account page end to end, for a person who just joined by invitation: the profile's
// language and theme (rendered by the server after Save and in another browser), changing the
// password (which signs the other browser out), and the sessions list. Axe in light and dark.
import AxeBuilder from '@axe-core/playwright';
import { Browser, BrowserContext, expect, Page, test } from '@playwright/test';
import { hydrated, linkIn, mailTo, signIn } from './helpers';

const password = 'a lantern in the orchard';

async function noSeriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** A new end user (invited by the admin, accepted): their signed-in browser context. */
async function newMember(page: Page, browser: Browser, email: string): Promise<BrowserContext> {
  await signIn(page);
  const origin = new URL(page.url()).origin;
  const headers = { origin, 'sec-fetch-site': 'same-origin' };
  const invited = await page.request.post('/api/invite_user', {
    headers,
    data: { project: 'default', form: { email, role: 'end_user', groups: [] } },
  });
  expect(invited.status()).toBe(200);
  const token = new URL((await invited.json()).url).searchParams.get('token')!;
  const context = await browser.newContext();
  const accepted = await context.request.post('/api/accept_invitation', {
    headers,
    form: { token, first_name: 'Ada', last_name: 'Account', password, confirm: password },
  });
  expect(accepted.status()).toBe(200);
  return context;
}

test('profile language and theme follow the person; a new password signs other browsers out', async ({ page, browser }) => {
  const email = `account-${Date.now()}@roster.test`;
  const context = await newMember(page, browser, email);
  const me = await context.newPage();
  await me.goto('/account');
  await hydrated(me);
  await expect(me.getByRole('heading', { name: 'Account', level: 1 })).toBeVisible();
  await expect(me.getByText('This device')).toBeVisible();
  await noSeriousViolations(me);

  // A second browser, signed in before the changes.
  const second = await browser.newContext();
  const other = await second.newPage();
  await signIn(other, email, password);

  await me.getByLabel('First name').fill('Zoé');
  await me.getByLabel('Language').selectOption({ label: 'Français' });
  await me.getByLabel('Theme').selectOption('dark');
  await me.getByRole('button', { name: 'Save' }).click();
  await expect(me.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(me.locator('html')).toHaveAttribute('data-theme', 'dark');
  await hydrated(me);
  await expect(me.getByRole('heading', { name: 'Compte', level: 1 })).toBeVisible();
  await expect(me.getByLabel('Prénom')).toHaveValue('Zoé');
  await noSeriousViolations(me);

  // The other browser gets the same language and theme from the server's first byte.
  await other.goto('/account');
  await expect(other.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(other.locator('html')).toHaveAttribute('lang', 'fr');

  // Change the password (in French now): a wrong current one is refused under its field.
  const card = me.getByRole('region', { name: 'Changer le mot de passe' });
  await card.getByLabel('Mot de passe actuel').fill('not my password');
  await card.getByLabel('Nouveau mot de passe', { exact: true }).fill('a brand new passphrase');
  await card.getByLabel('Confirmer le nouveau mot de passe').fill('a brand new passphrase');
  await card.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await expect(me.locator('#current-error')).toBeVisible();
  await card.getByLabel('Mot de passe actuel').fill(password);
  await card.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await expect(me.getByRole('status').filter({ hasText: 'Votre mot de passe a été modifié' })).toBeVisible();

  // The other browser was signed out; this one stays.
  await other.goto('/account');
  await expect(other).toHaveURL(/\/login\?next=/);
  await me.reload();
  await expect(me).toHaveURL(/\/account$/);

  // A new address: a link goes there (over SMTP), and the account moves when it is followed.
  const moved = `moved-${Date.now()}@roster.test`;
  await hydrated(me);
  const emailCard = me.getByRole('region', { name: "Changer d'adresse e-mail" });
  await emailCard.getByLabel('Nouvelle adresse e-mail').fill(moved);
  await emailCard.getByLabel('Mot de passe actuel').fill('a brand new passphrase');
  await emailCard.getByRole('button', { name: "Changer d'adresse e-mail" }).click();
  await expect(emailCard.getByRole('status')).toContainText(moved);
  const mail = await mailTo(moved, '/verify-email?token=');
  await me.goto(linkIn(mail, '/verify-email?token='));
  await hydrated(me);
  // Signed in, the page speaks the person's language.
  await me.getByRole('button', { name: "Vérifier l'adresse" }).click();
  await expect(me.getByRole('status').filter({ hasText: 'Votre adresse e-mail est vérifiée' })).toBeVisible();
  await me.goto('/account');
  await expect(me.getByText(`E-mail: ${moved}`)).toBeVisible();
  await second.close();
  await context.close();
});
