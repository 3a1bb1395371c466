import { expect, screen, signIn, test } from './fixtures';

test.describe('metadata', () => {
  test('is edited, saved as a diff and read back after a restart', async ({ app, browser, provider }) => {
    await signIn(app, browser, provider);
    const page = app.page;
    const ada = provider.idp.accounts.find((account) => account.login === 'ada')!;
    const form = page.getByTestId('metadata-form');
    const save = form.getByRole('button', { name: 'Save' });
    await expect(page.getByLabel('First name')).toBeVisible();
    await expect(save).toBeDisabled();

    await page.getByLabel('First name').fill('Augusta Ada');
    await page.getByLabel('Last name').fill('King');
    const country = page.getByRole('combobox', { name: 'Country' });
    await country.fill('unit');
    await page.getByRole('option', { name: 'United Kingdom' }).click();
    await expect(country).toHaveValue('United Kingdom');
    await form.getByRole('button', { name: 'Add a field' }).click();
    await page.getByLabel('Key').fill('team');
    await page.getByLabel('Value').fill('analytical-engine');
    await expect(form.getByText('Unsaved changes')).toBeVisible();
    await save.click();
    await expect(form.getByTestId('save-ok')).toHaveText('Saved.');
    expect(provider.idp.users.metadataOf(ada.sub)).toEqual({
      first_name: 'Augusta Ada',
      last_name: 'King',
      country: 'GB',
      team: 'analytical-engine',
    });

    // Removing a row and clearing a field deletes those keys (sent as null); the rest is untouched.
    await form.getByRole('button', { name: 'Remove team' }).click();
    await page.getByLabel('Last name').fill('');
    await save.click();
    await expect(form.getByTestId('save-ok')).toBeVisible();
    expect(provider.idp.users.metadataOf(ada.sub)).toEqual({ first_name: 'Augusta Ada', country: 'GB' });

    await app.restart();
    await expect(screen(app.page, 'signed-in')).toBeVisible();
    await expect(app.page.getByLabel('First name')).toHaveValue('Augusta Ada');
    await expect(app.page.getByLabel('Last name')).toHaveValue('');
    await expect(app.page.getByRole('combobox', { name: 'Country' })).toHaveValue('United Kingdom');
  });

  test('explains invalid input and saves nothing until it is fixed', async ({ app, browser, provider }) => {
    await signIn(app, browser, provider);
    const page = app.page;
    const ada = provider.idp.accounts.find((account) => account.login === 'ada')!;
    const form = page.getByTestId('metadata-form');
    await form.getByRole('button', { name: 'Add a field' }).click();
    await page.getByLabel('Key').fill('has.dot');
    await page.getByLabel('Value').fill('x');
    await page.getByRole('combobox', { name: 'Country' }).fill('Atlantis');
    await form.getByRole('button', { name: 'Save' }).click();

    await expect(form.getByText('A key cannot contain "." or "$".')).toBeVisible();
    await expect(form.getByText('Choose a country from the list.')).toBeVisible();
    // Focus goes to the first problem.
    await expect(page.getByRole('combobox', { name: 'Country' })).toBeFocused();
    expect(provider.idp.users.metadataOf(ada.sub) ?? {}).toEqual({});

    await page.getByLabel('Key').fill('first_name');
    await expect(form.getByText('"first_name" is edited in its own field above.')).toBeVisible();
    await page.getByLabel('Key').fill('nickname');
    await page.getByRole('combobox', { name: 'Country' }).fill('France');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByTestId('save-ok')).toBeVisible();
    expect(provider.idp.users.metadataOf(ada.sub)).toEqual({ nickname: 'x', country: 'FR' });
  });

  test('asks before signing out with unsaved changes', async ({ app, browser, provider }) => {
    await signIn(app, browser, provider);
    const page = app.page;
    await page.getByLabel('First name').fill('Unsaved');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();

    const dialog = page.getByRole('dialog', { name: 'Sign out with unsaved changes?' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Keep editing' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(page.getByLabel('First name')).toHaveValue('Unsaved');
    await expect(screen(page, 'signed-in')).toBeVisible();

    // Reloading the window asks too (beforeunload).
    const asked = page.waitForEvent('dialog');
    void page.reload().catch(() => undefined);
    const question = await asked;
    expect(question.type()).toBe('beforeunload');
    await question.dismiss();
    await expect(page.getByLabel('First name')).toHaveValue('Unsaved');

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(dialog).toContainText('kept in this window');
    await dialog.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(screen(page, 'signed-out')).toBeVisible();
    await expect(page.getByTestId('draft-kept')).toBeVisible();
    expect(await app.hasStoredSession()).toBe(false);
  });
});
