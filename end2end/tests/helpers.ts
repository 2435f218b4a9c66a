import AxeBuilder from '@axe-core/playwright';
import { expect, Page } from '@playwright/test';
import * as fs from 'fs';
import * as path from 'path';
import { admin, maildir } from '../playwright.config';

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

/**
 * The newest mail delivered to `to` by Roster's worker over SMTP whose text contains `needle`,
 * as text (quoted-printable undone), waiting for it to arrive; `unlike` skips mails containing it.
 */
export async function mailTo(to: string, needle: string, unlike?: string): Promise<string> {
  const dir = path.join(__dirname, '..', '..', maildir, 'new');
  let found = '';
  await expect
    .poll(
      () => {
        const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
        const texts = files
          .map((f) => {
            const full = path.join(dir, f);
            return { at: fs.statSync(full).mtimeMs, text: decodeMail(fs.readFileSync(full, 'utf8')) };
          })
          .filter((m) => new RegExp(`^To: ${to}$`, 'mi').test(m.text) && m.text.includes(needle))
          .filter((m) => !unlike || !m.text.includes(unlike))
          .sort((a, b) => b.at - a.at);
        found = texts[0]?.text ?? '';
        return found !== '';
      },
      { timeout: 15_000, message: `a mail to ${to} containing ${needle}` },
    )
    .toBe(true);
  return found;
}

function decodeMail(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
}

/** The first link in `text` to `pathPrefix` (e.g. `/invitation?token=`), as a path. */
export function linkIn(text: string, pathPrefix: string): string {
  const at = text.indexOf(pathPrefix);
  expect(at, `a ${pathPrefix} link`).toBeGreaterThan(-1);
  const tail = text.slice(at);
  return tail.match(/^[^\s<"]+/)![0];
}

/** Fails on axe's serious or critical violations in the page (or in `include`, a selector). */
export async function noSeriousViolations(page: Page, include?: string) {
  let axe = new AxeBuilder({ page });
  if (include) axe = axe.include(include);
  const results = await axe.analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
