// What each role sees: a viewer reads but never decides; a requester never approves their own request.
import { expect, test } from '@playwright/test';

import { apiSession, signIn } from './support/api.ts';
import { snap } from './support/screenshots.ts';
import { APPROVER1, APPROVER2, ENGINEER, VIEWER } from './support/users.ts';

test('a viewer sees pending requests but no approve button', async ({ page, baseURL }) => {
  // Destinations are an approver's to add; the engineer then asks for one.
  const approver = await apiSession(baseURL ?? '', APPROVER2);
  const destination = await approver.factories.destination();
  await approver.dispose();
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const grant = await engineer.factories.grant({
    destination: destination.host,
    port: 443,
    justification: 'Viewer spec: a pending request to look at.',
  });
  await engineer.dispose();

  await signIn(page, VIEWER);
  await page.goto('/requests');
  const row = page.getByRole('row').filter({ hasText: grant.service });
  await expect(row).toBeVisible();
  await expect(row.getByRole('button', { name: /^Approve/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Approve/ })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Request access' })).toHaveCount(0);
  // Navigation hides what the role cannot use.
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Audit' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await snap(page, '10-viewer-requests');

  await page.goto(`/grants/${grant.id}`);
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(grant.service) })).toBeVisible();
  await expect(page.getByRole('button', { name: /^(Approve|Reject|Revoke)/ })).toHaveCount(0);
});

test('the requester cannot approve their own request', async ({ page, browser, baseURL }) => {
  // An approver asks for access themselves: four eyes means someone else decides.
  const requester = await apiSession(baseURL ?? '', APPROVER1);
  const grant = await requester.factories.grant({ justification: 'Four-eyes spec: my own request.' });
  const selfApproval = await requester.send('POST', `/api/v1/grants/${grant.id}/approve`, {});
  expect(selfApproval.status).toBe(403);
  await requester.dispose();

  await signIn(page, APPROVER1);
  await page.goto('/requests');
  const own = page.getByRole('row').filter({ hasText: grant.service });
  await expect(own).toContainText('waiting for others');
  await expect(own.getByRole('button', { name: /^Approve/ })).toHaveCount(0);
  await snap(page, '11-own-request-waiting');

  const other = await browser.newPage();
  await signIn(other, APPROVER2);
  await other.goto('/requests');
  await expect(
    other
      .getByRole('row')
      .filter({ hasText: grant.service })
      .getByRole('button', { name: /^Approve/ }),
  ).toBeVisible();
  await other.close();
});
