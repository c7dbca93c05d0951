// Notifications as a receiver sees them: grant decisions and blocked-egress alerts become signed webhook
// deliveries (generic JSON and Slack), only to enabled webhooks subscribed to the event, and only when
// the change commits. Alerts are raised through the API (a rule, then denied flows from a collector).
import { randomUUID } from 'node:crypto';

import type { Grant, Webhook } from '@egress/shared';
import type { Factories } from '@egress/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SYSTEM_ACTOR } from '../../src/platform/audit.ts';
import { createTestApp, type TestApp, type TestUser } from '../helpers/test-app.ts';
import { type Receiver, signatureValid, startReceiver } from '../helpers/webhook-receiver.ts';

let t: TestApp;
let f: Factories;
let receiver: Receiver;
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
const CONSOLE = 'https://egress.example.com';
const ALL_GRANT_EVENTS = [
  'grant.requested',
  'grant.approval_needed',
  'grant.approved',
  'grant.rejected',
  'grant.revoked',
  'grant.expired',
];

beforeAll(async () => {
  receiver = await startReceiver(clock.now);
  t = await createTestApp({
    clock,
    env: {
      EGRESS_WEBHOOK_ALLOW_PRIVATE: 'true',
      EGRESS_PUBLIC_URL: CONSOLE,
      EGRESS_EXPIRY_INTERVAL_SECONDS: '1',
    },
  });
  f = t.factories;
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

type Hook = Webhook & { secret: string; path: string };
let hooks = 0;

async function createHook(body: Record<string, unknown>): Promise<Hook> {
  const name = `n-hook-${++hooks}`;
  const res = await t.as('admin', {
    method: 'POST',
    url: '/api/v1/webhooks',
    payload: { name, url: receiver.url(name), ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { ...res.json<Webhook & { secret: string }>(), path: `/${name}` };
}

const drain = () => t.app.workers.webhookDispatcher.drain();

interface GrantPayload {
  id: string;
  event: string;
  occurredAt: string;
  actor: { type: string; label: string };
  data: { grant: Grant };
  links: { grant: string };
}

/** What `hook` received about grant `grantId`, in arrival order, each checked for a valid signature. */
function received(hook: Hook, grantId: string): GrantPayload[] {
  const requests = receiver
    .requests(hook.path)
    .filter((r) => (r.json as unknown as GrantPayload).data.grant.id === grantId);
  for (const r of requests) expect(signatureValid(hook.secret, r), 'signature').toBe(true);
  return requests.map((r) => r.json as unknown as GrantPayload);
}

async function act(
  who: TestUser | 'approver',
  id: string,
  action: 'approve' | 'reject' | 'revoke',
  payload?: object,
) {
  const res = await t.as(who, {
    method: 'POST',
    url: `/api/v1/grants/${id}/${action}`,
    ...(payload ? { payload } : {}),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Grant>();
}

describe('grant notifications', () => {
  it('announces a request, that it needs approval, and its approval, with what a reader needs', async () => {
    const hook = await createHook({ events: ALL_GRANT_EVENTS });
    const svc = await f.service({ namespace: 'payments' });
    const dest = await f.destination();
    const g = await f.grant({
      service: svc.name,
      destination: dest.host,
      port: 443,
      justification: 'Sends invoices through the payment provider.',
    });
    await drain();

    const first = received(hook, g.id);
    expect(first.map((p) => p.event).sort()).toEqual(['grant.approval_needed', 'grant.requested']);
    expect(new Set(first.map((p) => p.id)).size).toBe(2);
    for (const p of first) {
      expect(p).toMatchObject({
        actor: { type: 'token', label: t.users.engineer.email },
        data: {
          grant: {
            id: g.id,
            service: svc.name,
            serviceNamespace: 'payments',
            destination: dest.host,
            port: 443,
            destinationSensitivity: 'standard',
            state: 'pending',
            approvals: [],
            requiredApprovals: 1,
            justification: 'Sends invoices through the payment provider.',
            requestedBy: t.users.engineer.email,
          },
        },
        links: { grant: `${CONSOLE}/grants/${g.id}` },
      });
      expect(Math.abs(Date.parse(p.occurredAt) - clock.now().getTime())).toBeLessThan(60_000);
    }
    const headers = receiver.requests(hook.path).filter((r) => r.json.id === first[0]!.id)[0]!.headers;
    expect(headers['x-egress-event']).toBe(first[0]!.event);
    expect(headers['x-egress-event-id']).toBe(first[0]!.id);

    await act('approver', g.id, 'approve', { comment: 'fine' });
    await drain();
    const all = received(hook, g.id);
    expect(all).toHaveLength(3);
    expect(all[2]).toMatchObject({
      event: 'grant.approved',
      actor: { label: t.users.approver.email },
      data: {
        grant: {
          state: 'active',
          approvals: [{ approver: t.users.approver.email, comment: 'fine' }],
          requiredApprovals: 1,
        },
      },
    });
  });

  it('asks again after the first of two approvals, and announces approval after the second', async () => {
    const hook = await createHook({ events: ['grant.approval_needed', 'grant.approved'] });
    const g = await f.grant({ destinationOverrides: { sensitivity: 'sensitive' } });
    const second = await t.addUser('approver');
    await drain();
    await act('approver', g.id, 'approve', { comment: 'Reviewed for the test.' });
    await drain();
    await act(second, g.id, 'approve', { comment: 'Reviewed for the test.' });
    await drain();
    const events = received(hook, g.id);
    expect(
      events.map((p) => [
        p.event,
        p.data.grant.state,
        p.data.grant.approvals.length,
        p.data.grant.requiredApprovals,
      ]),
    ).toEqual([
      ['grant.approval_needed', 'pending', 0, 2],
      ['grant.approval_needed', 'pending', 1, 2],
      ['grant.approved', 'active', 2, 2],
    ]);
    expect(events[0]!.data.grant.destinationSensitivity).toBe('sensitive');
  });

  it('announces rejection, revocation and expiry with the reason and who did it', async () => {
    const hook = await createHook({ events: ['grant.rejected', 'grant.revoked', 'grant.expired'] });
    const rejected = await f.grant();
    await act('approver', rejected.id, 'reject', { reason: 'Use the internal mirror instead.' });
    const revoked = await f.grant({ destination: null, port: 8443 });
    const approver2 = await t.addUser('approver');
    await act('approver', revoked.id, 'approve', { comment: 'Reviewed for the test.' });
    await act(approver2, revoked.id, 'approve', { comment: 'Reviewed for the test.' });
    await act('approver', revoked.id, 'revoke', { reason: 'Incident 42.' });
    const expiring = await f.grant({ expiresAt: new Date(clock.now().getTime() + 3600_000).toISOString() });
    await act('approver', expiring.id, 'approve', { comment: 'Reviewed for the test.' });
    offsetMs += 2 * 3600_000;
    await waitFor(
      async () => (await t.db.grant.findUniqueOrThrow({ where: { id: expiring.id } })).state === 'expired',
    );
    await drain();

    const [onReject, ...moreRejects] = received(hook, rejected.id);
    expect(moreRejects).toEqual([]);
    expect(onReject).toMatchObject({
      event: 'grant.rejected',
      actor: { label: t.users.approver.email },
      data: { grant: { state: 'rejected', reason: 'Use the internal mirror instead.' } },
    });
    const [onRevoke, ...moreRevokes] = received(hook, revoked.id);
    expect(moreRevokes).toEqual([]);
    // A port-wide grant: no destination, so no sensitivity.
    expect(onRevoke).toMatchObject({
      event: 'grant.revoked',
      data: {
        grant: {
          state: 'revoked',
          destination: null,
          destinationSensitivity: null,
          port: 8443,
          reason: 'Incident 42.',
        },
      },
    });
    const [onExpiry, ...moreExpiries] = received(hook, expiring.id);
    expect(moreExpiries).toEqual([]);
    expect(onExpiry).toMatchObject({
      event: 'grant.expired',
      actor: { type: 'system', label: 'system' },
      data: { grant: { state: 'expired' } },
    });
  });

  it('sends the Slack format as a readable incoming-webhook message', async () => {
    const hook = await createHook({ format: 'slack', events: ['grant.requested'] });
    const svc = await f.service({ namespace: 'billing' });
    const dest = await f.destination();
    const g = await f.grant({
      service: svc.name,
      destination: dest.host,
      port: 443,
      justification: 'Needs <b>this</b> & that for exports.',
    });
    await drain();
    const requests = receiver.requests(hook.path).filter((r) => r.body.includes(g.id));
    expect(requests).toHaveLength(1);
    const req = requests[0]!;
    expect(signatureValid(hook.secret, req)).toBe(true);
    expect(req.headers['x-egress-event']).toBe('grant.requested');
    const msg = req.json as {
      text: string;
      blocks: {
        type: string;
        text?: { type: string; text: string };
        fields?: { type: string; text: string }[];
      }[];
    };
    expect(Object.keys(msg).sort()).toEqual(['blocks', 'text']);
    expect(msg.text).toBe(`New access request: ${svc.name} → ${dest.host}:443`);
    expect(msg.blocks[0]!.text?.type).toBe('mrkdwn');
    expect(msg.blocks[0]!.text?.text).toContain('*New access request*');
    const fields = msg.blocks.flatMap((b) => b.fields ?? []).map((x) => x.text);
    expect(fields).toEqual(
      expect.arrayContaining([
        `*Service*\n\`${svc.name}\` in \`billing\``,
        `*Approvals*\n0 of 1`,
        `*State*\npending`,
        `*Destination*\n\`${dest.host}:443\`\nstandard`,
      ]),
    );
    const all = JSON.stringify(msg.blocks);
    expect(all).toContain('Needs &lt;b&gt;this&lt;/b&gt; &amp; that for exports.');
    expect(all).toContain(`<${CONSOLE}/grants/${g.id}|Open the grant in Egress Control>`);
  });

  it('gives every subscribed webhook its own delivery of one event, with one shared event id', async () => {
    const a = await createHook({ events: ['grant.requested'] });
    const b = await createHook({ format: 'slack', events: ['grant.requested'] });
    const g = await f.grant();
    await drain();
    const ra = receiver.requests(a.path).filter((r) => r.body.includes(g.id));
    const rb = receiver.requests(b.path).filter((r) => r.body.includes(g.id));
    expect(ra).toHaveLength(1);
    expect(rb).toHaveLength(1);
    expect(ra[0]!.headers['x-egress-event-id']).toBe(rb[0]!.headers['x-egress-event-id']);
    expect(ra[0]!.headers['x-egress-delivery']).not.toBe(rb[0]!.headers['x-egress-delivery']);
  });

  it('sends nothing to a webhook not subscribed to the event, or disabled', async () => {
    const onlyRejections = await createHook({ events: ['grant.rejected'] });
    const disabled = await createHook({
      events: [...ALL_GRANT_EVENTS, 'blocked_egress.alert'],
      enabled: false,
    });
    const approved = await f.grant();
    await act('approver', approved.id, 'approve', { comment: 'Reviewed for the test.' });
    const rejected = await f.grant();
    await act('approver', rejected.id, 'reject', { reason: 'Not needed.' });
    await drain();
    expect(
      receiver
        .requests(onlyRejections.path)
        .map((r) => [r.json.event, (r.json as unknown as GrantPayload).data.grant.id]),
    ).toEqual([['grant.rejected', rejected.id]]);
    expect(receiver.requests(disabled.path)).toHaveLength(0);
    expect(await t.db.webhookDelivery.count({ where: { webhookId: disabled.id } })).toBe(0);
  });
});

describe('blocked-egress alerts', () => {
  let ingestToken = '';
  beforeAll(async () => {
    const res = await t.as('admin', {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'collector', scopes: ['flows.ingest'] },
    });
    expect(res.statusCode, res.body).toBe(201);
    ingestToken = res.json<{ token: string }>().token;
  });

  /** Through the API: a rule on a service, then denied flows from its pods over the threshold. */
  async function raiseThroughApi(team?: string): Promise<{
    service: string;
    namespace: string;
    rule: string;
    alertId: string;
  }> {
    const namespace = `alerts-${randomUUID().slice(0, 8)}`;
    const svc = await f.service({
      namespace,
      selector: { matchLabels: { app: 'worker' } },
      ...(team ? { team } : {}),
    });
    const rule = `burst in ${namespace}`;
    const created = await t.as('approver', {
      method: 'POST',
      url: '/api/v1/alert-rules',
      payload: { name: rule, service: svc.name, threshold: 5, windowSeconds: 600 },
    });
    expect(created.statusCode, created.body).toBe(201);
    const at = (i: number) => new Date(clock.now().getTime() - 30_000 - i * 1000).toISOString();
    const records = Array.from({ length: 6 }, (_, i) => ({
      time: at(i),
      sourceNamespace: namespace,
      sourceLabels: { app: 'worker' },
      destIP: '203.0.113.9',
      destName: 'paste.example.net',
      destPort: 443,
      protocol: 'TCP',
    }));
    const ingested = await t.app.inject({
      method: 'POST',
      url: '/api/v1/flows',
      headers: { authorization: `Bearer ${ingestToken}` },
      payload: { format: 'generic', records },
    });
    expect(ingested.statusCode, ingested.body).toBe(200);
    const alert = await t.db.alert.findFirstOrThrow({ where: { serviceId: svc.id } });
    return { service: svc.name, namespace, rule, alertId: alert.id };
  }

  it('announces an alert raised by ingested denied flows, in both formats', async () => {
    const generic = await createHook({ events: ['blocked_egress.alert'] });
    const slack = await createHook({ format: 'slack', events: ['blocked_egress.alert'] });
    const raised = await raiseThroughApi();
    await drain();
    const [g, ...moreGeneric] = receiver
      .requests(generic.path)
      .filter((r) => r.body.includes(raised.alertId));
    expect(moreGeneric).toEqual([]);
    expect(signatureValid(generic.secret, g!)).toBe(true);
    expect(g!.headers['x-egress-event']).toBe('blocked_egress.alert');
    expect(g!.json).toMatchObject({
      event: 'blocked_egress.alert',
      actor: { type: 'system', label: 'system' },
      data: {
        alert: {
          id: raised.alertId,
          ruleName: raised.rule,
          service: raised.service,
          sourceNamespace: raised.namespace,
          count: 6,
          threshold: 5,
          destinations: [{ destination: 'paste.example.net', port: 443, protocol: 'TCP', count: 6 }],
        },
      },
      links: { alert: `${CONSOLE}/blocked?tab=alerts` },
    });
    const [s, ...moreSlack] = receiver.requests(slack.path).filter((r) => r.body.includes(raised.rule));
    expect(moreSlack).toEqual([]);
    expect(signatureValid(slack.secret, s!)).toBe(true);
    const msg = s!.json as { text: string; blocks: unknown[] };
    expect(msg.text).toBe(
      `Blocked egress alert: ${raised.service}: 6 denied connections (rule ${raised.rule})`,
    );
    expect(JSON.stringify(msg.blocks)).toContain('`paste.example.net:443/TCP` × 6');
  });

  // No API path rolls back after its audit row (the audit append is the last step of every transaction),
  // so the rollback is forced here: the alerts module's audit row, appended in a transaction that fails.
  it('announces nothing when the change rolls back', async () => {
    const hook = await createHook({ events: ['blocked_egress.alert'] });
    const id = randomUUID();
    const after = {
      id,
      ruleName: 'forced',
      service: null,
      sourceNamespace: 'forced',
      count: 9,
      threshold: 1,
      windowStart: null,
      windowEnd: null,
      destinations: [],
    };
    const raise = (rollBack: boolean) =>
      t.db.$transaction(async (tx) => {
        await t.app.audit.append(tx, {
          actor: SYSTEM_ACTOR,
          action: 'alert.raised',
          targetType: 'alert',
          targetId: id,
          after,
        });
        if (rollBack) throw new Error('rolled back on purpose');
      });
    await expect(raise(true)).rejects.toThrow('rolled back on purpose');
    await drain();
    expect(await t.db.webhookDelivery.count({ where: { webhookId: hook.id } })).toBe(0);
    expect(receiver.requests(hook.path)).toHaveLength(0);
    // The same change committed is announced.
    await raise(false);
    await drain();
    expect(receiver.requests(hook.path).map((r) => r.json.event)).toEqual(['blocked_egress.alert']);
  });

  it('limits a team-filtered webhook to alerts about its services; an unfiltered one gets every alert', async () => {
    const team = `alerts-team-${randomUUID().slice(0, 8)}`;
    const mine = await createHook({ events: ['blocked_egress.alert', 'reconcile.drift'], teams: [team] });
    const all = await createHook({ events: ['blocked_egress.alert', 'reconcile.drift'] });
    const ours = await raiseThroughApi(team);
    const theirs = await raiseThroughApi('someone-else');
    const teamless = await raiseThroughApi();
    // A drift alert names Kubernetes objects, not a service: it is about no team.
    const driftId = randomUUID();
    await t.db.$transaction((tx) =>
      t.app.audit.append(tx, {
        actor: SYSTEM_ACTOR,
        action: 'alert.raised',
        targetType: 'alert',
        targetId: driftId,
        after: {
          id: driftId,
          kind: 'drift',
          ruleName: 'drift',
          service: null,
          serviceId: null,
          drift: { runId: 'r1', objects: [] },
        },
      }),
    );
    await drain();
    const alertIds = (hook: Hook) =>
      receiver.requests(hook.path).map((r) => (r.json as { data: { alert: { id: string } } }).data.alert.id);
    expect(alertIds(mine)).toEqual([ours.alertId]);
    expect(alertIds(all).sort()).toEqual([ours.alertId, theirs.alertId, teamless.alertId, driftId].sort());
  });
});

describe('team-filtered webhooks', () => {
  const decidedFor = (hook: Hook) =>
    receiver
      .requests(hook.path)
      .filter((r) => r.json.event === 'grant.decided')
      .map((r) => (r.json as unknown as GrantPayload).data.grant.id);

  it("sends a team's webhook only its services' decisions; an unfiltered one gets every team's", async () => {
    const payments = `payments-${randomUUID().slice(0, 8)}`;
    const search = `search-${randomUUID().slice(0, 8)}`;
    const mine = await createHook({ events: ['grant.decided'], teams: [payments] });
    const all = await createHook({ events: ['grant.decided'] });
    const ours = await f.grant({ service: (await f.service({ team: payments })).name });
    const theirs = await f.grant({ service: (await f.service({ team: search })).name });
    const nobodys = await f.grant({ service: (await f.service()).name });
    for (const g of [ours, theirs, nobodys]) {
      await act('approver', g.id, 'reject', { reason: 'Not needed.' });
    }
    await drain();
    expect(decidedFor(mine)).toEqual([ours.id]);
    expect((receiver.requests(mine.path)[0]!.json as unknown as { data: { team: string } }).data.team).toBe(
      payments,
    );
    expect(decidedFor(all).sort()).toEqual([ours.id, theirs.id, nobodys.id].sort());
    // Nothing was queued for the filtered webhook and then dropped: only its team's event was stored.
    expect(await t.db.webhookDelivery.count({ where: { webhookId: mine.id } })).toBe(1);
  });

  it('a webhook listing several teams gets each of them; clearing the list with [] gets every team again', async () => {
    const a = `team-a-${randomUUID().slice(0, 8)}`;
    const b = `team-b-${randomUUID().slice(0, 8)}`;
    const c = `team-c-${randomUUID().slice(0, 8)}`;
    const hook = await createHook({ events: ['grant.decided'], teams: [a, b] });
    const svcA = await f.service({ team: a });
    const svcB = await f.service({ team: b });
    const svcC = await f.service({ team: c });
    const before = await Promise.all([svcA, svcB, svcC].map((s) => f.grant({ service: s.name })));
    for (const g of before) await act('approver', g.id, 'reject', { reason: 'Not needed.' });
    await drain();
    expect(decidedFor(hook).sort()).toEqual([before[0]!.id, before[1]!.id].sort());

    const cleared = await t.as('admin', {
      method: 'PATCH',
      url: `/api/v1/webhooks/${hook.id}`,
      payload: { teams: [] },
    });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json()).toMatchObject({ teams: [] });
    const after = await f.grant({ service: svcC.name });
    await act('approver', after.id, 'reject', { reason: 'Not needed.' });
    await drain();
    expect(decidedFor(hook)).toContain(after.id);
  });

  it('the test ping goes to a team-filtered webhook whatever its teams', async () => {
    const team = `ping-${randomUUID().slice(0, 8)}`;
    const hook = await createHook({ events: ['grant.decided'], teams: [team] });
    const res = await t.as('admin', { method: 'POST', url: `/api/v1/webhooks/${hook.id}/test` });
    expect(res.statusCode, res.body).toBe(200);
    expect(receiver.requests(hook.path).map((r) => r.json.event)).toEqual(['webhook.test']);
  });
});

describe('cost on the write path', () => {
  /** Statements the audit append sends through `tx` (the audit row itself takes three: lock, tail, insert). */
  async function statementsFor(
    action: 'service.updated' | 'alert.raised' | 'grant.approved',
    after: unknown,
  ): Promise<number> {
    let statements = 0;
    await t.db
      .$transaction(async (tx) => {
        const counting = new Proxy(tx, {
          get(target, prop, receiver) {
            const value: unknown = Reflect.get(target, prop, receiver);
            if (typeof prop !== 'string' || !prop.startsWith('$') || typeof value !== 'function')
              return value;
            return (...args: unknown[]) => {
              statements++;
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          },
        });
        await t.app.audit.append(counting, {
          actor: SYSTEM_ACTOR,
          action,
          targetType: action === 'alert.raised' ? 'alert' : 'service',
          targetId: randomUUID(),
          after,
        });
        throw new Error('roll back the probe');
      })
      .catch(() => undefined);
    return statements;
  }

  it('adds no statement for actions that announce nothing, and one for those that do', async () => {
    const plain = await statementsFor('service.updated', { name: 'x' });
    // The last of the approvals is announced by grant.activated, so this row announces nothing.
    expect(await statementsFor('grant.approved', { state: 'active' })).toBe(plain);
    expect(await statementsFor('alert.raised', { ruleName: 'r' })).toBe(plain + 1);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
