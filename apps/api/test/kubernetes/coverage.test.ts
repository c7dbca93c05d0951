// Enforcement mode "all" against a real kube-apiserver: every namespace but the excluded ones, the
// gateway namespace and the product's own gets the default-deny-internet policy; a namespace created
// afterwards gets it from the one run its creation triggers (the leader's namespace watch), with no
// resync or manual run; GET /coverage reports the cluster's namespaces as the compiler sees them.
import { DEFAULT_DENY_NAME } from '@egress/manifests';
import type { Coverage } from '@egress/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KubeClient } from '../../src/reconcile/kube/client.ts';
import { settled } from '../helpers/reconcile.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { cleanups, createService, getObject, patchSettings, startClusterFixture, until } from './helpers.ts';

const PRODUCT_NS = 'egress-control';
const GW = 'egress-gateways';
const SYSTEM = ['kube-node-lease', 'kube-public', 'kube-system'];

const cleanup = cleanups();
let t: TestApp;
let kube: KubeClient;

async function createNamespace(name: string): Promise<void> {
  const res = await kube.request({
    method: 'POST',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

const hasDeny = async (namespace: string) =>
  (await getObject(kube, 'NetworkPolicy', namespace, DEFAULT_DENY_NAME)) !== null;

async function runs(): Promise<{ id: string; trigger: string; status: string }[]> {
  const rows = await t.db.reconcileRun.findMany({ orderBy: [{ startedAt: 'asc' }, { id: 'asc' }] });
  return rows.map((r) => ({ id: r.id, trigger: r.trigger, status: r.status }));
}

async function coverage(): Promise<Coverage> {
  const res = await t.as('viewer', { method: 'GET', url: '/api/v1/coverage' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Coverage>();
}

beforeAll(async () => {
  // No periodic resync within the test: only the namespace watch can bring the new namespace its policy.
  ({ kube, t } = await startClusterFixture(cleanup, {
    EGRESS_NAMESPACE: PRODUCT_NS,
    EGRESS_RESYNC_INTERVAL_SECONDS: '86400',
  }));
  await settled(t.app, 60_000);
  for (const ns of [PRODUCT_NS, GW, 'team-a', 'team-b']) await createNamespace(ns);
  await createService(t, 'service.shop', 'team-a', 'shop');
}, 180_000);

afterAll(() => cleanup.run());

describe('enforcement mode "all" on a cluster', () => {
  it('the list mode (the default) leaves unlisted namespaces open, as before', async () => {
    await settled(t.app, 60_000);
    const c = await coverage();
    expect(c).toMatchObject({ mode: 'listed', source: 'cluster', note: null, enforced: 0 });
    for (const ns of ['default', 'team-a', 'team-b']) expect(await hasDeny(ns), ns).toBe(false);
  });

  it('writes the default-deny policy into every namespace but the excluded, gateway and product ones', async () => {
    await patchSettings(t, { enforcementMode: 'all' });
    await settled(t.app, 60_000);
    for (const ns of ['default', 'team-a', 'team-b']) expect(await hasDeny(ns), ns).toBe(true);
    for (const ns of [...SYSTEM, GW, PRODUCT_NS]) expect(await hasDeny(ns), ns).toBe(false);
  });

  it('gives a namespace created later its policy from the one run its creation queues', async () => {
    const before = await runs();
    await createNamespace('team-later');
    await until('the policy in team-later', () => hasDeny('team-later'), 20_000);
    await settled(t.app, 60_000);
    const since = (await runs()).slice(before.length);
    expect(since).toEqual([
      {
        id: expect.any(String) as string,
        trigger: 'change: namespace created: team-later',
        status: 'succeeded',
      },
    ]);
  });

  it('reports each namespace of the cluster, why it is or is not enforced, and its services', async () => {
    const c = await coverage();
    expect(c).toMatchObject({ mode: 'all', source: 'cluster', note: null });
    const byName = new Map(c.namespaces.map((n) => [n.namespace, n]));
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining(['default', 'team-a', 'team-b', 'team-later', ...SYSTEM, GW, PRODUCT_NS]),
    );
    expect(byName.get('team-a')).toMatchObject({
      enforced: true,
      reason: 'allNamespaces',
      services: [{ name: 'service.shop' }],
    });
    expect(byName.get('kube-system')).toMatchObject({ enforced: false, reason: 'excluded' });
    expect(byName.get(GW)).toMatchObject({ enforced: false, reason: 'gatewayNamespace' });
    expect(byName.get(PRODUCT_NS)).toMatchObject({ enforced: false, reason: 'productNamespace' });
    // What the coverage says is what the cluster holds.
    for (const n of c.namespaces) expect(await hasDeny(n.namespace), n.namespace).toBe(n.enforced);
    expect(c.enforced).toBe(c.namespaces.filter((n) => n.enforced).length);
  });

  it('back to the list: the policies outside it are removed, the listed one stays', async () => {
    await patchSettings(t, { enforcementMode: 'listed', enforcedNamespaces: ['team-b'] });
    await settled(t.app, 60_000);
    expect(await hasDeny('team-b')).toBe(true);
    for (const ns of ['default', 'team-a', 'team-later']) expect(await hasDeny(ns), ns).toBe(false);
    // In the list mode a new namespace queues no run.
    const before = await runs();
    await createNamespace('team-unlisted');
    await new Promise((r) => setTimeout(r, 1500));
    await settled(t.app, 60_000);
    expect((await runs()).slice(before.length)).toEqual([]);
    expect(await hasDeny('team-unlisted')).toBe(false);
  });
});
