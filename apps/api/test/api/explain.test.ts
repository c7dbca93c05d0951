// GET /api/v1/explain over the real API and PostgreSQL: the verdict comes from the compiled desired
// state (target "none": every gateway ready, DNS steered by rewrite rules), the steps and fixes from
// the grants table.
import type { Explain } from '@egress/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createExplainRepository } from '../../src/modules/explain/explain.repository.ts';
import { createExplainService } from '../../src/modules/explain/explain.service.ts';
import { createReconcileRepository } from '../../src/modules/reconcile/reconcile.repository.ts';
import { createReconcileService } from '../../src/modules/reconcile/reconcile.service.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  const res = await t.as('admin', {
    method: 'PATCH',
    url: '/api/v1/settings',
    payload: { enforcedNamespaces: ['payments'] },
  });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(async () => t.close());

const url = (service: string, host: string, port: number | string) =>
  `/api/v1/explain?service=${encodeURIComponent(service)}&host=${encodeURIComponent(host)}&port=${port}`;
async function explain(
  service: string,
  host: string,
  port: number,
  role: 'viewer' | 'engineer' = 'viewer',
): Promise<Explain> {
  const res = await t.as(role, { method: 'GET', url: url(service, host, port) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Explain>();
}
const step = (e: Explain, check: string) => {
  const s = e.steps.find((x) => x.check === check);
  if (!s) throw new Error(`no step ${check} in ${JSON.stringify(e.steps)}`);
  return s;
};
const approve = (id: string, who: Parameters<TestApp['as']>[0] = 'approver') =>
  t
    .as(who, {
      method: 'POST',
      url: `/api/v1/grants/${id}/approve`,
      payload: { comment: 'Reviewed for the test.' },
    })
    .then((r) => {
      expect(r.statusCode, r.body).toBe(200);
    });

async function fleet(namespace = 'payments') {
  const service = await t.factories.service({ namespace });
  const destination = await t.factories.destination();
  return { service, destination };
}

describe('GET /api/v1/explain', () => {
  it('allowed through the gateway: an active grant in an enforced namespace, every check named', async () => {
    const { service, destination } = await fleet();
    const grant = await t.factories.grant({
      service: service.name,
      destination: destination.host,
      port: 443,
    });
    await approve(grant.id);
    const e = await explain(service.name, destination.host, 443);
    expect(e).toMatchObject({ verdict: 'allowed', path: 'gateway', fixes: [] });
    expect(e.steps.map((s) => s.check)).toEqual(
      expect.arrayContaining([
        'service',
        'identity',
        'destination',
        'port',
        'grant',
        'gateway-ready',
        'dns-steering',
        'gateway-ingress',
        'default-deny',
        'port-wide',
      ]),
    );
    for (const c of [
      'destination',
      'port',
      'grant',
      'gateway-ready',
      'dns-steering',
      'gateway-ingress',
      'default-deny',
    ])
      expect(step(e, c).ok, c).toBe(true);
    expect(step(e, 'grant').detail).toContain(`${grant.id}: active, 1 of 1 approval(s)`);
    expect(step(e, 'identity').detail).toMatch(/^unbound: any pod with these labels/);
    expect(step(e, 'port-wide').ok).toBe(false);
  });

  it('denied without a grant: a prefilled request; another port is not served', async () => {
    const { service, destination } = await fleet();
    const e = await explain(service.name, destination.host, 443, 'engineer');
    expect(e).toMatchObject({ verdict: 'denied', path: 'gateway' });
    expect(step(e, 'grant')).toMatchObject({ ok: false });
    expect(step(e, 'gateway-ingress').ok).toBe(false);
    expect(e.fixes.map((f) => [f.kind, f.request])).toEqual([
      ['request', { service: service.name, destination: destination.host, port: 443 }],
    ]);
    const other = await explain(service.name, destination.host, 8443);
    expect(step(other, 'port').ok).toBe(false);
    expect(step(other, 'port').detail).toContain('8443/TCP is not one of the destination');
  });

  it('denied while pending: the fix names the grant, 1 of 2 approvals for a sensitive destination, and its page', async () => {
    const service = await t.factories.service({ namespace: 'payments', serviceAccount: 'payments-api' });
    const destination = await t.factories.destination({ sensitivity: 'sensitive' });
    const grant = await t.factories.grant({
      service: service.name,
      destination: destination.host,
      port: 443,
    });
    await approve(grant.id);
    const e = await explain(service.name, destination.host, 443);
    expect(e.verdict).toBe('denied');
    expect(e.fixes).toHaveLength(1);
    expect(e.fixes[0]).toMatchObject({
      kind: 'pending',
      grantId: grant.id,
      approvals: 1,
      requiredApprovals: 2,
    });
    expect(e.fixes[0]?.detail).toContain('1 of 2');
    expect(e.fixes[0]?.link).toMatch(new RegExp(`/grants/${grant.id}$`));
    expect(step(e, 'identity').detail).toContain('ServiceAccount payments-api');
    await approve(grant.id, await t.addUser('approver', 'second'));
    expect((await explain(service.name, destination.host, 443)).verdict).toBe('allowed');
  });

  it('allowed port-wide, to a host that is not registered; unregistered without a grant: denied with a fix', async () => {
    const service = await t.factories.service({ namespace: 'payments' });
    const before = await explain(service.name, 'unregistered.example.net', 5432);
    expect(before).toMatchObject({ verdict: 'denied', path: 'port-wide' });
    expect(step(before, 'destination').ok).toBe(false);
    expect(step(before, 'destination').detail).toContain('not a registered destination');
    expect(before.fixes.map((f) => f.kind)).toEqual(['register-destination', 'request']);
    expect(before.fixes[1]?.request).toEqual({ service: service.name, destination: null, port: 5432 });

    const grant = await t.factories.grant({ service: service.name, destination: null, port: 5432 });
    await approve(grant.id);
    await approve(grant.id, await t.addUser('approver', 'pw'));
    const after = await explain(service.name, 'unregistered.example.net', 5432);
    expect(after).toMatchObject({ verdict: 'allowed', path: 'port-wide', fixes: [] });
    expect(step(after, 'port-wide').ok).toBe(true);
    expect(step(after, 'port-wide').detail).toContain(`${grant.id}: active`);
  });

  it('open in a namespace that is not enforced, with how to enforce it', async () => {
    const { service, destination } = await fleet('shop');
    const e = await explain(service.name, destination.host, 443);
    expect(e).toMatchObject({ verdict: 'open', path: 'direct' });
    expect(step(e, 'default-deny').ok).toBe(false);
    expect(step(e, 'default-deny').detail).toContain('not enforced');
    expect(e.fixes.map((f) => f.kind)).toEqual(['namespace-not-enforced']);
    expect(e.fixes[0]?.detail).toContain('enforcedNamespaces');
  });

  it('denied once the grant is past its expiry (not yet swept) or revoked', async () => {
    const { service, destination } = await fleet();
    const grant = await t.factories.grant({
      service: service.name,
      destination: destination.host,
      port: 443,
    });
    await approve(grant.id);
    expect((await explain(service.name, destination.host, 443)).verdict).toBe('allowed');
    await t.db.grant.update({ where: { id: grant.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });
    const expired = await explain(service.name, destination.host, 443);
    expect(expired.verdict).toBe('denied');
    expect(step(expired, 'grant').ok).toBe(false);
    expect(step(expired, 'grant').detail).toContain('active, 1 of 1 approval(s), expired');

    await t.db.grant.update({ where: { id: grant.id }, data: { expiresAt: null } });
    const revoked = await t.as('approver', {
      method: 'POST',
      url: `/api/v1/grants/${grant.id}/revoke`,
      payload: { reason: 'no longer needed' },
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    const after = await explain(service.name, destination.host, 443);
    expect(after.verdict).toBe('denied');
    expect(step(after, 'grant').detail).toContain(`${grant.id}: revoked`);
    expect(after.fixes.map((f) => f.kind)).toEqual(['request']);
  });

  it('refuses the unauthenticated (401), bad input naming the field (400), an unknown service (404)', async () => {
    const { service, destination } = await fleet();
    expect(
      (await t.app.inject({ method: 'GET', url: url(service.name, destination.host, 443) })).statusCode,
    ).toBe(401);
    const bad = await t.as('viewer', { method: 'GET', url: url(service.name, destination.host, 'x') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field)).toEqual(
      ['query.port'],
    );
    const big = await t.as('viewer', { method: 'GET', url: url(service.name, destination.host, 70000) });
    expect(big.statusCode).toBe(400);
    expect(big.body).toContain('query.port');
    const host = await t.as('viewer', { method: 'GET', url: url(service.name, 'not a host', 443) });
    expect(host.statusCode).toBe(400);
    expect(host.body).toContain('query.host');
    const unknown = await t.as('viewer', {
      method: 'GET',
      url: url('no.such.service', destination.host, 443),
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('no.such.service');
  });

  it('a gateway that is not ready: denied, nothing steered in DNS, and the fix says so', async () => {
    // The none target always reports every gateway ready; here the same input as the reconciler's, with
    // the kubernetes target's answer for a gateway whose pods are not ready.
    const { service, destination } = await fleet();
    const grant = await t.factories.grant({
      service: service.name,
      destination: destination.host,
      port: 443,
    });
    await approve(grant.id);
    const reconcile = createReconcileService({
      db: t.db,
      repo: createReconcileRepository(t.db),
      reconciler: t.app.reconciler,
      clock: t.app.clock,
      log: t.app.log,
    });
    const notReady = createExplainService({
      repo: createExplainRepository(t.db),
      input: async () => ({ ...(await reconcile.input()), readiness: {} }),
      clock: t.app.clock,
      publicUrl: t.config.publicUrl,
    });
    const e = await notReady.explain({
      service: service.name,
      host: destination.host,
      port: 443,
      protocol: 'TCP',
    });
    expect(e.verdict).toBe('denied');
    expect(step(e, 'grant').ok).toBe(true);
    expect(step(e, 'gateway-ready').ok).toBe(false);
    expect(step(e, 'dns-steering').ok).toBe(false);
    expect(e.fixes.map((f) => f.kind)).toEqual(['gateway-not-ready']);
    expect((await explain(service.name, destination.host, 443)).verdict).toBe('allowed');
  });
});
