// Gateway usage: connection lines in (POST /api/v1/gateway-connections, a usage.ingest token), attributed
// through the pod address index to registered services and their grants, counted once however often a
// batch is delivered; usage on the grant object; the "unused for N days" filter and the unused-grant
// policy (expire, or request again), audited as the system and announced through the webhooks.
// The index here is the real one (createPodIndex) filled by hand; its watch is tested against the
// harness apiserver in test/kubernetes/pod-index.test.ts.
import type { ConnectionIngestResult, Destination, Grant, Service } from '@egress/shared';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createPodIndex } from '../../src/reconcile/kube/pod-index.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { type Receiver, startReceiver } from '../helpers/webhook-receiver.ts';

const URL = '/api/v1/gateway-connections';
const DAY_MS = 86_400_000;

let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
const pods = createPodIndex();
let t: TestApp;
let token: string;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver(clock.now);
  t = await createTestApp({
    clock,
    podAddresses: { ready: () => true, lookup: (ip, at) => pods.lookup(ip, at) },
    env: { EGRESS_EXPIRY_INTERVAL_SECONDS: '1', EGRESS_WEBHOOK_ALLOW_PRIVATE: 'true' },
  });
  const res = await t.as('admin', {
    method: 'POST',
    url: '/api/v1/tokens',
    payload: { name: 'gateway log collector', scopes: ['usage.ingest'] },
  });
  expect(res.statusCode, res.body).toBe(201);
  token = res.json<{ token: string }>().token;
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

let ipCounter = 0;
/** A pod with a fresh address, created a minute ago (app clock). */
function pod(namespace: string, labels: Record<string, string>, serviceAccount = 'default'): string {
  const ip = `10.244.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`;
  pods.set(
    {
      key: `${namespace}/pod-${ipCounter}`,
      namespace,
      labels,
      serviceAccount,
      ips: [ip],
      createdAt: clock.now().getTime() - 3_600_000,
      live: true,
    },
    clock.now().getTime() - 3_600_000,
  );
  return ip;
}

let portCounter = 40000;
function line(
  d: Destination,
  source: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    v: '1',
    start_time: new Date(clock.now().getTime() - 60_000).toISOString(),
    duration_ms: 1500,
    gateway: d.gatewayName,
    destination: d.host,
    protocol: 'TCP',
    listener_port: 443,
    source_address: source,
    source_port: ++portCounter,
    upstream_host: '140.82.121.4:443',
    bytes_sent: 1000,
    bytes_received: 200,
    response_flags: '-',
    upstream_transport_failure_reason: null,
    connection_termination_details: null,
    ...overrides,
  };
}

function post(body: unknown, bearer = token): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: URL,
    headers: { authorization: `Bearer ${bearer}` },
    payload: body as object,
  });
}

async function ingestOk(lines: unknown[]): Promise<ConnectionIngestResult> {
  const res = await post(lines);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ConnectionIngestResult>();
}

async function activeGrant(service: Service, destination: Destination): Promise<Grant> {
  const g = await t.factories.grant({ service: service.name, destination: destination.host, port: 443 });
  const res = await t.as('approver', {
    method: 'POST',
    url: `/api/v1/grants/${g.id}/approve`,
    payload: { comment: 'Checked.' },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Grant>();
}

async function getGrant(id: string): Promise<Grant> {
  const res = await t.as('viewer', { method: 'GET', url: `/api/v1/grants/${id}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Grant>();
}

const usageRows = (destinationId: string) =>
  t.db.gatewayUsageHourly.findMany({ where: { destinationId }, orderBy: { sourceKey: 'asc' } });

let nsCounter = 0;
const namespace = () => `usage-${++nsCounter}-${Math.random().toString(36).slice(2, 6)}`;

describe('POST /api/v1/gateway-connections', () => {
  it('attributes a source address to the pod and its service, counts it against the active grant, and shows it on the grant', async () => {
    const ns = namespace();
    const svc = await t.factories.service({ namespace: ns, selector: { matchLabels: { app: 'checkout' } } });
    const dest = await t.factories.destination();
    const grant = await activeGrant(svc, dest);
    expect((await getGrant(grant.id)).lastUsedAt).toBeNull();
    const ip = pod(ns, { app: 'checkout', 'pod-template-hash': 'abc' });

    const result = await ingestOk([line(dest, ip), line(dest, ip, { bytes_sent: 5000, bytes_received: 0 })]);
    expect(result).toEqual({ accepted: 2, duplicates: 0, rejected: 0, unattributed: 0, errors: [] });

    const rows = await usageRows(dest.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      sourceKey: `service:${svc.id}`,
      serviceId: svc.id,
      sourceNamespace: ns,
      sourceIp: null,
      grantId: grant.id,
      connections: 2n,
      bytesSent: 6000n,
      bytesReceived: 200n,
      refused: 0n,
    });
    const shown = await getGrant(grant.id);
    expect(shown.usage).toEqual({
      last24h: { connections: 2, bytes: 6200 },
      last30d: { connections: 2, bytes: 6200 },
    });
    expect(new Date(shown.lastUsedAt ?? 0).getTime()).toBeGreaterThan(clock.now().getTime() - 120_000);
    const listed = await t.as('viewer', {
      method: 'GET',
      url: '/api/v1/grants',
      query: { service: svc.name },
    });
    expect(listed.json<{ items: Grant[] }>().items[0]).toMatchObject({
      id: grant.id,
      usage: shown.usage,
      lastUsedAt: shown.lastUsedAt,
    });
  });

  it('keeps unattributed sources as their address, and a pod of the namespace whose labels match no service', async () => {
    const ns = namespace();
    await t.factories.service({ namespace: ns, selector: { matchLabels: { app: 'billing' } } });
    const dest = await t.factories.destination();
    const stranger = pod(ns, { app: 'something-else' });
    const result = await ingestOk([line(dest, stranger), line(dest, '192.0.2.99')]);
    expect(result).toMatchObject({ accepted: 2, unattributed: 2 });
    const rows = await usageRows(dest.id);
    expect(rows.map((r) => [r.sourceKey, r.serviceId, r.sourceNamespace, r.sourceIp, r.grantId])).toEqual([
      [`ip:${stranger}`, null, ns, stranger, null],
      ['ip:192.0.2.99', null, null, '192.0.2.99', null],
    ]);
  });

  it('does not give a bound service a pod that runs as another ServiceAccount', async () => {
    const ns = namespace();
    const svc = await t.factories.service({
      namespace: ns,
      selector: { matchLabels: { app: 'payments' } },
      serviceAccount: 'payments',
    });
    const dest = await t.factories.destination();
    const impostor = pod(ns, { app: 'payments' }, 'default');
    const real = pod(ns, { app: 'payments' }, 'payments');
    const result = await ingestOk([line(dest, impostor), line(dest, real)]);
    expect(result).toMatchObject({ accepted: 2, unattributed: 1 });
    expect((await usageRows(dest.id)).map((r) => r.sourceKey).sort()).toEqual(
      [`ip:${impostor}`, `service:${svc.id}`].sort(),
    );
  });

  it('counts a re-delivered batch once, and a batch overlapping an earlier one only for its new lines', async () => {
    const ns = namespace();
    const svc = await t.factories.service({ namespace: ns, selector: { matchLabels: { app: 'retry' } } });
    const dest = await t.factories.destination();
    const ip = pod(ns, { app: 'retry' });
    const batch = [line(dest, ip), line(dest, ip), line(dest, ip)];
    expect(await ingestOk(batch)).toMatchObject({ accepted: 3, duplicates: 0 });
    expect(await ingestOk(batch)).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(await ingestOk([batch[2], line(dest, ip)])).toMatchObject({ accepted: 1, duplicates: 1 });
    const rows = await usageRows(dest.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sourceKey: `service:${svc.id}`, connections: 4n, bytesSent: 4000n });
  });

  it('reports a bad line by index and field and counts the good ones; a batch of only bad lines is a 422 that stores nothing', async () => {
    const dest = await t.factories.destination();
    const result = await ingestOk([
      line(dest, '192.0.2.1'),
      line(dest, '192.0.2.1', { source_port: 70000 }),
      line(dest, '192.0.2.1', { gateway: 'no-such-gateway' }),
      line(dest, '192.0.2.1', { v: '2' }),
      line(dest, '192.0.2.1', { start_time: new Date(clock.now().getTime() - 2 * DAY_MS).toISOString() }),
    ]);
    expect(result.accepted).toBe(1);
    expect(result.rejected).toBe(4);
    expect(result.errors.map((e) => [e.index, e.field])).toEqual([
      [1, 'body[1].source_port'],
      [3, 'body[3].v'],
      [4, 'body[4].start_time'],
      [2, 'body[2].gateway'],
    ]);
    expect(result.errors.find((e) => e.index === 1)?.reason).toBe('must be between 0 and 65535');
    expect(result.errors.find((e) => e.index === 2)?.reason).toContain(
      'is not the gateway of a registered destination',
    );

    const before = await t.db.gatewayUsageHourly.count();
    const res = await post([
      line(dest, 'not-an-ip'),
      line(dest, '192.0.2.1', { destination: 'elsewhere.example.org' }),
    ]);
    expect(res.statusCode, res.body).toBe(422);
    const body = res.json<
      ConnectionIngestResult & { error: { code: string; details: { field: string }[] } }
    >();
    expect(body.error.code).toBe('all_lines_rejected');
    expect(body.error.details.map((d) => d.field)).toEqual(['body[0].source_address', 'body[1].destination']);
    expect(await t.db.gatewayUsageHourly.count()).toBe(before);
  });

  it('refuses an envelope that is not an array of lines (400) or holds more than 10,000 lines (413), naming the body', async () => {
    const notArray = await post({ lines: [] });
    expect(notArray.statusCode).toBe(400);
    expect(notArray.json<{ error: { details: { field: string }[] } }>().error.details[0]?.field).toBe('body');
    const empty = await post([]);
    expect(empty.statusCode).toBe(400);
    const tooMany = await post(Array.from({ length: 10_001 }, () => ({ v: '1' })));
    expect(tooMany.statusCode).toBe(413);
    expect(
      tooMany.json<{ error: { details: { field: string; message: string }[] } }>().error.details[0],
    ).toEqual({
      field: 'body',
      message: 'must hold at most 10000 lines (got 10001); send smaller batches',
    });
  });

  it('takes only a usage.ingest token: not a role, not an admin, not the flows.ingest scope', async () => {
    const dest = await t.factories.destination();
    for (const role of ['engineer', 'admin'] as const) {
      const res = await post([line(dest, '192.0.2.1')], t.users[role].token);
      expect(res.statusCode, role).toBe(403);
    }
    const flows = await t.as('admin', {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'flow collector', scopes: ['flows.ingest'] },
    });
    expect((await post([line(dest, '192.0.2.1')], flows.json<{ token: string }>().token)).statusCode).toBe(
      403,
    );
    const elsewhere = await t.app.inject({
      method: 'GET',
      url: '/api/v1/grants',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(elsewhere.statusCode).toBe(403);
    // Telemetry, not a change: no audit row per batch (docs/decisions.md).
    expect(await t.db.auditEvent.count({ where: { action: { startsWith: 'usage' } } })).toBe(0);
  });
});

describe('unused grants', () => {
  it('filters grants unused for N days (never used counts from activation), and the policy re-requests them, audited and announced', async () => {
    const ns = namespace();
    const used = await t.factories.service({ namespace: ns, selector: { matchLabels: { app: 'used' } } });
    const idle = await t.factories.service({ namespace: ns, selector: { matchLabels: { app: 'idle' } } });
    const dest = await t.factories.destination();
    const usedGrant = await activeGrant(used, dest);
    const idleGrant = await activeGrant(idle, dest);
    const portWide = await t.factories.grant({ service: idle.name, destination: null, port: 8443 });
    // Used today, then never again: unused once the days have passed (the filter reads the grant's
    // last use, which the ingest keeps).
    const once = await t.factories.service({ namespace: ns, selector: { matchLabels: { app: 'once' } } });
    const onceGrant = await activeGrant(once, dest);
    await ingestOk([line(dest, pod(ns, { app: 'once' }))]);

    // Ten days later: the used grant is used again; a grant approved today has not been used yet.
    offsetMs += 10 * DAY_MS;
    const fresh = await activeGrant(await t.factories.service({ namespace: ns }), dest);
    await ingestOk([line(dest, pod(ns, { app: 'used' }))]);

    const list = async (query: Record<string, string>) => {
      const res = await t.as('viewer', {
        method: 'GET',
        url: '/api/v1/grants',
        query: { limit: '200', ...query },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: Grant[] }>().items.map((g) => g.id);
    };
    const unused7 = await list({ unusedForDays: '7' });
    expect(unused7).toContain(idleGrant.id);
    expect(unused7).toContain(onceGrant.id);
    expect(await list({ unusedForDays: '10' })).not.toContain(onceGrant.id);
    expect(unused7).not.toContain(usedGrant.id);
    expect(unused7).not.toContain(fresh.id);
    expect(unused7).not.toContain(portWide.id);
    // A port-wide grant uses no gateway: no usage figures, neither listed nor read alone (not zeros).
    const portWideListed = await t.as('viewer', {
      method: 'GET',
      url: '/api/v1/grants',
      query: { service: idle.name, destination: '*' },
    });
    const shownPortWide = [portWideListed.json<{ items: Grant[] }>().items[0], await getGrant(portWide.id)];
    for (const g of shownPortWide) {
      expect(g?.id).toBe(portWide.id);
      expect(g).not.toHaveProperty('usage');
      expect(g).not.toHaveProperty('lastUsedAt');
    }
    expect(await list({ unusedForDays: '11' })).not.toContain(idleGrant.id);
    const tooLong = await t.as('viewer', {
      method: 'GET',
      url: '/api/v1/grants',
      query: { unusedForDays: '120' },
    });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json<{ error: { details: { field: string }[] } }>().error.details[0]?.field).toBe(
      'query.unusedForDays',
    );

    const hook = await t.as('admin', {
      method: 'POST',
      url: '/api/v1/webhooks',
      payload: { name: 'unused', url: receiver.url('unused'), events: ['grant.expired', 'grant.requested'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    const longerThanRetention = await t.as('admin', {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { unusedGrantPolicy: { action: 'reapprove', days: 100 } },
    });
    expect(longerThanRetention.statusCode).toBe(400);
    const set = await t.as('admin', {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { unusedGrantPolicy: { action: 'reapprove', days: 7 } },
    });
    expect(set.statusCode, set.body).toBe(200);

    const deadline = Date.now() + 15_000;
    while ((await getGrant(idleGrant.id)).state !== 'expired') {
      if (Date.now() > deadline) throw new Error('the unused grant was not expired by the policy');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(await getGrant(idleGrant.id)).toMatchObject({
      state: 'expired',
      decidedBy: 'system',
      reason: 'unused for 7 days (unused-grant policy)',
    });
    for (const id of [usedGrant.id, fresh.id]) expect((await getGrant(id)).state).toBe('active');
    const again = await t.db.grant.findFirstOrThrow({
      where: { serviceId: idle.id, destinationId: dest.id, state: 'pending' },
    });
    expect(again.requestedById).toBe(t.users.engineer.id);
    expect(again.justification).toContain(`grant ${idleGrant.id} was expired after 7 days without use`);

    const audit = await t.db.auditEvent.findMany({
      where: {
        targetId: { in: [idleGrant.id, again.id] },
        action: { in: ['grant.expired', 'grant.requested'] },
      },
      orderBy: { seq: 'asc' },
    });
    expect(audit.slice(-2).map((a) => [a.action, a.actorType, a.targetId])).toEqual([
      ['grant.expired', 'system', idleGrant.id],
      ['grant.requested', 'system', again.id],
    ]);
    await t.app.workers.webhookDispatcher.drain();
    const events = receiver
      .requests('/unused')
      .map((r) => r.json as { event: string; data: { grant: Grant } });
    expect(events.map((e) => [e.event, e.data.grant.id])).toEqual(
      expect.arrayContaining([
        ['grant.expired', idleGrant.id],
        ['grant.requested', again.id],
      ]),
    );
  });
});
