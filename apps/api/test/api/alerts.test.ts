// Alert rules (approvers write, engineers read), alerts raised from ingested denied flows (exactly
// once per window, also under concurrent ingests), acknowledgement, and the dashboard counts.
import type { Alert, AlertRule, Service, StatsSummary } from '@egress/shared';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const RULES = '/api/v1/alert-rules';
const ALERTS = '/api/v1/alerts';

let t: TestApp;
let ingestToken: string;
beforeAll(async () => {
  t = await createTestApp();
  const res = await t.as('admin', {
    method: 'POST',
    url: '/api/v1/tokens',
    payload: { name: 'collector', scopes: ['flows.ingest'] },
  });
  ingestToken = res.json<{ token: string }>().token;
});
afterAll(async () => t.close());

let counter = 0;
const namespace = () => `alerts-${++counter}-${Math.random().toString(36).slice(2, 6)}`;
const errorOf = (res: LightMyRequestResponse) =>
  res.json<{ error: { code: string; details: { field: string }[] } }>().error;

function flows(ns: string, n: number, overrides: Record<string, unknown> = {}) {
  return Array.from({ length: n }, (_, i) => ({
    time: new Date(Date.now() - 30_000 - i * 1000).toISOString(),
    sourceNamespace: ns,
    sourceLabels: { app: 'worker' },
    destIP: '140.82.121.4',
    destName: i % 3 === 0 ? 'api.github.com' : 'pypi.org',
    destPort: 443,
    protocol: 'TCP',
    ...overrides,
  }));
}

async function ingest(records: unknown[]): Promise<void> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/flows',
    headers: { authorization: `Bearer ${ingestToken}` },
    payload: { format: 'generic', records },
  });
  expect(res.statusCode, res.body).toBe(200);
}

async function rule(body: Record<string, unknown>): Promise<AlertRule> {
  const res = await t.as('approver', {
    method: 'POST',
    url: RULES,
    payload: { name: 'too many denials', threshold: 5, windowSeconds: 600, ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<AlertRule>();
}

async function serviceIn(ns: string): Promise<Service> {
  return t.factories.service({ namespace: ns, selector: { matchLabels: { app: 'worker' } } });
}

const alertsOf = async (ruleId: string) => (await t.db.alert.findMany({ where: { ruleId } })).length;

async function listAlerts(state: string): Promise<Alert[]> {
  const res = await t.as('engineer', { method: 'GET', url: ALERTS, query: { state, limit: '500' } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: Alert[] }>().items;
}

describe('alert rules', () => {
  it('lets an approver create, change and delete a rule, audited, and an engineer read them', async () => {
    const svc = await serviceIn(namespace());
    const created = await rule({
      name: 'checkout denials',
      service: svc.name,
      threshold: 20,
      windowSeconds: 300,
    });
    expect(created).toMatchObject({
      name: 'checkout denials',
      service: svc.name,
      serviceId: svc.id,
      threshold: 20,
      windowSeconds: 300,
      enabled: true,
    });

    const listed = await t.as('engineer', { method: 'GET', url: RULES });
    expect(listed.statusCode).toBe(200);
    expect(listed.json<{ items: AlertRule[] }>().items.map((r) => r.id)).toContain(created.id);

    const patched = await t.as('approver', {
      method: 'PATCH',
      url: `${RULES}/${created.id}`,
      payload: { threshold: 50, enabled: false },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ threshold: 50, enabled: false, windowSeconds: 300 });

    expect((await t.as('approver', { method: 'DELETE', url: `${RULES}/${created.id}` })).statusCode).toBe(
      204,
    );
    expect((await t.as('approver', { method: 'DELETE', url: `${RULES}/${created.id}` })).statusCode).toBe(
      404,
    );
    const audit = await t.db.auditEvent.findMany({
      where: { targetType: 'alert_rule', targetId: created.id },
      orderBy: { seq: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual([
      'alert_rule.created',
      'alert_rule.updated',
      'alert_rule.deleted',
    ]);
    expect(audit[1]).toMatchObject({
      actor: t.users.approver.email,
      before: { threshold: 20 },
      after: { threshold: 50 },
    });
  });

  it('refuses rule changes to engineers and reads to viewers', async () => {
    const before = await t.db.alertRule.count();
    const res = await t.as('engineer', {
      method: 'POST',
      url: RULES,
      payload: { name: 'mine', threshold: 1, windowSeconds: 60 },
    });
    expect(res.statusCode).toBe(403);
    expect((await t.as('viewer', { method: 'GET', url: RULES })).statusCode).toBe(403);
    expect(await t.db.alertRule.count()).toBe(before);
  });

  it('refuses an unknown or deleted service, and bad numbers, naming the field', async () => {
    const svc = await serviceIn(namespace());
    expect((await t.as('engineer', { method: 'DELETE', url: `/api/v1/services/${svc.id}` })).statusCode).toBe(
      204,
    );
    for (const [payload, field] of [
      [{ service: 'service.nobody' }, 'body.service'],
      [{ service: svc.name }, 'body.service'],
      [{ threshold: 0 }, 'body.threshold'],
      [{ windowSeconds: 30 }, 'body.windowSeconds'],
      [{ threshold: '5' }, 'body.threshold'],
    ] as const) {
      const res = await t.as('approver', {
        method: 'POST',
        url: RULES,
        payload: { name: 'bad', threshold: 5, windowSeconds: 600, ...payload },
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(errorOf(res).details.map((d) => d.field)).toEqual([field]);
    }
    expect(await t.db.alertRule.count({ where: { name: 'bad' } })).toBe(0);
  });
});

describe('raising alerts', () => {
  it('raises one alert when the threshold is reached, not again within the window', async () => {
    const ns = namespace();
    const svc = await serviceIn(ns);
    const r = await rule({ service: svc.name, threshold: 5 });
    await ingest(flows(ns, 3));
    expect(await alertsOf(r.id)).toBe(0);
    await ingest(flows(ns, 3));
    expect(await alertsOf(r.id)).toBe(1);
    await ingest(flows(ns, 3));
    expect(await alertsOf(r.id)).toBe(1);

    const alert = (await listAlerts('open')).find((a) => a.ruleId === r.id);
    expect(alert).toMatchObject({
      ruleName: 'too many denials',
      service: svc.name,
      serviceId: svc.id,
      sourceNamespace: ns,
      count: 6,
      threshold: 5,
      acknowledgedAt: null,
    });
    expect(alert!.destinations).toEqual([
      { destination: 'pypi.org', port: 443, protocol: 'TCP', count: 4 },
      { destination: 'api.github.com', port: 443, protocol: 'TCP', count: 2 },
    ]);
    expect(new Date(alert!.windowEnd).getTime() - new Date(alert!.windowStart).getTime()).toBe(600_000);

    // One audit row, carrying what a notification needs.
    const audit = await t.db.auditEvent.findMany({ where: { action: 'alert.raised', targetId: alert!.id } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorType: 'system',
      targetType: 'alert',
      after: { ruleName: 'too many denials', service: svc.name, sourceNamespace: ns, count: 6, threshold: 5 },
    });
  });

  it('raises exactly one alert when ingests arrive at the same time', async () => {
    const ns = namespace();
    const svc = await serviceIn(ns);
    const r = await rule({ service: svc.name, threshold: 2 });
    await Promise.all(Array.from({ length: 6 }, () => ingest(flows(ns, 2))));
    expect(await alertsOf(r.id)).toBe(1);
  });

  it('ignores a disabled rule and a rule of another service', async () => {
    const ns = namespace();
    const svc = await serviceIn(ns);
    const other = await serviceIn(namespace());
    const disabled = await rule({ service: svc.name, threshold: 1, enabled: false });
    const elsewhere = await rule({ service: other.name, threshold: 1 });
    await ingest(flows(ns, 4));
    expect(await alertsOf(disabled.id)).toBe(0);
    expect(await alertsOf(elsewhere.id)).toBe(0);
  });

  it('counts only flows last seen within the window', async () => {
    const ns = namespace();
    const svc = await serviceIn(ns);
    const r = await rule({ service: svc.name, threshold: 3, windowSeconds: 600 });
    await ingest(flows(ns, 5, { time: new Date(Date.now() - 3_600_000).toISOString() }));
    expect(await alertsOf(r.id)).toBe(0);
  });
});

describe('acknowledging', () => {
  it('lets an approver acknowledge an open alert once, with a comment', async () => {
    const ns = namespace();
    const svc = await serviceIn(ns);
    const r = await rule({ service: svc.name, threshold: 1 });
    await ingest(flows(ns, 1));
    const alert = (await listAlerts('open')).find((a) => a.ruleId === r.id)!;

    expect(
      (await t.as('engineer', { method: 'POST', url: `${ALERTS}/${alert.id}/acknowledge`, payload: {} }))
        .statusCode,
    ).toBe(403);
    const ack = await t.as('approver', {
      method: 'POST',
      url: `${ALERTS}/${alert.id}/acknowledge`,
      payload: { comment: 'batch job, grant requested' },
    });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({
      id: alert.id,
      acknowledgedBy: t.users.approver.email,
      comment: 'batch job, grant requested',
    });

    const again = await t.as('admin', { method: 'POST', url: `${ALERTS}/${alert.id}/acknowledge` });
    expect(again.statusCode, again.body).toBe(409);
    expect(errorOf(again).code).toBe('invalid_transition');

    expect((await listAlerts('open')).map((a) => a.id)).not.toContain(alert.id);
    expect((await listAlerts('acknowledged')).map((a) => a.id)).toContain(alert.id);
    expect((await listAlerts('all')).map((a) => a.id)).toContain(alert.id);
    const audit = await t.db.auditEvent.findMany({
      where: { action: 'alert.acknowledged', targetId: alert.id },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor: t.users.approver.email,
      before: { acknowledgedAt: null },
      after: { comment: 'batch job, grant requested' },
    });
    const unknown = await t.as('approver', {
      method: 'POST',
      url: `${ALERTS}/00000000-0000-4000-8000-000000000000/acknowledge`,
    });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('rules for every service', () => {
  it('fires per service, and per namespace for flows no service matched', async () => {
    const attributed = namespace();
    const svc = await serviceIn(attributed);
    const unattributed = namespace();
    const r = await rule({ name: 'any service', service: null, threshold: 2 });
    try {
      await ingest([
        ...flows(attributed, 2),
        ...flows(unattributed, 2, { sourceLabels: { app: 'mystery' } }),
      ]);
      const raised = (await listAlerts('open')).filter((a) => a.ruleId === r.id);
      expect(raised.map((a) => [a.service, a.sourceNamespace]).sort()).toEqual([
        [null, unattributed],
        [svc.name, attributed],
      ]);
    } finally {
      await t.as('approver', { method: 'DELETE', url: `${RULES}/${r.id}` });
    }
    // The rule is gone; its alerts stay, with its name.
    const kept = (await listAlerts('open')).filter((a) => a.ruleName === 'any service');
    expect(kept).toHaveLength(2);
    expect(kept.every((a) => a.ruleId === null)).toBe(true);
  });
});

describe('dashboard counts', () => {
  it('shows open alerts and denied flows of the last 24 hours', async () => {
    const before = (
      await t.as('viewer', { method: 'GET', url: '/api/v1/stats/summary' })
    ).json<StatsSummary>();
    const ns = namespace();
    const svc = await serviceIn(ns);
    await rule({ service: svc.name, threshold: 1 });
    await ingest([
      ...flows(ns, 3),
      ...flows(ns, 2, { time: new Date(Date.now() - 2 * 86_400_000).toISOString() }),
    ]);
    const after = (
      await t.as('viewer', { method: 'GET', url: '/api/v1/stats/summary' })
    ).json<StatsSummary>();
    expect(after.openAlerts).toBe(before.openAlerts + 1);
    expect(after.blockedFlows24h).toBe(before.blockedFlows24h + 3);
  });
});
