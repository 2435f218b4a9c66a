// Import and export of users, as an admin does it in the browser: the template downloads; a
// file with bad rows shows them in the review and nothing is written before "Confirm import";
// confirming runs the job to 100% and the good rows are Invited in the table; the error
// report downloads. An export of a filtered view with chosen fields downloads only those
// rows and columns; the bulk bar exports the picked rows. axe on every step, light and dark;
// with JavaScript off the upload and the review work the same.
import { Download, expect, Page, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { hydrated, noSeriousViolations, signIn } from './helpers';

async function text(download: Download) {
  return readFileSync((await download.path())!, 'utf8');
}

async function downloadBy(page: Page, name: string) {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  return download;
}

/** What the Users table lists for a search, as an export of it says (a fresh read). */
async function listed(page: Page, q: string) {
  const res = await page.request.get(`/p/default/users/export/download?scope=view&fields=email&fields=status&q=${encodeURIComponent(q)}`);
  expect(res.status()).toBe(200);
  return (await res.text()).trim().split('\n').slice(1);
}

function people(tag: string) {
  return [
    'email,first_name,last_name,role,groups',
    `imp-a-${tag}@roster.test,Ada,Lovelace,,`,
    'not-an-email,Bad,Row,,',
    `imp-b-${tag}@roster.test,Bob,Byron,developer,`,
    `imp-c-${tag}@roster.test,Cy,Wizard,wizard,`,
  ].join('\n');
}

test('an import is reviewed, writes nothing before it is confirmed, then invites the good rows', async ({ page }) => {
  const tag = `${Date.now()}`;
  await signIn(page);
  await page.goto('/p/default/users');
  await hydrated(page);
  await page.getByRole('button', { name: 'Import users' }).click();
  await expect(page).toHaveURL(/\/p\/default\/users\/import\??$/);
  await expect(page.getByRole('heading', { name: 'Import users', level: 1 })).toBeVisible();

  const template = await downloadBy(page, 'Download template');
  expect(template.suggestedFilename()).toBe('roster-import-template.csv');
  expect((await text(template)).split('\n')[0]).toBe('email,first_name,last_name,role,groups');

  await page.getByLabel('CSV file').setInputFiles({ name: `people-${tag}.csv`, mimeType: 'text/csv', buffer: Buffer.from(people(tag)) });
  await page.getByRole('button', { name: 'Upload and review' }).click();
  await expect(page).toHaveURL(/\/p\/default\/users\/import\/\d+$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: `3. Review "people-${tag}.csv"` })).toBeVisible();
  const rows = page.getByRole('table', { name: 'Rows of the file' });
  await expect(rows.getByRole('row').filter({ hasText: 'not-an-email' })).toContainText('Not a valid email address.');
  await expect(rows.getByRole('row').filter({ hasText: `imp-c-${tag}` })).toContainText('No role "wizard" in this project.');
  await expect(page.locator('.import-counts')).toContainText('Ready2');
  // Nothing is written before "Confirm import".
  expect(await listed(page, tag)).toEqual([]);

  // Only the rows with problems.
  await page.getByLabel('Only rows with problems').check();
  await expect(page).toHaveURL(/problems=1/);
  await expect(rows.getByRole('row').filter({ hasText: `imp-a-${tag}` })).toHaveCount(0);
  await expect(rows.getByRole('row').filter({ hasText: 'not-an-email' })).toBeVisible();

  // Confirm: the job runs to 100%, the good rows are invited.
  await expect(page.getByLabel('Send invitation emails')).toBeChecked();
  await page.getByRole('button', { name: 'Confirm import' }).click();
  const progress = page.getByRole('progressbar', { name: 'Import progress' });
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute('value', '2', { timeout: 20_000 });
  await expect(page.getByText('2 invited, 0 skipped at import, 2 refused at review.')).toBeVisible();
  await noSeriousViolations(page);
  expect((await listed(page, tag)).sort()).toEqual([`imp-a-${tag}@roster.test,invited`, `imp-b-${tag}@roster.test,invited`]);

  const report = await downloadBy(page, 'Download error report');
  const lines = (await text(report)).trim().split('\n');
  expect(lines[0]).toBe('email,first_name,last_name,role,groups,reason');
  expect(lines.slice(1)).toEqual([
    'not-an-email,Bad,Row,end_user,,Line 3: Not a valid email address.',
    `imp-c-${tag}@roster.test,Cy,Wizard,wizard,,"Line 5: No role ""wizard"" in this project."`,
  ]);

  // The Users table shows them as Invited.
  await page.goto(`/p/default/users?q=imp-a-${tag}`);
  await expect(page.getByRole('row').filter({ hasText: `imp-a-${tag}` })).toContainText('Invited');
});

test('a file that is not CSV gets a clear message, and the upload works without JavaScript', async ({ browser, page }) => {
  await signIn(page);
  const context = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
  const plain = await context.newPage();
  await plain.goto('/p/default/users/import');
  await plain.getByLabel('CSV file').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]) });
  await plain.getByRole('button', { name: 'Upload and review' }).click();
  await expect(plain.getByRole('alert')).toHaveText('This is not a CSV file. Upload a text file with one person per line, like the template.');
  await plain.getByRole('link', { name: 'Back to the import' }).click();
  const tag = `${Date.now()}`;
  await plain.getByLabel('CSV file').setInputFiles({ name: 'nojs.csv', mimeType: 'text/csv', buffer: Buffer.from(`email\nnojs-${tag}@roster.test\n`) });
  await plain.getByRole('button', { name: 'Upload and review' }).click();
  await expect(plain).toHaveURL(/\/p\/default\/users\/import\/\d+$/);
  await expect(plain.getByRole('table', { name: 'Rows of the file' })).toContainText(`nojs-${tag}@roster.test`);
  await plain.getByRole('button', { name: 'Confirm import' }).click();
  await expect(plain.getByText('1 invited, 0 skipped at import, 0 refused at review.')).toBeVisible({ timeout: 20_000 });
  await context.close();
});

test('an export of a filtered view downloads only its rows and the chosen columns', async ({ page }) => {
  const tag = `${Date.now()}`;
  await signIn(page);
  const headers = { origin: new URL(page.url()).origin, 'sec-fetch-site': 'same-origin' };
  for (const who of ['x', 'y']) {
    const res = await page.request.post('/api/invite_user', {
      data: { project: 'default', form: { email: `exp-${who}-${tag}@roster.test`, role: 'developer', groups: [] } },
      headers,
    });
    expect(res.status(), await res.text()).toBe(200);
  }
  await page.goto(`/p/default/users?q=exp-&status=invited&role=developer`);
  await hydrated(page);
  await page.getByRole('searchbox', { name: 'Search users' }).fill(`-${tag}`);
  await expect(page).toHaveURL(new RegExp(`q=-${tag}`));
  await page.getByRole('button', { name: 'Export users' }).click();
  await expect(page).toHaveURL(/\/p\/default\/users\/export\?/);
  await expect(page.getByLabel('Current view')).toBeChecked();
  await expect(page.getByLabel('CSV')).toBeChecked();
  for (const f of ['First name', 'Last name', 'Groups', 'Status', 'Created']) await page.getByLabel(f, { exact: true }).uncheck();
  await expect(page.getByLabel('Email', { exact: true })).toBeChecked();
  await expect(page.getByLabel('Role', { exact: true })).toBeChecked();
  const csv = await downloadBy(page, 'Export');
  expect(csv.suggestedFilename()).toMatch(/^roster-users-default-\d{4}-\d\d-\d\d\.csv$/);
  const lines = (await text(csv)).trim().split('\n');
  expect(lines[0]).toBe('email,role');
  expect(lines.slice(1).sort()).toEqual([`exp-x-${tag}@roster.test,developer`, `exp-y-${tag}@roster.test,developer`]);

  await page.getByLabel('JSON', { exact: true }).check();
  const jsonl = await downloadBy(page, 'Export');
  const objects = (await text(jsonl)).trim().split('\n').map((l) => JSON.parse(l));
  expect(objects.map((o) => o.email).sort()).toEqual([`exp-x-${tag}@roster.test`, `exp-y-${tag}@roster.test`]);
  expect(Object.keys(objects[0])).toEqual(['email', 'role']);

  // The bulk bar sends the picked rows.
  await page.goto(`/p/default/users?q=exp-x-${tag}`);
  await hydrated(page);
  await page.getByRole('checkbox', { name: `Select exp-x-${tag}@roster.test`, exact: true }).check();
  await page.getByRole('button', { name: 'Export selected' }).click();
  await expect(page.getByLabel('Selected users (1)')).toBeChecked();
  const picked = await downloadBy(page, 'Export');
  const pickedLines = (await text(picked)).trim().split('\n');
  expect(pickedLines.length).toBe(2);
  expect(pickedLines[1]).toContain(`exp-x-${tag}@roster.test`);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`the import and export pages have no serious accessibility violations (${colorScheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await signIn(page);
    await page.goto('/p/default/users/import');
    await hydrated(page);
    await noSeriousViolations(page);
    await page.getByLabel('CSV file').setInputFiles({ name: 'axe.csv', mimeType: 'text/csv', buffer: Buffer.from('email,role\nnot-an-email,\n') });
    await page.getByRole('button', { name: 'Upload and review' }).click();
    await expect(page).toHaveURL(/\/p\/default\/users\/import\/\d+$/);
    await hydrated(page);
    await expect(page.getByText('Not a valid email address.')).toBeVisible();
    await noSeriousViolations(page);
    await page.getByRole('button', { name: 'Discard' }).click();
    await expect(page).toHaveURL(/\/p\/default\/users\/import$/);
    await page.goto('/p/default/users/export?status=active');
    await hydrated(page);
    await noSeriousViolations(page);
  });
}
