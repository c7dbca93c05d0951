// The reconciler as the cluster specs (playwright.cluster.config.ts) wait for it and tamper with it:
// its status and runs through the API, and "someone else" editing a gateway's NetworkPolicy with their
// own field manager, as kubectl would.
import type { ReconcileRun, ReconcileStatusReport } from '@egress/shared';
import { expect } from '@playwright/test';

import { type ApiSession, expectOk } from './api.ts';
import type { Kube } from './kube.ts';

/** Settings default: where the reconciler puts every gateway. */
export const GATEWAY_NAMESPACE = 'egress-gateways';

export async function reconcileStatus(s: ApiSession): Promise<ReconcileStatusReport> {
  return (await expectOk(await s.send('GET', '/api/v1/reconcile/status'))) as ReconcileStatusReport;
}

async function latestRuns(s: ApiSession): Promise<ReconcileRun[]> {
  return (
    (await expectOk(await s.send('GET', '/api/v1/reconcile/runs?limit=20'))) as { items: ReconcileRun[] }
  ).items;
}

/**
 * Waits until the gateway of an approved grant is reported with nothing drifted. An approval's run is
 * requested after the debounce, so "no run busy" can be seen before it starts: this waits for what a
 * person would see instead.
 */
export async function untilReconciled(s: ApiSession, gatewayName: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const r = await reconcileStatus(s);
        const known = r.gateways.some((g) => g.gatewayName === gatewayName);
        return known ? r.drift : 'gateway not reported yet';
      },
      { timeout: 30_000, message: 'the approval is reconciled into the cluster' },
    )
    .toEqual([]);
}

/**
 * Waits until no run is queued or running and, with `trigger`, one such run exists; with `newest`, the
 * newest run must then have that status.
 */
export async function untilRunsSettle(
  s: ApiSession,
  { trigger, newest }: { trigger?: RegExp; newest?: ReconcileRun['status'] } = {},
): Promise<void> {
  await expect
    .poll(
      async () => {
        const runs = await latestRuns(s);
        if (runs.some((r) => r.status === 'queued' || r.status === 'running')) return 'busy';
        if (trigger && !runs.some((r) => trigger.test(r.trigger))) return 'waiting';
        return newest ? (runs[0]?.status ?? 'none') : 'settled';
      },
      { timeout: 30_000, message: `reconcile runs settle${trigger ? ` after "${trigger.source}"` : ''}` },
    )
    .toBe(newest ?? 'settled');
}

const policyPath = (gatewayName: string) =>
  `/apis/networking.k8s.io/v1/namespaces/${GATEWAY_NAMESPACE}/networkpolicies/${gatewayName}`;

/** `manager` opens the gateway's NetworkPolicy to every pod (server-side apply, forced). */
export async function openGatewayPolicy(kube: Kube, gatewayName: string, manager: string): Promise<void> {
  const edited = await kube.request({
    method: 'PATCH',
    path: policyPath(gatewayName),
    query: { fieldManager: manager, force: 'true' },
    body: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: gatewayName, namespace: GATEWAY_NAMESPACE },
      spec: { ingress: [{}] },
    },
    contentType: 'application/apply-patch+yaml',
  });
  expect(edited.status, JSON.stringify(edited.body)).toBe(200);
}

/** The gateway NetworkPolicy's ingress rules as the cluster holds them now. */
export async function gatewayPolicyIngress(kube: Kube, gatewayName: string): Promise<unknown[]> {
  const np = await kube.request<{ spec: { ingress: unknown[] } }>({
    method: 'GET',
    path: policyPath(gatewayName),
  });
  return np.body.spec.ingress;
}
