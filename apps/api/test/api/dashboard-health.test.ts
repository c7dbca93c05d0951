// The lead's health strip (GET /dashboard/health) on real PostgreSQL: grants expiring within 72 hours
// (and not those expiring later, or already gone), active port-wide grants, coverage, drift as the
// none target reports it, who may read it; and Re-apply: approvers only, audited with the queued run.
// Failing webhooks on the strip are covered with a real receiver in webhooks.test.ts, drift with the
// harness kube-apiserver in test/kubernetes/drift-event.test.ts.
import type { Grant, HealthStrip } from '@egress/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { settled } from '../helpers/reconcile.ts';
import { createTestApp, type TestApp, type TestUser } from '../helpers/test-app.ts';

let t: TestApp;
let approver2: TestUser;
const HOUR = 3_600_000;

async function activeGrant(overrides: Record<string, unknown>): Promise<Grant> {
  const g = await t.factories.grant(overrides);
  for (const who of [t.users.approver, approver2]) {
    const res = await t.as(who, {
      method: 'POST',
      url: `/api/v1/grants/${g.id}/approve`,
      payload: { comment: 'Checked.' },
    });
    expect(res.statusCode, res.body).toBe(200);
    if (res.json<Grant>().state === 'active') return res.json<Grant>();
  }
  throw new Error('grant did not become active');
}

async function strip(): Promise<HealthStrip> {
  const res = await t.as('approver', { method: 'GET', url: '/api/v1/dashboard/health' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<HealthStrip>();
}

let soon: Grant;
let portWide: Grant;

beforeAll(async () => {
  t = await createTestApp();
  approver2 = await t.addUser('approver', 'second-approver');
  const now = Date.now();
  soon = await activeGrant({ expiresAt: new Date(now + 48 * HOUR).toISOString() });
  await activeGrant({ expiresAt: new Date(now + 100 * HOUR).toISOString() });
  await activeGrant({});
  // Pending, expiring soon: not active, so not on the strip.
  await t.factories.grant({ expiresAt: new Date(now + 24 * HOUR).toISOString() });
  const svc = await t.factories.service({ namespace: 'payments' });
  portWide = await activeGrant({ service: svc.name, destination: null, port: 5432 });
}, 60_000);
afterAll(async () => t.close());

describe('health strip', () => {
  it('lists active grants expiring within 72 hours and active port-wide grants, in one call', async () => {
    const s = await strip();
    expect(s.expiringGrants).toEqual({
      count: 1,
      items: [
        {
          id: soon.id,
          service: soon.service,
          namespace: soon.serviceNamespace,
          destination: soon.destination,
          port: 443,
          expiresAt: soon.expiresAt,
        },
      ],
    });
    expect(s.portWideGrants).toEqual({
      count: 1,
      items: [
        {
          id: portWide.id,
          service: portWide.service,
          namespace: 'payments',
          destination: null,
          port: 5432,
          expiresAt: null,
        },
      ],
    });
    expect(s.failingWebhooks).toEqual([]);
  });

  it('a revoked grant leaves the strip', async () => {
    const res = await t.as('approver', {
      method: 'POST',
      url: `/api/v1/grants/${portWide.id}/revoke`,
      payload: { reason: 'the migration is done' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await strip()).portWideGrants).toEqual({ count: 0, items: [] });
  });

  it('coverage is the namespace-coverage answer; drift says it is not observed on the none target', async () => {
    const s = await strip();
    const coverage = (await t.as('viewer', { method: 'GET', url: '/api/v1/coverage' })).json<{
      enforced: number;
      total: number;
    }>();
    expect(s.coverage).toMatchObject({
      enforced: coverage.enforced,
      total: coverage.total,
      source: 'settings',
    });
    expect(s.drift).toEqual({ state: 'notObserved', error: null, objects: [], healed: [] });
  });

  it('is for approvers and admins', async () => {
    for (const role of ['viewer', 'engineer'] as const)
      expect((await t.as(role, { method: 'GET', url: '/api/v1/dashboard/health' })).statusCode).toBe(403);
    expect((await t.as('admin', { method: 'GET', url: '/api/v1/dashboard/health' })).statusCode).toBe(200);
  });
});

describe('re-apply', () => {
  it('queues a run and audits who asked and why, in one transaction; engineers may not', async () => {
    const refused = await t.as('engineer', { method: 'POST', url: '/api/v1/drift/reapply', payload: {} });
    expect(refused.statusCode).toBe(403);
    const before = await t.db.reconcileRun.count();
    const res = await t.as('approver', {
      method: 'POST',
      url: '/api/v1/drift/reapply',
      payload: { reason: 'someone edited the gateway policy' },
    });
    expect(res.statusCode, res.body).toBe(202);
    const { runId } = res.json<{ runId: string }>();
    expect(await t.db.reconcileRun.count()).toBe(before + 1);
    const audit = await t.db.auditEvent.findFirstOrThrow({
      where: { action: 'reconcile.reapply_requested' },
    });
    expect(audit).toMatchObject({
      actor: t.users.approver.email,
      targetType: 'reconcile_run',
      targetId: runId,
      after: { runId, reason: 'someone edited the gateway policy' },
    });
    await settled(t.app, 30_000);
    const run = await t.db.reconcileRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ status: 'succeeded', trigger: `re-apply by ${t.users.approver.email}` });
  });

  it('a reason longer than 500 characters is refused naming the field, and nothing is queued', async () => {
    const before = await t.db.reconcileRun.count();
    const res = await t.as('approver', {
      method: 'POST',
      url: '/api/v1/drift/reapply',
      payload: { reason: 'x'.repeat(501) },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { details: [{ field: 'body.reason' }] } });
    expect(await t.db.reconcileRun.count()).toBe(before);
  });
});
