// @ts-check
// Search from the header: HR finds a person of any unit, grouped by kind
// in words and linked to the person's page; an employee finds herself but
// not a colleague of another unit; one kind pages; it works without
// JavaScript. axe-core at 1280 and 320 px, where nothing scrolls sideways.
const { test, expect, expectAccessible, signIn } = require('./fixtures');

const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 320, height: 800 };

/**
 * @param {import('@playwright/test').Page} page
 * @param {string} what
 */
async function checkBothWidths(page, what) {
  for (const size of [WIDE, NARROW]) {
    await page.setViewportSize(size);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(wide, `${what} at ${size.width} px scrolls sideways`).toBeLessThanOrEqual(0);
    await expectAccessible(page, `${what} at ${size.width} px`);
  }
  await page.setViewportSize(WIDE);
}

/**
 * Searches with the header's box.
 * @param {import('@playwright/test').Page} page
 * @param {string} words
 */
async function searchFor(page, words) {
  const box = page.getByRole('search', { name: 'Sök i distans' });
  await box.getByRole('searchbox').fill(words);
  await box.getByRole('button', { name: 'Sök' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sök' })).toBeVisible();
}

test('HR finds anyone; the hits are grouped, in words, and lead to their pages', async ({ page }) => {
  await signIn(page, 'hr');
  await searchFor(page, 'Bo Ek');
  const people = page.getByRole('region', { name: 'Personer' });
  await expect(people.getByRole('link', { name: 'Bo Ek' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Enheter' })).toContainText('Inga träffar.');
  await checkBothWidths(page, 'the search results');
  await people.getByRole('link', { name: 'Bo Ek' }).click();
  await expect(page).toHaveURL(/\/personer\/[0-9a-f-]+$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Bo Ek');

  // Units by name; one kind at a time pages with links.
  await searchFor(page, 'Bygglov');
  await expect(page.getByRole('region', { name: 'Enheter' }).getByRole('link').first()).toBeVisible();
  await searchFor(page, 'an');
  await page.getByRole('link', { name: 'Visa fler: Personer' }).click();
  await expect(page.getByRole('link', { name: 'Nästa' })).toBeVisible();
  const first = await page.getByRole('region', { name: 'Personer' }).getByRole('listitem').first().innerText();
  await page.getByRole('link', { name: 'Nästa' }).click();
  await expect(page.getByRole('link', { name: 'Föregående' })).toBeVisible();
  await expect(page.getByRole('region', { name: /Personer/ }).getByRole('listitem').first()).not.toHaveText(first);
  await checkBothWidths(page, 'a page of one kind');

  // Too short: an error at the field.
  await searchFor(page, 'B');
  await expect(page.getByRole('alert')).toContainText('Skriv minst två');
  await checkBothWidths(page, 'the search with an error');
});

test('an employee finds herself, not a colleague of another unit', async ({ page }) => {
  await signIn(page, 'anna');
  await searchFor(page, 'Anna Lindqvist');
  await expect(page.getByRole('region', { name: 'Personer' }).getByRole('link', { name: 'Anna Lindqvist' })).toBeVisible();
  await searchFor(page, 'Bo Ek');
  await expect(page.getByRole('status')).toContainText('Inget hittades för ”Bo Ek”');
  await expect(page.getByRole('link', { name: 'Bo Ek' })).toHaveCount(0);
  await checkBothWidths(page, 'no results');
});

test('search works without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, 'chef');
  await searchFor(page, 'Anna Lindqvist');
  await expect(page.getByRole('link', { name: 'Anna Lindqvist', exact: true })).toBeVisible();
  await context.close();
});
