// Outgoing webhooks: an admin creates one pointing at a receiver on 127.0.0.1, copies the signing secret
// (shown once), sends a test, and reads the outcome in the delivery log; a receiver that answers 500
// shows up there with its status code; people who are not admins never see the page in the nav.
// The API's SSRF guard refuses loopback receivers unless EGRESS_WEBHOOK_ALLOW_PRIVATE=true is set for
// the e2e server.
import { createHmac } from 'node:crypto';

import type { Webhook } from '@egress/shared';
import { uniqueSuffix } from '@egress/shared/testing';
import { expect, type Page, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { sidewaysScroll } from './support/layout.ts';
import { type Receiver, startReceiver } from './support/receiver.ts';
import { snap } from './support/screenshots.ts';
import { ADMIN, ENGINEER, VIEWER } from './support/users.ts';

test.describe.configure({ timeout: 120_000 });

let receiver: Receiver;
test.beforeAll(async () => {
  receiver = await startReceiver((path) => (path.startsWith('/fail') ? 500 : 200));
});
test.afterAll(async () => {
  await receiver.close();
});

const deliveries = (page: Page) => page.getByRole('table', { name: 'Deliveries, newest first' });

test('an admin creates a webhook, sees the secret once, and a test delivery succeeds', async ({ page }) => {
  const name = `e2e-hook-${uniqueSuffix()}`;
  const path = `/ok-${name}`;
  await signIn(page, ADMIN);
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
  await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'New webhook' }).click();
  const form = page.getByRole('form', { name: 'New webhook' });
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('URL').fill(receiver.url(path));
  await form.getByLabel('Generic JSON (signed)').check();
  await form.getByRole('checkbox', { name: /grant\.requested/ }).check();
  await form.getByRole('button', { name: 'Create webhook' }).click();
  await expect(
    form.getByText('must not point at a private'),
    'the e2e server must run with EGRESS_WEBHOOK_ALLOW_PRIVATE=true',
  ).toHaveCount(0);

  const created = page.getByRole('dialog', { name: `Webhook ${name} created` });
  const secretField = created.getByLabel('Signing secret');
  await expect(secretField).toHaveValue(/^whsec_\S{16,}/);
  const secret = await secretField.inputValue();
  await expect(created.getByRole('button', { name: 'Copy secret' })).toBeVisible();
  await snap(page, '30-webhook-secret-once');
  await created.getByRole('button', { name: 'Done' }).click();
  await expect(created).toBeHidden();

  // Listed with the receiver's host, never the secret again.
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('127.0.0.1');
  await expect(row).toContainText('grant.requested');
  // No teams given: it carries every team's events.
  await expect(row).toContainText('All teams');
  expect(await page.content()).not.toContain(secret);
  await snap(page, '31-webhooks-list');
  await page.setViewportSize({ width: 1024, height: 768 });
  expect(await sidewaysScroll(page)).toEqual([]);
  await page.setViewportSize({ width: 1280, height: 800 });

  await row.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await expect(deliveries(page)).toContainText('Nothing sent yet.');
  await page.getByRole('button', { name: 'Send test' }).click();
  // The receiver's answer, not "sent": the API delivered it while the console waited.
  await expect(
    page
      .getByRole('status')
      .filter({ hasText: `${name} answered the test` })
      .filter({ hasText: /HTTP 200 in \d+ ms/ }),
  ).toBeVisible();

  const delivery = deliveries(page).getByRole('row').filter({ hasText: 'webhook.test' });
  await expect(delivery).toContainText('succeeded', { timeout: 20_000 });
  await expect(delivery).toContainText('HTTP 200');
  await delivery.getByRole('button', { name: /^Payload of webhook\.test/ }).click();
  await expect(deliveries(page).getByLabel(/^Payload of delivery/)).toContainText('webhook.test');
  await snap(page, '32-webhook-delivery-log');
  await page.setViewportSize({ width: 1024, height: 768 });
  expect(await sidewaysScroll(page)).toEqual([]);
  await page.setViewportSize({ width: 1280, height: 800 });

  // The receiver got it, signed with the secret the console showed once.
  const got = receiver.received.find((r) => r.path === path);
  expect(got, 'the receiver was called').toBeDefined();
  const timestamp = String(got?.headers['x-egress-timestamp']);
  const expected = `v1=${createHmac('sha256', secret)
    .update(`${timestamp}.${got?.body ?? ''}`)
    .digest('hex')}`;
  expect(got?.headers['x-egress-signature']).toBe(expected);
});

test('a receiver answering 500 shows the failed attempt and its status code', async ({ page, baseURL }) => {
  const name = `e2e-failing-${uniqueSuffix()}`;
  const admin = await apiSession(baseURL ?? '', ADMIN);
  const webhook = (await expectOk(
    await admin.send('POST', '/api/v1/webhooks', {
      name,
      url: receiver.url(`/fail-${name}`),
      events: ['grant.approved'],
    }),
    201,
  )) as Webhook;
  await admin.dispose();

  await signIn(page, ADMIN);
  await page.goto(`/webhooks/${webhook.id}`);
  await page.getByRole('button', { name: 'Send test' }).click();
  // The answer comes back with the click: an error toast with the status code and the time taken.
  await expect(
    page
      .getByRole('alert')
      .filter({ hasText: `${name} failed the test` })
      .filter({ hasText: /HTTP 500.*after \d+ ms/ }),
  ).toBeVisible();
  const delivery = deliveries(page).getByRole('row').filter({ hasText: 'webhook.test' });
  // A test is one attempt, recorded as it went (not retried).
  await expect(delivery).toContainText('HTTP 500');
  await expect(delivery).toContainText('failed');
  await expect(delivery.getByRole('cell').nth(2)).toHaveText('1');
  // The webhook now reads as failing, with its last error and since when.
  await expect(page.getByRole('status').filter({ hasText: /^Failing since .*HTTP 500/ })).toBeVisible();
  await snap(page, '33-webhook-failed-attempt');

  // The status filter lives in the URL.
  await page.getByLabel('Status').selectOption('succeeded');
  await expect(page).toHaveURL(/status=succeeded/);
  await expect(deliveries(page)).toContainText('No succeeded deliveries.');

  // Rotating shows the new secret once.
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  const rotate = page.getByRole('dialog', { name: 'Rotate signing secret' });
  await rotate.getByRole('button', { name: 'Rotate secret' }).click();
  const rotated = page.getByRole('dialog', { name: 'New signing secret' });
  await expect(rotated.getByLabel('Signing secret')).toHaveValue(/^whsec_\S{16,}/);
  await rotated.getByRole('button', { name: 'Done' }).click();

  // Editing: the shared schema's errors inline (no event chosen), then saved.
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  const edit = page.getByRole('form', { name: `Edit webhook ${name}` });
  await edit.getByRole('checkbox', { name: /grant\.approved/ }).uncheck();
  await edit.getByRole('button', { name: 'Save webhook' }).click();
  await expect(edit.getByRole('group', { name: 'Events' })).toContainText('Choose at least one event');
  await edit.getByRole('checkbox', { name: /grant\.revoked/ }).check();
  // Limited to two teams: the list and the page name them instead of "All teams".
  const teams = edit.getByLabel('Teams (optional)');
  await expect(teams).toHaveAccessibleDescription(
    /Only events about these teams' services; empty: all teams/,
  );
  await teams.fill('payments, search');
  await edit.getByRole('button', { name: 'Save webhook' }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByRole('definition').filter({ hasText: 'grant.revoked' })).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: 'payments, search' })).toBeVisible();

  // The list shows its health at a glance: failing, since when, and the last error.
  await page.getByRole('link', { name: 'Webhooks' }).first().click();
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText(/failing since (just now|.+ ago)HTTP 500/);
  await expect(row).toContainText('payments, search');
  await expect(row).not.toContainText('All teams');

  // Deleting asks first, naming the webhook.
  await row.getByRole('button', { name: `Delete webhook ${name}` }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete webhook' });
  await expect(confirm).toContainText(`${name} → 127.0.0.1`);
  await confirm.getByRole('button', { name: 'Delete webhook' }).click();
  await expect(row).toHaveCount(0);
});

test('engineers and viewers do not see webhooks', async ({ browser }) => {
  for (const user of [ENGINEER, VIEWER]) {
    const page = await browser.newPage();
    await signIn(page, user);
    await page.goto('/');
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Dashboard' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Webhooks' })).toHaveCount(0);
    await page.goto('/webhooks');
    await expect(page.getByText('Webhooks need the admin role.')).toBeVisible();
    await page.close();
  }
});
