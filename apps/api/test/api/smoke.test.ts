import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('smoke', () => {
  it('serves healthz and readyz', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await t.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('creates a destination, a service and walks a grant to active', async () => {
    const dest = await t.as('approver', {
      method: 'POST',
      url: '/api/v1/destinations',
      payload: {
        host: 'GitHub.com.',
        ports: [
          { port: 443, protocol: 'TCP' },
          { port: 22, protocol: 'TCP' },
        ],
        sensitivity: 'standard',
      },
    });
    expect(dest.statusCode, dest.body).toBe(201);
    expect(dest.json()).toMatchObject({ host: 'github.com', gatewayName: 'github-com' });
    const svc = await t.as('engineer', {
      method: 'POST',
      url: '/api/v1/services',
      payload: {
        name: 'service.github',
        namespace: 'payments',
        selector: { matchLabels: { app: 'github' } },
      },
    });
    expect(svc.statusCode, svc.body).toBe(201);
    const grant = await t.as('engineer', {
      method: 'POST',
      url: '/api/v1/grants',
      payload: {
        service: 'service.github',
        destination: 'github.com',
        port: 443,
        justification: 'We clone repositories over HTTPS.',
      },
    });
    expect(grant.statusCode, grant.body).toBe(201);
    const approved = await t.as('approver', {
      method: 'POST',
      url: `/api/v1/grants/${grant.json<{ id: string }>().id}/approve`,
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({
      state: 'active',
      approvals: [{ approver: t.users.approver.email }],
    });
  });
});
