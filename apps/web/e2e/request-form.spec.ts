// The request form: the shared schema's errors inline, and the server's field errors mapped back.
import { expect, type Locator, test } from '@playwright/test';

import { apiSession, signIn } from './support/api.ts';
import { snap } from './support/screenshots.ts';
import { ENGINEER } from './support/users.ts';

/** Types into a suggesting field and leaves it, which is when the form takes the text. */
async function enter(field: Locator, text: string): Promise<void> {
  await field.fill(text);
  await field.blur();
}

test('shows field errors for a bad port and an empty justification', async ({ page, baseURL }) => {
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const service = await engineer.factories.service();
  await engineer.dispose();

  await signIn(page, ENGINEER);
  await page.goto('/requests/new');
  const form = page.getByRole('form', { name: 'Request access' });
  await enter(form.getByLabel('Service', { exact: true }), service.name);
  await enter(form.getByLabel('Destination', { exact: true }), 'any host (port-wide)');
  await expect(form.getByRole('note')).toContainText('Port-wide grants need two approvals');
  await form.getByLabel('Port').fill('70000');
  await form.getByRole('button', { name: 'Send request' }).click();

  await expect(form.getByLabel('Port')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('Enter a port from 1 to 65535.')).toBeVisible();
  await expect(form.getByLabel('Justification')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText(/^Tell the approvers why the service needs this/)).toBeVisible();
  await expect(form.getByLabel('Port')).toBeFocused();
  await snap(page, '12-request-form-errors');
});

test('maps a server field error back onto its field', async ({ page, baseURL }) => {
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const service = await engineer.factories.service();
  await engineer.dispose();

  await signIn(page, ENGINEER);
  await page.goto(`/requests/new?service=${service.name}`);
  const form = page.getByRole('form', { name: 'Request access' });
  await expect(form.getByLabel('Service', { exact: true })).toHaveValue(service.name);
  await enter(form.getByLabel('Destination', { exact: true }), 'any host (port-wide)');
  await form.getByLabel('Port').fill('8443');
  await form.getByLabel('Justification').fill('Form spec: an expiry in the past is refused by the server.');
  await form.getByLabel('Pick a date').check();
  await form.getByLabel('Expiry date').fill('2020-01-01');
  await form.getByRole('button', { name: 'Send request' }).click();
  // The schema only checks the format; "must be in the future" comes from the server (body.expiresAt).
  await expect(form.getByRole('group', { name: 'Expiry' })).toContainText('must be in the future');
});

test('suggests services from the server as one types, and asks to propose a destination nobody registered', async ({
  page,
  baseURL,
}) => {
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const service = await engineer.factories.service();
  await engineer.dispose();

  await signIn(page, ENGINEER);
  await page.goto('/requests/new');
  const form = page.getByRole('form', { name: 'Request access' });
  const field = form.getByLabel('Service', { exact: true });
  await field.click();
  await field.pressSequentially(service.name.slice(0, -2));
  const suggestions = page.locator(`datalist#${await field.getAttribute('list')} option`);
  await expect
    .poll(async () => suggestions.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)))
    .toContain(service.name);

  // Issue 18: an unregistered host name is proposed with the request (an approver registers it).
  await enter(form.getByLabel('Destination', { exact: true }), 'nobody-registered.example.org');
  const proposal = form.getByRole('group', {
    name: 'Propose nobody-registered.example.org as a destination',
  });
  await expect(proposal).toBeVisible();
  await expect(proposal.getByLabel('Ports')).toHaveValue('');
  await expect(form.getByLabel('Port', { exact: true })).toBeEnabled();
});
