// Issue 15, items 4 and 5 on a real PostgreSQL: a destination's observe / enforce mode (who may set it,
// the setting for new destinations, the audit row, the compiled gateway policy), the impact of an
// action (enforce a destination, revoke a grant, enforce a namespace), the discovered-egress view and
// bulk access requests. Evidence rows are written with SQL (helpers/usage.ts), as the ingests store them.
import type { BulkGrantRequestResult, Destination, Grant, Impact, UngrantedTraffic } from '@egress/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { insertDenied, insertUsage } from '../helpers/usage.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR);

const getDestination = async (id: string) =>
  (await t.as('viewer', { method: 'GET', url: `/api/v1/destinations/${id}` })).json<Destination>();
const auditOf = (targetId: string, action: string) =>
  t.db.auditEvent.findMany({ where: { targetId, action }, orderBy: { seq: 'asc' } });
const grantCount = () => t.db.grant.count();
const impact = async (query: string, role: 'engineer' | 'approver' = 'engineer') => {
  const res = await t.as(role, { method: 'GET', url: `/api/v1/impact?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Impact>();
};
const errorFields = (body: string) =>
  (JSON.parse(body) as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);

async function activeGrant(service: string, destination: string, port = 443): Promise<Grant> {
  const g = await t.factories.grant({ service, destination, port });
  const res = await t.as('approver', {
    method: 'POST',
    url: `/api/v1/grants/${g.id}/approve`,
    payload: { comment: 'Checked.' },
  });
  expect(res.json<Grant>().state).toBe('active');
  return res.json<Grant>();
}

describe('destination mode', () => {
  it('new destinations start in enforce; the setting makes standard ones start in observe, never sensitive ones', async () => {
    expect((await t.factories.destination()).mode).toBe('enforce');
    const set = (mode: string) =>
      t.as('admin', { method: 'PATCH', url: '/api/v1/settings', payload: { newDestinationMode: mode } });
    expect((await set('sideways')).statusCode).toBe(400);
    expect((await set('observe')).statusCode).toBe(200);
    expect((await t.factories.destination()).mode).toBe('observe');
    expect((await t.factories.destination({ sensitivity: 'sensitive' })).mode).toBe('enforce');
    expect((await t.factories.destination({ mode: 'enforce' })).mode).toBe('enforce');
    expect((await set('enforce')).statusCode).toBe(200);
    expect((await t.factories.destination()).mode).toBe('enforce');
  });

  it('switching to observe needs an approver (admin when sensitive), is audited before/after, and compiles an open gateway', async () => {
    const d = await t.factories.destination();
    const patch = (role: 'engineer' | 'approver' | 'admin', id: string, payload: Record<string, unknown>) =>
      t.as(role, { method: 'PATCH', url: `/api/v1/destinations/${id}`, payload });

    expect((await patch('engineer', d.id, { mode: 'observe' })).statusCode).toBe(403);
    const bad = await patch('approver', d.id, { mode: 'open' });
    expect(bad.statusCode).toBe(400);
    expect(errorFields(bad.body)).toEqual(['body.mode']);
    expect((await getDestination(d.id)).mode).toBe('enforce');
    expect(await auditOf(d.id, 'destination.mode_changed')).toHaveLength(0);

    const ok = await patch('approver', d.id, { mode: 'observe' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json<Destination>().mode).toBe('observe');
    const [event] = await auditOf(d.id, 'destination.mode_changed');
    expect(event?.before).toEqual({ host: d.host, mode: 'enforce' });
    expect(event?.after).toEqual({ host: d.host, mode: 'observe' });

    const manifests = await t.as('viewer', { method: 'GET', url: '/api/v1/manifests' });
    const policy = manifests
      .json<{ items: { kind: string; metadata: { name: string }; spec: { ingress: unknown[] } }[] }>()
      .items.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === d.gatewayName);
    expect(policy?.spec.ingress[0]).toEqual({
      from: [{ namespaceSelector: {} }],
      ports: [{ port: 443, protocol: 'TCP' }],
    });

    // Becoming sensitive while observed would let one approver keep a two-approver destination open.
    expect((await patch('approver', d.id, { sensitivity: 'sensitive' })).statusCode).toBe(403);
    expect((await getDestination(d.id)).sensitivity).toBe('standard');

    const back = await patch('approver', d.id, { mode: 'enforce' });
    expect(back.json<Destination>().mode).toBe('enforce');
    expect((await auditOf(d.id, 'destination.mode_changed')).map((e) => e.after)).toEqual([
      { host: d.host, mode: 'observe' },
      { host: d.host, mode: 'enforce' },
    ]);

    const s = await t.factories.destination({ sensitivity: 'sensitive' });
    expect((await patch('approver', s.id, { mode: 'observe' })).statusCode).toBe(403);
    expect((await getDestination(s.id)).mode).toBe('enforce');
    expect((await patch('admin', s.id, { mode: 'observe' })).statusCode).toBe(200);
    expect(
      (
        await t.as('approver', {
          method: 'POST',
          url: '/api/v1/destinations',
          payload: {
            host: 'observe-sensitive.example.com',
            ports: [{ port: 443 }],
            sensitivity: 'sensitive',
            mode: 'observe',
          },
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe('impact, discovery and bulk requests', () => {
  it('destination-enforce lists the services that used it without a grant (and denied flows); granted and old use are not listed', async () => {
    const d = await t.factories.destination({ mode: 'observe', ports: [{ port: 443 }, { port: 22 }] });
    const [a, b, c, old] = await Promise.all(
      [1, 2, 3, 4].map(() => t.factories.service({ namespace: 'shop' })),
    );
    if (!a || !b || !c || !old) throw new Error('services');
    const granted = await activeGrant(b.name, d.host);
    await insertUsage(t.db, { destinationId: d.id, serviceId: a.id, connections: 5, lastSeen: ago(2) });
    await insertUsage(t.db, { destinationId: d.id, serviceId: a.id, connections: 3, lastSeen: ago(30) });
    await insertUsage(t.db, { destinationId: d.id, serviceId: b.id, grantId: granted.id, lastSeen: ago(1) });
    await insertUsage(t.db, { destinationId: d.id, serviceId: old.id, lastSeen: ago(24 * 10) });
    await insertUsage(t.db, {
      destinationId: d.id,
      serviceId: null,
      sourceIp: '10.244.3.9',
      lastSeen: ago(1),
    });
    await insertDenied(t.db, {
      serviceId: c.id,
      sourceNamespace: 'shop',
      host: d.host,
      destinationId: d.id,
      port: 22,
      count: 4,
      lastSeen: ago(3),
    });

    const i = await impact(`kind=destination-enforce&id=${d.id}`);
    expect(i.summary).toBe('2 services used or tried this in the last 7 days.');
    expect(
      i.services.map(
        (s) => `${s.service}:${s.port}:${s.sources.join('+')}:${s.observedConnections}:${s.deniedCount}`,
      ),
    ).toEqual([`${a.name}:443:observed:8:0`, `${c.name}:22:denied:0:4`]);
    expect(i.unattributed).toMatchObject([{ sourceIp: '10.244.3.9', port: 443, connections: 1 }]);
    const wider = await impact(`kind=destination-enforce&id=${d.id}&days=30`);
    expect(wider.services.map((s) => s.service)).toContain(old.name);

    // One action files requests for all of them: each a normal pending request, audited.
    const before = await grantCount();
    const res = await t.as('engineer', {
      method: 'POST',
      url: '/api/v1/grants/bulk',
      payload: {
        justification: 'Observed in use before enforcing the destination.',
        items: i.services.map((s) => ({ service: s.service, destination: s.host, port: s.port })),
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const result = res.json<BulkGrantRequestResult>();
    expect(result.created.map((x) => x.index)).toEqual([0, 1]);
    expect(await grantCount()).toBe(before + 2);
    for (const { grantId } of result.created) {
      const g = (await t.as('viewer', { method: 'GET', url: `/api/v1/grants/${grantId}` })).json<Grant>();
      expect(g).toMatchObject({ state: 'pending', requiredApprovals: 1, approvals: [] });
      expect(await auditOf(grantId, 'grant.requested')).toHaveLength(1);
    }
    // The requester still cannot approve their own request (four eyes unchanged).
    const own = await t.as('engineer', {
      method: 'POST',
      url: `/api/v1/grants/${result.created[0]?.grantId}/approve`,
      payload: { comment: 'Checked.' },
    });
    expect(own.statusCode).toBe(403);

    const after = await impact(`kind=destination-enforce&id=${d.id}`);
    expect(after.services.map((s) => s.pendingGrantId)).toEqual(result.created.map((x) => x.grantId));
    const again = await t.as('engineer', {
      method: 'POST',
      url: '/api/v1/grants/bulk',
      payload: {
        justification: 'Observed in use before enforcing the destination.',
        items: [{ service: a.name, destination: d.host, port: 443 }],
      },
    });
    expect(again.json<BulkGrantRequestResult>()).toEqual({
      created: [],
      existing: [{ index: 0, grantId: result.created[0]?.grantId, state: 'pending' }],
    });
    expect(await grantCount()).toBe(before + 2);
  });

  it('bulk requests: bad input names each bad item and changes nothing; viewers may not file', async () => {
    const d = await t.factories.destination();
    const s = await t.factories.service();
    const before = await grantCount();
    const auditBefore = await t.db.auditEvent.count();
    const send = (payload: object, role: 'viewer' | 'engineer' = 'engineer') =>
      t.as(role, { method: 'POST', url: '/api/v1/grants/bulk', payload });
    const good = { service: s.name, destination: d.host, port: 443 };
    const j = 'A sentence of justification.';
    const cases: [object, string[]][] = [
      [{ items: [good], justification: '' }, ['body.justification']],
      [{ items: [], justification: j }, ['body.items']],
      [{ items: [good, { ...good, port: 8443 }], justification: j }, ['body.items.1.port']],
      [
        {
          items: [
            good,
            { ...good, service: 'service.nobody' },
            { ...good, destination: 'nowhere.example.com' },
          ],
          justification: j,
        },
        ['body.items.1.service', 'body.items.2.destination'],
      ],
      [{ items: [good, good], justification: j }, ['body.items.1']],
    ];
    for (const [payload, fields] of cases) {
      const res = await send(payload);
      expect(res.statusCode, res.body).toBe(400);
      expect(errorFields(res.body)).toEqual(fields);
    }
    expect((await send({ items: [good], justification: j }, 'viewer')).statusCode).toBe(403);
    expect(await grantCount()).toBe(before);
    expect(await t.db.auditEvent.count()).toBe(auditBefore);
  });

  it('discovered egress: (service, host, port) without a grant from both sources, paged server-side, filtered', async () => {
    const d = await t.factories.destination({ mode: 'observe', host: 'discovered.example.com' });
    const ns = 'disco';
    const [x, y, z] = await Promise.all([1, 2, 3].map(() => t.factories.service({ namespace: ns })));
    if (!x || !y || !z) throw new Error('services');
    await insertUsage(t.db, { destinationId: d.id, serviceId: x.id, connections: 2, lastSeen: ago(0.5) });
    await insertDenied(t.db, {
      serviceId: x.id,
      sourceNamespace: ns,
      host: d.host,
      destinationId: d.id,
      count: 7,
      lastSeen: ago(0.6),
    });
    await insertDenied(t.db, {
      serviceId: y.id,
      sourceNamespace: ns,
      host: 'unregistered.example.org',
      count: 2,
      lastSeen: ago(0.7),
    });
    await insertUsage(t.db, { destinationId: d.id, serviceId: z.id, lastSeen: ago(0.8) });
    await activeGrant(z.name, d.host); // z now holds a grant: no longer discovered

    const list = async (query: string) => {
      const res = await t.as('engineer', {
        method: 'GET',
        url: `/api/v1/discovered-egress?namespace=${ns}&${query}`,
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ items: UngrantedTraffic[]; nextCursor: string | null }>();
    };
    const all = await list('limit=50');
    expect(
      all.items.map(
        (r) => `${r.service}|${r.host}|${r.sources.join('+')}|${r.deniedCount}|${r.observedConnections}`,
      ),
    ).toEqual([`${x.name}|${d.host}|denied+observed|7|2`, `${y.name}|unregistered.example.org|denied|2|0`]);
    expect(all.items[1]?.destinationId).toBeNull();

    const first = await list('limit=1');
    expect(first.items.map((r) => r.service)).toEqual([x.name]);
    const second = await list(`limit=1&cursor=${first.nextCursor ?? ''}`);
    expect(second.items.map((r) => r.service)).toEqual([y.name]);
    expect(second.nextCursor).toBeNull();

    expect((await list('source=observed')).items.map((r) => r.service)).toEqual([x.name]);
    expect((await list('q=unregistered')).items.map((r) => r.service)).toEqual([y.name]);
    expect((await t.as('viewer', { method: 'GET', url: '/api/v1/discovered-egress' })).statusCode).toBe(403);
    const bad = await t.as('engineer', { method: 'GET', url: '/api/v1/discovered-egress?days=0&cursor=zzz' });
    expect(bad.statusCode).toBe(400);
    expect(errorFields(bad.body)).toContain('query.days');
    // A well-formed cursor this API did not write (its key is no time) is refused, not a 500.
    const forged = Buffer.from(JSON.stringify(['not-a-time', 'x'])).toString('base64url');
    const res = await t.as('engineer', { method: 'GET', url: `/api/v1/discovered-egress?cursor=${forged}` });
    expect(res.statusCode, res.body).toBe(400);
    expect(errorFields(res.body)).toEqual(['query.cursor']);
  });

  it('grant-revoke and namespace-enforce impact; the query names what it needs', async () => {
    const d = await t.factories.destination();
    const s = await t.factories.service({ namespace: 'rev' });
    const g = await activeGrant(s.name, d.host);
    const none = await impact(`kind=grant-revoke&id=${g.id}`, 'approver');
    expect(none.summary).toBe('No service used this in the last 7 days.');
    await insertUsage(t.db, {
      destinationId: d.id,
      serviceId: s.id,
      grantId: g.id,
      connections: 12,
      lastSeen: ago(5),
    });
    const used = await impact(`kind=grant-revoke&id=${g.id}`, 'approver');
    expect(used.summary).toBe('1 service used this in the last 7 days.');
    expect(used.services).toMatchObject([
      { service: s.name, host: d.host, observedConnections: 12, grantId: g.id },
    ]);

    const o = await t.factories.service({ namespace: 'open-ns' });
    await insertDenied(t.db, {
      serviceId: o.id,
      sourceNamespace: 'open-ns',
      host: 'direct.example.net',
      count: 3,
      lastSeen: ago(2),
    });
    const ns = await impact('kind=namespace-enforce&namespace=open-ns');
    expect(ns.services.map((x) => `${x.service}|${x.host}`)).toEqual([`${o.name}|direct.example.net`]);
    expect(ns.note).toMatch(/collector/);

    for (const [q, field] of [
      ['kind=grant-revoke', 'query.id'],
      ['kind=namespace-enforce', 'query.namespace'],
      ['kind=everything&id=' + g.id, 'query.kind'],
    ] as const) {
      const res = await t.as('engineer', { method: 'GET', url: `/api/v1/impact?${q}` });
      expect(res.statusCode).toBe(400);
      expect(errorFields(res.body)).toEqual([field]);
    }
    expect(
      (await t.as('viewer', { method: 'GET', url: `/api/v1/impact?kind=grant-revoke&id=${g.id}` }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await t.as('engineer', {
          method: 'GET',
          url: '/api/v1/impact?kind=grant-revoke&id=00000000-0000-4000-8000-000000000001',
        })
      ).statusCode,
    ).toBe(404);
  });
});
