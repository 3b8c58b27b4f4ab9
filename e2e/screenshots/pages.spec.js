// @ts-check
// Each main page as the person who uses it, at desktop (1280 px) and phone
// (320 px) width, into docs/screenshots/ (see scripts/screenshots.sh).
const path = require('path');
const { test, signIn } = require('../tests/fixtures');

const OUT = path.resolve(__dirname, '../../docs/screenshots');
const WIDTHS = /** @type {const} */ ([['desktop', 1280, 900], ['phone', 320, 800]]);

/** [who, file name, address, what it shows] */
const PAGES = [
  ['anna', 'start-employee', '/', 'The start page of an employee'],
  ['anna', 'plan-week', '/plan', "An employee's week"],
  ['anna', 'request-form', '/ansokningar/ny', 'Applying for remote work'],
  ['anna', 'my-data', '/mina-uppgifter', "All that is kept about one (Art. 15)"],
  ['chef', 'start-manager', '/', 'The start page of a manager'],
  ['chef', 'overview', '/oversikt', "A manager's units this week"],
  ['hr', 'sites', '/arbetsplatser', "The sites' occupancy against their desks"],
  ['hr', 'statistics', '/statistik', 'Statistics with commuting emissions'],
  ['hr', 'audit-log', '/logg', 'The audit log in words, with filters'],
  ['hr', 'temporary', '/tillfalliga-beslut', 'Temporary (crisis) decisions'],
  ['anna', 'help', '/hjalp', 'Help in plain words'],
];

for (const [who, name, address] of PAGES) {
  test(`${name} as ${who}`, async ({ page }) => {
    await signIn(page, who);
    for (const [width, w, h] of WIDTHS) {
      await page.setViewportSize({ width: w, height: h });
      await page.goto(address);
      await page.screenshot({ path: path.join(OUT, `${name}-${width}.png`) });
    }
  });
}

module.exports = { PAGES };
