// GET /api/v1/coverage on a target with no cluster to list (none): it reports the namespaces the
// settings and registered services name, says so, and follows the enforcement mode and its exclusions
// exactly as the compiler does (the default-deny policies in GET /manifests).
import { DEFAULT_DENY_NAME } from '@egress/manifests';
import type { Coverage } from '@egress/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const coverage = async () => {
  const res = await t.as('viewer', { method: 'GET', url: '/api/v1/coverage' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Coverage>();
};
const patch = (payload: Record<string, unknown>) =>
  t.as('admin', { method: 'PATCH', url: '/api/v1/settings', payload });
const deniedNamespaces = async () => {
  const res = await t.as('viewer', { method: 'GET', url: '/api/v1/manifests' });
  return res
    .json<{ items: { kind: string; metadata: { name: string; namespace?: string } }[] }>()
    .items.filter((o) => o.metadata.name === DEFAULT_DENY_NAME)
    .map((o) => o.metadata.namespace);
};

describe('GET /api/v1/coverage', () => {
  it('defaults to the list (nothing changes on upgrade) and says it could not list a cluster', async () => {
    const settings = (await t.as('admin', { method: 'GET', url: '/api/v1/settings' })).json<
      Record<string, unknown>
    >();
    expect(settings).toMatchObject({
      enforcementMode: 'listed',
      excludedNamespaces: ['kube-node-lease', 'kube-public', 'kube-system'],
    });
    const svc = await t.factories.service({ namespace: 'shop' });
    expect((await patch({ enforcedNamespaces: ['payments'] })).statusCode).toBe(200);

    const c = await coverage();
    expect(c).toMatchObject({ mode: 'listed', source: 'settings', enforced: 1 });
    expect(c.note).toMatch(/none target has no cluster to list/);
    expect(c.namespaces.find((n) => n.namespace === 'payments')).toMatchObject({
      enforced: true,
      reason: 'listed',
      services: [],
    });
    expect(c.namespaces.find((n) => n.namespace === 'shop')).toEqual({
      namespace: 'shop',
      enforced: false,
      reason: 'notListed',
      reasonText: 'not in the list of enforced namespaces',
      services: [{ id: svc.id, name: svc.name }],
    });
    expect(c.total).toBe(c.namespaces.length);
  });

  it('in mode "all" enforces every known namespace but the excluded ones, as the compiler does', async () => {
    await t.factories.service({ namespace: 'kube-system' });
    await t.factories.service({ namespace: 'egress-gateways' });
    expect((await patch({ enforcementMode: 'all' })).statusCode).toBe(200);

    const c = await coverage();
    expect(c.mode).toBe('all');
    const verdicts = Object.fromEntries(c.namespaces.map((n) => [n.namespace, n.reason]));
    expect(verdicts).toMatchObject({
      payments: 'allNamespaces',
      shop: 'allNamespaces',
      'kube-system': 'excluded',
      'egress-gateways': 'gatewayNamespace',
    });
    const enforced = c.namespaces.filter((n) => n.enforced).map((n) => n.namespace);
    expect(enforced).toEqual(
      ['payments', 'shop', 'test-apps'].filter((ns) => c.namespaces.some((n) => n.namespace === ns)),
    );
    expect(await deniedNamespaces()).toEqual(enforced);
  });

  it('follows an edited exclusion list', async () => {
    expect((await patch({ excludedNamespaces: ['shop'] })).statusCode).toBe(200);
    const c = await coverage();
    expect(c.namespaces.find((n) => n.namespace === 'shop')).toMatchObject({
      enforced: false,
      reason: 'excluded',
    });
    expect(c.namespaces.find((n) => n.namespace === 'kube-system')).toMatchObject({
      enforced: true,
      reason: 'allNamespaces',
    });
    expect(await deniedNamespaces()).toEqual(c.namespaces.filter((n) => n.enforced).map((n) => n.namespace));
  });

  it('refuses a bad mode or namespace naming the field, and changes nothing', async () => {
    const before = (await t.as('admin', { method: 'GET', url: '/api/v1/settings' })).json<unknown>();
    const bad = await patch({ enforcementMode: 'everything', excludedNamespaces: ['Not A Namespace'] });
    expect(bad.statusCode).toBe(400);
    const fields = bad
      .json<{ error: { details: { field: string; message: string }[] } }>()
      .error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.enforcementMode', 'body.excludedNamespaces[0]']));
    expect(bad.body).toContain('must be \\"listed\\" or \\"all\\"');
    expect((await t.as('admin', { method: 'GET', url: '/api/v1/settings' })).json()).toEqual(before);
  });

  it('is open to every role and closed to anonymous callers', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/coverage' })).statusCode).toBe(401);
    for (const role of ['viewer', 'engineer', 'approver', 'admin'] as const) {
      expect((await t.as(role, { method: 'GET', url: '/api/v1/coverage' })).statusCode).toBe(200);
    }
  });
});
