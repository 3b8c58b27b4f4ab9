// @ts-check
// Statistik: HR reads the charts and their tables, groups by month, picks a
// unit and downloads a table as CSV (Swedish: semicolons, decimal commas);
// HR reads the days with a coverage gap, on a phone too; an employee
// sees the organisation only; an employee records her commute
// on her own page, where a bad distance is shown at its field. axe-core
// checks each page.
const fs = require('fs');
const { test, expect, expectAccessible, signIn, signOut, mainNav } = require('./fixtures');

test('HR reads the statistics, filters them and downloads a table', async ({ page }) => {
  await signIn(page, 'hr');
  await mainNav(page).getByRole('link', { name: 'Statistik' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Statistik' })).toBeVisible();
  // Each chart is an image with a name, and its figures are in a table.
  for (const name of ['Andel distansdagar', 'Överenskommelser efter status', 'Beläggning per arbetsplats och veckodag']) {
    await expect(page.getByRole('img', { name })).toBeVisible();
    await expect(page.getByRole('table', { name })).toBeVisible();
  }
  await expect(page.locator('#stats-share tbody tr').first()).toContainText('Hela organisationen');
  await expect(page.getByRole('link', { name: 'Så räknas siffrorna' })).toHaveAttribute('href', '#definitioner');
  await expectAccessible(page, 'the statistics page');

  // By month, without JavaScript's help: a plain form.
  await page.getByLabel('Gruppera per').selectOption('month');
  await page.getByRole('button', { name: 'Visa' }).click();
  await expect(page).toHaveURL(/by=month/);
  await expect(page.locator('#stats-share tbody tr').first().locator('th')).toHaveText(/^\d{4}-\d{2}$/);

  // One unit with the units below it.
  const unit = page.getByLabel('Enhet', { exact: true });
  const options = await unit.locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value')));
  const chosen = options.find((v) => v);
  expect(chosen).toBeTruthy();
  await unit.selectOption(String(chosen));
  await page.getByRole('button', { name: 'Visa' }).click();
  await expect(page).toHaveURL(new RegExp(`unit=${chosen}`));
  await expectAccessible(page, "a unit's statistics");

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('section', { has: page.locator('#share-h') }).getByRole('link', { name: 'Ladda ner tabellen som CSV' }).click(),
  ]);
  const text = fs.readFileSync(String(await download.path()), 'utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  const lines = text.replace(/^\uFEFF/, '').trim().split('\n');
  expect(lines[0]).toBe('Period;Grupp;Personer;Dagar;Distansdagar;Distansandel (%);Dold');
  expect(lines.length).toBeGreaterThan(1);
  expect(lines.slice(1).some((l) => /;\d+,\d;/.test(l))).toBe(true);
});

test('HR reads the days with a coverage gap, their definition and table, also at 320 px', async ({ page }) => {
  await signIn(page, 'hr');
  await mainNav(page).getByRole('link', { name: 'Statistik' }).click();
  // Days with a coverage gap: a chart with its table, the definition one
  // link away, and its own CSV.
  const gaps = page.locator('section', { has: page.locator('#gaps-h') });
  const gapsTitle = 'Dagar med lucka i bemanningen på plats';
  await expect(gaps.getByRole('img', { name: gapsTitle })).toBeVisible();
  await expect(gaps.getByRole('table', { name: gapsTitle })).toBeVisible();
  await expect(gaps.locator('#stats-gaps thead')).toContainText('Enhetsdagar med regel');
  await gaps.getByRole('link', { name: 'Så räknas luckorna' }).click();
  await expect(page).toHaveURL(/#def-gaps$/);
  await expect(page.locator('#def-gaps + dd')).toContainText('enhetsdag');
  const [gapsCsv] = await Promise.all([
    page.waitForEvent('download'),
    gaps.getByRole('link', { name: 'Ladda ner tabellen som CSV' }).click(),
  ]);
  const gapLines = fs.readFileSync(String(await gapsCsv.path()), 'utf8').replace(/^\uFEFF/, '').trim().split('\n');
  expect(gapLines[0]).toBe('Period;Grupp;Personer;Enhetsdagar med regel;Dagar med lucka;Andel med lucka (%);Dold');
  expect(gapLines.length).toBeGreaterThan(1);

  // On a phone-sized screen the page does not scroll sideways.
  await page.setViewportSize({ width: 320, height: 800 });
  await page.goto('/statistik');
  await expect(page.getByRole('img', { name: gapsTitle })).toBeVisible();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(wide).toBeLessThanOrEqual(320);
  await expectAccessible(page, 'the statistics page at 320 px');
});

test('an employee sees the organisation only, and records her commute', async ({ page }) => {
  await signIn(page, 'anna');
  await mainNav(page).getByRole('link', { name: 'Statistik' }).click();
  const groups = await page.locator('#stats-share tbody tr td:nth-of-type(1)').allTextContents();
  expect(groups.length).toBeGreaterThan(0);
  expect(groups.every((g) => g === 'Hela organisationen')).toBe(true);
  await expect(page.locator('#stats-share tbody')).not.toContainText('Kontaktcenter');
  await expect(page.getByLabel('Enhet', { exact: true }).locator('option')).toHaveCount(1);

  await mainNav(page).getByRole('link', { name: 'Min sida' }).click();
  const commute = page.locator('#commute');
  await expect(commute.getByRole('heading', { name: 'Min pendling' })).toBeVisible();
  await commute.getByLabel('Enkel väg i km').fill('12,5');
  await commute.getByLabel('Färdsätt').selectOption('bus');
  await commute.getByRole('button', { name: 'Spara pendlingen' }).click();
  await expect(page).toHaveURL(/#commute$/);
  await expect(page.locator('dl')).toContainText('12.5 km, buss');
  await expectAccessible(page, "the employee's own page with her commute");

  // A bad distance comes back at its field, with the summary at the top,
  // on a phone-sized screen too.
  await page.setViewportSize({ width: 320, height: 800 });
  await commute.getByLabel('Enkel väg i km').fill('-4');
  await commute.getByRole('button', { name: 'Spara pendlingen' }).click();
  const summary = page.locator('.error-summary');
  await expect(summary).toBeVisible();
  await expect(summary.getByRole('link')).toHaveAttribute('href', '#f-distance_km');
  await expect(page.locator('#e-distance_km')).toContainText('ett tal från 0 till 1000');
  await expect(commute.getByLabel('Enkel väg i km')).toHaveValue('-4');
  await expect(commute.getByLabel('Enkel väg i km')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('dl')).toContainText('12.5 km, buss');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(wide).toBeLessThanOrEqual(320);
  await expectAccessible(page, 'the commute form with an error, at 320 px');
  await signOut(page);
});
