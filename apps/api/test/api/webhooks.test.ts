// Webhook administration and delivery mechanics against a real receiver on 127.0.0.1: CRUD and its
// audit, who may manage webhooks, the signing secret (shown once, encrypted at rest, rotatable),
// test pings, retries with backoff, permanent failure, manual retry, the delivery log and retention.
// The app clock is controlled, so backoff is observed without sleeping.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Webhook, WebhookDelivery } from '@egress/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { type Receiver, signatureValid, startReceiver } from '../helpers/webhook-receiver.ts';

let t: TestApp;
let receiver: Receiver;
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
const advance = (ms: number) => {
  offsetMs += ms;
};

beforeAll(async () => {
  receiver = await startReceiver(clock.now);
  t = await createTestApp({
    clock,
    env: { EGRESS_WEBHOOK_ALLOW_PRIVATE: 'true', EGRESS_PUBLIC_URL: 'https://egress.example.com' },
  });
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

type Created = Webhook & { secret: string };
let hooks = 0;

async function createHook(body: Record<string, unknown> = {}): Promise<Created & { path: string }> {
  const name = `hook-${++hooks}`;
  const res = await t.as('admin', {
    method: 'POST',
    url: '/api/v1/webhooks',
    payload: { name, url: receiver.url(name), events: ['grant.expired'], ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { ...res.json<Created>(), path: `/${name}` };
}

async function delivery(id: string): Promise<WebhookDelivery> {
  const res = await t.as('admin', {
    method: 'GET',
    url: `/api/v1/webhooks/${(await t.db.webhookDelivery.findUniqueOrThrow({ where: { id } })).webhookId}/deliveries?limit=500`,
  });
  const found = res.json<{ items: WebhookDelivery[] }>().items.find((d) => d.id === id);
  if (!found) throw new Error(`delivery ${id} not in the log`);
  return found;
}

/**
 * A webhook.test delivery queued for the dispatcher, as the outbox queues any event (the test endpoint
 * itself sends at once: see "test send" below). The dispatcher mechanics are what these tests exercise.
 */
async function ping(hookId: string): Promise<WebhookDelivery> {
  const hook = await t.db.webhook.findUniqueOrThrow({ where: { id: hookId } });
  const eventId = randomUUID();
  const now = clock.now();
  const row = await t.db.webhookDelivery.create({
    data: {
      webhookId: hookId,
      eventId,
      event: 'webhook.test',
      payload: {
        id: eventId,
        event: 'webhook.test',
        occurredAt: now.toISOString(),
        actor: { type: 'user', label: 'admin' },
        data: { webhook: { id: hookId, name: hook.name }, message: 'queued by the test' },
        links: { console: 'https://egress.example.com' },
      },
      nextAttemptAt: now,
      createdAt: now,
    },
  });
  return { ...row, eventId: row.eventId } as unknown as WebhookDelivery;
}

interface TestResult extends WebhookDelivery {
  durationMs: number;
}

async function sendTest(hookId: string): Promise<TestResult> {
  const res = await t.as('admin', { method: 'POST', url: `/api/v1/webhooks/${hookId}/test` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<TestResult>();
}

const drain = () => t.app.workers.webhookDispatcher.drain();

describe('webhook administration', () => {
  it('creates a webhook, shows the secret once, and keeps it encrypted at rest', async () => {
    const hook = await createHook({ format: 'slack', events: ['grant.requested', 'grant.approved'] });
    expect(hook).toMatchObject({
      format: 'slack',
      events: ['grant.requested', 'grant.approved'],
      enabled: true,
      lastDelivery: null,
    });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    const read = await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${hook.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json()).not.toHaveProperty('secret');
    const list = await t.as('admin', { method: 'GET', url: '/api/v1/webhooks' });
    expect(list.body).not.toContain(hook.secret);
    expect(list.json<{ items: Webhook[] }>().items.map((w) => w.id)).toContain(hook.id);

    // Neither the row nor the audit log holds the secret in clear.
    const row = await t.db.webhook.findUniqueOrThrow({ where: { id: hook.id } });
    expect(JSON.stringify(row)).not.toContain(hook.secret);
    expect(JSON.stringify(row)).not.toContain(hook.secret.slice(6));
    const audit = await t.db.auditEvent.findMany({ where: { targetId: hook.id } });
    expect(audit.map((a) => a.action)).toEqual(['webhook.created']);
    expect(JSON.stringify(audit.map((a) => [a.before, a.after]))).not.toContain(hook.secret.slice(6));
  });

  it('records the URL in the audit log by origin only (a Slack webhook URL is itself a credential)', async () => {
    const hook = await createHook({ url: `${receiver.url('services/T000/B000')}/XXXXSECRETPART` });
    const audit = await t.db.auditEvent.findFirstOrThrow({
      where: { targetId: hook.id, action: 'webhook.created' },
    });
    expect(JSON.stringify(audit.after)).not.toContain('XXXXSECRETPART');
    expect(audit.after).toMatchObject({ url: `${new URL(hook.url).origin}/…`, name: hook.name });
  });

  it('updates and deletes, audited with before and after', async () => {
    const hook = await createHook();
    const patched = await t.as('admin', {
      method: 'PATCH',
      url: `/api/v1/webhooks/${hook.id}`,
      payload: { name: 'Renamed', enabled: false, events: ['grant.revoked', 'grant.revoked'] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Renamed', enabled: false, events: ['grant.revoked'] });
    const updated = await t.db.auditEvent.findFirstOrThrow({
      where: { targetId: hook.id, action: 'webhook.updated' },
    });
    expect(updated.before).toMatchObject({ name: hook.name, enabled: true });
    expect(updated.after).toMatchObject({ name: 'Renamed', enabled: false });

    const deleted = await t.as('admin', { method: 'DELETE', url: `/api/v1/webhooks/${hook.id}` });
    expect(deleted.statusCode).toBe(204);
    expect((await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${hook.id}` })).statusCode).toBe(404);
    expect(await t.db.auditEvent.count({ where: { targetId: hook.id, action: 'webhook.deleted' } })).toBe(1);
    expect((await t.as('admin', { method: 'DELETE', url: `/api/v1/webhooks/${hook.id}` })).statusCode).toBe(
      404,
    );
  });

  it('refuses bad input with 400 naming the field, and creates nothing', async () => {
    const before = await t.db.webhook.count();
    const cases: [Record<string, unknown>, string][] = [
      [{ name: 'x', url: 'not a url', events: ['grant.requested'] }, 'body.url'],
      [{ name: 'x', url: 'ftp://hooks.example.com/x', events: ['grant.requested'] }, 'body.url'],
      [{ name: 'x', url: 'https://user:pw@hooks.example.com/x', events: ['grant.requested'] }, 'body.url'],
      [{ name: 'x', url: 'https://hooks.example.com/x', events: [] }, 'body.events'],
      [{ name: 'x', url: 'https://hooks.example.com/x', events: ['grant.cancelled'] }, 'body.events[0]'],
      [
        { name: 'x', url: 'https://hooks.example.com/x', events: ['grant.requested'], format: 'teams' },
        'body.format',
      ],
      [{ name: '', url: 'https://hooks.example.com/x', events: ['grant.requested'] }, 'body.name'],
      [
        { name: 'x', url: 'https://hooks.example.com/x', events: ['grant.requested'], secret: 'mine' },
        'body',
      ],
    ];
    for (const [payload, field] of cases) {
      const res = await t.as('admin', { method: 'POST', url: '/api/v1/webhooks', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(
        res.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field),
      ).toContain(field);
    }
    const hook = await createHook();
    const patch = await t.as('admin', {
      method: 'PATCH',
      url: `/api/v1/webhooks/${hook.id}`,
      payload: { url: 'javascript:alert(1)' },
    });
    expect(patch.statusCode).toBe(400);
    expect(patch.json()).toMatchObject({ error: { details: [{ field: 'body.url' }] } });
    expect(await t.db.webhook.count()).toBe(before + 1);
    expect((await t.db.webhook.findUniqueOrThrow({ where: { id: hook.id } })).url).toBe(hook.url);
  });

  it('limits a webhook to teams: stored, read back, audited when it changes, cleared with []', async () => {
    const plain = await createHook();
    expect(plain.teams).toEqual([]);
    const hook = await createHook({ teams: ['payments', 'search', 'payments'] });
    expect(hook.teams).toEqual(['payments', 'search']);
    const read = await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${hook.id}` });
    expect(read.json()).toMatchObject({ teams: ['payments', 'search'] });
    const created = await t.db.auditEvent.findFirstOrThrow({
      where: { targetId: hook.id, action: 'webhook.created' },
    });
    expect(created.after).toMatchObject({ teams: ['payments', 'search'] });

    // A change that does not name teams keeps them.
    const renamed = await t.as('admin', {
      method: 'PATCH',
      url: `/api/v1/webhooks/${hook.id}`,
      payload: { name: 'Payments channel' },
    });
    expect(renamed.json()).toMatchObject({ name: 'Payments channel', teams: ['payments', 'search'] });

    const cleared = await t.as('admin', {
      method: 'PATCH',
      url: `/api/v1/webhooks/${hook.id}`,
      payload: { teams: [] },
    });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json()).toMatchObject({ teams: [] });
    expect((await t.db.webhook.findUniqueOrThrow({ where: { id: hook.id } })).teams).toEqual([]);
    const updates = await t.db.auditEvent.findMany({
      where: { targetId: hook.id, action: 'webhook.updated' },
      orderBy: { seq: 'asc' },
    });
    expect(updates.at(-1)?.before).toMatchObject({ teams: ['payments', 'search'] });
    expect(updates.at(-1)?.after).toMatchObject({ teams: [] });
  });

  it('refuses bad teams with 400 naming body.teams, and stores nothing', async () => {
    const hook = await createHook({ teams: ['payments'] });
    const before = await t.db.webhook.count();
    const base = { name: 'x', url: 'https://hooks.example.com/x', events: ['grant.decided'] };
    const bad: [unknown, string][] = [
      ['payments', 'body.teams'],
      [{ team: 'payments' }, 'body.teams'],
      [[''], 'body.teams[0]'],
      [['   '], 'body.teams[0]'],
      [['x'.repeat(101)], 'body.teams[0]'],
      [[42], 'body.teams[0]'],
      [Array.from({ length: 51 }, (_, i) => `team-${i}`), 'body.teams'],
    ];
    for (const [teams, field] of bad) {
      for (const [method, url, payload] of [
        ['POST', '/api/v1/webhooks', { ...base, teams }],
        ['PATCH', `/api/v1/webhooks/${hook.id}`, { teams }],
      ] as const) {
        const res = await t.as('admin', { method, url, payload });
        expect(res.statusCode, `${method} ${JSON.stringify(teams)}`).toBe(400);
        const fields = res
          .json<{ error: { details: { field: string }[] } }>()
          .error.details.map((d) => d.field);
        expect(fields, JSON.stringify(teams)).toContain(field);
      }
    }
    expect(await t.db.webhook.count()).toBe(before);
    expect((await t.db.webhook.findUniqueOrThrow({ where: { id: hook.id } })).teams).toEqual(['payments']);
    // Fifty is the limit, not one fewer.
    const fifty = await createHook({ teams: Array.from({ length: 50 }, (_, i) => `team-${i}`) });
    expect(fifty.teams).toHaveLength(50);
  });

  it('lets only admins manage or read webhooks and deliveries', async () => {
    const hook = await createHook();
    const d = await ping(hook.id);
    for (const role of ['viewer', 'engineer', 'approver'] as const) {
      const calls = [
        { method: 'GET' as const, url: '/api/v1/webhooks' },
        {
          method: 'POST' as const,
          url: '/api/v1/webhooks',
          payload: { name: 'x', url: receiver.url('x'), events: ['grant.requested'] },
        },
        { method: 'GET' as const, url: `/api/v1/webhooks/${hook.id}` },
        { method: 'PATCH' as const, url: `/api/v1/webhooks/${hook.id}`, payload: { enabled: false } },
        { method: 'DELETE' as const, url: `/api/v1/webhooks/${hook.id}` },
        { method: 'POST' as const, url: `/api/v1/webhooks/${hook.id}/rotate-secret` },
        { method: 'POST' as const, url: `/api/v1/webhooks/${hook.id}/test` },
        { method: 'GET' as const, url: `/api/v1/webhooks/${hook.id}/deliveries` },
        { method: 'POST' as const, url: `/api/v1/webhook-deliveries/${d.id}/retry` },
      ];
      for (const call of calls)
        expect((await t.as(role, call)).statusCode, `${role} ${call.method} ${call.url}`).toBe(403);
    }
    expect((await t.db.webhook.findUniqueOrThrow({ where: { id: hook.id } })).enabled).toBe(true);
  });
});

describe('deliveries', () => {
  it("test send: delivers while the admin waits and answers with the receiver's status, time and error", async () => {
    const hook = await createHook();
    const sent = await sendTest(hook.id);
    // Sent, not queued: the receiver already has it when the API answers.
    const [req] = receiver.requests(hook.path);
    expect(req).toBeDefined();
    expect(sent).toMatchObject({
      webhookId: hook.id,
      event: 'webhook.test',
      status: 'succeeded',
      attempts: 1,
      responseStatus: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(sent.durationMs).toBeGreaterThanOrEqual(0);
    expect(sent.durationMs).toBeLessThan(5000);
    expect(req!.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'egress-control',
      'x-egress-event': 'webhook.test',
      'x-egress-event-id': sent.eventId,
      'x-egress-delivery': sent.id,
    });
    expect(signatureValid(hook.secret, req!)).toBe(true);
    expect(signatureValid('whsec_wrong', req!)).toBe(false);
    // A replayed request is refused by the timestamp check even with a valid signature.
    expect(signatureValid(hook.secret, req!, req!.receivedAt + 3600)).toBe(false);
    expect(req!.json).toMatchObject({
      id: sent.eventId,
      event: 'webhook.test',
      data: { webhook: { id: hook.id, name: hook.name } },
      links: { console: 'https://egress.example.com' },
    });
    // Recorded in the log as it went; the dispatcher does not send it again.
    expect(await delivery(sent.id)).toMatchObject({ status: 'succeeded', attempts: 1, responseStatus: 200 });
    await drain();
    expect(receiver.requests(hook.path)).toHaveLength(1);
    const read = (await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${hook.id}` })).json<Webhook>();
    expect(read.lastDelivery).toMatchObject({ status: 'succeeded' });
    expect(read.health).toEqual({ state: 'ok', failingSince: null, lastError: null });
  });

  it('test send: a receiver answering 500, one that refuses the connection, one that never answers', async () => {
    const failing = await createHook();
    receiver.always(failing.path, 500);
    const answered = await sendTest(failing.id);
    expect(answered).toMatchObject({
      status: 'failed',
      attempts: 1,
      responseStatus: 500,
      lastError: 'HTTP 500: receiver says 500',
    });

    const refused = await createHook({ url: 'http://127.0.0.1:9/nothing-listens' });
    const noConnection = await sendTest(refused.id);
    expect(noConnection).toMatchObject({ status: 'failed', responseStatus: null });
    expect(noConnection.lastError).toMatch(/^ECONNREFUSED/);

    // A receiver that accepts the connection and says nothing: the test gives up after 5 s.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const hanging = await createHook({ url: `http://127.0.0.1:${port}/hangs` });
      const timedOut = await sendTest(hanging.id);
      expect(timedOut).toMatchObject({
        status: 'failed',
        responseStatus: null,
        lastError: 'no response within 5 s',
      });
      expect(timedOut.durationMs).toBeGreaterThanOrEqual(4900);
      expect(timedOut.durationMs).toBeLessThan(8000);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
    // Failed tests are not retried: nothing stays pending.
    expect(await t.db.webhookDelivery.count({ where: { webhookId: failing.id, status: 'pending' } })).toBe(0);
  });

  it('health: failing since the first failure after the last success, with the latest error; ok again after a success', async () => {
    const hook = await createHook();
    expect(
      (await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${hook.id}` })).json<Webhook>().health,
    ).toEqual({
      state: 'unknown',
      failingSince: null,
      lastError: null,
    });
    await sendTest(hook.id);
    advance(60_000);
    receiver.always(hook.path, 503);
    const firstFailure = await sendTest(hook.id);
    advance(60_000);
    await sendTest(hook.id);
    const list = (await t.as('admin', { method: 'GET', url: '/api/v1/webhooks?limit=100' })).json<{
      items: Webhook[];
    }>();
    const listed = list.items.find((w) => w.id === hook.id);
    expect(listed?.health).toEqual({
      state: 'failing',
      failingSince: firstFailure.createdAt,
      lastError: 'HTTP 503: receiver says 503',
    });
    // The approvers' health strip names it without its URL.
    const strip = (await t.as('approver', { method: 'GET', url: '/api/v1/dashboard/health' })).json<{
      failingWebhooks: { id: string; name: string; failingSince: string; lastError: string }[];
    }>();
    expect(strip.failingWebhooks.find((w) => w.id === hook.id)).toEqual({
      id: hook.id,
      name: hook.name,
      failingSince: firstFailure.createdAt,
      lastError: 'HTTP 503: receiver says 503',
      lastAttemptAt: expect.any(String) as unknown,
    });
    receiver.always(hook.path, 200);
    advance(60_000);
    await sendTest(hook.id);
    const healed = (
      await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${hook.id}` })
    ).json<Webhook>();
    expect(healed.health.state).toBe('ok');
  });

  it('rotating the secret changes the signing key at once', async () => {
    const hook = await createHook();
    const rotated = await t.as('admin', { method: 'POST', url: `/api/v1/webhooks/${hook.id}/rotate-secret` });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const { secret } = rotated.json<Created>();
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(hook.secret);
    await ping(hook.id);
    await drain();
    const [req] = receiver.requests(hook.path);
    expect(signatureValid(secret, req!)).toBe(true);
    expect(signatureValid(hook.secret, req!)).toBe(false);
    const audit = await t.db.auditEvent.findMany({
      where: { targetId: hook.id, action: 'webhook.secret_rotated' },
    });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit.map((a) => [a.before, a.after]))).not.toContain(secret.slice(6));
  });

  it('retries a failing receiver with growing backoff until it answers 2xx', async () => {
    const hook = await createHook();
    receiver.script(hook.path, [500, 500]);
    const queued = await ping(hook.id);

    await drain();
    const first = await delivery(queued.id);
    expect(first).toMatchObject({
      status: 'pending',
      attempts: 1,
      responseStatus: 500,
      lastError: 'HTTP 500: receiver says 500',
    });
    const wait1 = Date.parse(first.nextAttemptAt!) - Date.parse(first.lastAttemptAt!);
    expect(wait1).toBeGreaterThanOrEqual(8_000);
    expect(wait1).toBeLessThanOrEqual(12_000);
    // Not due yet: nothing is sent.
    await drain();
    expect(receiver.requests(hook.path)).toHaveLength(1);

    advance(wait1 + 1000);
    await drain();
    const second = await delivery(queued.id);
    expect(second).toMatchObject({ status: 'pending', attempts: 2, responseStatus: 500 });
    const wait2 = Date.parse(second.nextAttemptAt!) - Date.parse(second.lastAttemptAt!);
    expect(wait2).toBeGreaterThan(wait1);
    expect(wait2).toBeGreaterThanOrEqual(24_000);

    advance(wait2 + 1000);
    await drain();
    const third = await delivery(queued.id);
    expect(third).toMatchObject({
      status: 'succeeded',
      attempts: 3,
      responseStatus: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(third.deliveredAt).not.toBeNull();

    const requests = receiver.requests(hook.path);
    expect(requests).toHaveLength(3);
    // The same delivery and event each time, freshly timestamped and signed.
    expect(new Set(requests.map((r) => r.headers['x-egress-delivery']))).toEqual(new Set([queued.id]));
    expect(new Set(requests.map((r) => r.headers['x-egress-event-id']))).toEqual(new Set([queued.eventId]));
    expect(new Set(requests.map((r) => r.headers['x-egress-timestamp'])).size).toBe(3);
    expect(signatureValid(hook.secret, requests[2]!)).toBe(true);
  });

  it('gives up after 8 attempts: failed, audited; an admin retry sends it once more', async () => {
    const hook = await createHook();
    receiver.always(hook.path, 503);
    const queued = await ping(hook.id);
    for (let i = 0; i < 8; i++) {
      await drain();
      advance(3 * 3600_000); // past the longest backoff
    }
    await drain();
    const failed = await delivery(queued.id);
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 8,
      responseStatus: 503,
      nextAttemptAt: null,
      deliveredAt: null,
    });
    expect(receiver.requests(hook.path)).toHaveLength(8);
    const audit = await t.db.auditEvent.findMany({
      where: { targetId: hook.id, action: 'webhook.delivery_failed' },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: 'system', targetType: 'webhook' });
    expect(audit[0]!.after).toMatchObject({
      deliveryId: queued.id,
      eventId: queued.eventId,
      event: 'webhook.test',
      attempts: 8,
      responseStatus: 503,
    });
    expect(
      (await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${hook.id}` })).json<Webhook>()
        .lastDelivery,
    ).toMatchObject({ status: 'failed' });

    receiver.always(hook.path, 204);
    const retried = await t.as('admin', {
      method: 'POST',
      url: `/api/v1/webhook-deliveries/${queued.id}/retry`,
    });
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toMatchObject({ id: queued.id, status: 'pending' });
    await drain();
    expect(await delivery(queued.id)).toMatchObject({
      status: 'succeeded',
      attempts: 9,
      responseStatus: 204,
    });
    // Only a failed delivery can be retried.
    const again = await t.as('admin', {
      method: 'POST',
      url: `/api/v1/webhook-deliveries/${queued.id}/retry`,
    });
    expect(again.statusCode).toBe(409);
    expect(
      (await t.as('admin', { method: 'POST', url: `/api/v1/webhook-deliveries/${randomUUID()}/retry` }))
        .statusCode,
    ).toBe(404);
  });

  it('does not follow redirects and records an unreachable receiver', async () => {
    const redirecting = await createHook();
    receiver.always(redirecting.path, 302);
    const r = await ping(redirecting.id);
    const unreachable = await createHook({ url: 'http://127.0.0.1:9/nothing-listens' });
    const u = await ping(unreachable.id);
    await drain();
    expect(await delivery(r.id)).toMatchObject({
      status: 'pending',
      responseStatus: 302,
      lastError: 'HTTP 302 (redirects are not followed): receiver says 302',
    });
    const failed = await delivery(u.id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, responseStatus: null });
    expect(failed.lastError).toMatch(/ECONNREFUSED/);
  });

  it('pauses a disabled webhook: queued deliveries wait, tests are refused, enabling resumes', async () => {
    const hook = await createHook();
    receiver.script(hook.path, [500]);
    const queued = await ping(hook.id);
    await drain();
    expect(receiver.requests(hook.path)).toHaveLength(1);
    await t.as('admin', { method: 'PATCH', url: `/api/v1/webhooks/${hook.id}`, payload: { enabled: false } });
    advance(60_000); // past the first backoff
    await drain();
    expect(receiver.requests(hook.path)).toHaveLength(1);
    expect(await delivery(queued.id)).toMatchObject({ status: 'pending', attempts: 1 });
    const test = await t.as('admin', { method: 'POST', url: `/api/v1/webhooks/${hook.id}/test` });
    expect(test.statusCode).toBe(409);
    expect(await t.db.webhookDelivery.count({ where: { webhookId: hook.id } })).toBe(1);
    await t.as('admin', { method: 'PATCH', url: `/api/v1/webhooks/${hook.id}`, payload: { enabled: true } });
    await drain();
    expect(receiver.requests(hook.path)).toHaveLength(2);
    expect(await delivery(queued.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('lists deliveries newest first, paged and filtered by status', async () => {
    const hook = await createHook();
    receiver.script(hook.path, [500]);
    const first = await ping(hook.id);
    await drain(); // first: pending after a 500
    advance(1000);
    const second = await ping(hook.id);
    advance(1000);
    const third = await ping(hook.id);
    await drain(); // second and third succeed
    const url = `/api/v1/webhooks/${hook.id}/deliveries`;
    const page1 = (await t.as('admin', { method: 'GET', url: `${url}?limit=2` })).json<{
      items: WebhookDelivery[];
      nextCursor: string | null;
    }>();
    expect(page1.items.map((d) => d.id)).toEqual([third.id, second.id]);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = (
      await t.as('admin', { method: 'GET', url: `${url}?limit=2&cursor=${page1.nextCursor!}` })
    ).json<{ items: WebhookDelivery[]; nextCursor: string | null }>();
    expect(page2).toEqual({ items: [expect.objectContaining({ id: first.id })], nextCursor: null });
    const pending = (await t.as('admin', { method: 'GET', url: `${url}?status=pending` })).json<{
      items: WebhookDelivery[];
    }>();
    expect(pending.items.map((d) => d.id)).toEqual([first.id]);
    expect(pending.items[0]!.payload).toMatchObject({ event: 'webhook.test', id: first.eventId });
    const bad = await t.as('admin', { method: 'GET', url: `${url}?status=lost` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { details: [{ field: 'query.status' }] } });
    expect(
      (await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${randomUUID()}/deliveries` })).statusCode,
    ).toBe(404);
  });

  it('removes deliveries older than 30 days', async () => {
    const hook = await createHook();
    const old = await ping(hook.id);
    await drain();
    advance(31 * 24 * 3600_000);
    const fresh = await ping(hook.id);
    await drain();
    expect(await t.db.webhookDelivery.findUnique({ where: { id: old.id } })).toBeNull();
    expect(await t.db.webhookDelivery.findUnique({ where: { id: fresh.id } })).not.toBeNull();
  });
});
