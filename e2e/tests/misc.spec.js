// @ts-check
// Sign-in errors, the language switch, personal tokens, and what an employee
// may not see.
const { test, expect, expectAccessible, signIn, signOut, pastNotice, mainNav, PASSWORD } = require('./fixtures');

test('a wrong password shows the error summary, and the page is accessible', async ({ page }) => {
  await signIn(page, 'anna', { password: 'inte-demo' });
  await expect(page).toHaveURL(/\/logga-in$/);
  const summary = page.getByRole('alert');
  await expect(summary).toBeVisible();
  await expect(summary.getByRole('heading', { level: 2, name: 'Det finns ett problem' })).toBeVisible();
  await expect(summary.getByRole('link', { name: 'Fel användarnamn eller lösenord.' })).toHaveAttribute('href', '#username');
  await expect(page.getByLabel('Användarnamn')).toHaveValue('anna');
  await expect(page.getByLabel('Lösenord')).toHaveValue('');
  await expect(page.getByRole('button', { name: 'Logga ut' })).toHaveCount(0);
  await expectAccessible(page, 'the sign-in page with a wrong password');
  // The summary's link takes you to the field.
  await summary.getByRole('link').click();
  await expect(page.getByLabel('Användarnamn')).toBeFocused();
  // The right password still works afterwards.
  await page.getByLabel('Lösenord').fill(PASSWORD);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await pastNotice(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Hej Anna!' })).toBeVisible();
});

test('a missing password is named in the error summary', async ({ page }) => {
  await page.goto('/logga-in');
  await page.getByLabel('Användarnamn').fill('bo');
  await page.getByRole('button', { name: 'Logga in' }).click();
  const summary = page.getByRole('alert');
  await expect(summary.getByRole('link', { name: 'Ange ditt lösenord.' })).toHaveAttribute('href', '#password');
  await expectAccessible(page, 'the sign-in page without a password');
});

test('signing in from a deep link returns there', async ({ page }) => {
  await page.goto('/organisation');
  await expect(page).toHaveURL(/\/logga-in\?next=%2Forganisation$/);
  await page.getByLabel('Användarnamn').fill('bo');
  await page.getByLabel('Lösenord').fill(PASSWORD);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await pastNotice(page);
  await expect(page).toHaveURL(/\/organisation$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Organisation' })).toBeVisible();
});

test('English: the switch shows "Sign in", and back to Swedish', async ({ page }) => {
  await page.goto('/logga-in');
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
  const toEnglish = page.getByRole('banner').getByRole('link', { name: 'English' });
  await expect(toEnglish).toHaveAttribute('lang', 'en');
  await toEnglish.click();
  await expect(page).toHaveURL(/\/logga-in$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expectAccessible(page, 'the English sign-in page');

  // Signed in, in English.
  await page.getByLabel('Username').fill('chef');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await pastNotice(page);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'My page' })).toBeVisible();
  await expect(page.locator('#start-manager')).toBeVisible();
  await expectAccessible(page, 'the English start page');

  // The switch keeps you on the same page.
  await page.getByRole('banner').getByRole('link', { name: 'Svenska' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'sv');
  await expect(mainNav(page).getByRole('link', { name: 'Min sida' })).toBeVisible();
  await signOut(page);
});

test('a personal token: created, its secret shown once, then revoked', async ({ page, request }) => {
  const name = `e2e-${Date.now()}`;
  await signIn(page, 'bo');
  await mainNav(page).getByRole('link', { name: 'Mina nycklar' }).click();
  await expect(page).toHaveURL(/\/mina-nycklar$/);

  // Without a name: the error summary points at the field.
  await page.getByRole('button', { name: 'Skapa nyckel' }).click();
  const summary = page.getByRole('alert');
  await expect(summary.getByRole('heading', { name: 'Det finns ett problem' })).toBeVisible();
  await expect(summary.getByRole('link')).toHaveAttribute('href', '#token-name');
  await expect(page.locator('#new-token')).toHaveCount(0);
  await expectAccessible(page, 'the tokens page with an error');
  await summary.getByRole('link').click();
  await expect(page.getByLabel('Vad nyckeln ska användas till')).toBeFocused();

  await page.getByLabel('Vad nyckeln ska användas till').fill(name);
  await page.getByLabel('Giltig i antal dagar (1–365)').fill('7');
  await page.getByRole('button', { name: 'Skapa nyckel' }).click();

  const notice = page.getByRole('status');
  await expect(notice).toContainText('Din nya nyckel. Kopiera den nu – den visas inte igen.');
  const secret = (await page.locator('#new-token').innerText()).trim();
  expect(secret.length).toBeGreaterThan(20);
  const table = page.getByRole('table', { name: 'Dina nycklar' });
  const row = table.getByRole('row').filter({ hasText: name });
  await expect(row).toHaveCount(1);
  await expectAccessible(page, 'the tokens page with a new secret');

  // The secret works for the API, as bo.
  const auth = { Authorization: `Bearer ${secret}` };
  const me = await request.get('/api/v1/me', { headers: auth });
  expect(me.status()).toBe(200);
  expect(JSON.stringify(await me.json())).toContain('Bo');

  // Shown once: not on the next visit.
  await page.goto('/mina-nycklar');
  await expect(page.getByRole('status')).toHaveCount(0);
  await expect(page.locator('#new-token')).toHaveCount(0);
  await expect(page.getByRole('main')).not.toContainText(secret);
  await expect(row).toHaveCount(1);
  await expectAccessible(page, 'the tokens page with a token');

  // Revoke: the button names the token.
  await row.getByRole('button', { name: `Återkalla ${name}` }).click();
  await expect(page).toHaveURL(/\/mina-nycklar$/);
  await expect(page.getByRole('main')).not.toContainText(name);
  await expect((await request.get('/api/v1/me', { headers: auth })).status()).toBe(401);
  await expectAccessible(page, 'the tokens page after revoking');
});

test("an employee opening another unit's person gets the not-found page", async ({ page, browser }) => {
  // bo's own page address, as bo sees it.
  const bo = await browser.newContext();
  const boPage = await bo.newPage();
  await signIn(boPage, 'bo');
  const boHref = await mainNav(boPage).getByRole('link', { name: 'Min sida' }).getAttribute('href');
  await bo.close();
  expect(boHref).toMatch(/^\/personer\/[0-9a-f-]{36}$/);

  await signIn(page, 'anna');
  await expect(page.getByRole('heading', { level: 1, name: 'Hej Anna!' })).toBeVisible();
  const resp = await page.goto(/** @type {string} */ (boHref));
  expect(resp?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Sidan finns inte' })).toBeVisible();
  await expect(page.getByRole('main')).not.toContainText('Bo Ek');
  await expect(page.getByText('Statuskod 404')).toBeVisible();
  await expectAccessible(page, 'the not-found page');
  await page.getByRole('link', { name: 'Tillbaka till startsidan' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hej Anna!' })).toBeVisible();
});

test('an employee may not open the people list or the audit log', async ({ page }) => {
  await signIn(page, 'anna');
  await expect(page.getByRole('heading', { level: 1, name: 'Hej Anna!' })).toBeVisible();
  for (const path of ['/personer', '/logg']) {
    const resp = await page.goto(path);
    expect(resp?.status(), path).toBe(403);
    await expect(page.getByRole('heading', { level: 1, name: 'Du har inte behörighet' })).toBeVisible();
  }
  await expectAccessible(page, 'the forbidden page');
});

test('an unknown address shows the not-found page', async ({ page }) => {
  const resp = await page.goto('/finns-inte');
  expect(resp?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Sidan finns inte' })).toBeVisible();
  await expectAccessible(page, 'the not-found page, signed out');
});

test('keyboard: the skip link is first, visible on focus, and moves to the content', async ({ page }) => {
  await signIn(page, 'chef');
  await expect(page.getByRole('heading', { level: 1, name: 'Hej Karin!' })).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Hoppa till innehållet' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
  await expect(page.getByRole('main')).toBeFocused();
  // The next Tab goes on from the content, not from the header.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('banner').locator(':focus')).toHaveCount(0);
});

test('a calendar link is made, renewed and removed on the tokens page, without JavaScript', async ({ page, request }) => {
  await signIn(page, 'bo');
  await page.goto('/mina-nycklar');
  await expect(page.getByRole('heading', { level: 2, name: 'Din plan i kalendern' })).toBeVisible();
  await page.getByRole('button', { name: 'Skapa kalenderlänk' }).click();
  const link = page.getByLabel('Din kalenderlänk');
  const url = await link.inputValue();
  expect(url).toMatch(/\/kalender\/[A-Za-z0-9_-]{43}\.ics$/);
  await expectAccessible(page, 'the tokens page with a calendar link');
  const path = new URL(url).pathname;
  const feed = await request.get(path);
  expect(feed.status()).toBe(200);
  expect(feed.headers()['content-type']).toBe('text/calendar; charset=utf-8');
  expect(await feed.text()).toContain('BEGIN:VEVENT');

  await page.getByRole('button', { name: 'Byt till en ny länk' }).click();
  const renewed = await page.getByLabel('Din kalenderlänk').inputValue();
  expect(renewed).not.toBe(url);
  expect((await request.get(path)).status()).toBe(404);
  await page.getByRole('button', { name: 'Ta bort länken' }).click();
  await expect(page.getByText('Du har ingen kalenderlänk.')).toBeVisible();
  expect((await request.get(new URL(renewed).pathname)).status()).toBe(404);
});

test('HR adds and removes a closed day on Arbetsdagar och helgdagar', async ({ page }) => {
  await signIn(page, 'hr');
  await mainNav(page).getByRole('link', { name: 'Arbetsdagar' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Arbetsdagar och helgdagar');
  await expect(page.getByRole('cell', { name: 'Juldagen' })).toBeVisible();
  await expectAccessible(page, 'the workdays page');
  const year = new Date().getFullYear() + 1;
  await page.goto(`/arbetsdagar?ar=${year}`);
  // A holiday is refused, with the error at the field.
  await page.getByLabel('Datum').fill(`${year}-12-25`);
  await page.getByLabel('Vad dagen är (till exempel Klämdag)').fill('Jul');
  await page.getByRole('button', { name: 'Lägg till' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByLabel('Datum')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'the workdays page with an error');
  // A Wednesday in the middle of June that is no holiday.
  let d = new Date(Date.UTC(year, 5, 10));
  while (d.getUTCDay() !== 3) d = new Date(d.getTime() + 86400000);
  const day = d.toISOString().slice(0, 10);
  await page.getByLabel('Datum').fill(day);
  await page.getByLabel('Vad dagen är (till exempel Klämdag)').fill('Personaldag');
  await page.getByRole('button', { name: 'Lägg till' }).click();
  await expect(page.getByRole('cell', { name: 'Personaldag', exact: true })).toBeVisible();
  await page.getByRole('button', { name: `Ta bort ${day} Personaldag` }).click();
  await expect(page.getByRole('cell', { name: 'Personaldag', exact: true })).toHaveCount(0);
});

test('the accessibility statement is linked from the sign-in page and is itself accessible', async ({ page }) => {
  await page.goto('/logga-in');
  await page.getByRole('contentinfo').getByRole('link', { name: 'Tillgänglighetsredogörelse' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Tillgänglighetsredogörelse' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Rapportera brister i tjänstens tillgänglighet' })).toBeVisible();
  await expectAccessible(page, 'the accessibility statement');
});

test('help on remote work is linked from every footer, readable at 320 px and accessible', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 800 });
  await page.goto('/logga-in');
  await page.getByRole('contentinfo').getByRole('link', { name: 'Hjälp' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hjälp: distansarbete steg för steg' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Vad händer sedan?' })).toBeVisible();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(wide).toBe(false);
  await expectAccessible(page, 'the help page at 320 px');
});
