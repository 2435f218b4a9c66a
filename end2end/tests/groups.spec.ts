// Groups: created from the sidebar's page, a member found with the search-as-you-type picker
// and added, the group's permissions edited (the member's detail page shows them), the member
// removed and the group deleted; all in the page, from server-rendered forms and dialogs.
// axe on the pages and dialogs in light and dark; with JavaScript off the page reads the same.
import { Browser, expect, Page, test } from '@playwright/test';
import { hydrated, noSeriousViolations, signIn } from './helpers';

/** A new active end user of project `default` (invited, then accepted): their email. */
async function newMember(page: Page, browser: Browser, tag: string) {
  const email = `picked-${tag}-${Date.now()}@roster.test`;
  const headers = { origin: new URL(page.url()).origin, 'sec-fetch-site': 'same-origin' };
  const res = await page.request.post('/api/invite_user', {
    data: { project: 'default', form: { email, role: 'end_user', groups: [] } },
    headers,
  });
  expect(res.status(), await res.text()).toBe(200);
  const token = new URL((await res.json()).url).searchParams.get('token')!;
  const context = await browser.newContext();
  const password = 'a long enough password 42';
  const accepted = await context.request.post('/api/accept_invitation', {
    headers,
    form: { token, first_name: 'Gro', last_name: 'Up', password, confirm: password },
  });
  expect(accepted.status(), await accepted.text()).toBe(200);
  await context.close();
  return email;
}

test('a group is created, gets a member and permissions, loses them and is deleted', async ({ browser, page }) => {
  const name = `Team ${Date.now()}`;
  await signIn(page);
  const email = await newMember(page, browser, 'one');

  await page.goto('/p/default/users');
  await hydrated(page);
  await page.getByRole('navigation').getByRole('link', { name: 'Groups' }).click();
  await expect(page).toHaveURL(/\/p\/default\/groups$/);

  // Create: the dialog opens with focus inside, the new group opens.
  await page.evaluate(() => ((window as unknown as { __same: boolean }).__same = true));
  await page.getByRole('button', { name: 'Create group' }).click();
  const create = page.getByRole('dialog', { name: 'Create group' });
  await expect(create).toBeVisible();
  await create.getByLabel('Name').fill('');
  await create.getByRole('button', { name: 'Create group' }).click();
  await expect(create.getByRole('alert')).toHaveText('Enter a name.');
  await expect(create.getByLabel('Name')).toBeFocused();
  await create.getByLabel('Name').fill(name);
  await create.getByLabel('Description').fill('Answers the phone');
  await create.getByRole('checkbox', { name: /users:read/ }).check();
  await create.getByRole('button', { name: 'Create group' }).click();
  await expect(page).toHaveURL(/\/p\/default\/groups\/\d+$/);
  await expect(page.getByRole('heading', { name, level: 2 })).toBeVisible();
  await expect(page.getByText(`Group "${name}" created.`)).toBeVisible();
  await expect(page.getByText('Nobody is in this group yet.')).toBeVisible();

  // Add a member: the picker searches as one types, without pressing Enter.
  const find = page.getByRole('searchbox', { name: 'Find people to add' });
  await find.pressSequentially(email.slice(0, 14), { delay: 20 });
  const add = page.getByRole('button', { name: `Add ${email} to the group` });
  await expect(add).toBeVisible();
  await expect(find).toBeFocused();
  await add.click();
  await expect(page.getByText(`${email} added to ${name}.`)).toBeVisible();
  const members = page.getByRole('table', { name: 'Members of the group' });
  await expect(members.getByRole('link', { name: email })).toBeVisible();
  await expect(page.locator('.picker-results li', { hasText: email })).toContainText('In the group');
  await expect(find).toBeFocused();

  // Edit the group's permissions: the member's effective permissions follow.
  await page.getByRole('button', { name: 'Edit group' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit group' });
  await expect(edit.getByLabel('Name')).toHaveValue(name);
  await edit.getByRole('checkbox', { name: /users:export/ }).check();
  await edit.getByLabel('Custom permissions').fill('reports:view');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Group saved.')).toBeVisible();
  await expect(edit).toBeHidden();
  await expect(page.locator('.group-summary .chips')).toContainText('users:export');
  await expect(page.locator('.group-summary .chips')).toContainText('reports:view');
  expect(await page.evaluate(() => (window as unknown as { __same?: boolean }).__same)).toBe(true);

  const groupUrl = page.url();
  await members.getByRole('link', { name: email }).click();
  await expect(page).toHaveURL(/\/p\/default\/users\/\d+$/);
  const effective = page.getByRole('region', { name: 'Effective permissions' });
  await expect(effective).toContainText('users:export');
  await expect(effective).toContainText('reports:view');

  // Remove the member, then delete the group.
  await page.goto(groupUrl);
  await hydrated(page);
  await page.getByRole('button', { name: `Remove ${email} from the group` }).click();
  await expect(page.getByText(`${email} removed from ${name}.`)).toBeVisible();
  await expect(page.getByText('Nobody is in this group yet.')).toBeVisible();

  await page.getByRole('button', { name: 'Delete group' }).click();
  const del = page.getByRole('dialog', { name: 'Delete group' });
  await expect(del).toContainText(name);
  await del.getByRole('button', { name: 'Delete group' }).click();
  await expect(page).toHaveURL(/\/p\/default\/groups$/);
  await expect(page.getByText('Group deleted.')).toBeVisible();
  await expect(page.getByRole('link', { name, exact: true })).toHaveCount(0);
});

test('the group page reads the same with JavaScript off', async ({ browser, page }) => {
  await signIn(page);
  await page.goto('/p/default/groups');
  await hydrated(page);
  const first = page.getByRole('table', { name: 'Groups of this project' }).getByRole('link').first();
  const href = await first.getAttribute('href');
  const groupName = await first.textContent();
  const context = await browser.newContext({ javaScriptEnabled: false, storageState: await page.context().storageState() });
  const plain = await context.newPage();
  await plain.goto(href!);
  await expect(plain.getByRole('heading', { name: groupName!, level: 2 })).toBeVisible();
  await expect(plain.getByRole('table', { name: 'Members of the group' })).toBeVisible();
  // The member search is a plain GET form.
  await plain.getByRole('searchbox', { name: 'Search members' }).fill('zzzz-nobody');
  await plain.getByRole('searchbox', { name: 'Search members' }).press('Enter');
  await expect(plain).toHaveURL(/q=zzzz-nobody/);
  await expect(plain.getByText('No member matches this search.')).toBeVisible();
  await context.close();
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`the groups pages and dialogs have no serious accessibility violations (${colorScheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await signIn(page);
    await page.goto('/p/default/groups');
    await hydrated(page);
    await noSeriousViolations(page);
    await page.getByRole('button', { name: 'Create group' }).click();
    await expect(page.getByRole('dialog', { name: 'Create group' })).toBeVisible();
    await noSeriousViolations(page, 'dialog[open]');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog', { name: 'Create group' })).toBeHidden();
    await expect(page.getByRole('button', { name: 'Create group' })).toBeFocused();

    await page.getByRole('table', { name: 'Groups of this project' }).getByRole('link').first().click();
    await expect(page).toHaveURL(/\/p\/default\/groups\/\d+$/);
    await page.getByRole('searchbox', { name: 'Find people to add' }).fill('ros');
    await page.getByRole('searchbox', { name: 'Find people to add' }).press('Enter');
    await expect(page.locator('.picker-results')).toBeVisible();
    await noSeriousViolations(page);
    await page.getByRole('button', { name: 'Edit group' }).click();
    await expect(page.getByRole('dialog', { name: 'Edit group' })).toBeVisible();
    await noSeriousViolations(page, 'dialog[open]');
  });
}
