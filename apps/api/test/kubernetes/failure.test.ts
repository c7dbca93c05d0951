// The API server goes away in the middle of a run: the run is recorded failed with a readable reason,
// the API keeps serving, nothing in the database changes, the reconciler retries with backoff, and
// once the API server is back (same etcd, same port) a retry converges.
import type { ControlPlane } from '@egress/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KubeClient } from '../../src/reconcile/kube/client.ts';
import type { TestApp } from '../helpers/test-app.ts';
import {
  cleanups,
  createDestination,
  getObject,
  getRun,
  grantedGateway,
  reconcileNow,
  recordRequests,
  type RunDetail,
  startClusterFixture,
  targetOf,
  until,
} from './helpers.ts';

const GW = 'gw-failure';

const cleanup = cleanups();
let cp: ControlPlane;
let t: TestApp;
let kube: KubeClient;

/** Domain rows a reconcile must never touch (runs are its own records). */
async function domainSnapshot(): Promise<unknown> {
  const [destinations, services, grants, approvals, audit, settings] = await Promise.all([
    t.db.destination.findMany({ orderBy: { id: 'asc' }, include: { ports: { orderBy: { port: 'asc' } } } }),
    t.db.service.findMany({ orderBy: { id: 'asc' } }),
    t.db.grant.findMany({ orderBy: { id: 'asc' } }),
    t.db.grantApproval.findMany({ orderBy: { id: 'asc' } }),
    t.db.auditEvent.count(),
    t.db.setting.findMany({ orderBy: { key: 'asc' } }),
  ]);
  return { destinations, services, grants, approvals, audit, settings };
}

async function runsSince(startedAfter: Date): Promise<RunDetail[]> {
  const rows = await t.db.reconcileRun.findMany({
    where: { startedAt: { gt: startedAfter } },
    orderBy: { startedAt: 'asc' },
  });
  return Promise.all(rows.map((r) => getRun(t, r.id)));
}

beforeAll(async () => {
  const fixture = await startClusterFixture(cleanup);
  ({ cp, kube, t } = fixture);
  await grantedGateway(fixture, {
    gatewayNamespace: GW,
    namespace: 'payments',
    service: 'service.billing',
    app: 'billing',
    host: 'api.stripe.com',
  });
}, 180_000);

afterAll(() => cleanup.run());

describe('API server unreachable during a run', () => {
  it('fails the run readably, keeps the API serving and the database unchanged, retries, and converges once the server is back', async () => {
    // Stop the API server right before the next run's third write: two objects land, the rest cannot.
    // Armed first: the new destination's run starts as soon as it is committed.
    let writes = 0;
    let stopped: Promise<void> | null = null;
    const off = targetOf(t).client.onRequest(async (r) => {
      if (r.mutating && ++writes === 3) await (stopped ??= cp.stopApiserver());
    });
    const since = new Date();
    // A new destination gives that run writes to make.
    await createDestination(t, 'github.com', [{ port: 443, protocol: 'TCP' }]);
    const before = await domainSnapshot();
    await until(
      'the run to stop the API server',
      async () => (stopped ? stopped.then(() => true) : null),
      30_000,
    );
    const failedRun = await until(
      'a failed run',
      async () => (await runsSince(since)).find((r) => r.status === 'failed'),
      30_000,
    );
    off();

    expect(failedRun.errors).toHaveLength(1);
    const reason = failedRun.errors[0] ?? '';
    expect(reason).toMatch(
      /^cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:\d+: connection (refused|reset|closed)$/,
    );
    expect(reason).not.toMatch(/ECONN|Error|\n|at .*\.ts/);

    // The API keeps serving, status says why it cannot see the cluster.
    expect((await t.as('viewer', { method: 'GET', url: '/api/v1/destinations' })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const status = await t.as('viewer', { method: 'GET', url: '/api/v1/reconcile/status' });
    expect(status.statusCode, status.body).toBe(200);
    const body = status.json<{
      error: string | null;
      drift: unknown[];
      lastRun: { status: string } | null;
    }>();
    expect(body.error).toMatch(/^cannot reach the Kubernetes API server/);
    expect(body.lastRun?.status).toBe('failed');
    const manifests = await t.as('viewer', { method: 'GET', url: '/api/v1/manifests' });
    expect(manifests.statusCode).toBe(200);

    // Retries are queued with backoff and fail the same way while the server is down.
    const retry = await until(
      'a failed retry',
      async () => (await runsSince(since)).find((r) => r.trigger === 'retry' && r.status === 'failed'),
      30_000,
    );
    expect(retry.errors[0]).toMatch(/^cannot reach the Kubernetes API server/);
    expect(await domainSnapshot()).toEqual(before);

    const restartedAt = new Date();
    await cp.startApiserver();
    const converged = await until(
      'a retry that succeeds',
      async () => (await runsSince(restartedAt)).find((r) => r.status === 'succeeded'),
      90_000,
    );
    expect(converged.trigger).toBe('retry');
    expect(await getObject(kube, 'Deployment', GW, 'github-com')).not.toBeNull();
    expect(await getObject(kube, 'PodDisruptionBudget', GW, 'github-com')).not.toBeNull();
    expect(await domainSnapshot()).toEqual(before);

    const recorder = recordRequests(t);
    const calm = await reconcileNow(t);
    recorder.stop();
    expect(calm.status).toBe('succeeded');
    expect(recorder.requests.filter((r) => r.mutating)).toEqual([]);
  }, 180_000);
});
