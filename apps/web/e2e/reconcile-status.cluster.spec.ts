// Drift and gateway readiness as a person sees them, on the kubernetes target against a real
// kube-apiserver (playwright.cluster.config.ts). The harness has no kubelet or controllers: a gateway's
// readiness comes from its Deployment status, which the spec sets the way the deployment controller
// would, and "someone else" edits a managed object with their own field manager, as kubectl would.
import { expect, type Page, test } from '@playwright/test';

import { apiSession, expectOk, signIn } from './support/api.ts';
import { kubeAdmin, markDeploymentReady } from './support/kube.ts';
import {
  GATEWAY_NAMESPACE,
  gatewayPolicyIngress,
  openGatewayPolicy,
  reconcileStatus,
  untilReconciled,
  untilRunsSettle,
} from './support/reconcile.ts';
import { snap } from './support/screenshots.ts';
import { APPROVER1, ENGINEER } from './support/users.ts';

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
  await untilReconciled(approver, destination.gatewayName);
  await untilRunsSettle(approver, { newest: 'succeeded' });

  // Reconciled into the cluster: the gateway exists, no pod is ready (nothing runs pods here).
  const report = await reconcileStatus(approver);
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
  await untilRunsSettle(approver, { trigger: /gateway readiness changed/, newest: 'succeeded' });

  // Someone opens the gateway's NetworkPolicy to every pod with their own field manager.
  await openGatewayPolicy(kube, destination.gatewayName, 'mallory');

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
  expect(await gatewayPolicyIngress(kube, destination.gatewayName)).not.toEqual([{}]);

  await engineer.dispose();
  await approver.dispose();
});
