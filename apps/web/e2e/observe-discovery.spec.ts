// Observe, then enforce, and discovery (issue 15), end to end in Chromium against the real API. The
// evidence is denied flows posted the way a collector posts them (the gateways' usage rows are written
// by the gateway-connections ingest, whose tests cover them; the API tests cover both sources).
// - A destination in observe mode lists the services that would be refused; an engineer files requests
//   for all of them with one justification; an approver's switch to enforce shows the same list first.
// - Discovered egress: rows selected into requests with one justification; the row then shows it pending.
// - Revoking a grant shows the traffic it would refuse before the reason is asked.
import type { AuditEvent, Destination, GenericFlowRecord, Grant } from '@egress/shared';
import { uniqueSuffix } from '@egress/shared/testing';
import { type Browser, expect, type Page, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { ingestToken, postFlows } from './support/flows.ts';
import { ADMIN, APPROVER1, type E2eUser, ENGINEER } from './support/users.ts';

test.describe.configure({ timeout: 120_000 });

async function pageAs(browser: Browser, user: E2eUser): Promise<Page> {
  const page = await browser.newPage();
  await signIn(page, user);
  return page;
}

function flow(app: string, namespace: string, destName: string, count: number): GenericFlowRecord {
  return {
    time: new Date().toISOString(),
    sourceNamespace: namespace,
    sourceLabels: { app },
    sourcePod: `${app}-7f9c5d-x2k4q`,
    destIP: '203.0.113.10',
    destPort: 443,
    protocol: 'TCP',
    destName,
    count,
  };
}

test('observe destination: would-be-refused services → requests for all → switch to enforce shows the list first', async ({
  browser,
  baseURL,
}) => {
  const suffix = uniqueSuffix();
  const namespace = 'observe-e2e';
  const admin = await apiSession(baseURL ?? '', ADMIN);
  const a = await admin.factories.service({
    name: `service.obs-a-${suffix}`,
    namespace,
    selector: { matchLabels: { app: `obs-a-${suffix}` } },
  });
  const b = await admin.factories.service({
    name: `service.obs-b-${suffix}`,
    namespace,
    selector: { matchLabels: { app: `obs-b-${suffix}` } },
  });
  const d = await admin.factories.destination({ host: `observed-${suffix}.example.com`, mode: 'observe' });
  expect(d.mode).toBe('observe');
  const token = await ingestToken(admin, `collector-obs-${suffix}`);
  await postFlows(baseURL ?? '', token, [
    flow(`obs-a-${suffix}`, namespace, d.host, 3),
    flow(`obs-b-${suffix}`, namespace, d.host, 2),
  ]);

  // The engineer sees the would-be-refused list on the destination page and files requests for all.
  const engineer = await pageAs(browser, ENGINEER);
  await engineer.goto(`/destinations/${d.id}`);
  const mode = engineer.getByRole('region', { name: 'Mode observe' });
  await expect(mode).toContainText('observe');
  const list = engineer.getByRole('table', { name: 'Would be refused' });
  await expect(engineer.getByRole('region', { name: 'Would be refused' }).getByRole('status')).toHaveText(
    '2 services used or tried this in the last 7 days.',
  );
  await expect(list.getByRole('row').filter({ hasText: a.name })).toContainText('3 denied');
  await expect(list.getByRole('row').filter({ hasText: b.name })).toContainText('2 denied');
  // The engineer may not switch modes.
  await expect(mode.getByRole('button', { name: /Switch to/ })).toHaveCount(0);

  const form = engineer.getByRole('form', { name: 'Request access for all 2' });
  await form.getByRole('button', { name: 'Request access for all 2' }).click();
  await expect(form).toContainText('Justification');
  const none = (await expectOk(await admin.send('GET', `/api/v1/grants?destination=${d.host}`))) as {
    items: Grant[];
  };
  expect(none.items).toHaveLength(0);
  await form
    .getByLabel('Justification (one for all of them)')
    .fill('Both services use it today; observed before enforcing.');
  await form.getByRole('button', { name: 'Request access for all 2' }).click();
  await expect(engineer.getByText('2 requests filed')).toBeVisible();
  await expect(list.getByRole('row').filter({ hasText: a.name })).toContainText('pending');
  await expect(list.getByRole('row').filter({ hasText: b.name })).toContainText('pending');
  const filed = (await expectOk(await admin.send('GET', `/api/v1/grants?destination=${d.host}`))) as {
    items: Grant[];
  };
  expect(filed.items.map((g) => `${g.service}:${g.state}:${g.requiredApprovals}`).sort()).toEqual(
    [`${a.name}:pending:1`, `${b.name}:pending:1`].sort(),
  );

  // The approver's switch to enforce shows the same list first, then enforces, audited.
  const approver = await pageAs(browser, APPROVER1);
  await approver.goto(`/destinations/${d.id}`);
  await approver.getByRole('button', { name: 'Switch to enforce…' }).click();
  const dialog = approver.getByRole('dialog', { name: 'Switch to enforce' });
  const preview = dialog.getByRole('table', { name: 'Traffic enforcing would refuse' });
  await expect(preview.getByRole('row').filter({ hasText: a.name })).toBeVisible();
  await expect(preview.getByRole('row').filter({ hasText: b.name })).toBeVisible();
  const unchanged = (await expectOk(await admin.send('GET', `/api/v1/destinations/${d.id}`))) as Destination;
  expect(unchanged.mode).toBe('observe');
  await dialog.getByRole('button', { name: 'Enforce now' }).click();
  // The section's name carries the mode's badge; its text says "switch to enforce" while still observing.
  await expect(approver.getByRole('region', { name: 'Mode enforce' })).toBeVisible();
  const after = (await expectOk(await admin.send('GET', `/api/v1/destinations/${d.id}`))) as Destination;
  expect(after.mode).toBe('enforce');
  const audit = (await expectOk(
    await admin.send('GET', `/api/v1/audit-events?action=destination.mode_changed&targetId=${d.id}`),
  )) as { items: AuditEvent[] };
  expect(audit.items.map((e) => [e.before, e.after])).toEqual([
    [
      { host: d.host, mode: 'observe' },
      { host: d.host, mode: 'enforce' },
    ],
  ]);
  await admin.dispose();
});

test('discovered egress: select rows into requests with one justification', async ({ browser, baseURL }) => {
  const suffix = uniqueSuffix();
  const namespace = `disc-${suffix}`.slice(0, 40);
  const admin = await apiSession(baseURL ?? '', ADMIN);
  const s = await admin.factories.service({
    name: `service.disc-${suffix}`,
    namespace,
    selector: { matchLabels: { app: `disc-${suffix}` } },
  });
  const d = await admin.factories.destination({ host: `discovered-${suffix}.example.com` });
  const unknown = `unregistered-${suffix}.example.org`;
  const token = await ingestToken(admin, `collector-disc-${suffix}`);
  await postFlows(baseURL ?? '', token, [
    flow(`disc-${suffix}`, namespace, d.host, 4),
    flow(`disc-${suffix}`, namespace, unknown, 1),
  ]);

  const engineer = await pageAs(browser, ENGINEER);
  await engineer.goto(`/discovery?namespace=${namespace}`);
  const table = engineer.getByRole('table', { name: 'Traffic seen without a grant' });
  const known = table.getByRole('row').filter({ hasText: d.host });
  const unregistered = table.getByRole('row').filter({ hasText: unknown });
  await expect(known).toContainText('4 denied');
  await expect(unregistered).toContainText('not registered');
  await expect(unregistered.getByRole('checkbox')).toHaveCount(0);
  await known.getByRole('checkbox').check();
  const form = engineer.getByRole('form', { name: 'File 1 request' });
  await form
    .getByLabel('Justification (one for all of them)')
    .fill('Seen in the discovered egress view; needed.');
  await form.getByRole('button', { name: 'File 1 request' }).click();
  await expect(engineer.getByText('1 request filed')).toBeVisible();
  await expect(known).toContainText('request pending');
  const grants = (await expectOk(await admin.send('GET', `/api/v1/grants?service=${s.name}`))) as {
    items: Grant[];
  };
  expect(grants.items.map((g) => `${g.destination}:${g.port}:${g.state}`)).toEqual([`${d.host}:443:pending`]);
  await admin.dispose();
});

test('revoke shows the traffic it would refuse before asking for the reason', async ({
  browser,
  baseURL,
}) => {
  const suffix = uniqueSuffix();
  const admin = await apiSession(baseURL ?? '', ADMIN);
  const s = await admin.factories.service({ name: `service.rev-${suffix}` });
  const d = await admin.factories.destination({ host: `revoked-${suffix}.example.com`, mode: 'observe' });
  const engineerApi = await apiSession(baseURL ?? '', ENGINEER);
  const g = (await expectOk(
    await engineerApi.send('POST', '/api/v1/grants', {
      service: s.name,
      destination: d.host,
      port: 443,
      justification: 'Needed to show the impact of a revoke.',
    }),
    201,
  )) as Grant;
  await engineerApi.dispose();
  await expectOk(await admin.send('POST', `/api/v1/grants/${g.id}/approve`, { comment: 'Checked.' }));

  const approver = await pageAs(browser, APPROVER1);
  await approver.goto(`/grants/${g.id}`);
  await approver.getByRole('button', { name: /^Revoke/ }).click();
  const dialog = approver.getByRole('dialog', { name: 'Revoke grant' });
  const impact = dialog.getByRole('region', { name: 'Traffic revoking would refuse' });
  await expect(impact.getByRole('status')).toHaveText('No service used this in the last 7 days.');
  await expect(impact).toContainText('is in observe mode');
  await admin.dispose();
});
