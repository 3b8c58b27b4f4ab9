// @ts-check
// The plan: an employee sets an occasional remote day and sees it in their
// week and month; a manager adds a coverage rule, is warned before a remote
// day opens a gap, accepts it, and sees the gap highlighted in the unit's
// week grid; the employee is only warned. axe-core checks every page.
//
// The tests share the demo database with the other specs: each uses weeks of
// its own, far enough ahead, and removes what it added.
const { test, expect, expectAccessible, signIn, mainNav } = require('./fixtures');

/**
 * The ISO week ("2026-W48") of the day n days from today (UTC).
 * @param {number} n
 */
function isoWeek(n) {
  const d = new Date(Date.now() + n * 86_400_000);
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dayNum = (t.getUTCDay() + 6) % 7;
  t.setUTCDate(t.getUTCDate() - dayNum + 3); // the Thursday of the week
  const firstThursday = new Date(Date.UTC(t.getUTCFullYear(), 0, 4));
  const week =
    1 + Math.round(((t.getTime() - firstThursday.getTime()) / 86_400_000 - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** mon…fri of a YYYY-MM-DD date. @param {string} date */
function weekdayOf(date) {
  return ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][new Date(`${date}T12:00:00Z`).getUTCDay()];
}

test('an employee sets an occasional remote day and sees it in their week and month', async ({ page }) => {
  const week = isoWeek(70);
  await signIn(page, 'anna');
  await expect(page.getByRole('heading', { level: 1, name: 'Hej Anna!' })).toBeVisible();
  await mainNav(page).getByRole('link', { name: 'Min plan', exact: true }).click();
  await expect(page).toHaveURL(/\/plan$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Min plan' })).toBeVisible();
  await expectAccessible(page, "anna's plan this week");

  await page.goto(`/plan?vecka=${week}`);
  // The first workday of the week that can be changed.
  const row = page.locator('table.plan-week tbody tr').filter({ has: page.locator('select[name=state]') }).first();
  const id = await row.getAttribute('id');
  const date = (id ?? '').replace(/^d-/, '');
  expect(date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  await row.getByLabel(/^Var,/).selectOption('remote');
  await row.getByRole('button', { name: /^Spara/ }).click();

  await expect(page.getByRole('status')).toContainText('Ändringen är sparad.');
  const saved = page.locator(`#d-${date}`);
  await expect(saved).toContainText('Distans');
  await expect(saved).toContainText('Tillfällig ändring');
  await expect(saved).toHaveClass(/st-remote/);
  await expectAccessible(page, "anna's week with a remote day");

  // The month shows it too, as a coloured cell that says it in words.
  await page.getByRole('link', { name: 'Månad', exact: true }).click();
  await expect(page).toHaveURL(/manad=\d{4}-\d{2}/);
  const monthOf = date.slice(0, 7);
  if (!page.url().includes(`manad=${monthOf}`)) await page.goto(`/plan?manad=${monthOf}`);
  const day = String(Number(date.slice(8, 10)));
  const cell = page.locator('table.month td.st-remote').filter({ has: page.locator('.daynum', { hasText: new RegExp(`^${day}$`) }) });
  await expect(cell).toContainText('Distans');
  await expectAccessible(page, "anna's month");

  // Removing the change gives the day back to the rules.
  await page.goto(`/plan?vecka=${week}`);
  await page.locator(`#d-${date}`).getByRole('button', { name: /^Ta bort ändringen/ }).click();
  await expect(page.locator(`#d-${date}`)).not.toContainText('Tillfällig ändring');
});

test('a manager is warned before a gap, accepts it and sees it in the unit grid; the employee is only warned', async ({
  page,
  browser,
}) => {
  const week = isoWeek(84);
  await signIn(page, 'bygg');
  await expect(page.getByRole('heading', { level: 1, name: 'Hej Björn!' })).toBeVisible();
  await mainNav(page).getByRole('link', { name: 'Översikt', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Översikt' })).toBeVisible();
  await expectAccessible(page, "the manager's overview");
  await page.getByRole('table').getByRole('link', { name: 'Bygglov' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Veckoplan för Bygglov' })).toBeVisible();
  const unitPath = new URL(page.url()).pathname;
  await page.goto(`${unitPath}?vecka=${week}`);
  await expectAccessible(page, "the unit's week grid");

  // A workday of that week, and who is on site then.
  const date = await page.locator('table.grid thead th[data-date]:not(.st-off)').first().getAttribute('data-date');
  expect(date).toBeTruthy();
  const people = await page.locator('table.grid tbody tr').count();
  expect(people).toBeGreaterThan(2);

  // A rule: everyone on site on that weekday.
  await page.getByLabel('Antal som minst ska vara på plats').fill(String(people));
  await page.locator(`input[name=weekdays][value=${weekdayOf(String(date))}]`).check();
  await page.getByRole('button', { name: 'Lägg till regel' }).click();
  await expect(page).toHaveURL(/#rules$/);
  const rule = page.locator('ul.rules li').filter({ hasText: `Minst ${people} på plats` });
  await expect(rule).toBeVisible();

  // Someone who is on site that day.
  const onSite = page
    .locator('table.grid tbody tr')
    .filter({ has: page.locator(`td[data-date="${date}"].st-workplace`) });
  const name = (await onSite.first().getByRole('link').textContent())?.trim() ?? '';
  await onSite.first().getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: `Plan för ${name}` })).toBeVisible();
  const personPlan = new URL(page.url()).pathname;
  const row = page.locator(`#d-${date}`);
  await row.getByLabel(/^Var,/).selectOption('remote');
  await row.getByRole('button', { name: /^Spara/ }).click();

  // The warning names the unit and the day; the manager may accept it.
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Ändringen skulle lämna enheten utan tillräcklig bemanning på plats');
  await expect(alert).toContainText(`Bygglov`);
  await expect(alert).toContainText(String(date));
  await expectAccessible(page, 'the coverage warning');
  await alert.getByRole('button', { name: 'Spara ändå och godkänn luckan' }).click();
  await expect(page.getByRole('status')).toContainText('Ändringen är sparad.');
  await expect(page.locator(`#d-${date}`)).toContainText('Distans');

  // The grid shows the gap in the coverage row.
  await page.goto(`${unitPath}?vecka=${week}`);
  const coverage = page.locator(`tfoot td[data-date="${date}"]`);
  await expect(coverage).toHaveClass(/gap/);
  await expect(coverage).toContainText('Lucka');
  await expect(page.getByRole('status')).toContainText('saknar tillräcklig bemanning på plats');
  await expect(page.locator(`tbody td[data-date="${date}"].st-remote`).first()).toBeVisible();
  await expectAccessible(page, 'the unit grid with a gap');

  // Bo is only warned: he cannot accept a gap.
  const ctx = await browser.newContext();
  const bo = await ctx.newPage();
  await signIn(bo, 'bo');
  await expect(bo.getByRole('heading', { level: 1, name: 'Hej Bo!' })).toBeVisible();
  await bo.goto(`/plan?vecka=${week}`);
  const boRow = bo.locator(`#d-${date}`);
  if ((await boRow.locator('select[name=state]').count()) > 0 && (await boRow.getAttribute('class'))?.includes('st-workplace')) {
    await boRow.getByLabel(/^Var,/).selectOption('remote');
    await boRow.getByRole('button', { name: /^Spara/ }).click();
    const boAlert = bo.getByRole('alert');
    await expect(boAlert).toContainText('Ändringen skulle lämna enheten utan tillräcklig bemanning på plats');
    await expect(boAlert).toContainText('Prata med din chef');
    await expect(boAlert.getByRole('button', { name: 'Spara ändå och godkänn luckan' })).toHaveCount(0);
    await expect(bo.locator(`#d-${date}`)).not.toContainText('Tillfällig ändring');
    await expectAccessible(bo, "bo's warning");
  }
  await ctx.close();

  // Clean up: the day and the rule.
  await page.goto(`${personPlan}?vecka=${week}`);
  await page.locator(`#d-${date}`).getByRole('button', { name: /^Ta bort ändringen/ }).click();
  await expect(page.getByRole('status')).toContainText('Ändringen är sparad.');
  await page.goto(`${unitPath}?vecka=${week}`);
  await page.locator('ul.rules li').filter({ hasText: `Minst ${people} på plats` }).getByRole('button', { name: /^Ta bort/ }).click();
  await expect(page.locator('ul.rules li').filter({ hasText: `Minst ${people} på plats` })).toHaveCount(0);
});

test('the sites show who is on site against the desks', async ({ page }) => {
  await signIn(page, 'hr');
  await expect(page.getByRole('heading', { level: 1, name: 'Hej Helena!' })).toBeVisible();
  await mainNav(page).getByRole('link', { name: 'Arbetsplatser', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Arbetsplatser' })).toBeVisible();
  const rows = page.locator('table.occupancy tbody tr');
  expect(await rows.count()).toBeGreaterThan(3);
  await expect(rows.first()).toContainText('på plats');
  // Told truthfully: sites differ, and a full day says so in words.
  const days = page.locator('table.occupancy td:has(.bar)');
  const over = page.locator('table.occupancy td.gap');
  expect(await over.count()).toBeLessThan(await days.count());
  for (const cell of await over.all()) await expect(cell).toContainText('fler än skrivplatserna');
  await expectAccessible(page, 'the sites');
});

test('a manager plans a rotation, locks a day, plans again and publishes it', async ({ page }) => {
  await signIn(page, 'chef');
  await expect(page.getByRole('heading', { level: 1, name: 'Hej Karin!' })).toBeVisible();
  await mainNav(page).getByRole('link', { name: 'Översikt', exact: true }).click();
  await page.getByRole('table').getByRole('link', { name: 'Kontaktcenter Norr' }).click();
  await page.getByRole('link', { name: 'Planera växelvis distansarbete' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Rotationsschema för Kontaktcenter Norr' })).toBeVisible();
  await expectAccessible(page, 'the rotation form');

  // Weeks far ahead, so that no other test plans the same days.
  const firstWeek = page.getByLabel('Första veckan');
  const options = await firstWeek.locator('option').count();
  await firstWeek.selectOption({ index: options - 1 });
  await page.getByLabel('Antal veckor').fill('2');
  await page.getByRole('button', { name: 'Planera', exact: true }).click();
  await expect(page).toHaveURL(/\/rotation\/[0-9a-f-]{36}$/);
  // Progress is shown while it runs; the plan when it is done.
  const proposal = page.getByRole('table', { name: /^Förslaget/ });
  await expect(proposal).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('dl.facts')).toContainText(/Bästa möjliga plan|En plan som håller alla regler/);
  await expectAccessible(page, 'the proposed rotation');

  // Lock the first cell that can be locked, and plan again around it.
  const box = proposal.locator('input[name=lock]').first();
  const value = await box.getAttribute('value');
  await box.check();
  await page.getByRole('button', { name: 'Planera om med de låsta dagarna' }).click();
  await expect(page.getByRole('table', { name: /^Förslaget/ })).toBeVisible({ timeout: 30_000 });
  const kept = page.locator(`input[name=lock][value="${value}"]`);
  await expect(kept).toBeChecked();

  // Days people set themselves win over a rotation: if the plan will show
  // any of them otherwise, they are listed and must be confirmed first.
  const differences = page.locator('#differences');
  if (await differences.isVisible()) {
    await expect(differences.getByRole('listitem').first()).toContainText('planen visar');
    await page.getByLabel('Jag har sett skillnaderna och vill publicera ändå').check();
  }
  await page.getByRole('button', { name: 'Publicera planen' }).click();
  await expect(page.getByRole('status')).toContainText('Planen är publicerad');
  await expectAccessible(page, 'the published rotation');
  // The unit's week grid now follows it.
  await page.getByRole('status').getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Veckoplan för Kontaktcenter Norr' })).toBeVisible();
  const [person, date, state] = String(value).split('|');
  const cell = page.locator(`tbody tr:has(a[href^="/personer/${person}/plan"]) td[data-date="${date}"]`);
  await expect(cell).toHaveClass(state === 'remote' ? /st-remote/ : /st-workplace/);
});
