// Denied-flow ingestion (POST /api/v1/flows, a scoped ingest token) and the blocked-egress inbox.
import type { BlockedEgressGroup, FlowIngestResult, Service } from '@egress/shared';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const FLOWS = '/api/v1/flows';
const INBOX = '/api/v1/blocked-egress';
const WINDOW_MS = 300_000; // the default flowDedupWindowSeconds

let t: TestApp;
let ingestToken: string;
beforeAll(async () => {
  t = await createTestApp();
  const res = await t.as('admin', {
    method: 'POST',
    url: '/api/v1/tokens',
    payload: { name: 'flow collector', scopes: ['flows.ingest'] },
  });
  expect(res.statusCode, res.body).toBe(201);
  ingestToken = res.json<{ token: string }>().token;
});
afterAll(async () => t.close());

let counter = 0;
/** A namespace of its own for each test, so tests never see each other's flows. */
const namespace = () => `flows-${++counter}-${Math.random().toString(36).slice(2, 6)}`;

function ingest(format: string, records: unknown[], token = ingestToken): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: FLOWS,
    headers: { authorization: `Bearer ${token}` },
    payload: { format, records },
  });
}

async function ingestOk(format: string, records: unknown[]): Promise<FlowIngestResult> {
  const res = await ingest(format, records);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<FlowIngestResult>();
}

async function inbox(
  query: Record<string, string>,
): Promise<{ items: BlockedEgressGroup[]; nextCursor: string | null }> {
  const res = await t.as('engineer', { method: 'GET', url: INBOX, query });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** The start of a dedup window an hour ago, so offsets within it stay in one window. */
function windowStart(): number {
  return Math.floor((Date.now() - 3_600_000) / WINDOW_MS) * WINDOW_MS;
}

const iso = (ms: number) => new Date(ms).toISOString();

function generic(ns: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    time: iso(Date.now() - 60_000),
    sourceNamespace: ns,
    sourceLabels: { app: 'checkout' },
    destIP: '140.82.121.4',
    destPort: 443,
    protocol: 'TCP',
    destName: 'api.github.com',
    ...overrides,
  };
}

function service(ns: string, matchLabels: Record<string, string>, name?: string): Promise<Service> {
  return t.factories.service({ namespace: ns, selector: { matchLabels }, ...(name ? { name } : {}) });
}

async function rowsIn(ns: string) {
  return t.db.blockedFlow.findMany({ where: { sourceNamespace: ns }, orderBy: { windowStart: 'asc' } });
}

describe('formats', () => {
  it('stores a Calico flow log record, counting num_flows, attributed by its labels', async () => {
    const ns = namespace();
    const svc = await service(ns, { app: 'checkout' });
    const endTime = Math.floor((Date.now() - 120_000) / 1000);
    const record = {
      start_time: endTime - 300,
      end_time: endTime,
      source_ip: null,
      source_name: '-',
      source_name_aggr: 'checkout-6c9f8d7b5-*',
      source_namespace: ns,
      source_port: null,
      source_type: 'wep',
      source_labels: { labels: ['app=checkout', 'pod-template-hash=6c9f8d7b5'] },
      dest_ip: '140.82.121.4',
      dest_name: '-',
      dest_name_aggr: 'pub',
      dest_namespace: '-',
      dest_port: 443,
      dest_type: 'net',
      dest_labels: null,
      dest_domains: ['api.github.com'],
      proto: 'tcp',
      action: 'deny',
      reporter: 'src',
      policies: { enforced_policies: ['0|__PROFILE__|__PROFILE__.kns.shop|deny|0'] },
      bytes_in: 0,
      bytes_out: 360,
      num_flows: 6,
      num_flows_started: 6,
      num_flows_completed: 0,
      packets_in: 0,
      packets_out: 6,
      host: 'ip-10-0-1-23',
    };
    expect(await ingestOk('calico', [record])).toEqual({
      accepted: 1,
      rejected: 0,
      unattributed: 0,
      errors: [],
    });
    const { items } = await inbox({ namespace: ns });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      service: svc.name,
      serviceId: svc.id,
      sourceNamespace: ns,
      sourceWorkload: 'checkout-6c9f8d7b5-*',
      destination: 'api.github.com',
      destName: 'api.github.com',
      destIp: '140.82.121.4',
      known: false,
      destinationId: null,
      port: 443,
      protocol: 'TCP',
      count: 6,
      lastSeen: iso(endTime * 1000),
    });
  });

  it('stores a `hubble observe -o json` line, one flow per record', async () => {
    const ns = namespace();
    const svc = await service(ns, { app: 'mailer' });
    const time = iso(Date.now() - 30_000).replace('Z', '123456Z');
    const line = {
      flow: {
        time,
        verdict: 'DROPPED',
        drop_reason: 133,
        IP: { source: '10.244.1.17', destination: '2a01:4f8:c17:b8f::2', ipVersion: 'IPv6' },
        l4: { TCP: { source_port: 51234, destination_port: 587, flags: { SYN: true } } },
        source: {
          ID: 1234,
          identity: 48213,
          namespace: ns,
          labels: ['k8s:app=mailer', `k8s:io.kubernetes.pod.namespace=${ns}`],
          pod_name: 'mailer-7f9d-abcde',
        },
        destination: { identity: 2, labels: ['reserved:world'] },
        Type: 'L3_L4',
        node_name: 'kind-worker',
        traffic_direction: 'EGRESS',
        drop_reason_desc: 'POLICY_DENIED',
        Summary: 'TCP Flags: SYN',
      },
      node_name: 'kind-worker',
      time,
    };
    expect(await ingestOk('hubble', [line, line])).toMatchObject({ accepted: 2, rejected: 0 });
    const [group] = (await inbox({ namespace: ns })).items;
    expect(group).toMatchObject({
      service: svc.name,
      sourceWorkload: 'mailer-7f9d-abcde',
      destination: '2a01:4f8:c17:b8f::2',
      destName: null,
      port: 587,
      count: 2,
    });
  });

  it('stores generic records, the name normalised like a destination host', async () => {
    const ns = namespace();
    await ingestOk('generic', [
      generic(ns, { destName: 'API.GitHub.com.', count: 3, sourceLabels: undefined, sourcePod: 'batch-1' }),
    ]);
    const [group] = (await inbox({ namespace: ns })).items;
    expect(group).toMatchObject({
      destination: 'api.github.com',
      count: 3,
      service: null,
      sourceWorkload: 'batch-1',
    });
  });
});

describe('validation', () => {
  it('stores the good records of a mixed batch and names each bad one', async () => {
    const ns = namespace();
    const before = await t.db.auditEvent.count({ where: { action: 'flows.ingested' } });
    const res = await ingest('generic', [
      generic(ns),
      generic(ns, { destPort: 0 }),
      generic(ns, { destIP: '140.82.121.4', destName: 'payments.svc' }),
      generic(ns, { destPort: 22 }),
      'not a record',
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      accepted: 2,
      rejected: 3,
      unattributed: 2,
      errors: [
        { index: 1, reason: 'records[1].destPort: must be between 1 and 65535' },
        {
          index: 2,
          reason: 'records[2].destName: must be a public name: ".svc" names are cluster-internal or reserved',
        },
        {
          index: 4,
          reason:
            'records[4]: must be an object {time, sourceNamespace, sourceLabels | sourcePod, destIP, destPort, protocol, destName?, count?}',
        },
      ],
    });
    expect((await rowsIn(ns)).map((r) => r.port).sort()).toEqual([22, 443]);
    const audit = await t.db.auditEvent.findMany({
      where: { action: 'flows.ingested' },
      orderBy: { seq: 'desc' },
      take: 1,
    });
    expect(await t.db.auditEvent.count({ where: { action: 'flows.ingested' } })).toBe(before + 1);
    expect(audit[0]).toMatchObject({
      targetType: 'flows',
      actorType: 'token',
      actor: t.users.admin.email,
      after: { format: 'generic', accepted: 2, rejected: 3, unattributed: 2, rows: 2 },
    });
  });

  it('answers 422 when every record is rejected, and stores and audits nothing', async () => {
    const ns = namespace();
    const before = await t.db.auditEvent.count();
    const res = await ingest('calico', [{ action: 'allow', source_namespace: ns }, { action: 'deny' }]);
    expect(res.statusCode, res.body).toBe(422);
    const body = res.json<
      FlowIngestResult & { error: { code: string; details: { field: string }[]; requestId: string } }
    >();
    expect(body).toMatchObject({ accepted: 0, rejected: 2, unattributed: 0 });
    expect(body.errors[0]).toEqual({
      index: 0,
      reason: 'records[0].action: only denied flows are counted: "deny" (got "allow")',
    });
    expect(body.error.code).toBe('all_records_rejected');
    expect(body.error.details.map((d) => d.field)).toEqual([
      'body.records[0].action',
      'body.records[1].end_time',
    ]);
    expect(body.error.requestId).toBe(res.headers['x-request-id']);
    expect(await rowsIn(ns)).toEqual([]);
    expect(await t.db.auditEvent.count()).toBe(before);
  });

  it.each([
    [{ format: 'vpc-flow-logs', records: [{}] }, 'body.format'],
    [{ format: 'generic', records: [] }, 'body.records'],
    [{ format: 'generic' }, 'body.records'],
    [{ format: 'generic', records: 'x' }, 'body.records'],
  ])('refuses a bad envelope %j with 400 naming the field', async (payload, field) => {
    const res = await t.app.inject({
      method: 'POST',
      url: FLOWS,
      headers: { authorization: `Bearer ${ingestToken}` },
      payload,
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(
      res.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field),
    ).toContain(field);
  });

  it('rejects records from the future (beyond a small skew) and older than the retention', async () => {
    const ns = namespace();
    const body = await ingestOk('generic', [
      generic(ns, { time: iso(Date.now() + 3_600_000) }),
      generic(ns, { time: iso(Date.now() - 31 * 86_400_000) }),
      generic(ns, { time: iso(Date.now() + 60_000) }),
    ]);
    expect(body.accepted).toBe(1);
    expect(body.errors.map((e) => e.reason)).toEqual([
      expect.stringMatching(/^records\[0\]\.time: is in the future/),
      expect.stringMatching(/^records\[1\]\.time: is older than the retention period/),
    ]);
  });

  it('accepts a batch of 5,000 records and lists at most 100 reasons', async () => {
    const ns = namespace();
    const records = Array.from({ length: 5000 }, (_, i) =>
      i % 50 === 0
        ? generic(ns, { destPort: 70000 })
        : generic(ns, { destIP: `203.0.${Math.floor(i / 250)}.${i % 250}`, destName: undefined }),
    );
    const body = await ingestOk('generic', records);
    expect(body).toMatchObject({ accepted: 4900, rejected: 100 });
    expect(body.errors).toHaveLength(100);
    expect(body.errors[99]).toMatchObject({ index: 4950 });
    expect(await t.db.blockedFlow.count({ where: { sourceNamespace: ns } })).toBe(4900);
  });
});

describe('deduplication', () => {
  it('counts repeats within a window in one row, and starts a new row in the next window', async () => {
    const ns = namespace();
    const start = windowStart();
    await ingestOk('generic', [
      generic(ns, { time: iso(start + 100_000) }),
      generic(ns, { time: iso(start + 10_000), count: 2 }),
    ]);
    await ingestOk('generic', [generic(ns, { time: iso(start + 200_000) })]);
    let rows = await rowsIn(ns);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      count: 4,
      windowStart: new Date(start),
      firstSeen: new Date(start + 10_000),
      lastSeen: new Date(start + 200_000),
    });

    await ingestOk('generic', [generic(ns, { time: iso(start + WINDOW_MS + 5_000) })]);
    rows = await rowsIn(ns);
    expect(rows.map((r) => [r.windowStart.getTime(), r.count])).toEqual([
      [start, 4],
      [start + WINDOW_MS, 1],
    ]);
    // The inbox sums the windows into one group.
    const [group] = (await inbox({ namespace: ns })).items;
    expect(group).toMatchObject({
      count: 5,
      firstSeen: iso(start + 10_000),
      lastSeen: iso(start + WINDOW_MS + 5_000),
    });
    // Asked for a shorter period, the same group counts only the windows seen in it.
    const [recent] = (await inbox({ namespace: ns, since: iso(start + WINDOW_MS) })).items;
    expect(recent).toMatchObject({
      key: group?.key,
      count: 1,
      firstSeen: iso(start + WINDOW_MS + 5_000),
      lastSeen: iso(start + WINDOW_MS + 5_000),
    });
  });

  it('shows the workload and address of the newest sighting of a group', async () => {
    const ns = namespace();
    const start = windowStart();
    await ingestOk('generic', [
      generic(ns, { time: iso(start + 60_000), sourcePod: 'cron-new', destIP: '198.51.100.2' }),
    ]);
    // A late record of an older window does not replace what the newest one showed.
    await ingestOk('generic', [
      generic(ns, { time: iso(start - WINDOW_MS), sourcePod: 'cron-old', destIP: '198.51.100.1' }),
    ]);
    const [group] = (await inbox({ namespace: ns })).items;
    expect(group).toMatchObject({
      count: 2,
      sourceWorkload: 'cron-new',
      destIp: '198.51.100.2',
      lastSeen: iso(start + 60_000),
      firstSeen: iso(start - WINDOW_MS),
    });
  });

  it('keeps different destinations, ports and protocols apart', async () => {
    const ns = namespace();
    await ingestOk('generic', [
      generic(ns),
      generic(ns, { destPort: 80 }),
      generic(ns, { protocol: 'UDP' }),
      generic(ns, { destName: 'uploads.github.com' }),
    ]);
    expect((await inbox({ namespace: ns })).items).toHaveLength(4);
  });

  it('follows the dedup window setting', async () => {
    const ns = namespace();
    const set = (flowDedupWindowSeconds: number) =>
      t.as('admin', { method: 'PATCH', url: '/api/v1/settings', payload: { flowDedupWindowSeconds } });
    expect((await set(60)).statusCode).toBe(200);
    try {
      const start = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
      await ingestOk('generic', [
        generic(ns, { time: iso(start + 1_000) }),
        generic(ns, { time: iso(start + 61_000) }),
      ]);
      expect(await rowsIn(ns)).toHaveLength(2);
    } finally {
      expect((await set(300)).statusCode).toBe(200);
    }
  });
});

describe('attribution', () => {
  it('picks the most specific selector among the services of the namespace', async () => {
    const ns = namespace();
    const stable = await service(ns, { app: 'checkout' });
    const canary = await service(ns, { app: 'checkout', track: 'canary' });
    await ingestOk('generic', [
      generic(ns, { sourceLabels: { app: 'checkout', track: 'canary' } }),
      generic(ns, { sourceLabels: { app: 'checkout', track: 'stable' }, destPort: 80 }),
    ]);
    const byPort = new Map((await inbox({ namespace: ns })).items.map((g) => [g.port, g.service]));
    expect(byPort.get(443)).toBe(canary.name);
    expect(byPort.get(80)).toBe(stable.name);
  });

  it('attributes a pod-only record only when its namespace has exactly one service', async () => {
    const single = namespace();
    const only = await service(single, { app: 'only' });
    const crowded = namespace();
    await service(crowded, { app: 'a' });
    await service(crowded, { app: 'b' });
    const podOnly = (ns: string) => generic(ns, { sourceLabels: undefined, sourcePod: 'worker-0' });
    expect(await ingestOk('generic', [podOnly(single), podOnly(crowded)])).toMatchObject({
      accepted: 2,
      unattributed: 1,
    });
    expect((await inbox({ namespace: single })).items[0]?.service).toBe(only.name);
    expect((await inbox({ namespace: crowded })).items[0]?.service).toBeNull();
    // "-" lists what no service matched.
    const unattributed = await inbox({ namespace: crowded, service: '-' });
    expect(unattributed.items).toHaveLength(1);
    expect((await inbox({ namespace: single, service: '-' })).items).toHaveLength(0);
    expect((await inbox({ service: only.name })).items).toHaveLength(1);
  });

  it('does not attribute to a deleted service', async () => {
    const ns = namespace();
    const gone = await service(ns, { app: 'checkout' });
    expect(
      (await t.as('engineer', { method: 'DELETE', url: `/api/v1/services/${gone.id}` })).statusCode,
    ).toBe(204);
    expect(await ingestOk('generic', [generic(ns)])).toMatchObject({ unattributed: 1 });
  });
});

describe('known destinations', () => {
  it('marks a destination known when a live destination has its name, and filters on it', async () => {
    const ns = namespace();
    const dest = await t.factories.destination();
    await ingestOk('generic', [
      generic(ns, { destName: dest.host.toUpperCase() }),
      generic(ns, { destName: 'unknown.example.org' }),
      generic(ns, { destName: undefined, destIP: '198.51.100.7' }),
    ]);
    const items = (await inbox({ namespace: ns })).items;
    expect(items.map((g) => [g.destination, g.known, g.destinationId]).sort()).toEqual([
      ['198.51.100.7', false, null],
      [dest.host, true, dest.id],
      ['unknown.example.org', false, null],
    ]);
    expect((await inbox({ namespace: ns, known: 'true' })).items.map((g) => g.destination)).toEqual([
      dest.host,
    ]);
    expect((await inbox({ namespace: ns, known: 'false' })).items).toHaveLength(2);
    expect((await inbox({ namespace: ns, destination: '198.51' })).items.map((g) => g.destination)).toEqual([
      '198.51.100.7',
    ]);
  });
});

describe('the inbox', () => {
  it('lists newest first and pages through every group once', async () => {
    const ns = namespace();
    const now = Date.now();
    await ingestOk(
      'generic',
      Array.from({ length: 7 }, (_, i) =>
        generic(ns, { destPort: 1000 + i, time: iso(now - (i + 1) * 60_000) }),
      ),
    );
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await inbox({ namespace: ns, limit: '3', ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((g) => g.port));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([1000, 1001, 1002, 1003, 1004, 1005, 1006]);
    expect((await inbox({ namespace: ns, since: iso(now - 150_000) })).items.map((g) => g.port)).toEqual([
      1000, 1001,
    ]);
  });

  it('is readable by engineers, not viewers, and not by the ingest token', async () => {
    expect((await t.as('viewer', { method: 'GET', url: INBOX })).statusCode).toBe(403);
    const res = await t.app.inject({
      method: 'GET',
      url: INBOX,
      headers: { authorization: `Bearer ${ingestToken}` },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/limited to flows\.ingest/);
  });

  it('refuses a cursor it did not issue', async () => {
    const res = await t.as('engineer', { method: 'GET', url: INBOX, query: { cursor: 'bm9wZQ' } });
    expect(res.statusCode).toBe(400);
  });
});
