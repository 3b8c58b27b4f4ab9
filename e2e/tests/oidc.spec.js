// @ts-check
// Sign-in through the organisation's identity provider: a second distans
// (global-setup.js) that knows people by the provider's employee-number
// claim, and a real OpenID Connect provider (e2e/oidc) with a plain form.
const { test, expect, expectAccessible, pastNotice } = require('./fixtures');

test.use({
  baseURL: async ({}, use) => {
    const url = process.env.DISTANS_OIDC_URL;
    if (!url) throw new Error('DISTANS_OIDC_URL is not set: global-setup.js did not start it');
    await use(url);
  },
});

/** Signs in at the provider's own form. */
async function atProvider(page, login) {
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Username').fill(login);
  await page.getByLabel('Password').fill('demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('signs in through the identity provider and out of both', async ({ page }) => {
  await page.goto('/organisation');
  await expect(page).toHaveURL(/\/logga-in\?next=%2Forganisation$/);
  const button = page.getByRole('link', { name: 'Logga in med Sjöviks konto' });
  await expect(button).toBeVisible();
  await expectAccessible(page, 'the sign-in page with an identity provider');
  await button.click();
  await atProvider(page, 'anna');
  await pastNotice(page);
  // Back where Anna was going, signed in.
  await expect(page).toHaveURL(/\/organisation$/);
  await expect(page.getByRole('banner')).toContainText('Anna');

  // Signing out ends the provider's session too, and comes back here.
  await page.getByRole('banner').getByRole('button', { name: 'Logga ut' }).click();
  // distans' own page goes on to the provider's at once.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/logga-in$/);
  await expect(page.getByRole('button', { name: 'Logga ut' })).toHaveCount(0);
  // The provider asks for the password again.
  await page.getByRole('link', { name: 'Logga in med Sjöviks konto' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
});

test('someone the organisation does not know gets a plain page', async ({ page }) => {
  await page.goto('/logga-in');
  await page.getByRole('link', { name: 'Logga in med Sjöviks konto' }).click();
  await atProvider(page, 'stranger');
  await expect(page.getByRole('heading', { level: 1, name: 'Du har inget konto i distans' })).toBeVisible();
  await expect(page.getByText('Kontakta din chef eller HR')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Logga ut' })).toHaveCount(0);
  await expectAccessible(page, 'the page for an unknown person');
  await page.getByRole('link', { name: 'Till inloggningen' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Logga in' })).toBeVisible();
});
