// The main story: an engineer asks for github.com:443, two approvers say yes, the grant is active (and
// rendered into the gateway's policy), an approver revokes it, and the audit log shows every step.
import { type Browser, expect, type Page, test } from '@playwright/test';

import { signIn } from './support/api.ts';
import { snap } from './support/screenshots.ts';
import { APPROVER1, APPROVER2, type E2eUser, ENGINEER, GITHUB, GITHUB_SERVICE } from './support/users.ts';

async function pageAs(browser: Browser, user: E2eUser): Promise<Page> {
  const page = await browser.newPage();
  await signIn(page, user);
  return page;
}

async function approveFromInbox(page: Page, expected: RegExp) {
  await page.goto('/requests');
  const row = page
    .getByRole('row')
    .filter({ hasText: GITHUB_SERVICE.name })
    .filter({ hasText: `${GITHUB.host}:${GITHUB.port}` });
  await expect(row).toHaveCount(1);
  // A sensitive request is never approved from a list: the row offers its review instead.
  await expect(row.getByRole('button', { name: /^Approve/ })).toHaveCount(0);
  await row.getByRole('link', { name: /^Review/ }).click();
  await page
    .getByRole('group', { name: 'Decision' })
    .getByRole('button', { name: 'Approve', exact: true })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Approve request' });
  await expect(dialog).toContainText(`${GITHUB_SERVICE.name} → ${GITHUB.host}:${GITHUB.port}`);
  await dialog
    .getByLabel('Comment (required: sensitive destination)')
    .fill('Reviewed: the sync job needs it.');
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
  // The dialog closes itself once the server agreed; the toast says what it answered.
  await expect(dialog).toBeHidden();
  await expect(
    page.getByRole('region', { name: 'Notifications' }).getByRole('status').filter({ hasText: expected }),
  ).toContainText(`Approved: ${GITHUB_SERVICE.name} → ${GITHUB.host}:${GITHUB.port}`);
}

test('request → two approvals → active → revoke → audited', async ({ page, browser }) => {
  // Three signed-in people and each approval through its review page: longer than one default timeout
  // on a loaded machine.
  test.setTimeout(180_000);
  // The engineer signs in through the form, and lands back on the page they asked for.
  await page.goto('/requests/new');
  await expect(page).toHaveURL(/\/sign-in\?redirect=/);
  await snap(page, '01-sign-in');
  await page.getByLabel('Email').fill(ENGINEER.email);
  await page.getByLabel('Password').fill(ENGINEER.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Request access' })).toBeVisible();

  const form = page.getByRole('form', { name: 'Request access' });
  // Both fields search the server as one types; leaving a field takes what it holds.
  await form.getByLabel('Service', { exact: true }).fill(GITHUB_SERVICE.name);
  const destination = form.getByLabel('Destination', { exact: true });
  await destination.fill(GITHUB.host);
  await destination.blur();
  await expect(form.getByRole('note')).toContainText(
    'sensitive destination: the request needs two approvals',
  );
  // Nothing is preselected (issue 18): the engineer picks the port they mean.
  await expect(form.getByLabel('Port')).toHaveValue('');
  await form.getByLabel('Port').selectOption(String(GITHUB.port));
  await form.getByLabel('Justification').fill('The nightly repository sync clones from GitHub over HTTPS.');
  await form.getByLabel('7 days').check();
  await snap(page, '02-request-form');
  await form.getByRole('button', { name: 'Send request' }).click();

  await expect(
    page.getByRole('heading', { name: `${GITHUB_SERVICE.name} → ${GITHUB.host}:${GITHUB.port}` }),
  ).toBeVisible();
  await expect(page.getByText('pending', { exact: true })).toBeVisible();
  const grantId = page.url().split('/grants/')[1] ?? '';
  expect(grantId).toMatch(/^[0-9a-f-]{36}$/);
  await snap(page, '03-grant-pending');

  // The engineer's own view offers Cancel, never Approve.
  await page.goto('/requests?view=mine');
  const mine = page.getByRole('row').filter({ hasText: GITHUB_SERVICE.name });
  await expect(mine.getByRole('button', { name: /^Cancel/ })).toBeVisible();
  await expect(mine.getByRole('button', { name: /^Approve/ })).toHaveCount(0);

  const approver1 = await pageAs(browser, APPROVER1);
  await approveFromInbox(approver1, /1 of 2 approvals so far/);
  await snap(approver1, '04-inbox-after-first-approval');

  const approver2 = await pageAs(browser, APPROVER2);
  await approveFromInbox(approver2, /The grant is now active/);

  // Active for everyone, with both approvers named.
  await page.goto(`/grants?service=${GITHUB_SERVICE.name}`);
  const active = page.getByRole('row').filter({ hasText: `${GITHUB.host}:${GITHUB.port}` });
  await expect(active.getByText('active', { exact: true })).toBeVisible();
  await expect(active).toContainText('2 of 2');
  await snap(page, '05-grants-active');

  // The gateway's NetworkPolicy admits the service's pods: in the API's rendered objects and on the
  // destination's page. A missing manifests route fails here; it is part of the product.
  const manifests = await approver2.request.get('/api/v1/manifests?format=yaml');
  expect(manifests.status(), 'GET /api/v1/manifests?format=yaml').toBe(200);
  expect(await manifests.text()).toContain(`app: ${GITHUB_SERVICE.label}`);
  await approver2.goto('/destinations');
  await approver2.getByRole('link', { name: GITHUB.host, exact: true }).click();
  const objects = approver2.getByRole('region', { name: 'Rendered objects' });
  await objects.locator('summary', { hasText: /^NetworkPolicy/ }).click();
  const policy = objects.locator('details.manifest-group', { hasText: /^NetworkPolicy/ });
  await policy.locator('summary', { hasText: 'github-com' }).click();
  await expect(policy.getByLabel(/NetworkPolicy .* YAML/)).toContainText(GITHUB_SERVICE.label);
  await snap(approver2, '06-destination-manifests');

  // Revoke from the grant's page; the toast shows the server's verdict.
  await approver1.goto(`/grants/${grantId}`);
  await approver1.getByRole('button', { name: /^Revoke/ }).click();
  const dialog = approver1.getByRole('dialog', { name: 'Revoke grant' });
  await dialog.getByLabel('Reason').fill('The sync moved to a mirror.');
  await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(approver1.getByRole('region', { name: 'Notifications' })).toContainText(
    'The grant is now revoked.',
  );
  await expect(approver1.getByText('revoked', { exact: true }).first()).toBeVisible();
  const timeline = approver1.getByRole('region', { name: 'Timeline' });
  for (const step of ['Requested', 'Approved', 'Active', 'Revoked'])
    await expect(timeline.getByText(step, { exact: true }).first()).toBeVisible();
  await snap(approver1, '07-grant-revoked-timeline');

  // The audit log has every step for this grant, and the chain verifies.
  await approver1.goto(`/audit?targetType=grant&targetId=${grantId}`);
  const table = approver1.getByRole('table', { name: 'Audit events, newest first' });
  for (const action of ['grant.requested', 'grant.approved', 'grant.activated', 'grant.revoked'])
    await expect(table.getByText(action, { exact: true }).first()).toBeVisible();
  await expect(table.getByText('grant.approved', { exact: true })).toHaveCount(2);
  await expect(approver1.getByText(/Chain verified up to #\d+/)).toBeVisible();
  await table
    .getByRole('button', { name: /Details of event/ })
    .first()
    .click();
  await expect(table.getByRole('table', { name: 'Before and after' })).toContainText('revoked');
  await snap(approver1, '08-audit');

  await approver1.close();
  await approver2.close();
});
