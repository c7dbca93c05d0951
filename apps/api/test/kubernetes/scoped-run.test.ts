// Change-scoped runs against a real kube-apiserver: an approval or a revoke reads its gateway's
// NetworkPolicy again and writes it, one GET and one PATCH (no list, no namespace read), and records
// the run after; our own consecutive writes are not drift; an edit by someone else just before an
// approval (a forced apply, a kubectl edit) is put back by it and audited as drift, alert and all; a
// change the gateways alone cannot stand for (a port-wide grant) runs the full reconcile; and a full run
// afterwards finds nothing to change (the scoped runs left the cluster exactly as the full compile wants it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KubeClient } from '../../src/reconcile/kube/client.ts';
import { settled } from '../helpers/reconcile.ts';
import type { TestApp, TestUser } from '../helpers/test-app.ts';
import {
  cleanups,
  createService,
  driftAuditOf,
  editAs,
  expectDriftAudited,
  getObject,
  getRun,
  grant,
  grantedGateway,
  openToEveryPod,
  reconcileNow,
  recordRequests,
  startClusterFixture,
} from './helpers.ts';

const GW = 'gw-scoped';
const cleanup = cleanups();
let t: TestApp;
let kube: KubeClient;
let approver2: TestUser;
let gateway: string;

/** The app labels the gateway NetworkPolicy lets in on 443. */
async function admitted(): Promise<string[]> {
  const np = await getObject(kube, 'NetworkPolicy', GW, gateway);
  const ingress = (np?.spec?.['ingress'] ?? []) as {
    from?: { podSelector?: { matchLabels?: Record<string, string> } }[];
    ports?: { port: number }[];
  }[];
  return ingress
    .filter((r) => (r.ports ?? []).some((p) => p.port === 443))
    .flatMap((r) => (r.from ?? []).map((f) => f.podSelector?.matchLabels?.['app'] ?? ''))
    .sort();
}

/** The newest run's record. */
async function lastRun() {
  const run = await t.db.reconcileRun.findFirstOrThrow({ orderBy: { startedAt: 'desc' } });
  return getRun(t, run.id);
}

beforeAll(async () => {
  const fixture = await startClusterFixture(cleanup);
  ({ kube, t, approver2 } = fixture);
  ({ gatewayName: gateway } = await grantedGateway(fixture, {
    gatewayNamespace: GW,
    namespace: 'team-s',
    service: 'service.beta',
    app: 'beta',
    host: 'api.scopedvendor.com',
  }));
  await createService(t, 'service.alpha', 'team-s', 'alpha');
  await settled(t.app, 60_000);
}, 180_000);

afterAll(() => cleanup.run());

describe('change-scoped runs', () => {
  let alpha: string;

  it('an approval re-reads and writes its gateway NetworkPolicy (one GET, one PATCH) and records the run after', async () => {
    expect(await admitted()).toEqual(['beta']);
    const recorded = recordRequests(t);
    alpha = await grant(t, approver2, 'service.alpha', 'api.scopedvendor.com', 443);
    await settled(t.app, 30_000);
    recorded.stop();
    expect(await admitted()).toEqual(['alpha', 'beta']);
    expect(recorded.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /apis/networking.k8s.io/v1/namespaces/${GW}/networkpolicies/${gateway}`,
      `PATCH /apis/networking.k8s.io/v1/namespaces/${GW}/networkpolicies/${gateway}`,
    ]);
    const run = await lastRun();
    expect(run).toMatchObject({ status: 'succeeded', trigger: `change: grant ${alpha} active` });
    expect(run.counts).toEqual({ created: 0, updated: 1, deleted: 0, unchanged: 5, failed: 0 });
    expect(run.objects).toEqual([{ kind: 'NetworkPolicy', namespace: GW, name: gateway, action: 'updated' }]);
  });

  it('a revoke is as direct: one read and one write, and the service is no longer let in', async () => {
    const recorded = recordRequests(t);
    const res = await t.as('approver', {
      method: 'POST',
      url: `/api/v1/grants/${alpha}/revoke`,
      payload: { reason: 'No longer needed.' },
    });
    expect(res.statusCode, res.body).toBe(200);
    await settled(t.app, 30_000);
    recorded.stop();
    expect(await admitted()).toEqual(['beta']);
    expect(recorded.requests.filter((r) => r.mutating)).toHaveLength(1);
    expect(recorded.requests.filter((r) => !r.mutating).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /apis/networking.k8s.io/v1/namespaces/${GW}/networkpolicies/${gateway}`,
    ]);
    expect(await lastRun()).toMatchObject({ status: 'succeeded', trigger: `change: grant ${alpha} revoked` });
  });

  it('our own consecutive writes (approve, revoke, approve again) are not drift: no audit row, no alert', async () => {
    const again = await grant(t, approver2, 'service.alpha', 'api.scopedvendor.com', 443);
    await settled(t.app, 30_000);
    const run = await lastRun();
    expect(run).toMatchObject({ status: 'succeeded', trigger: `change: grant ${again} active` });
    expect(run.objects).toEqual([{ kind: 'NetworkPolicy', namespace: GW, name: gateway, action: 'updated' }]);
    expect(await admitted()).toEqual(['alpha', 'beta']);
    const all = await t.as('approver', {
      method: 'GET',
      url: '/api/v1/audit-events?action=reconcile.drift_detected',
    });
    expect(all.json<{ items: unknown[] }>().items).toEqual([]);
    expect(await driftAuditOf(t, run.id)).toEqual({ detected: [], healed: [], alerts: [] });
    const res = await t.as('approver', {
      method: 'POST',
      url: `/api/v1/grants/${again}/revoke`,
      payload: { reason: 'Back to beta alone for the next test.' },
    });
    expect(res.statusCode, res.body).toBe(200);
    await settled(t.app, 30_000);
    expect(await admitted()).toEqual(['beta']);
  });

  it('edits made outside just before an approval are put back by it and audited as drift (manager, fields), with an alert', async () => {
    const policy = { kind: 'NetworkPolicy', namespace: GW, name: gateway };
    const before = await getObject(kube, 'NetworkPolicy', GW, gateway);
    // "mallory" opens the gateway to every pod with a forced server-side apply of .spec.ingress, and
    // "kubectl-edit" points the policy at other pods (an update: it takes .spec.podSelector over).
    await openToEveryPod(kube, GW, gateway);
    await editAs(kube, 'kubectl-edit', policy, {
      merge: { spec: { podSelector: { matchLabels: { app: 'elsewhere' } } } },
    });
    const recorded = recordRequests(t);
    const again = await grant(t, approver2, 'service.alpha', 'api.scopedvendor.com', 443);
    await settled(t.app, 30_000);
    recorded.stop();
    // Still the scoped run (one GET, no list), and what it wrote is the product's policy, not theirs.
    expect(recorded.requests.filter((r) => !r.mutating).map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /apis/networking.k8s.io/v1/namespaces/${GW}/networkpolicies/${gateway}`,
    ]);
    expect(recorded.requests.filter((r) => r.mutating)).toHaveLength(1);
    const run = await lastRun();
    expect(run).toMatchObject({ status: 'succeeded', trigger: `change: grant ${again} active` });
    expect(await admitted()).toEqual(['alpha', 'beta']);
    const np = await getObject(kube, 'NetworkPolicy', GW, gateway);
    expect((np?.spec?.['ingress'] as unknown[]).some((r) => JSON.stringify(r) === '{}')).toBe(false);
    expect(np?.spec?.['podSelector']).toEqual(before?.spec?.['podSelector']);
    expect(run.objects).toEqual([
      {
        kind: 'NetworkPolicy',
        namespace: GW,
        name: gateway,
        action: 'updated',
        drift:
          'modified by another field manager: .spec.ingress changed by "mallory"; .spec.podSelector changed by "kubectl-edit"',
      },
    ]);

    // As an approver sees it: the audit log names the object, the field managers and the fields, and a
    // drift alert is raised for the run.
    await expectDriftAudited(t, run.id, policy, [
      { path: '.spec.ingress', managers: ['mallory'] },
      { path: '.spec.podSelector', managers: ['kubectl-edit'] },
    ]);

    // Put back for good: a full run afterwards finds no drift to report.
    const full = await reconcileNow(t);
    expect(full.objects.filter((o) => o.drift !== undefined)).toEqual([]);
    expect((await driftAuditOf(t, full.id)).detected).toEqual([]);
  });

  it('a port-wide grant runs the full reconcile (its policy is not a gateway object)', async () => {
    const recorded = recordRequests(t);
    await grant(t, approver2, 'service.alpha', null, 8443);
    await settled(t.app, 30_000);
    recorded.stop();
    // The full run reads the namespaces; the scoped one never does.
    expect(recorded.requests.some((r) => r.method === 'GET' && r.path === '/api/v1/namespaces')).toBe(true);
    const run = await lastRun();
    expect(run.status).toBe('succeeded');
    expect(run.objects).toEqual([
      expect.objectContaining({ kind: 'NetworkPolicy', namespace: 'team-s', action: 'created' }),
    ]);
  });

  it('a full run afterwards finds the cluster as the full compile wants it: nothing to write', async () => {
    const recorded = recordRequests(t);
    const run = await reconcileNow(t);
    recorded.stop();
    expect(run.status).toBe('succeeded');
    expect(run.counts.created + run.counts.updated + run.counts.deleted + run.counts.failed).toBe(0);
    expect(recorded.requests.filter((r) => r.mutating)).toEqual([]);
  });
});
