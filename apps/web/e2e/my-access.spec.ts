// The engineer's journey of issue 18: a blocked row whose port the destination does not list says so
// (and the form selects nothing); a host nobody registered is requested together with a proposed
// destination; an approver approves it, which registers the destination; the engineer sees the
// decision (badge and list) and the grant with its countdown on My access, and files a renewal.
import type { GenericFlowRecord } from '@egress/shared';
import { uniqueSuffix } from '@egress/shared/testing';
import { type Browser, expect, type Page, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { ingestToken, postFlows } from './support/flows.ts';
import { snap } from './support/screenshots.ts';
import { ADMIN, APPROVER1, type E2eUser } from './support/users.ts';

test.describe.configure({ timeout: 120_000 });

async function pageAs(browser: Browser, user: E2eUser): Promise<Page> {
  const page = await browser.newPage();
  await signIn(page, user);
  return page;
}

const flow = (labels: Record<string, string>, ns: string, host: string, port: number): GenericFlowRecord => ({
  time: new Date().toISOString(),
  sourceNamespace: ns,
  sourceLabels: labels,
  destIP: '203.0.113.25',
  destPort: port,
  protocol: 'TCP',
  destName: host,
  count: 2,
});

test('blocked → request (port not registered; proposed destination) → approved → My access → Renew', async ({
  browser,
  baseURL,
}) => {
  const suffix = uniqueSuffix();
  const ns = 'my-access-e2e';
  const labels = { app: `mailer-${suffix}` };
  const smtpHost = `smtp-${suffix}.example.com`;
  const newHost = `mail-${suffix}.example.org`;

  const admin = await apiSession(baseURL ?? '', ADMIN);
  // An engineer of this spec alone, so the decisions badge counts only what happens here.
  const me: E2eUser = {
    email: `mailer-${suffix}@e2e.example.com`,
    name: 'Mo Mailer',
    role: 'engineer',
    password: 'e2e-password-not-secret',
  };
  await expectOk(await admin.send('POST', '/api/v1/users', me), 201);
  const service = await admin.factories.service({
    name: `service.mailer-${suffix}`,
    namespace: ns,
    selector: { matchLabels: labels },
  });
  await admin.factories.destination({
    host: smtpHost,
    ports: [
      { port: 465, protocol: 'TCP' },
      { port: 587, protocol: 'TCP' },
    ],
  });
  const token = await ingestToken(admin, `collector-${suffix}`);
  await admin.dispose();
  await postFlows(baseURL ?? '', token, [flow(labels, ns, smtpHost, 25), flow(labels, ns, newHost, 443)]);

  // The blocked row for port 25 says the destination does not list it.
  const engineer = await pageAs(browser, me);
  await engineer.goto(`/blocked?service=${service.name}`);
  const inbox = engineer.getByRole('table', { name: 'Blocked egress, grouped by service and destination' });
  const smtpRow = inbox.getByRole('row').filter({ hasText: smtpHost });
  const newRow = inbox.getByRole('row').filter({ hasText: newHost });
  const notListed = `Port 25 is not registered for ${smtpHost}: 465, 587 are`;
  await expect(smtpRow).toContainText('25/TCPnot registered: 465, 587 are');
  await expect(smtpRow.getByTitle(notListed)).toBeVisible();
  await expect(newRow.getByRole('link', { name: /^Request access/ })).toBeVisible();

  // Its request form says so too, and selects no port (no silent 465).
  await smtpRow.getByRole('link', { name: /^Request access/ }).click();
  const form = engineer.getByRole('form', { name: 'Request access' });
  await expect(form.getByLabel('Destination', { exact: true })).toHaveValue(smtpHost);
  await expect(form.getByRole('note').filter({ hasText: notListed })).toBeVisible();
  await expect(form.getByLabel('Port', { exact: true })).toHaveValue('');
  await snap(engineer, '60-request-port-not-registered');

  // The unregistered host: requested with a proposed destination.
  await engineer.goto(`/blocked?service=${service.name}`);
  await newRow.getByRole('link', { name: /^Request access/ }).click();
  const proposal = form.getByRole('group', { name: `Propose ${newHost} as a destination` });
  await expect(proposal.getByLabel('Ports')).toHaveValue('443');
  await proposal.getByLabel('Ports').fill('443, 8443');
  await proposal.getByLabel('Description').fill('Bulk mail provider of the marketing team');
  await expect(form.getByLabel('Port', { exact: true })).toHaveValue('443');
  await form
    .getByLabel('Justification')
    .fill('The mailer sends the weekly newsletter through this provider.');
  await form.getByLabel('7 days').check();
  await expect(form.getByRole('group', { name: 'Expiry' })).toContainText('from when it becomes active');
  await snap(engineer, '61-request-proposed-destination');
  await form.getByRole('button', { name: 'Send request' }).click();
  await expect(engineer.getByRole('heading', { name: `${service.name} → ${newHost}:443` })).toBeVisible();
  await expect(
    engineer.getByRole('note').filter({ hasText: `Approving registers ${newHost}` }),
  ).toBeVisible();
  const grantId = engineer.url().split('/grants/')[1] ?? '';
  expect(grantId).toMatch(/^[0-9a-f-]{36}$/);

  // Back on the inbox: the row shows the pending request instead of a second "Request access".
  await engineer.goto(`/blocked?service=${service.name}`);
  await expect(newRow).toContainText('pending 0 of 1');
  await expect(newRow.getByRole('link', { name: /^View the pending request/ })).toBeVisible();
  await expect(newRow.getByRole('link', { name: /^Request access/ })).toHaveCount(0);

  // An approver approves: one step registers the destination and activates the grant.
  const approver = await pageAs(browser, APPROVER1);
  await approver.goto(`/grants/${grantId}`);
  await approver.getByRole('button', { name: 'Approve', exact: true }).click();
  const dialog = approver.getByRole('dialog', { name: 'Approve request' });
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(
    approver.getByRole('note').filter({ hasText: `Registered ${newHost} with this request` }),
  ).toBeVisible();
  const check = await apiSession(baseURL ?? '', APPROVER1);
  const registered = (await expectOk(await check.send('GET', `/api/v1/destinations?host=${newHost}`))) as {
    items: { host: string; ports: { port: number }[] }[];
  };
  await check.dispose();
  expect(registered.items.map((d) => [d.host, d.ports.map((p) => p.port)])).toEqual([[newHost, [443, 8443]]]);
  await approver.close();

  // The inbox row now says the grant is active and links to the explanation of a remaining denial.
  await engineer.goto(`/blocked?service=${service.name}`);
  await expect(newRow).toContainText('grant active');
  await expect(newRow.getByRole('link', { name: /^Explain why/ })).toHaveAttribute('href', /\/reach\?/);

  // My access: a new decision in the nav badge and the list; the grant counts down from activation.
  const nav = engineer.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: /My access/ })).toContainText('1');
  await nav.getByRole('link', { name: /My access/ }).click();
  await expect(engineer.getByRole('heading', { name: 'My access', level: 1 })).toBeVisible();
  const decisions = engineer.getByRole('list', { name: 'Decisions' });
  await expect(decisions.getByRole('listitem').first()).toContainText(
    `${APPROVER1.email} approved ${service.name} → ${newHost}:443 (1 of 1): it is active`,
  );
  const mine = engineer.getByRole('table', { name: 'Grants and requests you asked for, newest first' });
  const row = mine.getByRole('row').filter({ hasText: `${newHost}:443` });
  await expect(row).toContainText('active');
  await expect(row).toContainText(/expires in 6 d 23 h/);
  await snap(engineer, '62-my-access');

  // Renew (7 days left is within the renewal window): a prefilled renewal request.
  await row.getByRole('button', { name: /^Renew/ }).click();
  const renew = engineer.getByRole('dialog', { name: 'Renew access' });
  await expect(renew.getByLabel('Justification')).toHaveValue(
    'The mailer sends the weekly newsletter through this provider.',
  );
  await expect(renew.getByLabel('7 days')).toBeChecked();
  await renew.getByLabel('30 days').check();
  await renew.getByRole('button', { name: 'Request renewal' }).click();
  await expect(renew).toBeHidden();
  await expect(row.getByRole('link', { name: 'Renewal pending' })).toBeVisible();
  const renewalRow = mine.getByRole('row').filter({ hasText: '30 d once approved' });
  await expect(renewalRow).toContainText('pending');
  await expect(renewalRow).toContainText('renewal');

  // Seen: the badge goes.
  await engineer.getByRole('button', { name: 'Mark all as seen' }).click();
  await expect(engineer.getByRole('button', { name: 'Mark all as seen' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: /My access/ })).not.toContainText('1');
  await engineer.close();
});
