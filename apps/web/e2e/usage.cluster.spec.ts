// Usage per grant as a person sees it (playwright.cluster.config.ts: the API on a real kube-apiserver).
// A pod of a registered service gets an address (the spec writes its status, as the kubelet would; the
// harness has none), the gateway's connection lines are posted the way deploy/collectors does, and the
// API attributes them through its own pod watch: the grants list and the grant page show the use, a
// port-wide grant says it is not measured, and the "Unused for" filter (server-side) leaves out a grant
// activated today.
import type { ConnectionIngestResult, CreatedToken, Grant } from '@egress/shared';
import { expect, request, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { kubeAdmin } from './support/kube.ts';
import { ADMIN, APPROVER1, APPROVER2, ENGINEER } from './support/users.ts';

const NS = 'usage-e2e';
const POD_IP = '10.244.77.7';

test('the grants list shows usage per grant, and "Unused for" filters on the server', async ({
  page,
  baseURL,
}) => {
  const kube = kubeAdmin();
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const approver = await apiSession(baseURL ?? '', APPROVER1);
  const approver2 = await apiSession(baseURL ?? '', APPROVER2);
  const admin = await apiSession(baseURL ?? '', ADMIN);
  const destination = await approver.factories.destination({ host: 'usage.e2e.example.com' });
  const service = await engineer.factories.service({
    name: 'service.usage-e2e',
    namespace: NS,
    selector: { matchLabels: { app: 'usage-e2e' } },
  });
  const used = await engineer.factories.grant({
    service: service.name,
    destination: destination.host,
    port: 443,
  });
  await expectOk(await approver.send('POST', `/api/v1/grants/${used.id}/approve`, { comment: 'Checked.' }));
  const portWide = await engineer.factories.grant({ service: service.name, destination: null, port: 8443 });
  await expectOk(
    await approver.send('POST', `/api/v1/grants/${portWide.id}/approve`, { comment: 'Checked.' }),
  );
  await expectOk(
    await approver2.send('POST', `/api/v1/grants/${portWide.id}/approve`, { comment: 'Checked.' }),
  );

  // The service's pod, with an address.
  expect(
    (
      await kube.request({
        method: 'POST',
        path: '/api/v1/namespaces',
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
      })
    ).status,
  ).toBeLessThan(300);
  const created = await kube.request({
    method: 'POST',
    path: `/api/v1/namespaces/${NS}/pods`,
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'usage-e2e-1', labels: { app: 'usage-e2e' } },
      spec: { containers: [{ name: 'app', image: 'registry.example.com/app:1' }] },
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const status = await kube.request({
    method: 'PATCH',
    path: `/api/v1/namespaces/${NS}/pods/usage-e2e-1/status`,
    body: { status: { phase: 'Running', podIP: POD_IP, podIPs: [{ ip: POD_IP }] } },
    contentType: 'application/merge-patch+json',
  });
  expect(status.status, JSON.stringify(status.body)).toBe(200);

  // The collector's token and lines (deploy/collectors/vector.yaml posts the lines as a JSON array).
  const token = (
    (await expectOk(
      await admin.send('POST', '/api/v1/tokens', { name: 'vector', scopes: ['usage.ingest'] }),
      201,
    )) as CreatedToken
  ).token;
  const collector = await request.newContext({
    baseURL,
    extraHTTPHeaders: { authorization: `Bearer ${token}` },
  });
  let port = 40000;
  const line = () => ({
    v: '1',
    // Now: a connection cannot have started before its pod was created (a moment ago).
    start_time: new Date().toISOString(),
    duration_ms: 2000,
    gateway: destination.gatewayName,
    destination: destination.host,
    protocol: 'TCP',
    listener_port: 443,
    source_address: POD_IP,
    source_port: ++port,
    upstream_host: '203.0.113.10:443',
    bytes_sent: 1_500_000,
    bytes_received: 500_000,
    response_flags: '-',
    upstream_transport_failure_reason: null,
    connection_termination_details: null,
  });
  // The API's pod watch sees the pod a moment after the patch; until it does, a line is unattributed.
  await expect
    .poll(
      async () => {
        const res = await collector.post('/api/v1/gateway-connections', { data: [line()] });
        expect(res.status()).toBe(200);
        return ((await res.json()) as ConnectionIngestResult).unattributed;
      },
      { timeout: 20_000, message: "the API's pod index attributes the pod's address" },
    )
    .toBe(0);
  const twice = [line(), line()];
  for (let i = 0; i < 2; i++) await collector.post('/api/v1/gateway-connections', { data: twice }); // counted once
  await collector.dispose();
  const shown = (await expectOk(await engineer.send('GET', `/api/v1/grants/${used.id}`))) as Grant;
  expect(shown.usage?.last24h.connections).toBe(3);

  await signIn(page, ENGINEER);
  await page.goto(`/grants?service=${encodeURIComponent(service.name)}`);
  const table = page.getByRole('table', { name: 'Grants' });
  await expect(table.getByRole('columnheader', { name: 'Used (conn. · bytes)' })).toBeVisible();
  const usedRow = table.getByRole('row').filter({ hasText: destination.host });
  await expect(usedRow).toContainText('just now');
  await expect(usedRow).toContainText('24 h 3 · 6.0 MB');
  await expect(usedRow).toContainText('30 d 3 · 6.0 MB');
  const portWideRow = table.getByRole('row').filter({ hasText: ':8443' });
  await expect(portWideRow).toContainText('not measured');

  // Unused for 7 days: a grant activated today is not, whatever its use; the URL keeps the filter.
  await page.getByLabel('Unused for').selectOption('7');
  await expect(page).toHaveURL(/unused=7/);
  await expect(page.getByText('No grant matches these filters.')).toBeVisible();
  await page.getByRole('link', { name: 'Reset filters' }).click();
  await expect(page.getByText('No grant matches these filters.')).toHaveCount(0);

  await page.goto(`/grants/${used.id}`);
  await expect(
    page.locator('dt', { hasText: 'Last used' }).locator('xpath=following-sibling::dd[1]'),
  ).toHaveText('just now');
  await expect(
    page.locator('dt', { hasText: 'Usage' }).locator('xpath=following-sibling::dd[1]'),
  ).toContainText('24 h: 3 connections, 6.0 MB');
});
