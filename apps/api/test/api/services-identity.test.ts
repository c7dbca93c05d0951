// Service identity (namespace, selector, ServiceAccount) says which pods hold a service's access. Once a
// grant is pending or active, nobody changes it (whoever they are: engineer, requester, approver, admin);
// binding an unbound service only narrows access and is allowed; a bound service is never unbound;
// deleting a service with active grants is an approver's call. See docs/decisions.md.
import type { Grant, Role, Service } from '@egress/shared';
import type { Factories } from '@egress/shared/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp, type TestUser } from '../helpers/test-app.ts';

let t: TestApp;
let f: Factories;
let eng2: TestUser;
let approver2: TestUser;

beforeAll(async () => {
  t = await createTestApp();
  f = t.factories;
  eng2 = await t.addUser('engineer', 'eng2');
  approver2 = await t.addUser('approver', 'approver2');
});
afterAll(async () => t.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const req = (who: Role | TestUser, method: Method, url: string, payload?: object) =>
  t.as(who, { method, url, ...(payload ? { payload } : {}) });

function expectStatus(res: LightMyRequestResponse, status: number): void {
  expect(res.statusCode, res.body).toBe(status);
}
const getService = async (id: string) =>
  (await req('viewer', 'GET', `/api/v1/services/${id}`)).json<Service>();
const grantState = async (id: string) =>
  (await req('viewer', 'GET', `/api/v1/grants/${id}`)).json<Grant>().state;
const auditCount = (targetId: string) => t.db.auditEvent.count({ where: { targetId } });

async function approve(g: Grant): Promise<void> {
  for (const a of [t.users.approver, approver2].slice(0, g.requiredApprovals))
    expectStatus(
      await req(a, 'POST', `/api/v1/grants/${g.id}/approve`, { comment: 'Reviewed for the test.' }),
      200,
    );
}

/** A service in team-a with one grant requested by the default engineer; approved unless `pending`. */
async function grantedService(
  kind: 'standard' | 'sensitive' | 'port-wide',
  state: 'active' | 'pending' = 'active',
) {
  const svc = await f.service({ namespace: 'team-a', selector: { matchLabels: { app: 'alpha' } } });
  const grant =
    kind === 'port-wide'
      ? await f.grant({ service: svc.name, destination: null, port: 8443 })
      : await f.grant({ service: svc.name, destinationOverrides: { sensitivity: kind } });
  expect(grant.requiredApprovals).toBe(kind === 'standard' ? 1 : 2);
  if (state === 'active') await approve(grant);
  expect(await grantState(grant.id)).toBe(state);
  return { svc: await getService(svc.id), grant };
}

const MOVES = [
  { namespace: 'payments' },
  { selector: { matchLabels: { 'app.kubernetes.io/part-of': 'payments' } } },
  { selector: { matchLabels: { app: 'alpha', tier: 'web' } } },
  { namespace: 'payments', selector: { matchLabels: { 'app.kubernetes.io/part-of': 'payments' } } },
] as const;

describe('identity changes of a service with live grants', () => {
  const who: [string, () => Role | TestUser][] = [
    ['another engineer (neither requester nor approver)', () => eng2],
    ['the requester', () => t.users.engineer],
    ['an approver who approved the grant', () => t.users.approver],
    ['an admin', () => t.users.admin],
  ];
  for (const [label, actor] of who) {
    it(`refuses ${label}: 409 naming the locked fields; service, grant, policies and audit unchanged`, async () => {
      const { svc, grant } = await grantedService('standard');
      const audited = await auditCount(svc.id);
      for (const body of MOVES) {
        const res = await req(actor(), 'PATCH', `/api/v1/services/${svc.id}`, {
          ...body,
          description: 'moved',
        });
        expectStatus(res, 409);
        const error = res.json<{ error: { code: string; message: string; details: { field: string }[] } }>()
          .error;
        expect(error.code).toBe('conflict');
        expect(error.message).toContain(`service ${svc.name}`);
        expect(error.message).toContain('1 active');
        expect(error.message).toMatch(/register a new service/);
        expect(error.details.map((d) => d.field).sort()).toEqual(
          Object.keys(body)
            .map((k) => `body.${k}`)
            .sort(),
        );
      }
      expect(await getService(svc.id)).toEqual(svc);
      expect(await grantState(grant.id)).toBe('active');
      expect(await auditCount(svc.id)).toBe(audited);
    });
  }

  it('refuses the move of the issue (an approved sensitive grant, two approvers) and shows the policy still on team-a', async () => {
    const { svc, grant } = await grantedService('sensitive');
    const res = await req(eng2, 'PATCH', `/api/v1/services/${svc.id}`, {
      namespace: 'payments',
      selector: { matchLabels: { 'app.kubernetes.io/part-of': 'payments' } },
    });
    expectStatus(res, 409);
    expect(await grantState(grant.id)).toBe('active');
    const manifests = (await req('viewer', 'GET', '/api/v1/manifests')).body;
    expect(manifests).toContain('"kubernetes.io/metadata.name":"team-a"');
    expect(manifests).not.toContain('"app.kubernetes.io/part-of":"payments"');
  });

  it('refuses an active port-wide grant and a pending one alike (pending requests count: approvers approve what they see)', async () => {
    for (const state of ['active', 'pending'] as const) {
      const { svc } = await grantedService('port-wide', state);
      const res = await req(eng2, 'PATCH', `/api/v1/services/${svc.id}`, { namespace: 'payments' });
      expectStatus(res, 409);
      expect(res.json<{ error: { message: string } }>().error.message).toContain(
        state === 'active' ? '1 active and 0 pending' : '0 active and 1 pending',
      );
    }
  });

  it('refuses a pending sensitive grant half-approved', async () => {
    const { svc, grant } = await grantedService('sensitive', 'pending');
    expectStatus(
      await req(t.users.approver, 'POST', `/api/v1/grants/${grant.id}/approve`, {
        comment: 'Reviewed for the test.',
      }),
      200,
    );
    expectStatus(
      await req(eng2, 'PATCH', `/api/v1/services/${svc.id}`, { selector: { matchLabels: { app: 'other' } } }),
      409,
    );
    expectStatus(
      await req(approver2, 'POST', `/api/v1/grants/${grant.id}/approve`, {
        comment: 'Reviewed for the test.',
      }),
      200,
    );
    expect((await getService(svc.id)).selector).toEqual({ matchLabels: { app: 'alpha' } });
  });

  it('accepts team and description, and identity fields sent with their current values (in any key order)', async () => {
    const svc = await f.service({
      namespace: 'team-c',
      selector: { matchLabels: { app: 'alpha', tier: 'api' } },
      serviceAccount: 'alpha',
    });
    const g = await f.grant({ service: svc.name });
    await approve(g);
    const res = await req(eng2, 'PATCH', `/api/v1/services/${svc.id}`, {
      namespace: 'team-c',
      selector: { matchLabels: { tier: 'api', app: 'alpha' } },
      serviceAccount: 'alpha',
      team: 'alpha',
      description: 'ok',
    });
    expectStatus(res, 200);
    expect(res.json()).toMatchObject({
      namespace: 'team-c',
      serviceAccount: 'alpha',
      team: 'alpha',
      description: 'ok',
      activeGrants: 1,
    });
  });

  it('changing the ServiceAccount of a bound service is an identity change: refused while grants are live', async () => {
    const svc = await f.service({ serviceAccount: 'alpha' });
    await approve(await f.grant({ service: svc.name }));
    const res = await req('admin', 'PATCH', `/api/v1/services/${svc.id}`, { serviceAccount: 'payments' });
    expectStatus(res, 409);
    expect(res.json()).toMatchObject({ error: { details: [{ field: 'body.serviceAccount' }] } });
    expect((await getService(svc.id)).serviceAccount).toBe('alpha');
  });

  it('lets an engineer bind an unbound service with live grants (it narrows access), audited with before and after', async () => {
    const { svc } = await grantedService('standard');
    expect(svc.serviceAccount).toBeNull();
    const res = await req(eng2, 'PATCH', `/api/v1/services/${svc.id}`, { serviceAccount: 'alpha-runner' });
    expectStatus(res, 200);
    expect(res.json()).toMatchObject({ serviceAccount: 'alpha-runner', activeGrants: 1 });
    const last = await t.db.auditEvent.findFirst({ where: { targetId: svc.id }, orderBy: { seq: 'desc' } });
    expect(last).toMatchObject({
      action: 'service.updated',
      actor: eng2.email,
      before: { serviceAccount: null },
      after: { serviceAccount: 'alpha-runner' },
    });
    // The cluster gets the admission policy for the namespace, naming the service and its ServiceAccount.
    const manifests = (await req('viewer', 'GET', '/api/v1/manifests')).json<{
      items: { kind: string; metadata: { name: string }; spec: { validations?: { message: string }[] } }[];
    }>();
    const policy = manifests.items.find(
      (o) =>
        o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === 'egress-control-pod-identity-team-a',
    );
    expect(policy?.spec.validations?.map((v) => v.message)).toContainEqual(
      expect.stringContaining(`service ${svc.name}; they must run as ServiceAccount alpha-runner`),
    );
    // Binding together with a move is still a move.
    const both = await req(eng2, 'PATCH', `/api/v1/services/${svc.id}`, {
      serviceAccount: 'other',
      namespace: 'payments',
    });
    expectStatus(both, 409);
  });

  it('never unbinds a bound service, with or without grants: 400 naming the field', async () => {
    const svc = await f.service({ serviceAccount: 'alpha' });
    const res = await req('admin', 'PATCH', `/api/v1/services/${svc.id}`, { serviceAccount: null });
    expectStatus(res, 400);
    expect(res.json()).toMatchObject({
      error: { code: 'validation_failed', details: [{ field: 'body.serviceAccount' }] },
    });
    expect((await getService(svc.id)).serviceAccount).toBe('alpha');
    // null on a service that is still unbound changes nothing and is not an error.
    const unbound = await f.service();
    expectStatus(
      await req('engineer', 'PATCH', `/api/v1/services/${unbound.id}`, { serviceAccount: null }),
      200,
    );
  });

  it('frees the identity again once the grants are revoked or cancelled; a new grant is needed (and approved) for the new identity', async () => {
    const { svc, grant } = await grantedService('standard');
    const pending = await f.grant({ service: svc.name, destination: null, port: 9443 });
    expectStatus(
      await req(t.users.approver, 'POST', `/api/v1/grants/${grant.id}/revoke`, { reason: 'moving' }),
      200,
    );
    expectStatus(await req(eng2, 'PATCH', `/api/v1/services/${svc.id}`, { namespace: 'payments' }), 409);
    expectStatus(await req('engineer', 'POST', `/api/v1/grants/${pending.id}/cancel`, {}), 200);
    const moved = await req(eng2, 'PATCH', `/api/v1/services/${svc.id}`, { namespace: 'payments' });
    expectStatus(moved, 200);
    expect(moved.json()).toMatchObject({ namespace: 'payments', activeGrants: 0, pendingGrants: 0 });
  });
});

describe('contradicting bound services', () => {
  it('refuses a bound service whose selector can match the pods of another bound to a different ServiceAccount', async () => {
    const ns = 'team-d';
    const shop = await f.service({
      name: 'svc.shop',
      namespace: ns,
      selector: { matchLabels: { app: 'shop' } },
      serviceAccount: 'shop',
    });
    for (const [i, selector] of [{ app: 'shop' }, { app: 'shop', tier: 'web' }, { tier: 'web' }].entries()) {
      const res = await req('engineer', 'POST', '/api/v1/services', {
        name: `svc.clash-${i}`,
        namespace: ns,
        selector: { matchLabels: selector },
        serviceAccount: 'intruder',
      });
      expectStatus(res, 409);
      expect(res.json()).toMatchObject({
        error: {
          code: 'conflict',
          details: [{ field: 'body.serviceAccount', message: 'contradicts service svc.shop' }],
        },
      });
    }
    // Same ServiceAccount, selectors that cannot match one pod, another namespace, or unbound: fine.
    expectStatus(
      await req('engineer', 'POST', '/api/v1/services', {
        name: 'svc.shop-web',
        namespace: ns,
        selector: { matchLabels: { app: 'shop', tier: 'web' } },
        serviceAccount: 'shop',
      }),
      201,
    );
    expectStatus(
      await req('engineer', 'POST', '/api/v1/services', {
        name: 'svc.cart',
        namespace: ns,
        selector: { matchLabels: { app: 'cart' } },
        serviceAccount: 'cart',
      }),
      201,
    );
    expectStatus(
      await req('engineer', 'POST', '/api/v1/services', {
        name: 'svc.shop-elsewhere',
        namespace: 'team-e',
        selector: { matchLabels: { app: 'shop' } },
        serviceAccount: 'other',
      }),
      201,
    );
    const unbound = await f.service({
      namespace: ns,
      selector: { matchLabels: { app: 'shop', tier: 'db' } },
    });
    // Binding it (or moving a bound one) onto svc.shop's pods is the same contradiction.
    expectStatus(
      await req('engineer', 'PATCH', `/api/v1/services/${unbound.id}`, { serviceAccount: 'db' }),
      409,
    );
    expect((await getService(unbound.id)).serviceAccount).toBeNull();
    const cart = (await req('viewer', 'GET', `/api/v1/services?q=svc.cart`)).json<{ items: Service[] }>()
      .items[0];
    expectStatus(
      await req('engineer', 'PATCH', `/api/v1/services/${cart?.id ?? ''}`, {
        selector: { matchLabels: { app: 'shop' } },
      }),
      409,
    );
    expect(shop.serviceAccount).toBe('shop');
  });
});

describe('an identity change racing a grant request', () => {
  it('never lets a move slip past a request: either the move is refused, or it committed before the request was written', async () => {
    for (let i = 0; i < 8; i++) {
      const svc = await f.service({ namespace: 'team-a' });
      const destination = await f.destination();
      const [move, request] = await Promise.all([
        req(eng2, 'PATCH', `/api/v1/services/${svc.id}`, { namespace: 'payments' }),
        req('engineer', 'POST', '/api/v1/grants', {
          service: svc.name,
          destination: destination.host,
          port: 443,
          justification: 'Racing an identity change on purpose.',
        }),
      ]);
      expectStatus(request, 201);
      if (move.statusCode === 409) continue;
      expectStatus(move, 200);
      const moved = await t.db.auditEvent.findFirstOrThrow({
        where: { targetId: svc.id, action: 'service.updated' },
      });
      const requested = await t.db.auditEvent.findFirstOrThrow({
        where: { targetId: request.json<Grant>().id, action: 'grant.requested' },
      });
      expect(moved.seq < requested.seq).toBe(true);
    }
  });
});

describe('deleting a service', () => {
  it('with active grants: engineers (requester or not) get 403 with the reason; nothing changes', async () => {
    const { svc, grant } = await grantedService('standard');
    for (const who of [eng2, t.users.engineer]) {
      const res = await req(who, 'DELETE', `/api/v1/services/${svc.id}`);
      expectStatus(res, 403);
      expect(res.json<{ error: { message: string } }>().error.message).toMatch(
        /1 active grant: deleting it revokes approved access, which only an approver or admin may do/,
      );
    }
    expect(await getService(svc.id)).toEqual(svc);
    expect(await grantState(grant.id)).toBe('active');
  });

  it('with active grants: an approver or an admin deletes it and revokes them (sensitive and port-wide too)', async () => {
    for (const [kind, who] of [
      ['sensitive', 'approver'],
      ['port-wide', 'admin'],
    ] as const) {
      const { svc, grant } = await grantedService(kind);
      expectStatus(await req(who, 'DELETE', `/api/v1/services/${svc.id}`), 204);
      expect(await grantState(grant.id)).toBe('revoked');
    }
  });

  it('with only pending grants: an engineer may delete it (no approved access is revoked), the requests are cancelled', async () => {
    const { svc, grant } = await grantedService('port-wide', 'pending');
    expectStatus(await req(eng2, 'DELETE', `/api/v1/services/${svc.id}`), 204);
    expect(await grantState(grant.id)).toBe('cancelled');
  });
});

describe('serviceAccount on create', () => {
  it('is optional (null: unbound), kept when given, and validated naming the field', async () => {
    expect((await f.service()).serviceAccount).toBeNull();
    expect((await f.service({ serviceAccount: 'payments-api.v2' })).serviceAccount).toBe('payments-api.v2');
    for (const serviceAccount of ['Payments', 'a_b', '-a', 'a'.repeat(254), '', 7]) {
      const res = await req('engineer', 'POST', '/api/v1/services', {
        name: `service.bad-sa-${String(serviceAccount).length}`,
        namespace: 'apps',
        selector: { matchLabels: { a: 'b' } },
        serviceAccount,
      });
      expectStatus(res, 400);
      expect(
        res.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field),
      ).toContain('body.serviceAccount');
    }
  });
});
