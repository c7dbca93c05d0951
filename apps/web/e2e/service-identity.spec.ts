// Service identity in the console: an unbound service is flagged and can be bound; a service with live
// grants shows its identity locked and explains how to move; an engineer cannot delete a service with
// active grants (the button says why), an approver can, and its grants are revoked.
import { expect, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { snap } from './support/screenshots.ts';
import { APPROVER1, ENGINEER } from './support/users.ts';

test('unbound warning → bind → identity locked by a grant → engineer cannot delete → approver deletes', async ({
  browser,
  baseURL,
}) => {
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const approver = await apiSession(baseURL ?? '', APPROVER1);
  const service = await engineer.factories.service({
    namespace: 'team-a',
    selector: { matchLabels: { app: 'alpha-e2e' } },
  });
  const destination = await approver.factories.destination();
  const grant = await engineer.factories.grant({
    service: service.name,
    destination: destination.host,
    port: 443,
  });
  await expectOk(
    await approver.send('POST', `/api/v1/grants/${grant.id}/approve`, {
      comment: 'Reviewed in the e2e test.',
    }),
  );

  const page = await browser.newPage();
  await signIn(page, ENGINEER);
  await page.goto(`/services/${service.id}`);
  await expect(page.getByRole('heading', { name: service.name })).toBeVisible();

  // Unbound: flagged, with what it means.
  const unbound = page.getByRole('note', { name: 'Unbound service' });
  await expect(unbound).toContainText('any pod labelled app=alpha-e2e in namespace team-a gets this service');
  const locked = page.getByRole('note', { name: 'Identity locked' });
  await expect(locked).toContainText('1 active grant and 0 pending requests');
  await expect(locked).toContainText('register a new service with the new identity');
  await snap(page, '40-service-unbound-locked');

  // A bad name is refused inline; a good one binds it (no approval: it narrows who holds the access).
  const bind = unbound.getByRole('form', { name: 'Bind to a ServiceAccount' });
  await bind.getByLabel('ServiceAccount').fill('Alpha_SA');
  await bind.getByRole('button', { name: 'Bind service account' }).click();
  await expect(bind.getByText('must be a DNS-1123 subdomain')).toBeVisible();
  await bind.getByLabel('ServiceAccount').fill('alpha-runner');
  await bind.getByRole('button', { name: 'Bind service account' }).click();
  await expect(page.getByRole('note', { name: 'Unbound service' })).toBeHidden();
  await expect(page.locator('dd').getByText('alpha-runner', { exact: true })).toBeVisible();

  // Engineers may not revoke approved access by deleting the service.
  const deleteButton = page.getByRole('button', { name: 'Delete service' });
  await expect(deleteButton).toBeDisabled();
  await expect(
    page.getByText('Only an approver or admin may delete a service with active grants.'),
  ).toBeVisible();

  // In the list: bound now, shown with its ServiceAccount.
  await page.goto(`/services?q=${encodeURIComponent(service.name)}`);
  await expect(page.getByRole('row').filter({ hasText: service.name })).toContainText('alpha-runner');

  // An approver deletes it: the grant is revoked.
  const approverPage = await browser.newPage();
  await signIn(approverPage, APPROVER1);
  await approverPage.goto(`/services/${service.id}`);
  await approverPage.getByRole('button', { name: 'Delete service' }).click();
  const dialog = approverPage.getByRole('dialog', { name: 'Delete service' });
  await expect(dialog).toContainText('Its 1 active grant are revoked');
  await dialog.getByRole('button', { name: 'Delete service' }).click();
  await expect(approverPage).toHaveURL(/\/services$/);
  const after = (await approver.send('GET', `/api/v1/grants/${grant.id}`)).body as { state: string };
  expect(after.state).toBe('revoked');

  await engineer.dispose();
  await approver.dispose();
});

test('an unbound service is flagged in the list, and the register form takes a ServiceAccount', async ({
  page,
  baseURL,
}) => {
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const unbound = await engineer.factories.service();
  await engineer.dispose();
  await signIn(page, ENGINEER);
  await page.goto(`/services?q=${encodeURIComponent(unbound.name)}`);
  await expect(page.getByRole('row').filter({ hasText: unbound.name })).toContainText('unbound');

  await page.getByRole('button', { name: 'Register service' }).click();
  const dialog = page.getByRole('dialog', { name: 'Register a service' });
  await dialog.getByLabel('Name', { exact: true }).fill('service.bound-e2e');
  await dialog.getByLabel('Namespace').fill('team-b');
  await dialog.getByLabel('Pod selector').fill('app=bound-e2e');
  await dialog.getByLabel('ServiceAccount').fill('bound-runner');
  await dialog.getByRole('button', { name: 'Register service' }).click();
  await expect(page.getByRole('heading', { name: 'service.bound-e2e' })).toBeVisible();
  await expect(page.locator('dd').getByText('bound-runner', { exact: true })).toBeVisible();
  await expect(page.getByRole('note', { name: 'Unbound service' })).toBeHidden();
});
