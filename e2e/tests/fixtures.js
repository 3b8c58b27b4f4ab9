// @ts-check
// Shared helpers: the server's address (from global-setup.js), signing in and
// out through the forms, and an axe-core check for WCAG 2.1 AA.
const base = require('@playwright/test');
const { AxeBuilder } = require('@axe-core/playwright');

const { expect } = base;

const PASSWORD = 'demo';
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const test = base.test.extend({
  baseURL: async ({}, use) => {
    const url = process.env.DISTANS_URL;
    if (!url) throw new Error('DISTANS_URL is not set: global-setup.js did not start the server');
    await use(url);
  },
});

/**
 * Runs axe-core on the page as it is now and fails on any WCAG 2.1 A/AA
 * violation, naming the rule, the page and the offending elements.
 * @param {import('@playwright/test').Page} page
 * @param {string} what a name for the page in the failure message
 */
async function expectAccessible(page, what) {
  // Legacy mode runs axe in the page itself, without the extra blank page
  // that the default mode opens to merge frames: these pages have no
  // iframes, and it halves the time.
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).setLegacyMode(true).analyze();
  const problems = results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
  }));
  expect(problems, `axe found WCAG 2.1 AA violations on ${what} (${page.url()})`).toEqual([]);
}

/**
 * Signs in through the form on /logga-in (Swedish, the default).
 * @param {import('@playwright/test').Page} page
 * @param {string} username
 * @param {{ password?: string, checkLoginPage?: boolean }} [opts]
 */
async function signIn(page, username, opts = {}) {
  await page.goto('/logga-in');
  await expect(page.getByRole('heading', { level: 1, name: 'Logga in' })).toBeVisible();
  if (opts.checkLoginPage) await expectAccessible(page, 'the sign-in page');
  await page.getByLabel('Användarnamn').fill(username);
  await page.getByLabel('Lösenord').fill(opts.password ?? PASSWORD);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await pastNotice(page);
}

/**
 * Goes on from the privacy notice shown at a person's first sign-in, when
 * it is shown (the suite shares one database, so whichever test signs a
 * person in first sees it); privacy.spec.js tests the screen itself with a
 * person no other test signs in as.
 * @param {import('@playwright/test').Page} page
 */
async function pastNotice(page) {
  await page.waitForLoadState('domcontentloaded');
  if (new URL(page.url()).pathname !== '/integritet/forsta') return;
  await page.getByRole('button', { name: /Jag har läst informationen|I have read this/ }).click();
  await page.waitForURL((u) => u.pathname !== '/integritet/forsta');
}

/**
 * Signs out with the header's button and checks that the session is gone.
 * @param {import('@playwright/test').Page} page
 */
async function signOut(page) {
  await page.getByRole('banner').getByRole('button', { name: 'Logga ut' }).click();
  await expect(page).toHaveURL(/\/logga-in$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Logga in' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Logga ut' })).toHaveCount(0);
  // The start page now asks to sign in again.
  await page.goto('/');
  await expect(page).toHaveURL(/\/logga-in\?next=%2F$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Logga in' })).toBeVisible();
}

/** @param {import('@playwright/test').Page} page */
function mainNav(page) {
  return page.getByRole('navigation', { name: 'Huvudmeny' });
}

module.exports = { test, expect, expectAccessible, signIn, signOut, pastNotice, mainNav, PASSWORD };
