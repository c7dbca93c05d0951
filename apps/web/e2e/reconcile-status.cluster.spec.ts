// Drift and gateway readiness as a person sees them, on the kubernetes target against a real
// kube-apiserver (playwright.cluster.config.ts). The harness has no kubelet or controllers: a gateway's
// readiness comes from its Deployment status, which the spec sets the way the deployment controller
// would, and "someone else" edits a managed object with their own field manager, as kubectl would.
import type { ReconcileRun, ReconcileStatusReport } from '@egress/shared';
import { expect, type Page, test } from '@playwright/test';

import { type ApiSession, apiSession, expectOk, signIn } from './support/api.ts';
import { kubeAdmin, markDeploymentReady } from './support/kube.ts';
import { snap } from './support/screenshots.ts';
import { APPROVER1, ENGINEER } from './support/users.ts';

/** Settings default: where the reconciler puts every gateway. */
const GATEWAY_NAMESPACE = 'egress-gateways';

async function status(s: ApiSession): Promise<ReconcileStatusReport> {
  return (await expectOk(await s.send('GET', '/api/v1/reconcile/status'))) as ReconcileStatusReport;
}

async function latestRuns(s: ApiSession): Promise<ReconcileRun[]> {
  return (
    (await expectOk(await s.send('GET', '/api/v1/reconcile/runs?limit=20'))) as { items: ReconcileRun[] }
  ).items;
}

/** Waits until no run is queued or running and the newest one (if `trigger` matches) has finished. */
async function settled(s: ApiSession, trigger?: RegExp): Promise<void> {
  await expect
    .poll(
      async () => {
        const runs = await latestRuns(s);
        if (runs.some((r) => r.status === 'queued' || r.status === 'running')) return 'busy';
        if (trigger && !runs.some((r) => trigger.test(r.trigger))) return 'waiting';
        return runs[0]?.status ?? 'none';
      },
      { timeout: 30_000, message: `reconcile runs settle${trigger ? ` after "${trigger.source}"` : ''}` },
    )
    .toBe('succeeded');
}

async function openDestination(page: Page, id: string) {
  await page.goto(`/destinations/${id}`);
  return page.locator('dt', { hasText: 'Gateway readiness' }).locator('xpath=following-sibling::dd[1]');
}

test('gateway readiness and drift on the kubernetes target; "Run now" repairs the drift', async ({
  page,
  baseURL,
}) => {
  const kube = kubeAdmin();
  const engineer = await apiSession(baseURL ?? '', ENGINEER);
  const approver = await apiSession(baseURL ?? '', APPROVER1);
  const destination = await approver.factories.destination({
    host: 'drift.e2e.example.com',
    description: 'Reconcile status spec',
  });
  const service = await engineer.factories.service({
    name: 'service.drift-e2e',
    namespace: 'apps-e2e',
    selector: { matchLabels: { app: 'drift-e2e' } },
  });
  const pending = await engineer.factories.grant({
    service: service.name,
    destination: destination.host,
    port: 443,
  });
  await expectOk(
    await approver.send('POST', `/api/v1/grants/${pending.id}/approve`, {
      comment: 'Reviewed in the e2e test.',
    }),
  );
  // The approval's run is requested after the debounce, so "no run busy" can be seen before it starts:
  // wait for what a person would see instead, the gateway reported and nothing missing.
  await expect
    .poll(
      async () => {
        const r = await status(approver);
        const known = r.gateways.some((g) => g.gatewayName === destination.gatewayName);
        return known ? r.drift : 'gateway not reported yet';
      },
      { timeout: 30_000, message: 'the approval is reconciled into the cluster' },
    )
    .toEqual([]);
  await settled(approver);

  // Reconciled into the cluster: the gateway exists, no pod is ready (nothing runs pods here).
  const report = await status(approver);
  expect(report.target).toBe('kubernetes');
  expect(report.drift).toEqual([]);
  const gateway = report.gateways.find((g) => g.gatewayName === destination.gatewayName);
  expect(gateway, JSON.stringify(report.gateways)).toMatchObject({ readyReplicas: 0, ready: false });
  const desired = gateway?.desiredReplicas ?? 0;
  expect(desired).toBeGreaterThan(0);

  await signIn(page, APPROVER1);
  const readiness = await openDestination(page, destination.id);
  await expect(readiness).toHaveText(`0/${desired} replicas ready: not ready`);
  await page.goto('/');
  await expect(page.getByRole('region', { name: 'Reconcile' })).toContainText(/gateways not ready: [1-9]/);
  await expect(page.getByRole('region', { name: 'Reconcile' })).toContainText('drift: 0 objects');

  // The pods come up (as the deployment controller would report it): the console shows them ready.
  await markDeploymentReady(kube, GATEWAY_NAMESPACE, destination.gatewayName, desired);
  await expect(await openDestination(page, destination.id)).toHaveText(
    `${desired}/${desired} replicas ready`,
  );
  await snap(page, 'cluster-01-destination-ready');
  // The reconciler notices the readiness change itself and re-renders DNS; let that run finish first.
  await settled(approver, /gateway readiness changed/);

  // Someone opens the gateway's NetworkPolicy to every pod with their own field manager.
  const edited = await kube.request({
    method: 'PATCH',
    path: `/apis/networking.k8s.io/v1/namespaces/${GATEWAY_NAMESPACE}/networkpolicies/${destination.gatewayName}`,
    query: { fieldManager: 'mallory', force: 'true' },
    body: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: destination.gatewayName, namespace: GATEWAY_NAMESPACE },
      spec: { ingress: [{}] },
    },
    contentType: 'application/apply-patch+yaml',
  });
  expect(edited.status, JSON.stringify(edited.body)).toBe(200);

  await page.goto('/reconcile');
  const drift = page.getByRole('table', { name: /^Drift: \d+ objects? differ/ });
  const row = drift.getByRole('row').filter({ hasText: `${GATEWAY_NAMESPACE}/${destination.gatewayName}` });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('NetworkPolicy');
  await expect(row).toContainText(/modified by another field manager: .*"mallory"/);
  await snap(page, 'cluster-02-reconcile-drift');
  await page.goto('/');
  await expect(page.getByRole('region', { name: 'Reconcile' })).toContainText(/drift: [1-9]\d* objects?/);

  // "Run now" takes the fields back; the drift section clears without reloading the page.
  await page.goto('/reconcile');
  await expect(row).toHaveCount(1);
  await page.getByRole('button', { name: 'Run now' }).click();
  await expect(page.getByText('No drift: the kubernetes target matches the desired state.')).toBeVisible({
    timeout: 20_000,
  });
  const runs = page.getByRole('table', { name: 'Reconcile runs, newest first' });
  await expect(runs.getByRole('row').nth(1)).toContainText(`manual by ${APPROVER1.email}`);
  await expect(runs.getByRole('row').nth(1)).toContainText('succeeded');
  await snap(page, 'cluster-03-reconcile-repaired');
  const np = await kube.request<{ spec: { ingress: unknown[] } }>({
    method: 'GET',
    path: `/apis/networking.k8s.io/v1/namespaces/${GATEWAY_NAMESPACE}/networkpolicies/${destination.gatewayName}`,
  });
  expect(np.body.spec.ingress).not.toEqual([{}]);

  await engineer.dispose();
  await approver.dispose();
});
