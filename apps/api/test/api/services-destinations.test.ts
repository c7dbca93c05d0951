// Services and destinations: CRUD, roles, and what a change does to the grants that depend on them.
import type { Destination, Grant, Role, Service } from '@egress/shared';
import type { Factories } from '@egress/shared/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp, type TestUser } from '../helpers/test-app.ts';

let t: TestApp;
let f: Factories;

beforeAll(async () => {
  t = await createTestApp();
  f = t.factories;
});
afterAll(async () => t.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const req = (who: Role | TestUser, method: Method, url: string, payload?: object) =>
  t.as(who, { method, url, ...(payload ? { payload } : {}) });
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

function expectStatus(res: LightMyRequestResponse, status: number): void {
  expect(res.statusCode, res.body).toBe(status);
}
const grantState = async (id: string) => (await req('viewer', 'GET', `/api/v1/grants/${id}`)).json<Grant>();

async function approve(g: Grant): Promise<void> {
  const approvers = [t.users.approver, t.users.admin];
  for (const a of approvers.slice(0, g.requiredApprovals))
    expectStatus(
      await req(a, 'POST', `/api/v1/grants/${g.id}/approve`, { comment: 'Reviewed for the test.' }),
      200,
    );
}

describe('services', () => {
  it('creates, reads, updates and refuses a duplicate name', async () => {
    const body = {
      name: 'service.crud',
      namespace: 'payments',
      selector: { matchLabels: { app: 'crud' } },
      team: 'payments',
      description: 'CRUD test',
    };
    const created = await req('engineer', 'POST', '/api/v1/services', body);
    expectStatus(created, 201);
    const svc = created.json<Service>();
    expect(svc).toMatchObject({ ...body, activeGrants: 0 });

    expect((await req('viewer', 'GET', `/api/v1/services/${svc.id}`)).json()).toEqual(svc);
    expectStatus(await req('viewer', 'GET', `/api/v1/services/${UNKNOWN_ID}`), 404);
    const list = (await req('viewer', 'GET', '/api/v1/services?q=crud')).json<{ items: Service[] }>();
    expect(list.items.map((s) => s.id)).toEqual([svc.id]);

    const dup = await req('engineer', 'POST', '/api/v1/services', { ...body, namespace: 'other' });
    expectStatus(dup, 409);
    expect(dup.json()).toMatchObject({ error: { code: 'duplicate' } });

    const patched = await req('engineer', 'PATCH', `/api/v1/services/${svc.id}`, {
      namespace: 'billing',
      team: null,
      selector: { matchLabels: { app: 'crud', tier: 'web' } },
    });
    expectStatus(patched, 200);
    expect(patched.json()).toMatchObject({
      id: svc.id,
      name: 'service.crud',
      namespace: 'billing',
      team: null,
      selector: { matchLabels: { app: 'crud', tier: 'web' } },
      description: 'CRUD test',
    });
    expectStatus(await req('engineer', 'PATCH', `/api/v1/services/${UNKNOWN_ID}`, { team: 'x' }), 404);
  });

  it('lets viewers read but not write', async () => {
    expectStatus(await req('viewer', 'GET', '/api/v1/services'), 200);
    expectStatus(
      await req('viewer', 'POST', '/api/v1/services', {
        name: 'service.viewer',
        namespace: 'apps',
        selector: { matchLabels: { a: 'b' } },
      }),
      403,
    );
  });

  it('deletes a service: revokes its active grants and cancels pending ones, each audited; the name is free again', async () => {
    const svc = await f.service();
    const active = await f.grant({ service: svc.name });
    await approve(active);
    const pending = await f.grant({ service: svc.name, destination: null, port: 8443 });
    const otherService = await f.grant(); // untouched
    expect((await req('viewer', 'GET', `/api/v1/services/${svc.id}`)).json()).toMatchObject({
      activeGrants: 1,
    });

    expectStatus(await req('viewer', 'DELETE', `/api/v1/services/${svc.id}`), 403);
    // An engineer may not revoke approved access by deleting the service (services-identity.test.ts).
    expectStatus(await req('engineer', 'DELETE', `/api/v1/services/${svc.id}`), 403);
    const res = await req('approver', 'DELETE', `/api/v1/services/${svc.id}`);
    expectStatus(res, 204);
    expect(res.body).toBe('');

    expect(await grantState(active.id)).toMatchObject({
      state: 'revoked',
      decidedBy: t.users.approver.email,
    });
    expect(await grantState(pending.id)).toMatchObject({ state: 'cancelled' });
    expect(await grantState(otherService.id)).toMatchObject({ state: 'pending' });

    const audit = async (targetId: string) =>
      (await t.db.auditEvent.findMany({ where: { targetId }, orderBy: { seq: 'asc' } })).map((e) => e.action);
    expect((await audit(active.id)).at(-1)).toBe('grant.revoked');
    expect((await audit(pending.id)).at(-1)).toBe('grant.cancelled');
    expect((await audit(svc.id)).at(-1)).toBe('service.deleted');

    expectStatus(await req('viewer', 'GET', `/api/v1/services/${svc.id}`), 404);
    expectStatus(await req('engineer', 'DELETE', `/api/v1/services/${svc.id}`), 404);
    const again = await req('engineer', 'POST', '/api/v1/services', {
      name: svc.name,
      namespace: 'apps',
      selector: { matchLabels: { app: 'reborn' } },
    });
    expectStatus(again, 201);
    expect(again.json<Service>().id).not.toBe(svc.id);
  });
});

describe('destinations', () => {
  it('creates with a gatewayName (approver only) and lets every role read', async () => {
    const body = {
      host: 'api.crud-dest.com',
      ports: [{ port: 443, protocol: 'TCP' }],
      sensitivity: 'standard',
      description: 'the API',
    };
    expectStatus(await req('engineer', 'POST', '/api/v1/destinations', body), 403);
    expectStatus(await req('viewer', 'POST', '/api/v1/destinations', body), 403);
    const res = await req('approver', 'POST', '/api/v1/destinations', body);
    expectStatus(res, 201);
    const d = res.json<Destination>();
    expect(d).toMatchObject({
      host: 'api.crud-dest.com',
      gatewayName: 'api-crud--dest-com',
      ports: [{ port: 443, protocol: 'TCP' }],
      sensitivity: 'standard',
      activeGrants: 0,
    });
    expect(d.gateway.maxReplicas).toBeGreaterThanOrEqual(d.gateway.minReplicas);
    expect((await req('viewer', 'GET', `/api/v1/destinations/${d.id}`)).json()).toEqual(d);
    expectStatus(await req('viewer', 'GET', `/api/v1/destinations/${UNKNOWN_ID}`), 404);
    expectStatus(await req('approver', 'POST', '/api/v1/destinations', body), 409);
  });

  it('refuses gateway maxReplicas below minReplicas, on create and on update', async () => {
    const res = await req('approver', 'POST', '/api/v1/destinations', {
      host: 'replicas.example.com',
      ports: [{ port: 443, protocol: 'TCP' }],
      sensitivity: 'standard',
      gateway: { minReplicas: 5, maxReplicas: 3 },
    });
    expectStatus(res, 400);
    expect(res.json()).toMatchObject({
      error: { code: 'validation_failed', details: [{ field: 'body.gateway.maxReplicas' }] },
    });
    const d = await f.destination({ gateway: { minReplicas: 3, maxReplicas: 6 } });
    const patch = await req('approver', 'PATCH', `/api/v1/destinations/${d.id}`, {
      gateway: { maxReplicas: 2 },
    });
    expectStatus(patch, 400);
    expect(patch.json()).toMatchObject({
      error: { code: 'validation_failed', details: [{ field: 'body.gateway.maxReplicas' }] },
    });
    expect((await req('viewer', 'GET', `/api/v1/destinations/${d.id}`)).json()).toMatchObject({
      gateway: { minReplicas: 3, maxReplicas: 6 },
    });
  });

  it('lists with q and sensitivity filters and pages through every match once', async () => {
    const tag = `lst${Date.now().toString(36)}`;
    const made: Destination[] = [];
    for (let i = 0; i < 5; i++)
      made.push(
        await f.destination({
          host: `h${i}.${tag}.com`,
          sensitivity: i % 2 === 0 ? 'sensitive' : 'standard',
        }),
      );
    type Page = { items: Destination[]; nextCursor: string | null };
    const list = async (query: string) =>
      (await req('viewer', 'GET', `/api/v1/destinations?${query}`)).json<Page>();

    expect((await list(`q=${tag}`)).items.map((d) => d.host)).toEqual(made.map((d) => d.host));
    expect((await list(`q=${tag}&sensitivity=sensitive`)).items.map((d) => d.host)).toEqual(
      [0, 2, 4].map((i) => `h${i}.${tag}.com`),
    );
    expect((await list(`q=${tag.toUpperCase()}&sensitivity=standard`)).items.map((d) => d.host)).toEqual(
      [1, 3].map((i) => `h${i}.${tag}.com`),
    );
    // host: exactly one, whatever else contains it (the request form looks a chosen destination up this way).
    expect((await list(`host=H1.${tag.toUpperCase()}.com`)).items.map((d) => d.id)).toEqual([made[1]?.id]);
    expect((await list(`host=${tag}.com`)).items).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(
        `q=${tag}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((d) => d.host));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(made.map((d) => d.host));
  });

  it('raising sensitivity makes pending grants need two approvals', async () => {
    const d = await f.destination({ sensitivity: 'standard' });
    const pending = await f.grant({ destination: d.host, port: 443 });
    expect(pending.requiredApprovals).toBe(1);
    const res = await req('approver', 'PATCH', `/api/v1/destinations/${d.id}`, { sensitivity: 'sensitive' });
    expectStatus(res, 200);
    expect(res.json()).toMatchObject({ sensitivity: 'sensitive' });
    expect(await grantState(pending.id)).toMatchObject({ requiredApprovals: 2 });
    expect(
      (
        await req('approver', 'POST', `/api/v1/grants/${pending.id}/approve`, {
          comment: 'Reviewed for the test.',
        })
      ).json(),
    ).toMatchObject({
      state: 'pending',
    });
    expect(
      (
        await req('admin', 'POST', `/api/v1/grants/${pending.id}/approve`, {
          comment: 'Reviewed for the test.',
        })
      ).json(),
    ).toMatchObject({
      state: 'active',
    });
    // New requests need two from the start.
    expect(
      (await f.grant({ destination: d.host, port: 443, service: (await f.service()).name }))
        .requiredApprovals,
    ).toBe(2);
  });

  it('changes ports, but refuses to remove a port that has pending or active grants', async () => {
    const d = await f.destination({
      ports: [
        { port: 443, protocol: 'TCP' },
        { port: 22, protocol: 'TCP' },
        { port: 80, protocol: 'TCP' },
      ],
    });
    const onSsh = await f.grant({ destination: d.host, port: 22 });
    const onHttps = await f.grant({ destination: d.host, port: 443 });
    await approve(onHttps);

    for (const ports of [
      [
        { port: 443, protocol: 'TCP' },
        { port: 80, protocol: 'TCP' },
      ],
      [
        { port: 22, protocol: 'TCP' },
        { port: 80, protocol: 'TCP' },
      ],
    ]) {
      const res = await req('approver', 'PATCH', `/api/v1/destinations/${d.id}`, { ports });
      expectStatus(res, 409);
    }
    expect(
      (await req('viewer', 'GET', `/api/v1/destinations/${d.id}`))
        .json<Destination>()
        .ports.map((p) => p.port),
    ).toEqual([22, 80, 443]);

    const ok = await req('approver', 'PATCH', `/api/v1/destinations/${d.id}`, {
      ports: [
        { port: 443, protocol: 'TCP' },
        { port: 22, protocol: 'TCP' },
        { port: 8443, protocol: 'TCP' },
      ],
    });
    expectStatus(ok, 200);
    expect(ok.json<Destination>().ports.map((p) => p.port)).toEqual([22, 443, 8443]);
    expect(await grantState(onSsh.id)).toMatchObject({ state: 'pending' });
    expect(await grantState(onHttps.id)).toMatchObject({ state: 'active' });
  });

  it('refuses to delete while grants are active; force is for admins only and revokes them', async () => {
    const d = await f.destination();
    const active = await f.grant({ destination: d.host, port: 443 });
    await approve(active);
    const pending = await f.grant({ destination: d.host, port: 443 });

    expectStatus(await req('approver', 'DELETE', `/api/v1/destinations/${d.id}`), 409);
    expectStatus(await req('approver', 'DELETE', `/api/v1/destinations/${d.id}?force=true`), 403);
    expectStatus(await req('engineer', 'DELETE', `/api/v1/destinations/${d.id}?force=true`), 403);
    expect(await grantState(active.id)).toMatchObject({ state: 'active' });

    expectStatus(await req('admin', 'DELETE', `/api/v1/destinations/${d.id}?force=true`), 204);
    expect(await grantState(active.id)).toMatchObject({ state: 'revoked', decidedBy: t.users.admin.email });
    expect(await grantState(pending.id)).toMatchObject({ state: 'cancelled' });
    expectStatus(await req('viewer', 'GET', `/api/v1/destinations/${d.id}`), 404);
    const actions = (
      await t.db.auditEvent.findMany({
        where: { targetId: { in: [active.id, d.id] } },
        orderBy: { seq: 'asc' },
      })
    ).map((e) => e.action);
    expect(actions.slice(-2)).toEqual(['grant.revoked', 'destination.deleted']);
  });

  it('deletes a destination without active grants, cancelling pending ones', async () => {
    const d = await f.destination();
    const pending = await f.grant({ destination: d.host, port: 443 });
    expectStatus(await req('approver', 'DELETE', `/api/v1/destinations/${d.id}`), 204);
    expect(await grantState(pending.id)).toMatchObject({ state: 'cancelled' });
    // The host can be registered again.
    expectStatus(
      await req('approver', 'POST', '/api/v1/destinations', {
        host: d.host,
        ports: [{ port: 443, protocol: 'TCP' }],
        sensitivity: 'standard',
      }),
      201,
    );
  });
});
