// @ts-check
// Applying for remote work, deciding, signing the agreement and its PDF;
// refusals and asking for changes; HR's temporary decisions. axe-core checks
// every page on the way.
//
// The tests run in parallel and share the demo database: each one applies for
// its own period (they never overlap), and finds its request or agreement in
// the shared to-do lists by its address, never by position.
const { test, expect, expectAccessible, signIn, mainNav } = require('./fixtures');

/**
 * A date n days from today, as YYYY-MM-DD (UTC, as the server counts).
 * @param {number} n
 */
function day(n) {
  return new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
}

/** The four prerequisites of the default policy. */
const CONFIRMATIONS = ['wifi', 'it-security', 'vpn', 'home-insurance'];

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

/**
 * @typedef {{ days: string, weekdays: string[], start: string, end?: string,
 *             reason: string, confirmations?: string[] }} Application
 */

/**
 * Fills the request form as it is on the page (new or changing one).
 * @param {import('@playwright/test').Page} page
 * @param {Application} a
 */
async function fillForm(page, a) {
  await page.getByLabel('Distansdagar per vecka').selectOption(a.days);
  for (const wd of ['mon', 'tue', 'wed', 'thu', 'fri']) {
    await page.locator(`#wd-${wd}`).setChecked(a.weekdays.includes(wd));
  }
  await page.locator('#f-start').fill(a.start);
  await page.locator('#f-end').fill(a.end ?? '');
  await page.locator('#place-home').check();
  await page.locator('#f-reason').fill(a.reason);
  const confirmations = a.confirmations ?? CONFIRMATIONS;
  for (const key of CONFIRMATIONS) {
    await page.locator(`#cf-${key}`).setChecked(confirmations.includes(key));
  }
}

/**
 * From the requests page (through the nav) to a filled-in new form.
 * @param {import('@playwright/test').Page} page
 * @param {Application} a
 */
async function openAndFill(page, a) {
  await mainNav(page).getByRole('link', { name: 'Ansökningar', exact: true }).click();
  await expect(page).toHaveURL(/\/ansokningar$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Ansökningar' })).toBeVisible();
  await expectAccessible(page, 'the requests page');
  await page.getByRole('link', { name: 'Ansök om distansarbete' }).click();
  await expect(page).toHaveURL(/\/ansokningar\/ny$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Ansök om distansarbete' })).toBeVisible();
  // A new form proposes a start two weeks ahead.
  await expect(page.locator('#f-start')).toHaveValue(day(14));
  await expectAccessible(page, 'the request form');
  await fillForm(page, a);
}

/**
 * Applies (form, check page, send) and returns the request's id.
 * @param {import('@playwright/test').Page} page
 * @param {Application} a
 * @param {string} decider who the check page names
 */
async function apply(page, a, decider) {
  await openAndFill(page, a);
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Kontrollera din ansökan' })).toBeVisible();
  const goesTo = page.locator('#decider');
  await expect(goesTo).toHaveRole('status');
  await expect(goesTo).toContainText(`Ansökan beslutas av: ${decider}`);
  await expect(page.getByRole('main')).toContainText(a.start);
  await expect(page.getByRole('main')).toContainText(a.reason);
  await expectAccessible(page, 'the check page');
  await page.getByRole('button', { name: 'Skicka ansökan' }).click();
  await expect(page).toHaveURL(/\/ansokningar\/[0-9a-f-]{36}$/);
  await expect(page.locator('#request-state')).toHaveText('inskickad');
  await expect(page.getByRole('heading', { level: 1, name: 'Ansökan om distansarbete: Anna Lindqvist' })).toBeVisible();
  // The applicant does not decide.
  await expect(page.getByRole('button', { name: 'Fatta beslut' })).toHaveCount(0);
  await expectAccessible(page, 'the sent request');
  return /** @type {string} */ (new URL(page.url()).pathname.split('/').pop());
}

/**
 * On the request page: decides, and for an approval lands on the agreement
 * page, whose id is returned.
 * @param {import('@playwright/test').Page} page
 * @param {'approve' | 'changes' | 'decline'} decision
 * @param {string} [reason]
 */
async function decide(page, decision, reason) {
  await expect(page.getByRole('heading', { level: 2, name: 'Beslut' })).toBeVisible();
  await expectAccessible(page, 'the request page with the decision form');
  await page.locator(`#d-${decision}`).check();
  if (reason) await page.locator('#f-reason').fill(reason);
  await page.getByRole('button', { name: 'Fatta beslut' }).click();
  if (decision !== 'approve') return '';
  await expect(page).toHaveURL(/\/overenskommelser\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Överenskommelse om distansarbete' })).toBeVisible();
  // The draft is reviewed (and could be adjusted) by the decider, then sent.
  await expect(page.locator('#agreement-state')).toHaveText('utkast');
  await expect(page.getByRole('button', { name: 'Signera' })).toHaveCount(0);
  await expectAccessible(page, 'the draft agreement');
  await page.getByRole('button', { name: 'Skicka för signering' }).click();
  await expect(page.locator('#agreement-state')).toHaveText('väntar på signaturer');
  return /** @type {string} */ (new URL(page.url()).pathname.split('/').pop());
}

/**
 * On the agreement page: signs, and checks the signature is shown.
 * @param {import('@playwright/test').Page} page
 * @param {string} name the signer
 */
async function sign(page, name) {
  const signatures = page.locator('#signatures');
  await expect(signatures.getByRole('listitem').filter({ hasText: name })).toContainText('inte signerad ännu');
  await expectAccessible(page, `the agreement page before ${name} signs`);
  // Signing comes after reading: the button follows the whole text, and
  // without the tick it is refused at the field.
  const text = await page.locator('article.agreement-text').boundingBox();
  const button = await page.getByRole('button', { name: 'Signera' }).boundingBox();
  expect(button && text && button.y > text.y + text.height, 'the sign button is below the text').toBeTruthy();
  await page.getByRole('button', { name: 'Signera' }).click();
  await expect(page.locator('#e-read')).toContainText('innan du signerar');
  await expect(signatures.getByRole('listitem').filter({ hasText: name })).toContainText('inte signerad ännu');
  await expectAccessible(page, 'signing without the tick');
  await page.getByLabel('Jag har läst hela överenskommelsen').check();
  await page.getByRole('button', { name: 'Signera' }).click();
  await expect(signatures.getByRole('listitem').filter({ hasText: name })).toContainText(
    /signerad \d{4}-\d{2}-\d{2} \d{2}:\d{2}/,
  );
  await expect(page.getByRole('button', { name: 'Signera' })).toHaveCount(0);
}

/**
 * The agreement is in force: both signed, the text's hash shown, and the PDF
 * downloads with the page's own session.
 * @param {import('@playwright/test').Page} page
 * @param {string} agreementId
 */
async function expectActive(page, agreementId) {
  await expect(page.locator('#agreement-state')).toHaveText('gäller');
  await expect(page.locator('#signatures').getByRole('listitem')).toHaveCount(2);
  for (const li of await page.locator('#signatures').getByRole('listitem').all()) {
    await expect(li).toContainText(/signerad \d{4}-/);
    await expect(li).not.toContainText('inte signerad');
  }
  const facts = page.locator('dl.facts');
  await expect(facts.getByText('SHA-256', { exact: true })).toBeVisible();
  await expect(facts.locator('code')).toHaveText(/^[0-9a-f]{64}$/);
  await expect(page.getByRole('heading', { name: 'Säg upp överenskommelsen' })).toBeVisible();
  await expectAccessible(page, 'the agreement in force');
  // Ending it shows what that means first; cancelling changes nothing.
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kontrollera innan du avslutar överenskommelsen');
  await expect(page.locator('dl.facts')).toContainText(/Sista dag den gäller\s*\d{4}-\d{2}-\d{2}/);
  await expect(page.getByRole('status')).toContainText('Uppföljningar efter sista dagen ställs in');
  await expectAccessible(page, 'the check before ending');
  await page.getByRole('link', { name: 'Avbryt' }).click();
  await expect(page.locator('#agreement-state')).toHaveText('gäller');

  const pdf = page.getByRole('link', { name: 'Ladda ner som PDF' });
  await expect(pdf).toHaveAttribute('href', `/api/v1/agreements/${agreementId}/pdf`);
  const resp = await page.request.get(/** @type {string} */ (await pdf.getAttribute('href')));
  expect(resp.status(), `GET ${resp.url()}`).toBe(200);
  expect(resp.headers()['content-type']).toMatch(/^application\/pdf/);
  const body = await resp.body();
  expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
}

test.describe('applying for remote work', () => {
  test('2 days: the manager decides, both sign, the PDF downloads', async ({ page, browser }) => {
    const a = {
      days: '2',
      weekdays: ['mon', 'thu'],
      start: day(21),
      end: day(80),
      reason: 'Kortare pendling, två dagar (e2e).',
    };
    await signIn(page, 'anna');
    await expect(page.getByRole('heading', { level: 1, name: 'Hej Anna!' })).toBeVisible();
    const id = await apply(page, a, 'Karin Holm');
    await expect(page.getByRole('main')).toContainText('måndag, torsdag');

    // Karin finds it on her start page's to-do list.
    const chef = await session(browser, 'chef', 'Karin');
    const todo = chef.locator('#start-todo');
    const item = todo.locator(`a[href="/ansokningar/${id}"]`);
    await expect(item).toHaveText('Ansökningar att besluta om: Anna Lindqvist, 2 dagar per vecka');
    await expectAccessible(chef, "chef's start page with a to-do");
    await item.click();
    await expect(chef).toHaveURL(new RegExp(`/ansokningar/${id}$`));
    const agreementId = await decide(chef, 'approve');
    await expect(chef.locator('dl.facts')).toContainText('Anna Lindqvist');
    await expect(chef.locator('dl.facts')).toContainText(a.start);
    await expect(chef.locator('dl.facts')).toContainText(a.end);
    await sign(chef, 'Karin Holm');
    await expect(chef.locator('#agreement-state')).toHaveText('väntar på signaturer');
    await expectAccessible(chef, 'the agreement signed by the manager');

    // Anna signs from her to-do list.
    await mainNav(page).getByRole('link', { name: 'Start', exact: true }).click();
    const mine = page.locator(`#start-todo a[href="/overenskommelser/${agreementId}"]`);
    await expect(mine).toHaveText('Överenskommelser att signera: Anna Lindqvist');
    await expectAccessible(page, "anna's start page with a to-do");
    await mine.click();
    await sign(page, 'Anna Lindqvist');
    await expectActive(page, agreementId);

    // Both see it in force; the request shows the link to it.
    await chef.reload();
    await expect(chef.locator('#agreement-state')).toHaveText('gäller');
    await chef.goto(`/ansokningar/${id}`);
    await expect(chef.locator('#request-state')).toHaveText('beviljad');
    await expect(chef.getByRole('link', { name: 'Visa överenskommelsen' })).toHaveAttribute(
      'href',
      `/overenskommelser/${agreementId}`,
    );
    await expect(chef.locator('ol.history')).toContainText('beviljad – Karin Holm');
    await expectAccessible(chef, 'the approved request');
    await chef.context().close();
  });

  test('3 days: HR decides, the manager cannot, both sign', async ({ page, browser }) => {
    const a = {
      days: '3',
      weekdays: ['mon', 'tue', 'wed'],
      start: day(100),
      end: day(160),
      reason: 'Fokusarbete, tre dagar (e2e).',
    };
    await signIn(page, 'anna');
    await expect(page.getByRole('heading', { level: 1, name: 'Hej Anna!' })).toBeVisible();
    const id = await apply(page, a, 'HR');
    await expect(page.locator('dl.facts dt:text-is("Beslutas av") + dd')).toHaveText('HR');

    // Karin may read it but not decide it, and it is not on her lists.
    const chef = await session(browser, 'chef', 'Karin');
    await expect(chef.locator(`#start-todo a[href="/ansokningar/${id}"]`)).toHaveCount(0);
    await chef.goto('/ansokningar');
    await expect(chef.locator(`#to-decide a[href="/ansokningar/${id}"]`)).toHaveCount(0);
    await chef.goto(`/ansokningar/${id}`);
    await expect(chef.locator('#request-state')).toHaveText('inskickad');
    await expect(chef.locator('#f-decision')).toHaveCount(0);
    await expect(chef.getByRole('button', { name: 'Fatta beslut' })).toHaveCount(0);
    await expect(chef.getByRole('heading', { name: 'Beslut', exact: true })).toHaveCount(0);
    await expectAccessible(chef, 'an HR-level request as the manager sees it');
    // Nor by posting the form by hand.
    const csrf = await chef.locator('input[name="csrf"]').first().inputValue();
    const forged = await chef.request.post(`/ansokningar/${id}/beslut`, {
      form: { csrf, decision: 'approve', version: '1', reason: '' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    await chef.context().close();

    // Helena decides from the requests page.
    const hr = await session(browser, 'hr', 'Helena');
    await mainNav(hr).getByRole('link', { name: 'Ansökningar', exact: true }).click();
    const toDecide = hr.locator('#to-decide');
    await expect(toDecide.getByRole('table', { name: 'Ansökningar att besluta om' })).toBeVisible();
    await expectAccessible(hr, "HR's requests page");
    await toDecide.locator(`a[href="/ansokningar/${id}"]`).click();
    const agreementId = await decide(hr, 'approve');
    await expect(hr.locator('dl.facts')).toContainText('Helena Ahlgren');
    await sign(hr, 'Helena Ahlgren');
    await hr.context().close();

    // Anna signs from the requests page.
    await mainNav(page).getByRole('link', { name: 'Ansökningar', exact: true }).click();
    const toSign = page.locator('#to-sign');
    await expect(toSign.getByRole('heading', { level: 2, name: 'Överenskommelser att signera' })).toBeVisible();
    await expectAccessible(page, "anna's requests page with an agreement to sign");
    await toSign.locator(`a[href="/overenskommelser/${agreementId}"]`).click();
    await sign(page, 'Anna Lindqvist');
    await expectActive(page, agreementId);
  });

  test('refusals: missing confirmations, a start in the past', async ({ page }) => {
    await signIn(page, 'anna');
    await expect(page.getByRole('heading', { level: 1, name: 'Hej Anna!' })).toBeVisible();
    const a = {
      days: '1',
      weekdays: ['wed'],
      start: day(300),
      end: day(330),
      reason: 'Prövar gränserna (e2e).',
      confirmations: ['wifi', 'vpn'],
    };
    await openAndFill(page, a);
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await expect(page).toHaveURL(/\/ansokningar\/ny$/);
    let summary = page.getByRole('alert');
    await expect(summary.getByRole('heading', { level: 2, name: 'Det finns ett problem' })).toBeVisible();
    await expect(summary.getByRole('link', { name: 'Bekräfta alla förutsättningar.' })).toHaveAttribute(
      'href',
      '#f-confirmations',
    );
    await expect(page.locator('#f-confirmations')).toContainText('Bekräfta alla förutsättningar.');
    // Nothing was sent, and the answers are kept.
    await expect(page.getByRole('heading', { level: 1, name: 'Ansök om distansarbete' })).toBeVisible();
    await expect(page.locator('#f-start')).toHaveValue(a.start);
    await expect(page.locator('#f-reason')).toHaveValue(a.reason);
    await expect(page.locator('#cf-wifi')).toBeChecked();
    await expect(page.locator('#cf-home-insurance')).not.toBeChecked();
    await expectAccessible(page, 'the request form with missing confirmations');

    // All confirmed, but starting yesterday.
    await fillForm(page, { ...a, start: day(-1), confirmations: CONFIRMATIONS });
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    summary = page.getByRole('alert');
    const link = summary.getByRole('link', { name: /^Kontrollera startdatumet/ });
    await expect(link).toHaveAttribute('href', '#f-start');
    await expect(page.locator('#f-start')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel('Från och med')).toHaveAccessibleDescription(/^Kontrollera startdatumet/);
    await expect(page.locator('#decider')).toHaveCount(0);
    await expectAccessible(page, 'the request form with a start in the past');
    await link.click();
    await expect(page.locator('#f-start')).toBeFocused();

    // Nothing of this was sent.
    await page.goto('/ansokningar');
    await expect(page.getByRole('main')).not.toContainText(day(300));
  });

  test('the manager asks for changes; the employee changes and sends again', async ({ page, browser }) => {
    const a = {
      days: '2',
      weekdays: ['tue', 'fri'],
      start: day(200),
      end: day(260),
      reason: 'Vill arbeta hemma, första förslaget (e2e).',
    };
    const why = 'Tisdagar har vi arbetsplatsträff; välj en annan dag (e2e).';
    await signIn(page, 'anna');
    await expect(page.getByRole('heading', { level: 1, name: 'Hej Anna!' })).toBeVisible();
    const id = await apply(page, a, 'Karin Holm');

    const chef = await session(browser, 'chef', 'Karin');
    await mainNav(chef).getByRole('link', { name: 'Ansökningar', exact: true }).click();
    await chef.locator(`#to-decide a[href="/ansokningar/${id}"]`).click();
    // Asking for changes needs a reason.
    await chef.locator('#d-changes').check();
    await chef.getByRole('button', { name: 'Fatta beslut' }).click();
    const summary = chef.getByRole('alert');
    await expect(summary.getByRole('link', { name: 'Skriv en motivering.' })).toHaveAttribute('href', '#f-reason');
    await expect(chef.locator('#request-state')).toHaveText('inskickad');
    await expectAccessible(chef, 'the decision form without a reason');
    await decide(chef, 'changes', why);
    await expect(chef).toHaveURL(new RegExp(`/ansokningar/${id}$`));
    await expect(chef.locator('#request-state')).toHaveText('behöver ändras');
    await expect(chef.getByRole('button', { name: 'Fatta beslut' })).toHaveCount(0);

    // Anna sees it, changes Tuesday for Wednesday, and sends it again.
    await page.goto(`/ansokningar/${id}`);
    await expect(page.locator('#request-state')).toHaveText('behöver ändras');
    await expect(page.locator('dl.facts')).toContainText(why);
    await expectAccessible(page, 'a request sent back for changes');
    await page.getByRole('link', { name: 'Ändra och skicka igen' }).click();
    await expect(page).toHaveURL(new RegExp(`/ansokningar/${id}/andra$`));
    await expect(page.locator('#wd-tue')).toBeChecked();
    await expect(page.locator('#f-start')).toHaveValue(a.start);
    await expect(page.locator('#f-reason')).toHaveValue(a.reason);
    await expectAccessible(page, 'the form changing a request');
    await fillForm(page, { ...a, weekdays: ['wed', 'fri'], reason: 'Onsdag i stället för tisdag (e2e).' });
    await page.getByRole('button', { name: 'Fortsätt' }).click();
    await expect(page).toHaveURL(new RegExp(`/ansokningar/${id}$`));
    await expect(page.locator('#request-state')).toHaveText('inskickad');
    await expect(page.locator('dl.facts')).toContainText('onsdag, fredag');
    const history = page.locator('ol.history').getByRole('listitem');
    await expect(history).toHaveCount(3);
    await expect(history.nth(0)).toContainText('inskickad – Anna Lindqvist');
    await expect(history.nth(1)).toContainText(`ändringar begärda – Karin Holm («${why}»)`);
    await expect(history.nth(2)).toContainText('ändrad och inskickad igen – Anna Lindqvist');
    await expectAccessible(page, 'the request sent again');

    // Back on Karin's list, with both steps in the history.
    await mainNav(chef).getByRole('link', { name: 'Start', exact: true }).click();
    await chef.locator(`#start-todo a[href="/ansokningar/${id}"]`).click();
    await expect(chef.locator('ol.history').getByRole('listitem')).toHaveCount(3);
    await expect(chef.locator('#f-decision')).toBeVisible();
    await chef.context().close();
  });
});

test('HR issues a temporary decision for everyone; bo sees it the day it is issued', async ({ page, browser }) => {
  const title = `Tillfälligt beslut e2e ${Date.now()}`;
  const start = day(7);
  const end = day(14);
  await signIn(page, 'hr');
  await expect(page.getByRole('heading', { level: 1, name: 'Hej Helena!' })).toBeVisible();
  await mainNav(page).getByRole('link', { name: 'Tillfälliga beslut', exact: true }).click();
  await expect(page).toHaveURL(/\/tillfalliga-beslut$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Tillfälliga beslut' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Fatta tillfälligt beslut' })).toBeVisible();
  await expectAccessible(page, "the temporary decisions page (HR's form)");

  // Without a title: the error summary points at it.
  await page.locator('#f-start').fill(start);
  await page.locator('#f-end').fill(end);
  await page.getByRole('button', { name: 'Fatta tillfälligt beslut' }).click();
  const summary = page.getByRole('alert');
  await expect(summary.getByRole('link', { name: 'Skriv en rubrik.' })).toHaveAttribute('href', '#f-title');
  await expect(page.locator('#f-title')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#f-start')).toHaveValue(start);
  await expectAccessible(page, 'the temporary decision form with an error');

  await page.getByLabel('Rubrik').fill(title);
  await page.getByLabel('Beskrivning').fill('Under influensaperioden får alla arbeta hemma (e2e).');
  await page.getByLabel('Distansdagar per vecka som tillåts').fill('4');
  await expect(page.getByLabel('Checklista')).not.toHaveValue('');
  await page.getByRole('button', { name: 'Fatta tillfälligt beslut' }).click();
  await expect(page).toHaveURL(/\/tillfalliga-beslut$/);
  const decision = page.getByRole('region', { name: title });
  await expect(decision).toBeVisible();
  await expect(decision).toContainText(`${start} – ${end}`);
  await expect(decision).toContainText('Upp till 4 distansdagar per vecka.');
  await expect(decision).toContainText('Gäller: hela organisationen');
  await expect(decision).toContainText('Helena Ahlgren');
  await expect(decision.getByRole('listitem').first()).toBeVisible();
  await expectAccessible(page, 'the temporary decisions page with a new decision');

  // Bo, in another unit, sees it on his start page, his own page and the list.
  const bo = await session(browser, 'bo', 'Bo');
  // A week before it starts: a banner with its period and scope, and a notice.
  const onStart = bo.getByRole('region', { name: `Tillfälligt beslut: ${title}` });
  await expect(onStart).toContainText(`Gäller från ${start} till och med ${end}.`);
  await expect(onStart).toContainText('Det gäller hela organisationen.');
  await expect(onStart).toContainText('Upp till 4 distansdagar per vecka.');
  await expectAccessible(bo, "bo's start page with a temporary decision");
  await bo.goto('/notiser');
  await expect(bo.getByRole('link', { name: `Tillfälligt beslut: ${title}` })).toBeVisible();
  await mainNav(bo).getByRole('link', { name: 'Min sida', exact: true }).click();
  await expect(bo.getByRole('heading', { level: 1, name: 'Bo Ek' })).toBeVisible();
  const onPerson = bo.locator('#person-temporary');
  await expect(onPerson.getByRole('listitem').filter({ hasText: title })).toContainText(
    'Upp till 4 distansdagar per vecka.',
  );
  await expectAccessible(bo, "bo's page with a temporary decision");
  await onPerson.getByRole('link', { name: title }).click();
  await expect(bo).toHaveURL(/\/tillfalliga-beslut$/);
  await expect(bo.getByRole('region', { name: title })).toBeVisible();
  // Only HR issues them.
  await expect(bo.getByRole('button', { name: 'Fatta tillfälligt beslut' })).toHaveCount(0);
  await expect(bo.locator('#f-title')).toHaveCount(0);
  await expectAccessible(bo, 'the temporary decisions page as bo');
  await bo.context().close();
});
