// Denied-flow visibility end to end: a collector (an ingest token minted by an admin) reports denied
// flows of a registered service, an approver sets an alert rule with a low threshold, more flows raise
// an alert that the dashboard shows; an engineer finds the flows grouped in the blocked-egress inbox
// (known and unknown destinations) and opens the request form prefilled from a row; acknowledging the
// alert takes it out of the open alerts.
import type { Alert, GenericFlowRecord } from '@egress/shared';
import { uniqueSuffix } from '@egress/shared/testing';
import { type Browser, expect, type Page, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { ingestToken, postFlows } from './support/flows.ts';
import { sidewaysScroll } from './support/layout.ts';
import { snap } from './support/screenshots.ts';
import { ADMIN, APPROVER1, type E2eUser, ENGINEER } from './support/users.ts';

test.describe.configure({ timeout: 120_000 });

async function pageAs(browser: Browser, user: E2eUser): Promise<Page> {
  const page = await browser.newPage();
  await signIn(page, user);
  return page;
}

function flow(
  labels: Record<string, string>,
  namespace: string,
  destName: string,
  count: number,
): GenericFlowRecord {
  return {
    time: new Date().toISOString(),
    sourceNamespace: namespace,
    sourceLabels: labels,
    sourcePod: `${labels.app ?? 'pod'}-7f9c5d-x2k4q`,
    destIP: '203.0.113.10',
    destPort: 443,
    protocol: 'TCP',
    destName,
    count,
  };
}

test('denied flows → alert on the dashboard → inbox → prefilled request → acknowledged', async ({
  browser,
  baseURL,
}) => {
  const suffix = uniqueSuffix();
  const namespace = 'blocked-e2e';
  const labels = { app: `blocked-${suffix}` };
  const unknownHost = `unknown-${suffix}.example.org`;
  const ruleName = `e2e-rule-${suffix}`;

  // Seed: a service and a registered destination, and a collector's ingest token.
  const admin = await apiSession(baseURL ?? '', ADMIN);
  const service = await admin.factories.service({
    name: `service.blocked-${suffix}`,
    namespace,
    selector: { matchLabels: labels },
  });
  const known = await admin.factories.destination({ host: `known-${suffix}.example.com` });
  const token = await ingestToken(admin, `collector-${suffix}`);
  await admin.dispose();
  const first = await postFlows(baseURL ?? '', token, [
    flow(labels, namespace, unknownHost, 3),
    flow(labels, namespace, known.host, 2),
  ]);
  expect(first).toMatchObject({ accepted: 2, rejected: 0, unattributed: 0 });

  // An approver sets a rule with a low threshold for this service, through the console.
  const approver = await pageAs(browser, APPROVER1);
  await approver.goto('/blocked?tab=rules');
  await approver.getByRole('button', { name: 'New alert rule' }).click();
  const ruleForm = approver.getByRole('form', { name: 'New alert rule' });
  await ruleForm.getByLabel('Rule name').fill(ruleName);
  await ruleForm.getByLabel('Service').fill(service.name); // committed when the next field takes focus
  await ruleForm.getByLabel('Threshold').fill('6');
  await ruleForm.getByLabel('Window').selectOption({ label: '1 h' });
  await ruleForm.getByRole('button', { name: 'Create rule' }).click();
  const ruleRow = approver.getByRole('row').filter({ hasText: ruleName });
  await expect(ruleRow).toContainText(service.name);
  await expect(ruleRow).toContainText('enabled');
  await snap(approver, '20-alert-rules');

  // More flows: 3 + 2 + 4 = 9 denied within the hour, over the threshold of 6.
  await postFlows(baseURL ?? '', token, [flow(labels, namespace, unknownHost, 4)]);
  const check = await apiSession(baseURL ?? '', APPROVER1);
  const open = (await expectOk(await check.send('GET', '/api/v1/alerts?state=open'))) as { items: Alert[] };
  await check.dispose();
  expect(open.items.filter((a) => a.ruleName === ruleName)).toHaveLength(1);

  // The dashboard shows it.
  await approver.goto('/');
  const alertsCard = approver.getByRole('region', { name: 'Open alerts' });
  await expect(alertsCard.locator('.stat-value')).not.toHaveText('0');
  const dashboardAlert = approver
    .getByRole('table', { name: 'Newest open alerts' })
    .getByRole('row')
    .filter({ hasText: ruleName });
  await expect(dashboardAlert).toContainText('9 / 6');
  await expect(dashboardAlert).toContainText(unknownHost);
  await expect(
    approver.getByRole('region', { name: 'Blocked egress (24 h)' }).locator('.stat-value'),
  ).not.toHaveText(/^(0|n\/a)$/);
  await snap(approver, '21-dashboard-open-alert');

  // The engineer's inbox, filtered to the service through the URL.
  const engineer = await pageAs(browser, ENGINEER);
  await engineer.goto(`/blocked?service=${service.name}`);
  const filters = engineer.getByRole('search', { name: 'Filter blocked egress' });
  await expect(filters.getByLabel('Service')).toHaveValue(service.name);
  const inbox = engineer.getByRole('table', { name: 'Blocked egress, grouped by service and destination' });
  const unknownRow = inbox.getByRole('row').filter({ hasText: unknownHost });
  const knownRow = inbox.getByRole('row').filter({ hasText: known.host });
  await expect(unknownRow).toContainText('unknown');
  await expect(unknownRow.getByRole('cell').nth(3)).toHaveText('7');
  await expect(unknownRow).toContainText('443/TCP');
  await expect(knownRow).toContainText('known');
  await expect(knownRow.getByRole('cell').nth(3)).toHaveText('2');
  await expect(knownRow.getByRole('link', { name: known.host, exact: true })).toHaveAttribute(
    'href',
    `/destinations/${known.id}`,
  );
  await filters.getByLabel('Destination is').selectOption('false');
  await expect(engineer).toHaveURL(/known=false/);
  await expect(knownRow).toHaveCount(0);
  await expect(unknownRow).toBeVisible();
  await filters.getByLabel('Destination is').selectOption('');
  await snap(engineer, '22-blocked-inbox');
  await engineer.setViewportSize({ width: 1024, height: 768 });
  expect(await sidewaysScroll(engineer)).toEqual([]);
  await engineer.setViewportSize({ width: 1280, height: 800 });

  // One click: the request form, prefilled with service, destination and port.
  await knownRow.getByRole('link', { name: /^Request access/ }).click();
  const form = engineer.getByRole('form', { name: 'Request access' });
  await expect(form.getByLabel('Service', { exact: true })).toHaveValue(service.name);
  await expect(form.getByLabel('Destination', { exact: true })).toHaveValue(known.host);
  await expect(form.getByLabel('Port')).toHaveValue('443');
  await snap(engineer, '23-request-prefilled');

  // An unknown destination is proposed with the request (issue 18): the form asks what it is.
  await engineer.goBack();
  await unknownRow.getByRole('link', { name: /^Request access/ }).click();
  await expect(form.getByLabel('Service', { exact: true })).toHaveValue(service.name);
  await expect(form.getByLabel('Destination', { exact: true })).toHaveValue(unknownHost);
  const proposal = form.getByRole('group', { name: `Propose ${unknownHost} as a destination` });
  await expect(proposal.getByLabel('Ports')).toHaveValue('443');
  await snap(engineer, '26-request-unregistered-destination');

  // The approver acknowledges the alert with a comment; it leaves the open alerts.
  await approver.goto('/blocked?tab=alerts');
  const alertRow = approver
    .getByRole('table', { name: 'Open alerts, newest first' })
    .getByRole('row')
    .filter({ hasText: ruleName });
  await expect(alertRow).toContainText('9 / 6');
  await snap(approver, '24-open-alerts');
  await approver.setViewportSize({ width: 1024, height: 768 });
  expect(await sidewaysScroll(approver)).toEqual([]);
  await alertRow.getByRole('button', { name: /^Acknowledge alert/ }).click();
  const dialog = approver.getByRole('dialog', { name: 'Acknowledge alert' });
  await expect(dialog).toContainText(`${ruleName}: ${service.name}`);
  await dialog.getByLabel('Comment (optional)').fill('The sync job moved to the mirror; requesting access.');
  await dialog.getByRole('button', { name: 'Acknowledge', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(approver.getByRole('region', { name: 'Notifications' })).toContainText(
    `Acknowledged by ${APPROVER1.email}`,
  );
  await expect(alertRow).toHaveCount(0);
  await approver.getByLabel('Show acknowledged alerts').check();
  await expect(approver).toHaveURL(/alerts=all/);
  await expect(
    approver
      .getByRole('table', { name: 'Alerts, newest first' })
      .getByRole('row')
      .filter({ hasText: ruleName }),
  ).toContainText('acknowledged');

  // Rules are edited and deleted by approvers, through dialogs that name the rule.
  await approver.goto('/blocked?tab=rules');
  await approver.getByRole('button', { name: `Edit alert rule ${ruleName}` }).click();
  const edit = approver.getByRole('form', { name: `Edit alert rule ${ruleName}` });
  await edit.getByLabel('Threshold').fill('0');
  await edit.getByRole('button', { name: 'Save rule' }).click();
  await expect(edit.getByText('Enter a whole number from 1 to 1000000.')).toBeVisible();
  await edit.getByLabel('Threshold').fill('50');
  await edit.getByLabel(/^Enabled/).uncheck();
  await edit.getByRole('button', { name: 'Save rule' }).click();
  await expect(edit).toBeHidden();
  await expect(ruleRow).toContainText('50');
  await expect(ruleRow).toContainText('disabled');
  await approver.getByRole('button', { name: `Delete alert rule ${ruleName}` }).click();
  const confirm = approver.getByRole('dialog', { name: 'Delete alert rule' });
  await expect(confirm).toContainText(`${ruleName}: 50 denied flows within 1 h for ${service.name}`);
  await confirm.getByRole('button', { name: 'Delete rule' }).click();
  await expect(ruleRow).toHaveCount(0);

  await approver.close();
  await engineer.close();
});

test('an admin creates a flow-ingestion token in the console', async ({ page }) => {
  const name = `collector-ui-${uniqueSuffix()}`;
  await signIn(page, ADMIN);
  await page.goto('/tokens');
  await page.getByRole('button', { name: 'Create token' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create an API token' });
  await dialog.getByLabel('Token name').fill(name);
  await dialog.getByLabel('Flow ingestion').check();
  await expect(dialog.getByLabel('Role')).toHaveCount(0);
  // The expiry hint speaks of the token it sets.
  await expect(dialog.getByText('The token stays valid until someone revokes it.')).toBeVisible();
  await dialog.getByLabel('7 days').check();
  await expect(dialog.getByText(/^The token ends /)).toBeVisible();
  await dialog.getByRole('button', { name: 'Create token' }).click();
  const created = page.getByRole('dialog', { name: 'Token created' });
  await expect(created.getByLabel('Token')).toHaveValue(/\S{20,}/);
  await created.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('row').filter({ hasText: name })).toContainText('flows.ingest');
  await snap(page, '25-ingest-token');
});
