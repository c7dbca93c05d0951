// SSO sign-in in Chromium against a real OpenID provider (oidc-provider's own login and consent pages),
// run by playwright.oidc.config.ts; the default suite has no provider and skips this file.
import { type AuthProviders, OIDC_ERROR_MESSAGES } from '@egress/shared';
import { expect, type Page, test } from '@playwright/test';

import { snap } from './support/screenshots.ts';

test.beforeEach(async ({ request }) => {
  const providers = (await (await request.get('/api/v1/auth/providers')).json()) as AuthProviders;
  test.skip(providers.oidc === null, 'no OpenID provider: run with playwright.oidc.config.ts (E2E_OIDC=1)');
});

/** At the provider: any login works; "name+group" is that person in that group. */
async function signInAtProvider(page: Page, login: string) {
  await page.getByPlaceholder('Enter any login').fill(login);
  await page.getByPlaceholder('and password').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

test('a mapped person signs in with SSO, lands where they were going, and can make changes', async ({
  page,
}) => {
  await page.goto('/tokens');
  await expect(page).toHaveURL(/\/sign-in\?redirect=/);
  const sso = page.getByRole('link', { name: 'Sign in with SSO' });
  await expect(sso).toBeVisible();
  // The password form stays for local accounts.
  await expect(page.getByLabel('Password')).toBeVisible();
  await snap(page, 'sso-01-sign-in');
  await sso.click();
  await signInAtProvider(page, `sam-${Date.now()}+developers`);

  await expect(page).toHaveURL(/\/tokens$/);
  await expect(page.getByTitle('Your role')).toHaveText('engineer');
  // A change needs the CSRF token the API handed over after the redirect.
  await page.getByRole('button', { name: 'Create token' }).click();
  await page.getByLabel('Token name').fill('sso-made-token');
  await page.getByRole('button', { name: 'Create token' }).last().click();
  await expect(page.getByRole('button', { name: 'Copy token' })).toBeVisible();
  expect((await page.context().cookies()).map((c) => c.name)).not.toContain('egress_csrf');
  await snap(page, 'sso-02-signed-in');
});

test('a person in no mapped group is turned away with a reason and no session', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Sign in with SSO' }).click();
  await signInAtProvider(page, `mallory-${Date.now()}+marketing`);

  await expect(page).toHaveURL(/\/sign-in\?error=sso_no_role/);
  await expect(page.getByRole('alert')).toHaveText(OIDC_ERROR_MESSAGES.sso_no_role);
  await snap(page, 'sso-03-refused');
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
});
