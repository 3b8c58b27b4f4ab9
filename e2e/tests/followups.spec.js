// @ts-check
// Follow-ups: an agreement in force gets a risk assessment; the
// employee and the manager answer it together, each confirming in their own
// browser; a risky answer becomes an action that the manager closes; the
// manager sets a development talk (HR's checklist editor: editors.spec.js).
// axe-core checks every page on the way.
//
// The suite shares the demo database with the other specs: this test applies
// for its own period (days 360–420 from today, which no other spec uses) and
// finds its rows by their links, never by position.
const { test, expect, expectAccessible, signIn, mainNav } = require('./fixtures');

/**
 * A date n days from today, as YYYY-MM-DD (UTC, as the server counts).
 * @param {number} n
 */
function day(n) {
  return new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A signed-in page of its own (its own cookies), for a second person.
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
 * A JSON call with the page's own session; fails the test on an error status.
 * @param {import('@playwright/test').Page} page
 * @param {string} path
 * @param {object} data
 */
async function post(page, path, data) {
  const resp = await page.request.post(path, { data });
  expect(resp.status(), `POST ${path}: ${await resp.text()}`).toBeLessThan(300);
  return resp.json();
}

/**
 * Anna applies (API), Karin approves, sends and signs, Anna signs: an
 * agreement in force from `start` to `end`. Returns its id.
 * @param {import('@playwright/test').Page} anna
 * @param {import('@playwright/test').Page} chef
 * @param {string} start
 * @param {string} end
 */
async function activeAgreement(anna, chef, start, end) {
  const r = await post(anna, '/api/v1/requests', {
    days_per_week: 1,
    weekdays: ['fri'],
    start,
    end,
    place: 'home',
    reason: 'Uppföljning (e2e).',
    confirmations: ['wifi', 'it-security', 'vpn', 'home-insurance'],
  });
  const decided = await post(chef, `/api/v1/requests/${r.id}/decision`, { decision: 'approve' });
  const id = decided.agreement_id;
  const g = await (await chef.request.get(`/api/v1/agreements/${id}`)).json();
  if (g.state === 'draft') await post(chef, `/api/v1/agreements/${id}/send`, {});
  await post(chef, `/api/v1/agreements/${id}/sign`, {});
  await post(anna, `/api/v1/agreements/${id}/sign`, {});
  return id;
}

test('employee and manager complete a risk assessment together; the risk becomes an action the manager closes', async ({
  page,
  browser,
}) => {
  const start = day(360);
  await signIn(page, 'anna');
  await expect(page.getByRole('heading', { level: 1, name: 'Hej Anna!' })).toBeVisible();
  const chef = await session(browser, 'chef', 'Karin');
  const agreementId = await activeAgreement(page, chef, start, day(420));

  // Anna finds the risk assessment due at the start on her follow-ups page.
  await mainNav(page).getByRole('link', { name: 'Uppföljningar', exact: true }).click();
  await expect(page).toHaveURL(/\/uppfoljningar$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Uppföljningar' })).toBeVisible();
  const row = page.locator('#followups tbody tr').filter({ hasText: 'Riskbedömning' }).filter({ hasText: start });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('att göra');
  await expectAccessible(page, "anna's follow-ups");
  await row.getByRole('link', { name: 'Anna Lindqvist' }).click();
  await expect(page).toHaveURL(/\/uppfoljningar\/[0-9a-f-]{36}$/);
  const followupPath = new URL(page.url()).pathname;
  await expect(page.getByRole('heading', { level: 1, name: 'Riskbedömning: Anna Lindqvist' })).toBeVisible();
  await expect(page.getByText('Du fyller i som medarbetare.')).toBeVisible();
  await expectAccessible(page, 'the risk assessment form');

  // Confirming without every required answer points at the first missing one.
  await page.getByRole('group', { name: /skrivbord i lämplig höjd/ }).getByLabel('Nej').check();
  await page.getByRole('button', { name: 'Spara och bekräfta' }).click();
  const summary = page.getByRole('alert');
  await expect(summary.getByRole('link', { name: 'Svara på frågan för att kunna bekräfta.' })).toHaveAttribute(
    'href',
    '#f-answers.stol',
  );
  await expectAccessible(page, 'the risk assessment with an error');

  // Anna answers: yes everywhere except the desk, 4 on the scale.
  for (const group of await page.locator('form#f-form fieldset').all()) {
    const yes = group.getByLabel('Ja', { exact: true });
    if (await yes.count()) {
      if (!(await group.getByLabel('Nej', { exact: true }).isChecked())) await yes.check();
    } else {
      await group.getByLabel('4', { exact: true }).check();
    }
  }
  await page.locator('#c-skrivbord').fill('Köksbordet är för högt (e2e)');
  await page.getByRole('button', { name: 'Spara och bekräfta' }).click();
  await expect(page.getByRole('status')).toHaveText('Svaren är sparade.');
  await expect(page.locator('#employee-confirmed')).toContainText('Anna Lindqvist');
  await expect(page.locator('#manager-confirmed')).toHaveText('inte bekräftat');
  await expect(page.locator('#followup-state')).toHaveText('att göra');

  // Karin sees it from the agreement page, sets a development talk there.
  await chef.goto(`/overenskommelser/${agreementId}`);
  const section = chef.locator('#agreement-followups');
  await expect(section.getByRole('link', { name: 'Riskbedömning' })).toHaveAttribute('href', followupPath);
  await expectAccessible(chef, 'the agreement page with its follow-ups');
  await chef.getByLabel('Datum för medarbetarsamtalet').fill(day(380));
  await chef.getByRole('button', { name: 'Planera uppföljning vid medarbetarsamtalet' }).click();
  await expect(chef.getByRole('heading', { level: 1, name: 'Medarbetarsamtal: Anna Lindqvist' })).toBeVisible();
  await expect(chef.locator('dl.facts')).toContainText(day(380));

  // Karin opens the risk assessment: Anna's answers are there; she confirms them.
  await chef.goto(followupPath);
  await expect(chef.getByText('Du fyller i som chef.')).toBeVisible();
  await expect(chef.locator('#c-skrivbord')).toHaveValue('Köksbordet är för högt (e2e)');
  await expect(chef.getByRole('group', { name: /skrivbord i lämplig höjd/ }).getByLabel('Nej')).toBeChecked();
  await expectAccessible(chef, "the risk assessment as the manager sees it");
  await chef.getByRole('button', { name: 'Spara och bekräfta' }).click();
  await expect(chef.locator('#followup-state')).toHaveText('klar');
  await expect(chef.locator('#manager-confirmed')).toContainText('Karin Holm');
  await expect(chef.locator('#employee-confirmed')).toContainText('Anna Lindqvist');
  // The answers are shown, the risk marked in words.
  await expect(chef.getByRole('row').filter({ hasText: 'skrivbord i lämplig höjd' })).toContainText('Nej risk');

  // The desk became an action owned by Karin, due in 30 days.
  const action = chef.locator('#actions .action').filter({ hasText: 'Köksbordet är för högt (e2e)' });
  await expect(action).toHaveCount(1);
  await expect(action).toContainText('Karin Holm');
  await expect(action).toContainText(day(30));
  await expect(action).toContainText('öppen');
  await expectAccessible(chef, 'the completed risk assessment with an action');
  await mainNav(chef).getByRole('link', { name: 'Uppföljningar', exact: true }).click();
  const listed = chef.locator('#open-actions tbody tr').filter({ hasText: 'Köksbordet är för högt (e2e)' });
  await expect(listed).toHaveCount(1);
  await expectAccessible(chef, "karin's follow-ups with an open action");
  await listed.getByRole('link').click();

  // Closing needs a note; then the action is done.
  const again = chef.locator('#actions .action').filter({ hasText: 'Köksbordet är för högt (e2e)' });
  await again.getByLabel('Vad har gjorts?').fill('Höj- och sänkbart skrivbord levererat (e2e).');
  await again.getByRole('button', { name: 'Markera åtgärden som klar' }).click();
  const closed = chef.locator('#actions .action').filter({ hasText: 'Köksbordet är för högt (e2e)' });
  await expect(closed).toContainText('Höj- och sänkbart skrivbord levererat (e2e).');
  await expect(closed.getByRole('button', { name: 'Markera åtgärden som klar' })).toHaveCount(0);
  await expectAccessible(chef, 'the risk assessment with the action closed');

  // Anna sees the follow-up done, read-only, with the action closed.
  await page.reload();
  await expect(page.locator('#followup-state')).toHaveText('klar');
  await expect(page.getByRole('button', { name: 'Spara och bekräfta' })).toHaveCount(0);
  await expect(page.locator('#actions')).toContainText('Höj- och sänkbart skrivbord levererat (e2e).');
  await expectAccessible(page, 'the done risk assessment as the employee sees it');
  await chef.context().close();
});
