import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('manifests and settings', () => {
  it('GET /manifests is deterministic, sorted, and has a YAML form', async () => {
    await t.as('approver', {
      method: 'POST',
      url: '/api/v1/destinations',
      payload: { host: 'api.stripe.com', ports: [{ port: 443, protocol: 'TCP' }], sensitivity: 'standard' },
    });
    const a = await t.as('viewer', { method: 'GET', url: '/api/v1/manifests' });
    const b = await t.as('viewer', { method: 'GET', url: '/api/v1/manifests' });
    expect(a.statusCode).toBe(200);
    expect(a.body).toBe(b.body);
    const items = a.json<{
      items: {
        kind: string;
        metadata: { name: string; namespace?: string; labels: Record<string, string> };
      }[];
    }>().items;
    const keys = items.map((o) => `${o.kind}\u0000${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`);
    expect([...keys].sort()).toEqual(keys);
    expect(items.every((o) => o.metadata.labels['app.kubernetes.io/managed-by'] === 'egress-control')).toBe(
      true,
    );
    const yaml = await t.as('viewer', { method: 'GET', url: '/api/v1/manifests?format=yaml' });
    expect(yaml.headers['content-type']).toMatch(/^text\/yaml/);
    expect(yaml.body.split(/^---$/m).length).toBeGreaterThanOrEqual(items.length);
    expect(yaml.body).toContain('kind: Deployment');
  });

  it('settings: admin reads defaults, patches one field, others keep their values; bad input is a 400 that changes nothing', async () => {
    const defaults = (await t.as('admin', { method: 'GET', url: '/api/v1/settings' })).json<
      Record<string, unknown>
    >();
    expect(defaults.gatewayNamespace).toBe('egress-gateways');
    const patched = await t.as('admin', {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { gatewayNamespace: 'egress-gw' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toEqual({ ...defaults, gatewayNamespace: 'egress-gw' });
    const bad = await t.as('admin', {
      method: 'PATCH',
      url: '/api/v1/settings',
      payload: { gatewayNamespace: 'Not A Namespace', podCidrs: ['10.0.0.0/99'] },
    });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.gatewayNamespace']));
    expect((await t.as('admin', { method: 'GET', url: '/api/v1/settings' })).json()).toEqual({
      ...defaults,
      gatewayNamespace: 'egress-gw',
    });
    const audit = await t.db.auditEvent.count({ where: { action: 'settings.updated' } });
    expect(audit).toBe(1);
    const objects = (await t.as('viewer', { method: 'GET', url: '/api/v1/manifests' })).json<{
      items: { kind: string; metadata: { namespace?: string } }[];
    }>().items;
    expect(
      objects.filter((o) => o.kind === 'Deployment').every((o) => o.metadata.namespace === 'egress-gw'),
    ).toBe(true);
  });

  it('settings need admin', async () => {
    expect((await t.as('approver', { method: 'GET', url: '/api/v1/settings' })).statusCode).toBe(403);
    expect(
      (await t.as('approver', { method: 'PATCH', url: '/api/v1/settings', payload: {} })).statusCode,
    ).toBe(403);
  });
});
