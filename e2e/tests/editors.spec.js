// @ts-check
// The editors HR writes with, without line syntax: a follow-up checklist
// edited item by item (added, typed, moved, saved as a new version; an
// empty question named at its field) and the agreement template with its
// placeholders in words and a preview as an employee reads it. axe-core
// checks each page at 1280 and at 320 px, where nothing scrolls sideways.
//
// The suite shares the demo database with the other specs: the question
// added is optional, so no other spec's follow-up needs an answer to it,
// and the template is only previewed, never saved.
const { test, expect, expectAccessible, signIn, mainNav } = require('./fixtures');

const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 320, height: 800 };

/**
 * Checks the page at both widths: axe-core, and no sideways scrolling.
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

test('HR edits a checklist item by item: a new version, the old one kept', async ({ page }) => {
  await signIn(page, 'hr');
  await mainNav(page).getByRole('link', { name: 'Uppföljningar', exact: true }).click();
  await page.getByRole('link', { name: 'Checklistor', exact: true }).click();
  await page.getByRole('link', { name: 'Distansarbete uppföljning' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Distansarbete uppföljning' })).toBeVisible();
  await checkBothWidths(page, 'the checklist editor');

  const items = page.locator('ol.items > li');
  const before = await items.count();
  const versionsBefore = await page.locator('ul[aria-labelledby="h-versions"] li').count();

  // Add a question: a new, empty item at the end, said in the status line.
  await page.getByRole('button', { name: 'Lägg till en fråga' }).click();
  await expect(items).toHaveCount(before + 1);
  await expect(page.getByRole('status')).toContainText(`som fråga ${before + 1}`);

  // Saving it empty names the question and the field.
  await page.getByRole('button', { name: 'Spara som ny version' }).last().click();
  const summary = page.getByRole('alert');
  await expect(summary).toContainText(`Fråga ${before + 1}, frågan: skriv frågan.`);
  await checkBothWidths(page, 'the checklist editor with an error');
  await expect(summary.getByRole('link').first()).toHaveAttribute('href', `#f-item-${before}-text`);
  const added = page.getByRole('group', { name: `Fråga ${before + 1}` });
  await expect(added.getByRole('textbox', { name: 'Frågan' })).toHaveAttribute('aria-invalid', 'true');

  // Typed, made a date and optional, moved up one.
  const text = `När gjordes din senaste riskbedömning hemma? (e2e ${Date.now()})`;
  await added.getByRole('textbox', { name: 'Frågan' }).fill(text);
  await added.getByLabel('Svarstyp').selectOption('date');
  await added.getByRole('checkbox', { name: 'Måste besvaras' }).uncheck();
  await added.getByRole('button', { name: `Flytta upp Fråga ${before + 1}` }).click();
  await expect(page.getByRole('status')).toContainText(`är nu fråga ${before}`);
  const moved = page.getByRole('group', { name: `Fråga ${before}` });
  await expect(moved.getByRole('textbox', { name: 'Frågan' })).toHaveValue(text);
  await expect(moved.getByLabel('Svarstyp')).toHaveValue('date');

  // Saved: a new version that shows the question; the old version does not.
  await page.getByRole('button', { name: 'Spara som ny version' }).first().click();
  await expect(page.getByRole('status')).toHaveText('Checklistan är sparad som en ny version.');
  await expect(page.locator('ul[aria-labelledby="h-versions"] li')).toHaveCount(versionsBefore + 1);
  const row = page.getByRole('row').filter({ hasText: text });
  await expect(row).toContainText('datum');
  await page.locator('ul[aria-labelledby="h-versions"] li').last().getByRole('link').click();
  await expect(page.getByText('Version 1 (en äldre version)')).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: text })).toHaveCount(0);
});

test('HR previews the agreement template as an employee reads it', async ({ page }) => {
  await signIn(page, 'hr');
  await page.goto('/distanspolicy/mall');
  await expect(page.getByRole('heading', { level: 1, name: 'Mall för överenskommelse' })).toBeVisible();
  // The placeholders in plain words, with how to write them.
  const list = page.locator('dl.placeholders');
  await expect(list.getByText('medarbetarens namn', { exact: true })).toBeVisible();
  await expect(list.getByText('{medarbetare}', { exact: true })).toBeVisible();
  await checkBothWidths(page, 'the template editor');

  // JavaScript adds a button that writes the placeholder into the text.
  const area = page.getByRole('textbox', { name: 'Mallens text' });
  const original = await area.inputValue();
  await area.fill('## Prov\nHej ');
  await area.press('End');
  await page.getByRole('button', { name: 'Infoga: medarbetarens namn' }).click();
  await expect(area).toHaveValue('## Prov\nHej {medarbetare}');

  // An unknown placeholder is named.
  await area.fill(`${original}\nLön: {lön}`);
  await page.getByRole('button', { name: 'Förhandsgranska' }).click();
  await expect(page.getByRole('alert')).toContainText('Fältet {lön} finns inte');
  await checkBothWidths(page, 'the template editor with an error');

  // The preview: the text filled in with an example employee, below the form.
  await area.fill(original);
  await page.getByRole('button', { name: 'Förhandsgranska' }).click();
  const preview = page.getByRole('region', { name: 'Så här ser överenskommelsen ut för en medarbetare' });
  await expect(preview).toBeVisible();
  await expect(preview).toContainText('Kim Exempelsson');
  await expect(preview).not.toContainText('{medarbetare}');
  await expect(preview.getByRole('heading', { level: 3 }).first()).toBeVisible();
  await expect(area).toHaveValue(original);
  await checkBothWidths(page, 'the template preview');
});

test('the preview works without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, 'hr');
  await page.goto('/distanspolicy/mall');
  await expect(page.getByRole('button', { name: /Infoga/ })).toHaveCount(0);
  await expect(page.locator('dl.placeholders').getByText('{enhet}', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Förhandsgranska' }).click();
  await expect(page.getByRole('region', { name: 'Så här ser överenskommelsen ut för en medarbetare' })).toContainText('Kundtjänst');
  await context.close();
});
