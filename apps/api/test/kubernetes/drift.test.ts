// Drift: someone edits, adds to, deletes or copies our objects with another field manager. The status
// endpoint names what changed and who changed it; the next run puts the desired state back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KubeClient } from '../../src/reconcile/kube/client.ts';
import type { LiveObject } from '../../src/reconcile/kube/resources.ts';
import type { TestApp } from '../helpers/test-app.ts';
import {
  cleanups,
  editAs,
  getObject,
  grantedGateway,
  markReady,
  openToEveryPod,
  reconcileNow,
  recordRequests,
  startClusterFixture,
} from './helpers.ts';

const GW = 'gw-drift';
const DEPLOY_PATH = `/apis/apps/v1/namespaces/${GW}/deployments/github-com`;

const cleanup = cleanups();
let t: TestApp;
let kube: KubeClient;

interface Status {
  target: string;
  leader: boolean;
  lastRun: { status: string } | null;
  error: string | null;
  drift: { kind: string; namespace: string | null; name: string; reason: string }[];
  gateways: {
    destination: string;
    gatewayName: string;
    readyReplicas: number;
    desiredReplicas: number;
    ready: boolean;
  }[];
}

async function status(): Promise<Status> {
  const res = await t.as('viewer', { method: 'GET', url: '/api/v1/reconcile/status' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Status>();
}

beforeAll(async () => {
  // No automatic runs between the edits and the status check: the edits go to the cluster, not through
  // the API (no change queues a run), and the periodic resync is minutes away.
  const fixture = await startClusterFixture(cleanup);
  ({ kube, t } = fixture);
  await grantedGateway(fixture, {
    gatewayNamespace: GW,
    namespace: 'apps',
    service: 'service.ci',
    app: 'ci',
    host: 'github.com',
  });
}, 180_000);

afterAll(() => cleanup.run());

/** Four kinds of edit by others; returns the gateway NetworkPolicy as it was before. */
async function editAsOthers(): Promise<LiveObject | null> {
  const npBefore = await getObject(kube, 'NetworkPolicy', GW, 'github-com');
  // 1. "mallory" opens the gateway to every pod (server-side apply, forced: takes .spec.ingress over).
  await openToEveryPod(kube, GW, 'github-com');
  // 2. "kubectl-edit" adds fields we never set (plain updates: server-side apply alone would keep them):
  //    a second container in the gateway pods, and an external IP on its Service (traffic interception).
  const sidecar = { name: 'sidecar', image: 'registry.example.com/tools:1.0' };
  const containers = (await getObject(kube, 'Deployment', GW, 'github-com'))?.spec?.['template'] as {
    spec: { containers: unknown[] };
  };
  const gateway = (kind: string) => ({ kind, namespace: GW, name: 'github-com' });
  await editAs(kube, 'kubectl-edit', gateway('Deployment'), {
    merge: { spec: { template: { spec: { containers: [...containers.spec.containers, sidecar] } } } },
  });
  await editAs(kube, 'kubectl-edit', gateway('Service'), {
    merge: { spec: { externalIPs: ['203.0.113.10'] } },
  });
  // 3. Someone deletes the PDB, and 4. leaves a stray object with our label.
  expect(
    (
      await kube.request({
        method: 'DELETE',
        path: `/apis/policy/v1/namespaces/${GW}/poddisruptionbudgets/github-com`,
      })
    ).status,
  ).toBe(200);
  const stray = await kube.request({
    method: 'POST',
    path: `/api/v1/namespaces/${GW}/configmaps`,
    body: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'stray',
        namespace: GW,
        labels: { 'app.kubernetes.io/managed-by': 'egress-control' },
      },
      data: {},
    },
  });
  expect(stray.status).toBe(201);
  return npBefore;
}

async function expectRepaired(npBefore: LiveObject | null): Promise<void> {
  const repaired = await getObject(kube, 'NetworkPolicy', GW, 'github-com');
  expect(repaired?.spec?.['ingress']).toEqual(npBefore?.spec?.['ingress']);
  const deployment = await getObject(kube, 'Deployment', GW, 'github-com');
  expect(
    (deployment?.spec?.['template'] as { spec: { containers: { name: string }[] } }).spec.containers.map(
      (c) => c.name,
    ),
  ).toEqual(['envoy']);
  expect((await getObject(kube, 'Service', GW, 'github-com'))?.spec?.['externalIPs']).toBeUndefined();
  expect(await getObject(kube, 'PodDisruptionBudget', GW, 'github-com')).not.toBeNull();
  expect(await getObject(kube, 'ConfigMap', GW, 'stray')).toBeNull();
  expect((await status()).drift).toEqual([]);
}

describe('drift', () => {
  it('reports none when the cluster matches, with gateway readiness', async () => {
    const before = await status();
    expect(before).toMatchObject({ target: 'kubernetes', leader: true, error: null, drift: [] });
    expect(before.lastRun?.status).toBe('succeeded');
    expect(before.gateways).toEqual([
      {
        destination: 'github.com',
        gatewayName: 'github-com',
        readyReplicas: 0,
        desiredReplicas: 1,
        ready: false,
      },
    ]);
    await markReady(kube, GW, 'github-com', 2);
    const ready = await status();
    expect(ready.gateways[0]).toMatchObject({ readyReplicas: 2, ready: true });
    // Ready now, so the desired DNS ConfigMap has a rewrite the cluster does not have yet.
    expect(ready.drift.map((d) => `${d.kind} ${d.name}: ${d.reason.split(':')[0] ?? ''}`)).toEqual([
      'ConfigMap egress-control-dns: outdated',
    ]);
    await reconcileNow(t);
    expect((await status()).drift).toEqual([]);
  });

  it('detects edits by other field managers (annotation untouched), names them, and the next run repairs them', async () => {
    const npBefore = await editAsOthers();
    const np = await getObject(kube, 'NetworkPolicy', GW, 'github-com');
    expect(np?.metadata.annotations).toEqual(npBefore?.metadata.annotations);

    const drift = (await status()).drift;
    const reasonOf = (kind: string, name: string) =>
      drift.find((d) => d.kind === kind && d.name === name)?.reason;
    // The compiled policy has two rules (the grant, then the metrics port): mallory's one-rule list replaces the list.
    expect(reasonOf('NetworkPolicy', 'github-com')).toMatch(
      /^modified by another field manager: \.spec\.ingress changed by "mallory"/,
    );
    expect(reasonOf('Deployment', 'github-com')).toBe(
      'modified by another field manager: .spec.template.spec.containers[1] added by "kubectl-edit"',
    );
    // The API server defaulted externalTrafficPolicy in the same update, so it is theirs too (and removed).
    expect(reasonOf('Service', 'github-com')).toMatch(
      /^modified by another field manager: \.spec\.externalIPs added by "kubectl-edit"/,
    );
    expect(reasonOf('PodDisruptionBudget', 'github-com')).toBe('missing: not in the cluster');
    expect(reasonOf('ConfigMap', 'stray')).toBe('extra: managed by egress-control but no longer desired');
    expect(drift).toHaveLength(5);

    const run = await reconcileNow(t);
    expect(run.status, run.errors.join('\n')).toBe('succeeded');
    expect(run.counts).toMatchObject({ created: 1, updated: 3, deleted: 1, failed: 0 });
    expect(run.objects.find((o) => o.kind === 'NetworkPolicy')?.drift).toContain('"mallory"');
    expect(run.objects.find((o) => o.kind === 'Deployment')?.drift).toContain('containers[1]');

    await expectRepaired(npBefore);

    // Repaired for good: the next resync writes nothing (our JSON patch left no foreign-looking owner).
    const recorder = recordRequests(t);
    const calm = await reconcileNow(t);
    recorder.stop();
    expect(calm.counts.unchanged).toBeGreaterThan(0);
    expect(recorder.requests.filter((r) => r.mutating)).toEqual([]);
  });

  it('an edited content-hash annotation shows as outdated and is rewritten', async () => {
    const res = await kube.request({
      method: 'PATCH',
      path: DEPLOY_PATH,
      query: { fieldManager: 'kubectl-annotate' },
      body: { metadata: { annotations: { 'egress.example.com/content-hash': 'forged' } } },
      contentType: 'application/merge-patch+json',
    });
    expect(res.status).toBe(200);
    expect((await status()).drift).toEqual([
      {
        kind: 'Deployment',
        namespace: GW,
        name: 'github-com',
        reason: expect.stringMatching(/^outdated: /) as unknown,
      },
    ]);
    const run = await reconcileNow(t);
    expect(run.counts.updated).toBe(1);
    expect((await status()).drift).toEqual([]);
  });

  it('a replica count set by the HPA (scale subresource) or kubectl scale is not drift', async () => {
    const res = await kube.request({
      method: 'PATCH',
      path: `${DEPLOY_PATH}/scale`,
      query: { fieldManager: 'kube-controller-manager' },
      body: { spec: { replicas: 4 } },
      contentType: 'application/merge-patch+json',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const s = await status();
    expect(s.drift).toEqual([]);
    expect(s.gateways[0]?.desiredReplicas).toBe(4);
  });
});
