// @ts-check
// The organisation kept by HR and administrators, and passwords set
// through a link: the forms work in the browser and are accessible at
// phone width. Nothing here changes what other tests rely on: the
// departure and the move stop at their check pages.
const { test, expect, expectAccessible, signIn } = require('./fixtures');

test('"Glömt lösenord?" answers the same for anyone, and is accessible at 320 px', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 800 });
  await page.goto('/logga-in');
  await page.getByRole('link', { name: 'Glömt lösenord?' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Glömt lösenord' })).toBeVisible();
  await expectAccessible(page, 'the forgotten-password form');
  await page.getByLabel('Användarnamn eller e-postadress').fill('ingen-sadan-person');
  await page.getByRole('button', { name: 'Skicka länken' }).click();
  await expect(page.getByRole('status')).toContainText('Om det finns ett konto');
  await expectAccessible(page, 'the forgotten-password answer');
});

test('HR sees what deactivating someone would do before confirming', async ({ page }) => {
  await signIn(page, 'hr');
  await page.goto('/personer?q=Lindqvist');
  await page.getByRole('link', { name: 'Anna Lindqvist' }).first().click();
  await page.getByRole('link', { name: 'Avsluta personen i distans' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Avsluta Anna Lindqvist');
  await expect(page.getByLabel('Sista arbetsdag')).not.toHaveValue('');
  await page.getByLabel('Anledning').fill('x'.repeat(10));
  await page.getByRole('button', { name: 'Fortsätt' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Kontrollera innan du avslutar');
  await expect(page.getByRole('status')).toContainText('Utrustning som chefen får hämta in');
  await page.setViewportSize({ width: 320, height: 800 });
  await expectAccessible(page, 'the departure check');
  await page.getByRole('link', { name: 'Avbryt' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Anna Lindqvist' })).toBeVisible();
});

test('HR opens a unit\'s form and sees a move checked before it is made', async ({ page }) => {
  await signIn(page, 'hr');
  await page.goto('/personer?q=Lindqvist');
  await page.getByRole('link', { name: 'Anna Lindqvist' }).first().click();
  await page.getByRole('main').getByRole('link', { name: 'Kontaktcenter Norr' }).first().click();
  await page.getByRole('link', { name: 'Ändra enheten' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Ändra Kontaktcenter Norr');
  await expectAccessible(page, 'the unit form');
  const parent = page.getByLabel('Ligger under');
  const options = await parent.locator('option').allTextContents();
  const other = options.find((o) => !o.startsWith('–') && o.trim() !== '');
  if (other) {
    await parent.selectOption({ label: other });
    await page.getByRole('button', { name: 'Spara ändringarna' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Kontrollera flytten');
    await expectAccessible(page, 'the move check');
  }
});

test('HR changes a person: a move is checked first, and the page tells the history', async ({ page }) => {
  await signIn(page, 'hr');
  await page.goto('/personer?q=Lindqvist');
  await page.getByRole('link', { name: 'Anna Lindqvist' }).first().click();
  await expect(page.getByRole('heading', { name: 'Ändringshistorik' })).toBeVisible();
  await page.getByRole('link', { name: 'Ändra uppgifter' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Ändra Anna Lindqvist');
  await expectAccessible(page, 'the person form');
  // A bad address is named at its field.
  await page.getByLabel('E-postadress').fill('inte en adress');
  await page.getByRole('button', { name: 'Spara' }).click();
  await expect(page.locator('#e-email')).toBeVisible();
  await expectAccessible(page, 'the person form with an error');
  // Another home unit: the check says what the move means; going back changes nothing.
  const unit = page.getByLabel('Hemenhet');
  const current = await unit.inputValue();
  const values = await unit.locator('option').evaluateAll((os) => os.map((o) => o.getAttribute('value')));
  const other = values.find((v) => v && v !== current);
  await unit.selectOption(other ?? current);
  await page.getByLabel('E-postadress').fill('anna.lindqvist@example.se');
  await page.getByRole('button', { name: 'Spara' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Kontrollera flytten av Anna Lindqvist');
  await expect(page.getByRole('status')).toContainText('räknar med personen på den nya enheten');
  await page.setViewportSize({ width: 320, height: 800 });
  await expectAccessible(page, 'the check of a person\'s move');
  await page.getByRole('link', { name: 'Ändra igen' }).click();
  await expect(page.getByLabel('Hemenhet')).toHaveValue(current);
});
