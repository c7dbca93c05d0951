// Gateway readiness from a watch (Target.watchReadiness) on a real kube-apiserver: a gateway Deployment
// whose status turns ready (patched through the status subresource, as the deployment controller
// would) is reported without any further request; a watch whose version the server no longer has
// (a real 410 Gone) and a watch cut by an API server restart both recover by listing again, and report
// the change they missed. The API server's own audit log counts the same requests as the client.
import { type ControlPlane, countRequests, readAuditLog, selectRequests } from '@egress/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Readiness } from '../../src/reconcile/desired-state.ts';
import type { KubeClient, RequestInfo } from '../../src/reconcile/kube/client.ts';
import { kindInfo, objectPath } from '../../src/reconcile/kube/resources.ts';
import { watchCollection } from '../../src/reconcile/kube/watch.ts';
import { createKubernetesTarget } from '../../src/reconcile/targets/kubernetes.ts';
import type { ReadinessWatch } from '../../src/reconcile/targets/target.ts';
import { adminClient, cleanups, markReady, startCluster, until } from './helpers.ts';

const GW = 'gw-readiness';
const scope = { gatewayNamespace: GW, dnsNamespace: 'kube-system', namespaces: [GW, 'kube-system'] };
const silentLog = { debug: () => undefined };

const cleanup = cleanups();
let cp: ControlPlane;
let kube: KubeClient;

async function createGatewayDeployment(
  name: string,
  labels: Record<string, string> = {
    'app.kubernetes.io/managed-by': 'egress-control',
    'app.kubernetes.io/component': 'gateway',
  },
): Promise<void> {
  const res = await kube.request({
    method: 'POST',
    path: `/apis/apps/v1/namespaces/${GW}/deployments`,
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'envoy', image: 'envoyproxy/envoy:v1.36.0' }] },
        },
      },
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function markUnready(name: string): Promise<void> {
  const info = kindInfo('Deployment');
  if (!info) throw new Error('no Deployment kind');
  const res = await kube.request({
    method: 'PATCH',
    path: `${objectPath(info, GW, name)}/status`,
    body: { status: { readyReplicas: 0, availableReplicas: 0 } },
    contentType: 'application/merge-patch+json',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** A target on its own client (so its requests can be told apart), recording readiness reports. */
function watchedTarget(client: KubeClient = adminClient(cp)) {
  const target = createKubernetesTarget(client);
  const reports: Readiness[] = [];
  const requests: RequestInfo[] = [];
  client.onRequest((r) => {
    requests.push(r);
  });
  cleanup.add(() => client.close());
  return { target, client, reports, requests };
}

const deploymentRequests = (requests: RequestInfo[]) =>
  requests
    .filter((r) => r.path.endsWith('/deployments'))
    .map((r) => (r.query['watch'] === '1' ? 'watch' : 'list'));

beforeAll(async () => {
  cp = await startCluster({ auditLog: true });
  cleanup.add(() => cp.stop());
  kube = adminClient(cp);
  cleanup.add(() => kube.close());
  const ns = await kube.request({
    method: 'POST',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: GW } },
  });
  expect(ns.status, JSON.stringify(ns.body)).toBe(201);
  await createGatewayDeployment('api-stripe-com');
  // Not ours (no managed-by label): never reported, however ready.
  await createGatewayDeployment('someone-elses', { 'app.kubernetes.io/component': 'gateway' });
  await markReady(kube, GW, 'someone-elses');
}, 120_000);

afterAll(() => cleanup.run());

describe('gateway readiness from a watch', () => {
  let watch: ReadinessWatch;
  let w: ReturnType<typeof watchedTarget>;
  let oldVersion = '';

  async function deploymentsVersion(): Promise<string> {
    const res = await kube.request<{ metadata: { resourceVersion: string } }>({
      method: 'GET',
      path: `/apis/apps/v1/namespaces/${GW}/deployments`,
    });
    return res.body.metadata.resourceVersion;
  }

  it('reports the readiness once listed, then a gateway turning ready through the status subresource, with no request but the open watch', async () => {
    w = watchedTarget();
    watch = w.target.watchReadiness?.(scope, (r) => w.reports.push(r), { log: silentLog }) as ReadinessWatch;
    cleanup.add(() => watch.stop());
    await until('the first list', async () => w.reports.length === 1);
    expect(w.reports).toEqual([{ 'api-stripe-com': false }]);
    await until('the watch request', async () => deploymentRequests(w.requests).length === 2);
    expect(deploymentRequests(w.requests)).toEqual(['list', 'watch']);

    await markReady(kube, GW, 'api-stripe-com');
    await until('the readiness change', async () => w.reports.length === 2, 10_000);
    expect(w.reports[1]).toEqual({ 'api-stripe-com': true });
    // observeReadiness answers from the watch while it is in sync: no list.
    expect(await w.target.observeReadiness(scope)).toEqual({ 'api-stripe-com': true });
    expect(deploymentRequests(w.requests)).toEqual(['list', 'watch']);
  });

  it('reports only changes of the ready set: a new gateway that is not ready, or a status change that keeps it ready, is not reported', async () => {
    await createGatewayDeployment('hooks-github-com');
    await markReady(kube, GW, 'api-stripe-com', 2);
    await markReady(kube, GW, 'hooks-github-com');
    await until('hooks-github-com ready', async () => w.reports.length === 3, 10_000);
    expect(w.reports[2]).toEqual({ 'api-stripe-com': true, 'hooks-github-com': true });
    await markUnready('api-stripe-com');
    await until('api-stripe-com unready', async () => w.reports.length === 4, 10_000);
    expect(w.reports[3]).toEqual({ 'api-stripe-com': false, 'hooks-github-com': true });
    expect(deploymentRequests(w.requests)).toEqual(['list', 'watch']);
  });

  it('the API server audit log counts the same requests for the watch as the client did', async () => {
    const audit = selectRequests(await readAuditLog(cp.auditLogPath ?? ''), {
      username: 'egress-test-admin',
    }).filter((r) => r.resource === 'deployments' && r.uri.includes('egress-control'));
    const counts = countRequests(audit);
    expect(counts.byVerbResource).toEqual([
      ['list deployments', 1],
      ['watch deployments', 1],
    ]);
    expect(counts.mutating).toBe(0);
  });

  it('a watch cut by an API server restart recovers: it lists again once the server is back and reports what changed', async () => {
    await watch.stop();
    const r = watchedTarget();
    const restarted = r.target.watchReadiness?.(scope, (x) => r.reports.push(x), {
      log: silentLog,
    }) as ReadinessWatch;
    cleanup.add(() => restarted.stop());
    await until('the first list', async () => r.reports.length === 1);
    expect(r.reports[0]).toEqual({ 'api-stripe-com': false, 'hooks-github-com': true });
    // A version from before the restart: the restarted server's watch cache starts later (see below).
    oldVersion = await deploymentsVersion();
    await markReady(kube, GW, 'someone-elses', 2);
    await markReady(kube, GW, 'someone-elses', 3);
    await cp.stopApiserver();
    await cp.startApiserver();
    await markUnready('hooks-github-com');
    await until('the change after the restart', async () => r.reports.length === 2, 40_000);
    expect(r.reports[1]).toEqual({ 'api-stripe-com': false, 'hooks-github-com': false });
    await restarted.stop();
  }, 90_000);

  it('a watch whose version the server no longer has (410 Gone) lists again and reports the change it missed', async () => {
    const client = adminClient(cp);
    // The first watch asks for a version from before the API server restarted, older than anything its
    // watch cache holds, so the real API server answers 410 Gone; meanwhile (between the list and the
    // watch) a gateway turns ready, which only the re-list can find.
    let held = true;
    const gone: KubeClient = {
      ...client,
      async stream(req, onObject) {
        if (!held) return client.stream(req, onObject);
        held = false;
        await markReady(kube, GW, 'api-stripe-com');
        return client.stream({ ...req, query: { ...req.query, resourceVersion: oldVersion } }, onObject);
      },
    };
    const g = watchedTarget(client);
    const again = createKubernetesTarget(gone).watchReadiness?.(scope, (r) => g.reports.push(r), {
      log: silentLog,
    }) as ReadinessWatch;
    cleanup.add(() => again.stop());
    await until('the re-list after 410', async () => g.reports.length === 2, 10_000);
    expect(g.reports).toEqual([
      { 'api-stripe-com': false, 'hooks-github-com': false },
      { 'api-stripe-com': true, 'hooks-github-com': false },
    ]);
    await until('the watch after the re-list', async () => deploymentRequests(g.requests).length === 4);
    expect(deploymentRequests(g.requests)).toEqual(['list', 'watch', 'list', 'watch']);
    await again.stop();
  });
});

describe('the generic collection watch', () => {
  it('a watch the server ends (timeoutSeconds) is opened again from its last version, without a new list', async () => {
    const client = adminClient(cp);
    cleanup.add(() => client.close());
    const requests: RequestInfo[] = [];
    client.onRequest((r) => {
      requests.push(r);
    });
    const changes: string[][] = [];
    const path = `/apis/apps/v1/namespaces/${GW}/deployments`;
    const watch = watchCollection(
      client,
      { path, project: () => true, what: 'deployments', log: silentLog, timeoutSeconds: 1 },
      (c) => changes.push(c.added),
    );
    cleanup.add(() => watch.stop());
    await until(
      'three watch requests',
      async () => requests.filter((q) => q.query['watch'] === '1').length >= 3,
      15_000,
    );
    await watch.stop();
    expect(requests.filter((q) => q.query['watch'] !== '1')).toHaveLength(1);
    expect(changes).toEqual([['api-stripe-com', 'hooks-github-com', 'someone-elses']]);
  }, 30_000);
});
