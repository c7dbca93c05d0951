// Drift as a security event (issue 18), against the harness kube-apiserver: someone edits a gateway
// NetworkPolicy with another field manager, or deletes it; the next run puts it back, and the audit log
// names the object, the field manager and the restored fields; a drift alert is raised and a webhook
// subscribed to reconcile.drift gets it. The health strip shows the drift while it lasts, and an
// approver's Re-apply heals it (audited).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KubeClient } from '../../src/reconcile/kube/client.ts';
import { settled } from '../helpers/reconcile.ts';
import type { TestApp, TestUser } from '../helpers/test-app.ts';
import { type Receiver, startReceiver } from '../helpers/webhook-receiver.ts';
import {
  cleanups,
  createDestination,
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
  until,
} from './helpers.ts';

const GW = 'gw-drift-event';
const NP_PATH = `/apis/networking.k8s.io/v1/namespaces/${GW}/networkpolicies/github-com`;
const OBJECT_ID = `NetworkPolicy/${GW}/github-com`;
const POLICY = { kind: 'NetworkPolicy', namespace: GW, name: 'github-com' };

const cleanup = cleanups();
let t: TestApp;
let kube: KubeClient;
let approver2: TestUser;
let receiver: Receiver;
let github: string;

interface AuditRow {
  action: string;
  targetId: string | null;
  after: Record<string, unknown>;
}

async function auditFor(action: string, since: bigint): Promise<AuditRow[]> {
  const rows = await t.db.auditEvent.findMany({
    where: { action, seq: { gt: since } },
    orderBy: { seq: 'asc' },
  });
  return rows.map((r) => ({
    action: r.action,
    targetId: r.targetId,
    after: r.after as Record<string, unknown>,
  }));
}

async function head(): Promise<bigint> {
  const last = await t.db.auditEvent.findFirst({ orderBy: { seq: 'desc' } });
  return last?.seq ?? 0n;
}

interface Strip {
  drift: {
    state: string;
    objects: { kind: string; name: string; reason: string }[];
    healed: { kind: string; name: string; managers: string[]; change: string }[];
  };
}

async function strip(): Promise<Strip> {
  const res = await t.as('approver', { method: 'GET', url: '/api/v1/dashboard/health' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Strip>();
}

beforeAll(async () => {
  receiver = await startReceiver();
  cleanup.add(() => receiver.close());
  const fixture = await startClusterFixture(cleanup, { EGRESS_WEBHOOK_ALLOW_PRIVATE: 'true' });
  ({ kube, t, approver2 } = fixture);
  ({ id: github } = await grantedGateway(fixture, {
    gatewayNamespace: GW,
    namespace: 'apps',
    service: 'service.ci',
    app: 'ci',
    host: 'github.com',
  }));
  const hook = await t.as('admin', {
    method: 'POST',
    url: '/api/v1/webhooks',
    payload: { name: 'security', url: receiver.url('security'), events: ['reconcile.drift'] },
  });
  expect(hook.statusCode, hook.body).toBe(201);
}, 180_000);

afterAll(() => cleanup.run());

describe('drift as a security event', () => {
  it('a run that finds nothing changed audits nothing and asks the API server nothing more', async () => {
    const before = await head();
    const recorder = recordRequests(t);
    const calm = await reconcileNow(t);
    recorder.stop();
    expect(calm.counts).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
    // The usual resync: one list per kind plus the namespaces, nothing else (no per-object GET for managedFields).
    expect(recorder.requests.filter((r) => r.mutating)).toEqual([]);
    expect(recorder.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(await auditFor('reconcile.drift_detected', before)).toEqual([]);
  });

  it('an edit by another field manager: audited (object, manager, fields), alerted, announced, healed', async () => {
    const npBefore = await getObject(kube, 'NetworkPolicy', GW, 'github-com');
    const before = await head();
    await openToEveryPod(kube, GW, 'github-com');
    expect((await getObject(kube, 'NetworkPolicy', GW, 'github-com'))?.spec?.['ingress']).toEqual([{}]);

    // While it lasts, the health strip shows it (a live comparison).
    const drifted = await strip();
    expect(drifted.drift.state).toBe('drifted');
    expect(drifted.drift.objects).toEqual([
      expect.objectContaining({
        kind: 'NetworkPolicy',
        name: 'github-com',
        reason: expect.stringContaining('"mallory"') as unknown,
      }),
    ]);

    // The approver's Re-apply: audited, and the run it queues heals the policy.
    const reapply = await t.as('approver', {
      method: 'POST',
      url: '/api/v1/drift/reapply',
      payload: { reason: 'the gateway policy was opened by hand' },
    });
    expect(reapply.statusCode, reapply.body).toBe(202);
    const runId = reapply.json<{ runId: string }>().runId;
    await settled(t.app, 60_000);
    const run = await getRun(t, runId);
    expect(run.status, run.errors.join('\n')).toBe('succeeded');
    expect(run.trigger).toMatch(/^re-apply by approver-\d+@example\.com/);
    expect((await getObject(kube, 'NetworkPolicy', GW, 'github-com'))?.spec?.['ingress']).toEqual(
      npBefore?.spec?.['ingress'],
    );

    const [requested] = await auditFor('reconcile.reapply_requested', before);
    expect(requested).toMatchObject({
      targetId: runId,
      after: { runId, reason: 'the gateway policy was opened by hand' },
    });
    // Audited (object, manager, restored field) and alerted, as an approver sees it through the APIs...
    await expectDriftAudited(t, runId, POLICY, [{ path: '.spec.ingress', managers: ['mallory'] }]);
    // ...announced to the webhook that subscribed to reconcile.drift (queued in the same transaction, then sent).
    const queued = await t.db.webhookDelivery.findMany({ where: { event: 'reconcile.drift' } });
    expect(queued).toHaveLength(1);
    const got = await until(
      'the drift notification reaches the receiver',
      () => Promise.resolve(receiver.requests('/security')[0]),
      10_000,
    );
    expect(got.json['event']).toBe('reconcile.drift');
    const body = got.json as { data: { drift: { objects: { name: string; managers: string[] }[] } } };
    expect(body.data.drift.objects).toEqual([
      expect.objectContaining({ name: 'github-com', managers: ['mallory'] }),
    ]);

    // Healed: the strip shows no drift now, and the healing with its field manager.
    const after = await strip();
    expect(after.drift.state).toBe('none');
    expect(after.drift.healed[0]).toMatchObject({
      kind: 'NetworkPolicy',
      name: 'github-com',
      managers: ['mallory'],
      change: 'modified',
    });
  });

  it('a deleted policy: the run that recreates it audits a deletion by someone else', async () => {
    const before = await head();
    const del = await kube.request({ method: 'DELETE', path: NP_PATH });
    expect(del.status).toBe(200);
    const run = await reconcileNow(t);
    expect(run.status, run.errors.join('\n')).toBe('succeeded');
    expect(run.counts.created).toBe(1);
    expect(await getObject(kube, 'NetworkPolicy', GW, 'github-com')).not.toBeNull();
    const [detected] = await auditFor('reconcile.drift_detected', before);
    expect(detected).toMatchObject({
      targetId: OBJECT_ID,
      after: { runId: run.id, change: 'deleted', managers: [], fields: [] },
    });
    const [healed] = await auditFor('reconcile.drift_healed', before);
    expect(healed).toMatchObject({ after: { runId: run.id, recreated: true } });
  });

  it('objects a run creates because the desired state grew are not drift', async () => {
    const before = await head();
    const since = new Date();
    await createDestination(t, 'api.example.org', [{ port: 443, protocol: 'TCP' }]);
    await grant(t, approver2, 'service.ci', 'api.example.org', 443);
    await settled(t.app, 60_000);
    // The runs for the change created the new gateway's objects...
    const runs = await t.db.reconcileRun.findMany({ where: { startedAt: { gte: since }, dryRun: false } });
    expect(runs.reduce((n, r) => n + r.created, 0)).toBeGreaterThan(0);
    expect(await getObject(kube, 'NetworkPolicy', GW, 'api-example-org')).not.toBeNull();
    // ...and none of that is drift.
    expect(await auditFor('reconcile.drift_detected', before)).toEqual([]);
  });
  it('edits just before a change that rewrites the policy anyway: the full run applying it audits them (manager, fields) and alerts', async () => {
    const before = await getObject(kube, 'NetworkPolicy', GW, 'github-com');
    await openToEveryPod(kube, GW, 'github-com');
    await editAs(kube, 'kubectl-edit', POLICY, {
      merge: { spec: { podSelector: { matchLabels: { app: 'elsewhere' } } } },
    });
    // The approver switches the destination to observe: its gateway policy changes (a full run, not a
    // grant's scoped one), so the run rewrites that policy for its own reason too.
    const since = new Date();
    const res = await t.as('approver', {
      method: 'PATCH',
      url: `/api/v1/destinations/${github}`,
      payload: { mode: 'observe' },
    });
    expect(res.statusCode, res.body).toBe(200);
    await settled(t.app, 60_000);
    const rows = await t.db.reconcileRun.findMany({
      where: { startedAt: { gte: since }, dryRun: false },
      orderBy: { startedAt: 'asc' },
    });
    expect(rows).toHaveLength(1);
    const run = await getRun(t, rows[0]?.id ?? '');
    expect(run.status, run.errors.join('\n')).toBe('succeeded');
    expect(run.trigger).toMatch(/^change: destination/);
    // A full run: every object of the desired state was looked at, not one gateway's six.
    expect(Object.values(run.counts).reduce((a, b) => a + b, 0)).toBeGreaterThan(6);

    // Put right: the observe policy (every pod of the cluster, on the destination's port), not mallory's
    // rule open to everything, and the gateway's own pods selected again.
    const np = await getObject(kube, 'NetworkPolicy', GW, 'github-com');
    const ingress = np?.spec?.['ingress'] as { from?: unknown[]; ports?: { port: number }[] }[];
    expect(ingress.some((r) => JSON.stringify(r) === '{}')).toBe(false);
    expect(ingress[0]).toEqual({
      from: [{ namespaceSelector: {} }],
      ports: [{ port: 443, protocol: 'TCP' }],
    });
    expect(np?.spec?.['podSelector']).toEqual(before?.spec?.['podSelector']);
    expect(run.objects.find((o) => o.kind === 'NetworkPolicy')?.drift).toBe(
      'modified by another field manager: .spec.ingress changed by "mallory"; .spec.podSelector changed by "kubectl-edit"',
    );

    await expectDriftAudited(t, run.id, POLICY, [
      { path: '.spec.ingress', managers: ['mallory'] },
      { path: '.spec.podSelector', managers: ['kubectl-edit'] },
    ]);
  });
});
