// @ts-check
// Personal data and public records in the browser: a person finds all that
// distans holds about them from their own page (page, PDF, JSON); HR
// changes a disposal rule, places and lifts a legal hold and sees what a
// disposal would do; the privacy notice is linked from every footer and
// from signing in, and HR edits it. Every page is checked with axe-core.
const { test, expect, expectAccessible, signIn, mainNav } = require('./fixtures');

test('a person finds all their data from their own page', async ({ page }) => {
  await signIn(page, 'anna');
  await mainNav(page).getByRole('link', { name: 'Min sida' }).click();
  await page.getByRole('link', { name: 'Visa mina uppgifter' }).click();
  await expect(page).toHaveURL(/\/mina-uppgifter$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Mina uppgifter' })).toBeVisible();
  for (const h of ['Personuppgifter', 'Ansökningar och beslut', 'Överenskommelser', 'Frånvaro', 'Utlånad utrustning', 'Loggposter om dig']) {
    await expect(page.getByRole('heading', { level: 2, name: h })).toBeVisible();
  }
  await expect(page.getByText('Andra personer visas med sin roll')).toBeVisible();
  await expectAccessible(page, 'my data');
  // The contents link to their sections.
  await page.getByRole('navigation', { name: 'Innehåll' }).getByRole('link', { name: /^Frånvaro/ }).click();
  await expect(page).toHaveURL(/#sec-absences$/);

  // The PDF and the JSON are there for the asking.
  const pdf = await page.request.get('/mina-uppgifter/pdf');
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
  const json = await page.request.get('/api/v1/me/export');
  expect(json.status()).toBe(200);
  const doc = await json.json();
  expect(doc.profile[0].given_name).toBe('Anna');

  // The footer links the privacy notice.
  await page.getByRole('contentinfo').getByRole('link', { name: 'Personuppgifter' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Så behandlar vi dina personuppgifter' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Rättslig grund' })).toBeVisible();
  await expectAccessible(page, 'the privacy notice');
});

test('HR keeps the disposal rules and legal holds', async ({ page }) => {
  await signIn(page, 'hr');
  await mainNav(page).getByRole('link', { name: 'Gallring' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Gallring och bevarande' })).toBeVisible();
  await expectAccessible(page, 'the disposal rules');

  // A rule without its decision is refused, naming the field.
  const rule = page.locator('#rule-absences');
  await rule.getByLabel('Antal månader').fill('36');
  await rule.getByLabel(/^Beslut \(diarienummer/).fill('');
  await rule.getByRole('button', { name: /^Spara regeln/ }).click();
  const summary = page.getByRole('alert');
  await expect(summary.getByRole('link', { name: 'Ange beslutet som regeln bygger på.' })).toBeVisible();
  await expectAccessible(page, 'a rule with an error');
  await page.locator('#rule-absences').getByLabel('Antal månader').fill('36');
  await page.locator('#rule-absences').getByLabel(/^Beslut \(diarienummer/).fill('KS 2026/112, punkt 4.3');
  await page.locator('#rule-absences').getByRole('button', { name: /^Spara regeln/ }).click();
  await expect(page.locator('#rule-absences')).toContainText('Sparas 36 månader');
  await expect(page.locator('#rule-absences')).toContainText('KS 2026/112, punkt 4.3');

  // A hold without a reason is refused; with one it is listed, then lifted.
  const holds = page.getByRole('region', { name: 'Spärrar mot gallring' });
  await page.getByRole('button', { name: 'Lägg spärr' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expectAccessible(page, 'a hold with an error');
  const me = await (await page.request.get('/api/v1/me')).json();
  await page.getByLabel('Person (id)').fill(me.id);
  await page.getByLabel('Skäl').fill('Tvist om arbetstid');
  await page.getByRole('button', { name: 'Lägg spärr' }).click();
  await expect(holds.getByText('Tvist om arbetstid')).toBeVisible();
  await holds.getByRole('button', { name: 'Häv spärren' }).first().click();
  await expect(holds.getByText('Hävd')).toBeVisible();

  // What a disposal would do, without doing it.
  await page.getByRole('button', { name: 'Visa vad som skulle gallras' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Gallring i dag skulle' })).toBeVisible();
  await expectAccessible(page, 'a dry run');
});

test('the notice is linked from signing in, and HR edits it', async ({ page }) => {
  await page.goto('/logga-in');
  await page.getByRole('main').getByRole('link', { name: 'Så behandlar vi dina personuppgifter' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Så behandlar vi dina personuppgifter' })).toBeVisible();
  await signIn(page, 'hr');
  await page.goto('/integritet');
  await page.getByRole('link', { name: 'Ändra informationen om personuppgifter' }).click();
  await expectAccessible(page, 'the notice form');
  await page.getByLabel('Dataskyddsombud och kontakt').fill('dataskyddsombud@sjovik.se, 0123-456 78');
  await page.getByRole('button', { name: 'Spara' }).click();
  await expect(page).toHaveURL(/\/integritet$/);
  await expect(page.getByText('dataskyddsombud@sjovik.se, 0123-456 78')).toBeVisible();
});

test('the privacy notice comes first at the first sign-in and is accessible at 320 px', async ({ page }) => {
  // The records officer: no other test signs in as them, so this is their first sign-in.
  await page.setViewportSize({ width: 320, height: 800 });
  await page.goto('/gallring');
  await expect(page).toHaveURL(/\/logga-in\?next=%2Fgallring$/);
  await page.getByLabel('Användarnamn').fill('arkiv');
  await page.getByLabel('Lösenord').fill('demo');
  await page.getByRole('button', { name: 'Logga in' }).click();
  await expect(page).toHaveURL(/\/integritet\/forsta\?next=%2Fgallring$/);
  await expect(page.getByRole('heading', { level: 1, name: /Innan du börjar/ })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Dataskyddsombud' })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await expectAccessible(page, 'the privacy notice at the first sign-in');
  // Nothing else before it.
  await page.goto('/plan');
  await expect(page).toHaveURL(/\/integritet\/forsta\?next=%2Fplan$/);
  await page.getByRole('button', { name: 'Jag har läst informationen – fortsätt' }).click();
  await expect(page).toHaveURL(/\/plan$/);
  // The records officer keeps the disposal rules.
  await page.goto('/gallring');
  await expect(page.getByRole('heading', { level: 1, name: 'Gallring och bevarande' })).toBeVisible();
  await expectAccessible(page, 'the disposal page for the records officer');
  // That it is shown once per version is tested in the web tests (crates/distans/tests/app/web/notice.rs).
});
