// @ts-check
// Deviations (avvikelser): an employee reports one through the form, her
// manager is told at once (a notification), acknowledges it and closes it
// with the action taken, and the employee sees it closed. axe-core checks
// every page on the way.
const { test, expect, expectAccessible, signIn, mainNav } = require('./fixtures');

/**
 * A signed-in page of its own (its own cookies), for a second person in a test.
 * @param {import('@playwright/test').Browser} browser
 * @param {string} username
 * @param {string} given the given name on the start page
 */
async function session(browser, username, given) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, username);
  await expect(page.getByRole('heading', { level: 1, name: `Hej ${given}!` })).toBeVisible();
  return page;
}

test('an employee reports a deviation, the manager acknowledges and closes it', async ({ browser }) => {
  const anna = await session(browser, 'anna', 'Anna');
  const what = `Trasig höj- och sänkbar skrivbordsskiva ${Date.now()}`;

  // The list, through the nav, and the form.
  await mainNav(anna).getByRole('link', { name: 'Avvikelser', exact: true }).click();
  await expect(anna).toHaveURL(/\/avvikelser$/);
  await expect(anna.getByRole('heading', { level: 1, name: 'Avvikelser' })).toBeVisible();
  await expectAccessible(anna, 'the deviations page');
  await anna.getByRole('link', { name: 'Rapportera avvikelse' }).click();
  await expect(anna).toHaveURL(/\/avvikelser\/ny$/);
  await expect(anna.getByRole('heading', { level: 1, name: 'Rapportera avvikelse' })).toBeVisible();
  await expectAccessible(anna, 'the deviation form');

  // Sent without a description: the error summary names the field.
  await anna.getByLabel('Arbetsmiljö').check();
  await anna.getByRole('button', { name: 'Skicka avvikelsen' }).click();
  const summary = anna.getByRole('alert');
  await expect(summary).toContainText('Beskriv avvikelsen');
  await expect(summary.getByRole('link')).toHaveAttribute('href', '#f-description');
  await expectAccessible(anna, 'the deviation form with an error');

  await anna.getByLabel('Beskrivning').fill(what);
  await anna.getByRole('button', { name: 'Skicka avvikelsen' }).click();
  await expect(anna).toHaveURL(/\/avvikelser\/[0-9a-f-]{36}$/);
  const path = new URL(anna.url()).pathname;
  await expect(anna.getByRole('heading', { level: 1, name: 'Avvikelse: Arbetsmiljö' })).toBeVisible();
  await expect(anna.locator('#deviation-state')).toHaveText('rapporterad');
  await expect(anna.getByText(what)).toBeVisible();
  // The reporter cannot handle her own report.
  await expect(anna.getByRole('button', { name: 'Ta emot avvikelsen' })).toHaveCount(0);
  await expectAccessible(anna, 'a reported deviation');

  // The manager is told at once.
  const chef = await session(browser, 'chef', 'Karin');
  await mainNav(chef).getByRole('link', { name: 'Notiser' }).click();
  const notice = chef.locator(`a[href="${path}"]`).first();
  await expect(notice).toContainText('Avvikelse (arbetsmiljö)');
  await notice.click();
  await expect(chef).toHaveURL(new RegExp(`${path}$`));
  await expect(chef.locator('#deviation-reporter')).toContainText('Anna Lindqvist');
  await expectAccessible(chef, 'the deviation as its manager sees it');

  // It is on the manager's list, waiting to be acknowledged.
  await chef.goto('/avvikelser');
  await expect(chef.locator('#deviations-to-handle').locator(`a[href="${path}"]`)).toBeVisible();
  await expect(chef.locator('#deviations-awaiting')).toContainText('Väntar på att du tar emot dem');
  await expectAccessible(chef, 'the manager\'s deviations page');
  // A manager's form also asks whom it concerns (the people of their units).
  await chef.goto('/avvikelser/ny');
  await expect(chef.getByLabel('Gäller')).toContainText('Anna Lindqvist');
  await expectAccessible(chef, 'the manager\'s deviation form');
  await chef.goto(path);

  // Acknowledge, then close with the action taken.
  await chef.getByRole('button', { name: 'Ta emot avvikelsen' }).click();
  await expect(chef.locator('#deviation-state')).toHaveText('mottagen');
  await expect(chef.locator('#deviation-trail')).toContainText('mottagen – ');
  await chef.getByRole('button', { name: 'Avsluta med åtgärd' }).click();
  await expect(chef.getByRole('alert')).toContainText('Skriv vilken åtgärd som vidtogs');
  await expectAccessible(chef, 'the close form with an error');
  await chef.getByLabel('Vidtagen åtgärd').fill('Ny skrivbordsskiva beställd, levereras på fredag.');
  await chef.getByRole('button', { name: 'Avsluta med åtgärd' }).click();
  await expect(chef.locator('#deviation-state')).toHaveText('avslutad');
  await expect(chef.getByRole('button', { name: 'Avsluta med åtgärd' })).toHaveCount(0);
  await expectAccessible(chef, 'a closed deviation');

  // The employee sees it closed, with the action, and was told.
  await anna.reload();
  await expect(anna.locator('#deviation-state')).toHaveText('avslutad');
  await expect(anna.locator('#deviation-action')).toHaveText('Ny skrivbordsskiva beställd, levereras på fredag.');
  await expect(anna.locator('#deviation-trail li')).toHaveCount(3);
  await mainNav(anna).getByRole('link', { name: 'Notiser' }).click();
  await expect(anna.locator(`a[href="${path}"]`).first()).toBeVisible();
  await expect(anna.getByText('Din avvikelse har avslutats').first()).toBeVisible();
  await anna.goto('/avvikelser?visa=stangda');
  await expect(anna.locator('#deviations-mine').locator(`a[href="${path}"]`)).toBeVisible();
  await expectAccessible(anna, 'closed deviations');
});
