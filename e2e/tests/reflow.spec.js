// @ts-check
// Reflow (WCAG 2.1 1.4.10): at 320 CSS px no page scrolls sideways as a
// whole; wide tables scroll inside their own container. Each role opens
// every page its main menu offers, and the detail pages linked from them
// (a unit, a person, a request, an agreement, a plan, a follow-up, …), at
// 320×800 and at 1280×900; axe-core checks each page at both widths. A
// manager also plans a rotation, the widest page there is. The menu
// collapses behind a button at 320 px, also without JavaScript.
const { test, expect, expectAccessible, signIn, mainNav } = require('./fixtures');

const NARROW = { width: 320, height: 800 };
const WIDE = { width: 1280, height: 900 };

/** The demo's sign-ins, one of each role. */
const ROLES = {
  employee: 'anna',
  manager: 'chef',
  hr: 'hr',
  admin: 'admin',
  auditor: 'revisor',
  director: 'direktor',
};

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * Kinds of detail page, by address: the first link of each kind found in the
 * content of a visited page is visited too, once per role. Pages that look
 * the same whoever opens them (forms, checklists) are visited by one role
 * only, to keep the time down.
 * @type {{ kind: string, re: RegExp, only?: string }[]}
 */
const DETAIL_PAGES = [
  { kind: 'unit', re: new RegExp(`^/enheter/${UUID}$`) },
  { kind: 'unit plan', re: new RegExp(`^/enheter/${UUID}/plan$`) },
  { kind: 'rotation form', re: new RegExp(`^/enheter/${UUID}/rotation$`), only: 'manager' },
  { kind: 'person', re: new RegExp(`^/personer/${UUID}$`) },
  { kind: "a person's plan", re: new RegExp(`^/personer/${UUID}/plan$`) },
  { kind: 'month plan', re: /^\/plan\?manad=\d{4}-\d{2}$/, only: 'employee' },
  { kind: 'request', re: new RegExp(`^/ansokningar/${UUID}$`) },
  { kind: 'request form', re: /^\/ansokningar\/ny$/, only: 'employee' },
  { kind: 'agreement', re: new RegExp(`^/overenskommelser/${UUID}$`) },
  { kind: 'follow-up', re: new RegExp(`^/uppfoljningar/${UUID}$`) },
  { kind: 'checklists', re: /^\/checklistor$/, only: 'hr' },
  { kind: 'checklist', re: /^\/checklistor\/[a-z0-9_-]+$/, only: 'hr' },
  { kind: 'deviation', re: new RegExp(`^/avvikelser/${UUID}$`) },
  { kind: 'deviation form', re: /^\/avvikelser\/ny$/, only: 'employee' },
  { kind: 'policy form', re: /^\/distanspolicy\/ny$/, only: 'hr' },
  { kind: 'template form', re: /^\/distanspolicy\/mall$/, only: 'hr' },
  { kind: 'unit form', re: new RegExp(`^/enheter/${UUID}/andra$`), only: 'hr' },
  { kind: 'departure form', re: new RegExp(`^/personer/${UUID}/avsluta$`), only: 'hr' },
  { kind: 'my data', re: /^\/mina-uppgifter$/ },
  { kind: 'who is in on a day', re: /^\/vem-ar-pa-plats\?dag=\d{4}-\d{2}-\d{2}$/, only: 'employee' },
  { kind: 'privacy notice', re: /^\/integritet$/ },
  { kind: 'privacy notice form', re: /^\/integritet\/andra$/, only: 'hr' },
  { kind: 'person form', re: new RegExp(`^/personer/${UUID}/andra$`), only: 'hr' },
  { kind: "a unit's statistics", re: new RegExp(`^/statistik\\?unit=${UUID}$`) },
];

/**
 * Fails when the page scrolls sideways as a whole, naming the elements that
 * stick out on the right.
 * @param {import('@playwright/test').Page} page
 * @param {string} what
 */
async function expectNoSidewaysScroll(page, what) {
  const r = await page.evaluate(() => {
    const vw = window.innerWidth;
    const wide = [];
    for (const el of document.body.querySelectorAll('*')) {
      const b = el.getBoundingClientRect();
      if (b.width > 0 && b.right > vw + 0.5 && !wide.some((w) => w.el.contains(el))) {
        wide.push({ el, right: Math.round(b.right) });
      }
    }
    const name = (/** @type {Element} */ el) =>
      el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') + [...el.classList].map((c) => `.${c}`).join('');
    return {
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: vw,
      wide: wide.slice(0, 5).map((w) => `${name(w.el)} (right edge ${w.right})`),
    };
  });
  expect(
    r.scrollWidth,
    `${what} (${page.url()}) scrolls sideways at ${r.innerWidth} px: ${r.wide.join(', ') || 'no single element'}`,
  ).toBeLessThanOrEqual(r.innerWidth);
}

/**
 * Fails when the page's visible text shows an id (a UUID) or an untranslated
 * message key: people read names and sentences, never codes. Addresses in
 * links are not text and are not checked.
 * @param {import('@playwright/test').Page} page
 * @param {string} what
 */
async function expectNoCodes(page, what) {
  const text = await page.locator('body').innerText();
  const uuid = text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
  const around = (/** @type {RegExpMatchArray | null} */ m) =>
    m ? text.slice(Math.max(0, (m.index ?? 0) - 60), (m.index ?? 0) + 60) : '';
  expect(uuid?.[0], `${what} (${page.url()}) shows an id in its text: …${around(uuid)}…`).toBeUndefined();
  const key = text.match(/\b[a-z]+(?:-[a-z_]+){2,}\b/);
  expect(key?.[0], `${what} (${page.url()}) shows what looks like a message key: …${around(key)}…`).toBeUndefined();
}

/**
 * The addresses of the main menu's links, in order.
 * @param {import('@playwright/test').Page} page
 */
async function menuLinks(page) {
  const hrefs = await mainNav(page)
    .getByRole('link')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  expect(hrefs.length, 'the main menu has links').toBeGreaterThan(5);
  return hrefs;
}

/**
 * The detail pages linked from the page's content that the role visits, by
 * kind.
 * @param {import('@playwright/test').Page} page
 * @param {string} role
 * @returns {Promise<[string, string][]>} [kind, address]
 */
async function detailLinks(page, role) {
  const hrefs = await page
    .getByRole('main')
    .locator('a[href^="/"]:not([download])')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  /** @type {[string, string][]} */
  const found = [];
  for (const href of hrefs) {
    const d = DETAIL_PAGES.find(({ re }) => re.test(href));
    if (d && (d.only === undefined || d.only === role)) found.push([d.kind, href]);
  }
  return found;
}

/**
 * At 320 px the menu is a closed disclosure: its button shows, its links do
 * not. At 1280 px the links show and the button does not.
 * @param {import('@playwright/test').Page} page
 * @param {boolean} narrow
 */
async function expectMenuLayout(page, narrow) {
  const nav = mainNav(page);
  const button = nav.locator('summary');
  const start = nav.getByRole('link', { name: 'Start', exact: true });
  if (narrow) {
    await expect(button).toBeVisible();
    await expect(button).toHaveText('Meny');
    await expect(start).toBeHidden();
  } else {
    await expect(button).toBeHidden();
    await expect(start).toBeVisible();
  }
}

/**
 * Opens the page at 320 px, then widens the window to 1280 px: at each width
 * the page must not scroll sideways and axe must find nothing.
 * @param {import('@playwright/test').Page} page
 * @param {string} href
 * @param {string} what
 */
async function checkBothWidths(page, href, what) {
  await page.setViewportSize(NARROW);
  const resp = await page.goto(href);
  expect(resp?.status(), `${what}: ${href}`).toBe(200);
  await expectNoSidewaysScroll(page, `${what}, 320 px`);
  await expectAccessible(page, `${what}, 320 px`);
  await expectNoCodes(page, what);
  await page.setViewportSize(WIDE);
  await expectNoSidewaysScroll(page, `${what}, 1280 px`);
  await expectAccessible(page, `${what}, 1280 px`);
}

/**
 * Plans a rotation of four weeks with the form and returns the address of
 * the finished plan.
 * @param {import('@playwright/test').Page} page
 * @param {string} rotationForm the address of the rotation form
 */
async function planRotation(page, rotationForm) {
  await page.setViewportSize(WIDE);
  await page.goto(rotationForm);
  // A week of its own: the rotation spec takes the last one offered. This
  // plan is never published.
  await page.getByLabel('Första veckan').selectOption({ index: 2 });
  await page.getByLabel('Antal veckor').fill('4');
  await page.getByLabel(/^Längsta tid/).fill('1');
  await page.getByRole('button', { name: 'Planera', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/rotation/${UUID}$`));
  await expect(page.getByRole('table', { name: /^Förslaget/ })).toBeVisible({ timeout: 30_000 });
  return new URL(page.url()).pathname;
}

test.describe('reflow at 320 px, and 1280 px', () => {
  for (const [role, username] of Object.entries(ROLES)) {
    test(`${role}: every menu page and the detail pages they link to`, async ({ page }) => {
      test.setTimeout(180_000);
      if (role === 'employee') await checkBothWidths(page, '/logga-in', 'the sign-in page');
      await page.setViewportSize(WIDE);
      await signIn(page, username);
      await expect(page.getByRole('heading', { level: 1, name: /^Hej / })).toBeVisible();

      const menu = await menuLinks(page);
      /** @type {Map<string, string>} kind → address */
      const details = new Map();
      const visited = new Set(menu);

      /** @param {string} href @param {string} what */
      const visit = async (href, what) => {
        visited.add(href);
        await checkBothWidths(page, href, `${username}: ${what}`);
        for (const [kind, link] of await detailLinks(page, role)) {
          if (!details.has(kind) && !visited.has(link)) details.set(kind, link);
        }
      };

      for (const href of menu) {
        await visit(href, `menu page ${href}`);
        // The menu keeps marking the page it leads to.
        await expect(mainNav(page).locator(`a[href="${href}"]`)).toHaveAttribute('aria-current', 'page');
        if (href === '/') {
          await expectMenuLayout(page, false);
          await page.setViewportSize(NARROW);
          await expectMenuLayout(page, true);
          // Open, the menu fits the phone and axe finds nothing either.
          await mainNav(page).locator('summary').click();
          await expect(mainNav(page).getByRole('link', { name: 'Start', exact: true })).toBeVisible();
          await expectNoSidewaysScroll(page, `${username}: the start page with the menu open`);
          await expectAccessible(page, `${username}: the start page with the menu open`);
        }
      }
      // Detail pages, and the detail pages they link to in turn.
      for (let round = 0; round < 3; round += 1) {
        const next = [...details].filter(([, href]) => !visited.has(href));
        if (next.length === 0) break;
        for (const [kind, href] of next) if (!visited.has(href)) await visit(href, kind);
      }
      const reached = [...details.keys()];
      expect(reached, `${username} reached a unit`).toContain('unit');
      if (menu.includes('/personer')) expect(reached, `${username} reached a person`).toContain('person');
      /** @type {Record<string, string[]>} */
      const expected = {
        employee: ['month plan', 'request form', 'deviation form', 'who is in on a day'],
        manager: ['agreement', 'unit plan', 'rotation form', 'follow-up'],
        hr: ['agreement', 'unit plan', 'checklist', 'policy form', 'template form'],
      };
      for (const kind of expected[role] ?? []) {
        expect(reached, `${username} reached a page of the kind "${kind}"`).toContain(kind);
      }

      if (role === 'manager') {
        const form = details.get('rotation form');
        expect(form, 'the manager reached the rotation form').toBeTruthy();
        const rotation = await planRotation(page, String(form));
        await checkBothWidths(page, rotation, `${username}: a proposed rotation of four weeks`);
        // The plan is a table wider than the phone, in a container of its own
        // that scrolls, with the names kept in view.
        await page.setViewportSize(NARROW);
        const region = page.getByRole('region', { name: /^Förslaget/ });
        await expect(region).toBeVisible();
        const widths = await region.evaluate((el) => ({ inner: el.scrollWidth, outer: el.clientWidth }));
        expect(widths.inner).toBeGreaterThan(widths.outer);
        const name = region.locator('tbody th').first();
        const before = await name.boundingBox();
        await region.evaluate((el) => el.scrollBy(400, 0));
        await expect.poll(async () => (await name.boundingBox())?.x).toBe(before?.x);
      }
    });
  }

  test('the menu opens and closes at 320 px without JavaScript, by mouse and keyboard', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: NARROW, locale: 'sv-SE' });
    const page = await context.newPage();
    try {
      await signIn(page, 'chef');
      await expect(page.getByRole('heading', { level: 1, name: 'Hej Karin!' })).toBeVisible();
      const nav = mainNav(page);
      const button = nav.locator('summary');
      const start = nav.getByRole('link', { name: 'Start', exact: true });
      const plan = nav.getByRole('link', { name: 'Min plan', exact: true });
      await expectMenuLayout(page, true);

      // The skip link comes first and still leads to the content.
      await page.keyboard.press('Tab');
      const skip = page.getByRole('link', { name: 'Hoppa till innehållet' });
      await expect(skip).toBeFocused();
      await expect(skip).toBeInViewport();
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/#main$/);
      await expect(page.getByRole('main')).toBeFocused();

      await button.click();
      await expect(start).toBeVisible();
      await expect(start).toHaveAttribute('aria-current', 'page');
      await expect(nav.locator('details')).toHaveAttribute('open', '');
      // In sections: a manager's own work and units, no administration;
      // each section a list named by its heading.
      await expect(nav.getByRole('list', { name: 'Mitt arbete' })).toBeVisible();
      await expect(nav.getByRole('list', { name: 'Enheter och bemanning' })).toBeVisible();
      await expect(nav.getByRole('list', { name: 'Administration' })).toHaveCount(0);
      await expect(nav.getByRole('list', { name: 'Enheter och bemanning' }).getByRole('link', { name: 'Översikt' })).toBeVisible();
      await expectNoSidewaysScroll(page, 'the start page with the menu open');
      await button.click();
      await expect(start).toBeHidden();

      // By keyboard: the button takes focus, Enter opens, Tab goes on into
      // the menu, and Enter on a link follows it.
      await button.focus();
      await expect(button).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(start).toBeVisible();
      await page.keyboard.press('Tab');
      await expect(start).toBeFocused();
      await plan.focus();
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/\/plan$/);
      await expect(page.getByRole('heading', { level: 1, name: 'Min plan' })).toBeVisible();
      // The new page starts with the menu closed, and it marks the page.
      await expect(plan).toBeHidden();
      await button.focus();
      await page.keyboard.press(' ');
      await expect(plan).toBeVisible();
      await expect(plan).toHaveAttribute('aria-current', 'page');
      await expectNoSidewaysScroll(page, 'my plan with the menu open');

      // The start page's week changes a day in place, without JavaScript.
      await page.goto('/');
      const week = page.locator('#start-week');
      const day = week.locator('form.start-day').first();
      await day.locator('select').selectOption('workplace');
      await day.getByRole('button', { name: /^Spara/ }).click();
      await expect(page).toHaveURL(/\/\?sparat=1#start-week$/);
      await expect(week.getByRole('status')).toHaveText('Ändringen är sparad.');
    } finally {
      await context.close();
    }
  });
});
