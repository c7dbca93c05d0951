// The pod address index against a real kube-apiserver. There is no kubelet: pods are created as API
// objects and their addresses written through the status subresource (podIPs), as the kubelet would.
// The index follows a watch on every namespace's pods: an address appears with its pod, follows a
// label change, is kept for late lines after the pod is deleted (and only for times before that), and
// when a new pod reuses the address each connection goes to the pod that held it when it started.
// Host-network and finished pods hold no address. End to end: the app with the kubernetes target
// attributes an ingested gateway line to the registered service through its own pod watch.
import type { ConnectionIngestResult, Destination } from '@egress/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KubeClient } from '../../src/reconcile/kube/client.ts';
import { type PodWatch, watchPods } from '../../src/reconcile/kube/pod-watch.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { cleanups, startClusterFixture, until } from './helpers.ts';

const NS = 'shop';
const OTHER = 'billing';
const silentLog = { debug: () => undefined };

const cleanup = cleanups();
let t: TestApp;
let kube: KubeClient;
let watch: PodWatch;

async function createPod(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  spec: Record<string, unknown> = {},
): Promise<void> {
  const res = await kube.request({
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/pods`,
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels },
      spec: { ...spec, containers: [{ name: 'app', image: 'registry.example.com/app:1' }] },
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

/** What the kubelet would report once the pod's sandbox has its addresses. */
async function patchStatus(namespace: string, name: string, status: Record<string, unknown>): Promise<void> {
  const res = await kube.request({
    method: 'PATCH',
    path: `/api/v1/namespaces/${namespace}/pods/${name}/status`,
    body: { status },
    contentType: 'application/merge-patch+json',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

const running = (...ips: string[]) => ({
  phase: 'Running',
  podIP: ips[0],
  podIPs: ips.map((ip) => ({ ip })),
});

async function deletePod(namespace: string, name: string): Promise<void> {
  const res = await kube.request({
    method: 'DELETE',
    path: `/api/v1/namespaces/${namespace}/pods/${name}`,
    query: { gracePeriodSeconds: '0' },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

const holder = (ip: string, at = Date.now()) => watch.index.lookup(ip, at)?.key ?? null;

beforeAll(async () => {
  ({ kube, t } = await startClusterFixture(cleanup));
  for (const ns of [NS, OTHER]) {
    const res = await kube.request({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    });
    expect(res.status).toBe(201);
  }
  watch = watchPods(kube, { log: silentLog });
  cleanup.add(() => watch.stop());
  await until('the pod watch has its first list', () => Promise.resolve(watch.ready()));
}, 120_000);
afterAll(async () => cleanup.run());

describe('pod address index (harness kube-apiserver)', () => {
  it('indexes a pod under each of its addresses once its status carries them, and follows a label change', async () => {
    await createPod(NS, 'web-1', { app: 'web' }, { serviceAccountName: 'web-sa' });
    await patchStatus(NS, 'web-1', running('10.244.1.10', 'fd00:10:244:1::a'));
    await until('the index has web-1', () => Promise.resolve(holder('10.244.1.10') === `${NS}/web-1`));
    expect(watch.index.lookup('fd00:10:244:1::a', Date.now())).toEqual({
      key: `${NS}/web-1`,
      namespace: NS,
      labels: { app: 'web' },
      serviceAccount: 'web-sa',
    });
    // Same name in another namespace: a separate pod.
    await createPod(OTHER, 'web-1', { app: 'invoices' });
    await patchStatus(OTHER, 'web-1', running('10.244.2.10'));
    await until('the index has billing/web-1', () =>
      Promise.resolve(holder('10.244.2.10') === `${OTHER}/web-1`),
    );
    expect(watch.index.lookup('10.244.2.10', Date.now())?.serviceAccount).toBe('default');

    const res = await kube.request({
      method: 'PATCH',
      path: `/api/v1/namespaces/${NS}/pods/web-1`,
      body: { metadata: { labels: { app: 'web', tier: 'frontend' } } },
      contentType: 'application/merge-patch+json',
    });
    expect(res.status).toBe(200);
    await until('the label change is seen', () =>
      Promise.resolve(watch.index.lookup('10.244.1.10', Date.now())?.labels['tier'] === 'frontend'),
    );
  });

  it('keeps a deleted pod for connections that started before its deletion, and gives a reused address to the pod that held it then', async () => {
    await createPod(NS, 'old', { app: 'old' });
    await patchStatus(NS, 'old', running('10.244.3.3'));
    await until('the index has old', () => Promise.resolve(holder('10.244.3.3') === `${NS}/old`));
    const whileOld = Date.now();
    await new Promise((r) => setTimeout(r, 20));

    await deletePod(NS, 'old');
    await until('the deletion is seen', () => Promise.resolve(holder('10.244.3.3') === null));
    expect(holder('10.244.3.3', whileOld)).toBe(`${NS}/old`);

    await createPod(NS, 'new', { app: 'new' });
    await patchStatus(NS, 'new', running('10.244.3.3'));
    await until('the index has new', () => Promise.resolve(holder('10.244.3.3') === `${NS}/new`));
    expect(holder('10.244.3.3', whileOld)).toBe(`${NS}/old`);
    expect(holder('10.244.3.3')).toBe(`${NS}/new`);
  });

  it('does not index host-network pods, and ends a pod that finished', async () => {
    await createPod(NS, 'node-agent', { app: 'agent' }, { hostNetwork: true });
    await patchStatus(NS, 'node-agent', running('172.18.0.2'));
    await createPod(NS, 'job', { app: 'job' });
    await patchStatus(NS, 'job', running('10.244.4.4'));
    await until('the index has job', () => Promise.resolve(holder('10.244.4.4') === `${NS}/job`));
    expect(holder('172.18.0.2')).toBeNull();

    await patchStatus(NS, 'job', { phase: 'Succeeded' });
    await until('the finished pod is ended', () => Promise.resolve(holder('10.244.4.4') === null));
  });

  it('end to end: the app attributes an ingested connection line to the registered service through its own pod watch', async () => {
    const svc = await t.factories.service({ namespace: NS, selector: { matchLabels: { app: 'checkout' } } });
    const dest: Destination = await t.factories.destination();
    await createPod(NS, 'checkout-1', { app: 'checkout' });
    await patchStatus(NS, 'checkout-1', running('10.244.5.5'));
    const tokenRes = await t.as('admin', {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'collector', scopes: ['usage.ingest'] },
    });
    const token = tokenRes.json<{ token: string }>().token;
    const line = {
      v: '1',
      start_time: new Date().toISOString(),
      duration_ms: 10,
      gateway: dest.gatewayName,
      destination: dest.host,
      protocol: 'TCP',
      listener_port: 443,
      source_address: '10.244.5.5',
      source_port: 50000,
      upstream_host: null,
      bytes_sent: 1,
      bytes_received: 2,
      response_flags: '-',
    };
    // The app's watch sees the pod a moment after the patch: until then the line would be unattributed,
    // so the test waits for the index rather than sending early (each attempt is a new connection).
    const result = await until('the line is attributed', async () => {
      line.source_port++;
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/gateway-connections',
        headers: { authorization: `Bearer ${token}` },
        payload: [line],
      });
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json<ConnectionIngestResult>();
      return body.unattributed === 0 ? body : null;
    });
    expect(result.accepted).toBe(1);
    const rows = await t.db.gatewayUsageHourly.findMany({ where: { destinationId: dest.id } });
    expect(rows.filter((r) => r.sourceKey === `service:${svc.id}`)).toHaveLength(1);
  });
});
