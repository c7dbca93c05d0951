// The kubernetes target against a real kube-apiserver: cold apply, a no-op resync that changes
// nothing, prune in the removal order, and a conflict with an object someone else created.
import { DNS_SNIPPET_KEY } from '@egress/manifests';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KubeClient, RequestInfo } from '../../src/reconcile/kube/client.ts';
import type { LiveObject } from '../../src/reconcile/kube/resources.ts';
import { settled } from '../helpers/reconcile.ts';
import type { TestApp, TestUser } from '../helpers/test-app.ts';
import {
  cleanups,
  createDestination,
  createService,
  getObject,
  getRun,
  grant,
  holdARun,
  managedVersions,
  markReady,
  patchSettings,
  reconcileNow,
  recordRequests,
  startClusterFixture,
  until,
} from './helpers.ts';

const GW = 'gw-apply';
const GATEWAY_KINDS = [
  'NetworkPolicy',
  'ConfigMap',
  'Service',
  'Deployment',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
];

const cleanup = cleanups();
let t: TestApp;
let kube: KubeClient;
let approver2: TestUser;

interface Manifest {
  kind: string;
  metadata: { name: string; namespace: string; annotations: Record<string, string> };
}

async function desired(): Promise<Manifest[]> {
  const res = await t.as('viewer', { method: 'GET', url: '/api/v1/manifests' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: Manifest[] }>().items;
}

const hashOf = (o: { metadata: { annotations?: Record<string, string> } }) =>
  o.metadata.annotations?.['egress.example.com/content-hash'];

/** Index of the first request matching, or -1. */
function indexOf(requests: RequestInfo[], method: string, pathPart: string): number {
  return requests.findIndex((r) => r.method === method && r.path.includes(pathPart));
}

beforeAll(async () => {
  ({ kube, t, approver2 } = await startClusterFixture(cleanup));
  await settled(t.app, 60_000);
  await patchSettings(t, { gatewayNamespace: GW, enforcedNamespaces: ['team-a'] });
}, 180_000);

afterAll(() => cleanup.run());

describe('kubernetes target: apply, skip, prune', () => {
  it('a cold apply creates every desired object (gateways before policies before DNS); a resync then changes nothing', async () => {
    await createService(t, 'service.sync', 'team-a', 'sync');
    await createDestination(
      t,
      'github.com',
      [
        { port: 443, protocol: 'TCP' },
        { port: 22, protocol: 'TCP' },
      ],
      'sensitive',
    );
    await createDestination(t, 'ntp.example.org', [{ port: 123, protocol: 'UDP' }]);
    await settled(t.app, 60_000);
    // Everything above was applied by the runs those changes queued; start over from an empty gateway namespace view by
    // recording the run that creates the grants' policy and the port-wide policy.
    const recorder = recordRequests(t);
    await grant(t, approver2, 'service.sync', 'github.com', 443);
    await grant(t, approver2, 'service.sync', null, 8443);
    const cold = await reconcileNow(t);
    recorder.stop();
    expect(cold.status, cold.errors.join('\n')).toBe('succeeded');

    const want = await desired();
    expect(want.length).toBeGreaterThanOrEqual(2 * 6 + 3);
    for (const o of want) {
      const live = await getObject(kube, o.kind, o.metadata.namespace, o.metadata.name);
      expect(live, `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).not.toBeNull();
      expect(hashOf(live as LiveObject)).toBe(hashOf(o));
      expect(live?.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('egress-control');
    }
    for (const ns of [GW, 'team-a']) {
      const res = await kube.request<LiveObject>({ method: 'GET', path: `/api/v1/namespaces/${ns}` });
      expect(res.body.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('egress-control');
    }
    // The port-wide policy was written in the access-policy stage, after the gateway policy it joined.
    const writes = recorder.requests.filter((r) => r.mutating);
    const gatewayPolicy = indexOf(writes, 'PATCH', `/namespaces/${GW}/networkpolicies/github-com`);
    const portPolicy = indexOf(writes, 'PATCH', '/namespaces/team-a/networkpolicies/egress-port-8443');
    expect(gatewayPolicy).toBeGreaterThanOrEqual(0);
    expect(portPolicy).toBeGreaterThan(gatewayPolicy);

    const before = await managedVersions(kube);
    const resync = recordRequests(t);
    const started = Date.now();
    const again = await reconcileNow(t);
    const elapsed = Date.now() - started;
    resync.stop();
    expect(again.status).toBe('succeeded');
    expect(resync.requests.filter((r) => r.mutating)).toEqual([]);
    expect(resync.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(again.counts).toEqual({ created: 0, updated: 0, deleted: 0, unchanged: want.length, failed: 0 });
    expect(elapsed).toBeLessThan(2000);
    expect(await managedVersions(kube)).toEqual(before);
  });

  it('a new destination is written gateway NetworkPolicy first, ConfigMap before Deployment, DNS last', async () => {
    const recorder = recordRequests(t);
    const dest = await createDestination(t, 'api.stripe.com', [{ port: 443, protocol: 'TCP' }]);
    await settled(t.app, 60_000);
    const run = await reconcileNow(t); // the change's own run did the work; this one finds nothing to do
    recorder.stop();
    expect(run.counts.created + run.counts.updated + run.counts.deleted, JSON.stringify(run.objects)).toBe(0);
    const writes = recorder.requests.filter((r) => r.mutating);
    const at = (kind: string) => indexOf(writes, 'PATCH', `/${kind}/${dest.gatewayName}`);
    const order = [
      'networkpolicies',
      'configmaps',
      'services',
      'deployments',
      'horizontalpodautoscalers',
      'poddisruptionbudgets',
    ].map(at);
    expect(
      order.every((i) => i >= 0),
      JSON.stringify(writes.map((w) => w.path)),
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Not ready yet: no DNS entry, so the DNS ConfigMap was not touched for this gateway.
    const dns = await getObject(kube, 'ConfigMap', 'kube-system', 'egress-control-dns');
    expect((dns?.['data'] as Record<string, string>)[DNS_SNIPPET_KEY]).not.toContain('api.stripe.com');
  });

  it('a gateway that turns ready gets its DNS entry (readiness is watched between runs)', async () => {
    await markReady(kube, GW, 'api-stripe-com');
    const snippet = await until(
      'the DNS entry for api.stripe.com',
      async () => {
        const dns = await getObject(kube, 'ConfigMap', 'kube-system', 'egress-control-dns');
        const text = (dns?.['data'] as Record<string, string> | undefined)?.[DNS_SNIPPET_KEY] ?? '';
        return text.includes(' api.stripe.com\n') ? text : null;
        // The leader's readiness watch sees the status change and queues a run: well under a second when
        // idle; the long limit is for a loaded machine.
      },
      50_000,
    );
    const service = await getObject(kube, 'Service', GW, 'api-stripe-com');
    expect(snippet).toContain(`  ${service?.spec?.['clusterIP'] as string} api.stripe.com\n`);
  }, 60_000);

  it('deleting a destination removes its DNS entry first, then its gateway objects (reverse order); revoking a port-wide grant prunes its policy', async () => {
    await settled(t.app, 60_000);
    const list = await t.as('viewer', { method: 'GET', url: '/api/v1/destinations?q=stripe' });
    const id = list.json<{ items: { id: string }[] }>().items[0]?.id ?? '';
    const grants = await t.as('viewer', { method: 'GET', url: '/api/v1/grants?destination=*&state=active' });
    const portWide = grants
      .json<{ items: { id: string; port: number }[] }>()
      .items.find((g) => g.port === 8443);
    const recorder = recordRequests(t);
    // Both changes arrive while a run is going, so they land in the one run that follows it.
    const release = await holdARun(t);
    const del = await t.as('admin', { method: 'DELETE', url: `/api/v1/destinations/${id}?force=true` });
    expect(del.statusCode, del.body).toBe(204);
    const revoke = await t.as('approver', {
      method: 'POST',
      url: `/api/v1/grants/${portWide?.id ?? ''}/revoke`,
      payload: { reason: 'No longer needed by the tests.' },
    });
    expect(revoke.statusCode, revoke.body).toBe(200);
    release();
    await settled(t.app, 60_000);
    recorder.stop();
    const runs = await t.as('viewer', { method: 'GET', url: '/api/v1/reconcile/runs?limit=1' });
    const last = await getRun(t, runs.json<{ items: { id: string }[] }>().items[0]?.id ?? '');
    expect(last.status, JSON.stringify(last)).toBe('succeeded');
    expect(last.counts.deleted).toBe(7); // one run: six gateway objects and the port-wide policy

    for (const kind of GATEWAY_KINDS)
      expect(await getObject(kube, kind, GW, 'api-stripe-com'), kind).toBeNull();
    expect(await getObject(kube, 'NetworkPolicy', 'team-a', 'egress-port-8443-service-sync')).toBeNull();
    const dns = await getObject(kube, 'ConfigMap', 'kube-system', 'egress-control-dns');
    expect((dns?.['data'] as Record<string, string>)[DNS_SNIPPET_KEY]).not.toContain('api.stripe.com');

    const writes = recorder.requests.filter((r) => r.mutating);
    const dnsWrite = indexOf(writes, 'PATCH', '/namespaces/kube-system/configmaps/egress-control-dns');
    const deletes = [
      'poddisruptionbudgets',
      'horizontalpodautoscalers',
      'deployments',
      'services',
      'configmaps',
      'networkpolicies',
    ].map((k) => indexOf(writes, 'DELETE', `/${k}/api-stripe-com`));
    expect(dnsWrite, JSON.stringify(writes.map((w) => `${w.method} ${w.path}`))).toBeGreaterThanOrEqual(0);
    expect(deletes.every((i) => i > dnsWrite)).toBe(true);
    expect([...deletes].sort((a, b) => a - b)).toEqual(deletes);
    const policyDelete = indexOf(writes, 'DELETE', '/namespaces/team-a/networkpolicies/egress-port-8443');
    expect(policyDelete).toBeGreaterThan(dnsWrite);
    expect(policyDelete).toBeLessThan(Math.min(...deletes));
  });

  it('an object someone else created under one of our names is reported as a conflict naming its manager, and taken over once handed over', async () => {
    await kube.request({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } },
    });
    const theirs = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'egress-control-default-deny-internet', namespace: 'team-b' },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }],
      },
    };
    const path =
      '/apis/networking.k8s.io/v1/namespaces/team-b/networkpolicies/egress-control-default-deny-internet';
    const created = await kube.request({
      method: 'PATCH',
      path,
      query: { fieldManager: 'mallory' },
      body: theirs,
      contentType: 'application/apply-patch+yaml',
    });
    expect(created.status).toBe(201);

    await patchSettings(t, { enforcedNamespaces: ['team-a', 'team-b'] });
    await settled(t.app, 60_000);
    const run = await reconcileNow(t);
    expect(run.status).toBe('failed');
    const failedObject = run.objects.find((o) => o.action === 'failed');
    expect(failedObject).toMatchObject({
      kind: 'NetworkPolicy',
      namespace: 'team-b',
      name: 'egress-control-default-deny-internet',
    });
    expect(failedObject?.error).toMatch(
      /^conflict: .*\.spec\.egress.* managed by "mallory"; egress-control did not create this object/,
    );
    expect(run.errors).toHaveLength(1);
    expect(run.counts.failed).toBe(1);
    const live = await getObject(kube, 'NetworkPolicy', 'team-b', 'egress-control-default-deny-internet');
    expect(live?.spec?.['egress']).toEqual(theirs.spec.egress);

    const status = await t.as('viewer', { method: 'GET', url: '/api/v1/reconcile/status' });
    const drift = status.json<{ drift: { name: string; namespace: string; reason: string }[] }>().drift;
    expect(drift.find((d) => d.namespace === 'team-b')?.reason).toMatch(/^not managed: .*"mallory"/);

    // Handing it over (the label) makes it ours: the next run applies with force and reports what it reverted.
    const labelled = await kube.request({
      method: 'PATCH',
      path,
      query: { fieldManager: 'mallory' },
      body: { metadata: { labels: { 'app.kubernetes.io/managed-by': 'egress-control' } } },
      contentType: 'application/merge-patch+json',
    });
    expect(labelled.status).toBe(200);
    await settled(t.app, 60_000);
    const next = await reconcileNow(t);
    const after = await getObject(kube, 'NetworkPolicy', 'team-b', 'egress-control-default-deny-internet');
    const want = (await desired()).find((o) => o.metadata.namespace === 'team-b');
    expect(hashOf(after as LiveObject)).toBe(hashOf(want as Manifest));
    expect(after?.spec?.['egress']).not.toEqual(theirs.spec.egress);
    const runs = await t.as('viewer', { method: 'GET', url: '/api/v1/reconcile/runs?limit=20' });
    expect(runs.json<{ items: { status: string }[] }>().items[0]?.status).toBe('succeeded');
    expect(next.status).toBe('succeeded');
  });
});
