// @ts-check
// Equipment lent home and the redeployment view: a manager lends a
// laptop to an employee from her page, she sees it, it comes back and is
// available again; HR filters the redeployment view and downloads its CSV.
const fs = require('fs');
const { test, expect, expectAccessible, signIn, signOut, mainNav } = require('./fixtures');

test('a manager lends a laptop, the employee sees it, it is returned and available again', async ({ page }) => {
  // Anna's own page lists what she has on loan (the demo lends her a laptop and a phone).
  await signIn(page, 'anna');
  await mainNav(page).getByRole('link', { name: 'Min sida' }).click();
  const annaUrl = new URL(page.url()).pathname;
  expect(annaUrl).toMatch(/^\/personer\/[0-9a-f-]+$/);
  const loans = page.locator('#person-loans');
  await expect(loans.getByRole('heading', { name: 'Utlånad utrustning' })).toBeVisible();
  await expect(loans).toContainText('DL-1001');
  await expect(loans.getByRole('button', { name: /Återlämnad/ })).toHaveCount(0);
  await expectAccessible(page, "the employee's own page with loans");
  await signOut(page);

  // Chef finds an available laptop in the inventory.
  await signIn(page, 'chef');
  await mainNav(page).getByRole('link', { name: 'Utrustning' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Utrustning' })).toBeVisible();
  await page.getByLabel('Typ', { exact: true }).first().selectOption('laptop');
  await page.getByLabel('Status', { exact: true }).selectOption('available');
  await page.getByRole('button', { name: 'Visa' }).click();
  await expect(page).toHaveURL(/kind=laptop/);
  const first = page.locator('#inventory tbody tr').first();
  const ident = await first.getAttribute('data-identifier');
  expect(ident).toBeTruthy();
  await expect(first).toContainText('Tillgänglig');
  await expectAccessible(page, 'the equipment page');

  // … and lends it to Anna from her page.
  await page.goto(annaUrl);
  await page.locator('#person-loans').getByLabel('Inventarienummer').fill(String(ident));
  await page.locator('#person-loans').getByRole('button', { name: 'Låna ut' }).click();
  await expect(page).toHaveURL(new RegExp(annaUrl));
  await expect(page.locator('#person-loans')).toContainText(String(ident));
  await expectAccessible(page, "the employee's page as her manager");
  await signOut(page);

  await signIn(page, 'anna');
  await page.goto(annaUrl);
  await expect(page.locator('#person-loans')).toContainText(String(ident));
  await signOut(page);

  // Chef takes it back; it is available in the inventory again.
  await signIn(page, 'chef');
  await page.goto(annaUrl);
  await page.getByRole('button', { name: new RegExp(`Återlämnad ${ident}`) }).click();
  await expect(page.locator('#person-loans')).not.toContainText(String(ident));
  await page.goto(`/utrustning?q=${encodeURIComponent(String(ident))}`);
  const row = page.locator(`#inventory tr[data-identifier="${ident}"]`);
  await expect(row).toContainText('Tillgänglig');
});

test('HR filters the redeployment view and downloads it as CSV', async ({ page }) => {
  await signIn(page, 'hr');
  await mainNav(page).getByRole('link', { name: 'Omplacering' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Omplacering' })).toBeVisible();
  await page.getByLabel('Kompetens').selectOption('reception');
  await page.getByRole('button', { name: 'Visa' }).click();
  await expect(page).toHaveURL(/skill=reception/);
  const rows = page.locator('#redeploy tbody tr');
  await expect(rows.first()).toBeVisible();
  const n = await rows.count();
  for (let i = 0; i < Math.min(n, 10); i++) {
    await expect(rows.nth(i)).toContainText('reception');
  }
  // The plan strip tells its states in text too (A, D, Ö, F), not by colour only.
  await expect(rows.first().locator('.strip li').first()).toHaveText(/^(A|D|Ö|F)½?/);
  await expectAccessible(page, 'the redeployment page');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Ladda ner CSV' }).click(),
  ]);
  const file = await download.path();
  // For Swedish Excel: a byte-order mark, ';', Swedish headers, names first.
  const raw = fs.readFileSync(String(file), 'utf8');
  expect(raw.startsWith('\uFEFF')).toBe(true);
  const lines = raw.replace(/^\uFEFF/, '').trim().split('\n');
  expect(lines[0]).toMatch(/^Namn;Enhet;Kompetenser;Arbetsdagar;Tillgängliga dagar;/);
  expect(lines.length).toBeGreaterThan(1);
  expect(lines.slice(1).every((l) => l.includes('reception'))).toBe(true);

  // Employees do not get the view.
  await signOut(page);
  await signIn(page, 'anna');
  await expect(mainNav(page).getByRole('link', { name: 'Omplacering' })).toHaveCount(0);
  const r = await page.goto('/omplacering');
  expect(r?.status()).toBe(403);
});
