// @ts-check
// E-mail in each person's own language, through a real SMTP server: a
// manager who chooses English on his own page gets the notice of a new
// request in English. Runs against the third distans of global-setup.js,
// which has a database of its own and sends its mail to aiosmtpd.
const fs = require('node:fs');
const path = require('node:path');
const { test, expect, expectAccessible, signIn, mainNav } = require('./fixtures');

test.use({
  baseURL: async ({}, use) => {
    const url = process.env.DISTANS_MAIL_URL;
    if (!url) throw new Error('DISTANS_MAIL_URL is not set: global-setup.js did not start it');
    await use(url);
  },
});

/**
 * A saved message as headers and its body decoded from quoted-printable
 * (how the mailer sends text: soft line breaks and =XX bytes of UTF-8).
 * @param {string} raw
 */
function read(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = raw.slice(0, split);
  const body = Buffer.from(
    raw
      .slice(split)
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
  return { headers, body };
}

/** Every message the SMTP server has saved so far. */
function messages() {
  const dir = process.env.DISTANS_MAILDIR;
  if (!dir) throw new Error('DISTANS_MAILDIR is not set: global-setup.js did not start the SMTP server');
  return ['new', 'cur']
    .map((sub) => path.join(dir, sub))
    .filter((d) => fs.existsSync(d))
    .flatMap((d) => fs.readdirSync(d).map((f) => read(fs.readFileSync(path.join(d, f), 'latin1'))));
}

test('a manager who reads English gets the e-mail about a new request in English', async ({ browser }) => {
  test.setTimeout(120_000);
  // Chef chooses English on his own page.
  const chefContext = await browser.newContext();
  const chef = await chefContext.newPage();
  await signIn(chef, 'chef');
  await mainNav(chef).getByRole('link', { name: 'Min sida' }).click();
  const language = chef.locator('#language');
  await language.getByLabel('English').check();
  await language.getByRole('button', { name: 'Spara språk' }).click();
  await expect(chef.getByRole('heading', { level: 2, name: 'Language' })).toBeVisible();
  await expect(chef.locator('#language').getByLabel('English')).toBeChecked();
  await expectAccessible(chef, 'one\'s own page in English');
  await chefContext.close();

  // Anna, who reads Swedish, applies; Chef decides.
  const annaContext = await browser.newContext();
  const anna = await annaContext.newPage();
  await signIn(anna, 'anna');
  await anna.goto('/ansokningar/ny');
  await expect(anna.getByRole('heading', { level: 1, name: 'Ansök om distansarbete' })).toBeVisible();
  await anna.getByLabel('Distansdagar per vecka').selectOption('2');
  for (const wd of ['mon', 'tue', 'wed', 'thu', 'fri']) {
    await anna.locator(`#wd-${wd}`).setChecked(wd === 'tue' || wd === 'thu');
  }
  await anna.locator('#place-home').check();
  await anna.locator('#f-reason').fill('Kortare resor och lugn för skrivarbete.');
  for (const key of ['wifi', 'it-security', 'vpn', 'home-insurance']) {
    await anna.locator(`#cf-${key}`).check();
  }
  await anna.getByRole('button', { name: 'Fortsätt' }).click();
  await expect(anna.getByRole('heading', { level: 1, name: 'Kontrollera din ansökan' })).toBeVisible();
  await anna.getByRole('button', { name: 'Skicka ansökan' }).click();
  await expect(anna).toHaveURL(/\/ansokningar\/[0-9a-f-]{36}$/);
  const request = new URL(anna.url()).pathname;
  await annaContext.close();

  // The outbox goes out every 10 seconds.
  /** @type {{ headers: string, body: string } | undefined} */
  let mail;
  await expect
    .poll(() => {
      mail = messages().find((m) => /^To: chef@sjovik\.se$/m.test(m.headers) && m.body.includes(request));
      return mail !== undefined;
    }, { message: 'an e-mail to Chef about the request', timeout: 60_000, intervals: [1000] })
    .toBe(true);
  const { headers, body } = /** @type {{ headers: string, body: string }} */ (mail);
  expect(headers).toMatch(/^Subject: Request for remote work from Anna Lindqvist$/m);
  expect(body).toContain('Anna Lindqvist asks to work remotely 2 days a week from');
  expect(body).toContain('The manager decides.');
  expect(body).toContain(`Open in distans: ${process.env.DISTANS_MAIL_URL}${request}`);
  expect(body).not.toMatch(/ansöker|Öppna|chefen/);
});
