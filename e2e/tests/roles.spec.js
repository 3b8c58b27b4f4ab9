// @ts-check
// Each demo role signs in, sees the right start page, browses to a person and
// signs out; axe-core checks every page on the way.
const { test, expect, expectAccessible, signIn, signOut, mainNav } = require('./fixtures');

const ALL_SECTIONS = ['start-employee', 'start-manager', 'start-hr', 'start-admin', 'start-auditor'];

/**
 * @typedef {{ given: string, name: string, sections: string[], people: boolean, audit: boolean }} Role
 * @type {Record<string, Role>}
 */
const ROLES = {
  admin: { given: 'Sam', name: 'Sam Nordin', sections: ['start-employee', 'start-admin'], people: true, audit: true },
  hr: { given: 'Helena', name: 'Helena Ahlgren', sections: ['start-employee', 'start-hr'], people: true, audit: true },
  chef: { given: 'Karin', name: 'Karin Holm', sections: ['start-employee', 'start-manager'], people: true, audit: false },
  anna: { given: 'Anna', name: 'Anna Lindqvist', sections: ['start-employee'], people: false, audit: false },
  bo: { given: 'Bo', name: 'Bo Ek', sections: ['start-employee'], people: false, audit: false },
  bygg: { given: 'Björn', name: 'Björn Åberg', sections: ['start-employee', 'start-manager'], people: true, audit: false },
  revisor: { given: 'Rut', name: 'Rut Berglund', sections: ['start-employee', 'start-auditor'], people: true, audit: true },
};

/**
 * Signs in and checks the start page for the role.
 * @param {import('@playwright/test').Page} page
 * @param {string} username
 */
async function startPage(page, username) {
  const role = ROLES[username];
  await signIn(page, username, { checkLoginPage: true });
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1, name: `Hej ${role.given}!` })).toBeVisible();
  await expect(page.getByRole('banner')).toContainText(role.name);
  for (const id of ALL_SECTIONS) {
    const section = page.locator(`section#${id}`);
    if (role.sections.includes(id)) {
      await expect(section, `${username} should see #${id}`).toBeVisible();
    } else {
      await expect(section, `${username} should not see #${id}`).toHaveCount(0);
    }
  }
  const nav = mainNav(page);
  await expect(nav.getByRole('link', { name: 'Start' })).toHaveAttribute('aria-current', 'page');
  for (const always of ['Min sida', 'Organisation', 'Mina nycklar']) {
    await expect(nav.getByRole('link', { name: always, exact: true })).toBeVisible();
  }
  await expect(nav.getByRole('link', { name: 'Personer', exact: true })).toHaveCount(role.people ? 1 : 0);
  await expect(nav.getByRole('link', { name: 'Logg', exact: true })).toHaveCount(role.audit ? 1 : 0);
  await expectAccessible(page, `${username}'s start page`);
}

/**
 * Checks that this is the page of the named person.
 * @param {import('@playwright/test').Page} page
 * @param {string} name
 */
async function personPage(page, name) {
  await expect(page).toHaveURL(/\/personer\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page).toHaveTitle(`${name} – distans`);
  await expect(page.locator('dl.facts').first().getByText('Anställningsnummer', { exact: true })).toBeVisible();
  await expectAccessible(page, `the page of ${name}`);
}

/**
 * Searches /personer (reached through the nav) and opens a person.
 * @param {import('@playwright/test').Page} page
 * @param {string} query
 * @param {string} name
 */
async function searchAndOpen(page, query, name) {
  await mainNav(page).getByRole('link', { name: 'Personer', exact: true }).click();
  await expect(page).toHaveURL(/\/personer$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Personer' })).toBeVisible();
  await expectAccessible(page, 'the people list');
  await page.getByRole('search', { name: 'Sök på namn eller anställningsnummer' }).getByLabel('Sök på namn eller anställningsnummer').fill(query);
  await page.getByRole('search', { name: 'Sök på namn eller anställningsnummer' }).getByRole('button', { name: 'Sök' }).click();
  await expect(page).toHaveURL(new RegExp(`/personer\\?q=${query}$`));
  const table = page.getByRole('table');
  await expect(table).toBeVisible();
  // Every hit matches the search (on the name, any case).
  const rows = table.locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  for (const link of await rows.getByRole('link').all()) {
    await expect(link).toContainText(new RegExp(query, 'i'));
  }
  await expectAccessible(page, `the people search for "${query}"`);
  await table.getByRole('link', { name, exact: true }).click();
  await personPage(page, name);
}

/** @param {import('@playwright/test').Page} page */
async function organisation(page) {
  await mainNav(page).getByRole('link', { name: 'Organisation', exact: true }).click();
  await expect(page).toHaveURL(/\/organisation$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Organisation' })).toBeVisible();
  await expect(page.locator('ul.tree > li').first()).toBeVisible();
  await expectAccessible(page, 'the organisation tree');
}

/** @param {import('@playwright/test').Page} page */
async function auditLog(page) {
  await mainNav(page).getByRole('link', { name: 'Logg', exact: true }).click();
  await expect(page).toHaveURL(/\/logg$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Logg' })).toBeVisible();
  await expect(page.getByRole('table')).toBeVisible();
  await expectAccessible(page, 'the audit log');
  await page.getByRole('button', { name: 'Kontrollera kedjan' }).click();
  await expect(page.getByRole('status')).toContainText('Kedjan är hel');
  await expectAccessible(page, 'the audit log with the chain check');
}

/** @param {import('@playwright/test').Page} page */
async function tokensPage(page) {
  await mainNav(page).getByRole('link', { name: 'Mina nycklar', exact: true }).click();
  await expect(page).toHaveURL(/\/mina-nycklar$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Mina nycklar' })).toBeVisible();
  await expectAccessible(page, 'the tokens page');
}

/**
 * "Min sida" in the nav: your own page, marked as current.
 * @param {import('@playwright/test').Page} page
 * @param {string} name
 */
async function myPage(page, name) {
  await mainNav(page).getByRole('link', { name: 'Min sida', exact: true }).click();
  await personPage(page, name);
  await expect(mainNav(page).getByRole('link', { name: 'Min sida', exact: true })).toHaveAttribute('aria-current', 'page');
}

test.describe('each demo role', () => {
  test('admin: start page, organisation, people search, audit log, tokens, sign out', async ({ page }) => {
    await startPage(page, 'admin');
    await expect(page.locator('#start-admin')).toContainText(/sqlite/i);
    await organisation(page);
    // The top of the tree: the municipality's first unit below.
    await page.locator('ul.tree > li.depth-1 a').first().click();
    await expect(page).toHaveURL(/\/enheter\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('navigation', { name: 'Du är här' })).toBeVisible();
    await expectAccessible(page, 'a unit page (admin)');
    await searchAndOpen(page, 'Holm', 'Karin Holm');
    await auditLog(page);
    await tokensPage(page);
    await signOut(page);
  });

  test('hr: start page, search "Lindqvist", person page, sign out', async ({ page }) => {
    await startPage(page, 'hr');
    await expect(page.locator('#start-hr').getByRole('link', { name: 'Personer' })).toBeVisible();
    await searchAndOpen(page, 'Lindqvist', 'Anna Lindqvist');
    // HR sees the full record.
    await expect(page.getByText('Kompetenser', { exact: true })).toBeVisible();
    await auditLog(page);
    await signOut(page);
  });

  test('chef: start page, own unit, people table, Anna, sign out', async ({ page }) => {
    await startPage(page, 'chef');
    const managed = page.locator('#start-manager').getByRole('table');
    await expect(managed.getByRole('caption')).toHaveText('Enheter du är chef för');
    await managed.getByRole('link', { name: 'Kontaktcenter Norr' }).click();
    await expect(page).toHaveURL(/\/enheter\/[0-9a-f-]{36}$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Kontaktcenter Norr' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 2, name: 'Personer' })).toBeVisible();
    const people = page.getByRole('table');
    await expect(people.getByRole('caption')).toHaveText(/^Personer \(\d+\)$/);
    await expectAccessible(page, 'the unit page of Kontaktcenter Norr');
    await people.getByRole('link', { name: 'Anna Lindqvist', exact: true }).click();
    await personPage(page, 'Anna Lindqvist');
    await expect(page.getByRole('main').getByText('Karin Holm', { exact: true })).toBeVisible();
    await organisation(page);
    await tokensPage(page);
    await signOut(page);
  });

  test("bygg: bo's manager, own unit, Bo Ek, not chef's people, sign out", async ({ page }) => {
    await startPage(page, 'bygg');
    const managed = page.locator('#start-manager').getByRole('table');
    await expect(managed.locator('tbody tr')).toHaveCount(1);
    await managed.locator('tbody').getByRole('link').click();
    await expect(page).toHaveURL(/\/enheter\/[0-9a-f-]{36}$/);
    const people = page.getByRole('table');
    await expect(people.getByRole('link', { name: 'Anna Lindqvist', exact: true })).toHaveCount(0);
    await expectAccessible(page, "the unit page of bygg's unit");
    await people.getByRole('link', { name: 'Bo Ek', exact: true }).click();
    await personPage(page, 'Bo Ek');
    await expect(page.getByRole('main').getByText('Björn Åberg', { exact: true })).toBeVisible();
    await signOut(page);
  });

  for (const username of ['anna', 'bo']) {
    test(`${username}: employee start page, no manager tools, Min sida, sign out`, async ({ page }) => {
      const role = ROLES[username];
      await startPage(page, username);
      await myPage(page, role.name);
      // Own unit from the person page: no people list for an employee.
      await page.getByRole('main').getByRole('link').first().click();
      await expect(page).toHaveURL(/\/enheter\/[0-9a-f-]{36}$/);
      await expect(page.getByText('Enhetens personer visas för dess chefer, HR och revisorer.')).toBeVisible();
      await expect(page.getByRole('table')).toHaveCount(0);
      await expectAccessible(page, `${username}'s unit page`);
      await organisation(page);
      await tokensPage(page);
      await signOut(page);
    });
  }

  test('revisor: start page, audit log, people search, Min sida, sign out', async ({ page }) => {
    await startPage(page, 'revisor');
    await expect(page.locator('#start-auditor').getByRole('link', { name: 'Logg' })).toBeVisible();
    await auditLog(page);
    await searchAndOpen(page, 'Ek', 'Bo Ek');
    await myPage(page, 'Rut Berglund');
    await signOut(page);
  });
});
