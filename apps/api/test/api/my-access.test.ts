// Issue 18 (the engineer's side): blocked-egress rows that say where access stands, requests for a port
// the destination does not list, requests that propose an unregistered destination (registered on the
// final approval, atomically), renewals that take over without a gap, expiry counted from activation,
// and the requester told of every decision (console notifications and the grant.decided webhook).
// Real PostgreSQL, a real webhook receiver on 127.0.0.1, and a controlled app clock.
import type { BlockedEgressGroup, Grant, NotificationList, Role } from '@egress/shared';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp, type TestUser } from '../helpers/test-app.ts';
import { type Receiver, startReceiver } from '../helpers/webhook-receiver.ts';

let t: TestApp;
let receiver: Receiver;
let ingestToken: string;
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const JUSTIFICATION = 'The service sends mail through this provider.';

beforeAll(async () => {
  receiver = await startReceiver(clock.now);
  t = await createTestApp({
    clock,
    env: { EGRESS_WEBHOOK_ALLOW_PRIVATE: 'true', EGRESS_PUBLIC_URL: 'https://egress.example.com' },
  });
  const res = await t.as('admin', {
    method: 'POST',
    url: '/api/v1/tokens',
    payload: { name: 'collector', scopes: ['flows.ingest'] },
  });
  ingestToken = res.json<{ token: string }>().token;
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

function expectStatus(res: LightMyRequestResponse, status: number): void {
  expect(res.statusCode, res.body).toBe(status);
}
const post = (who: Role | TestUser, url: string, payload?: object) =>
  t.as(who, { method: 'POST', url, ...(payload ? { payload } : {}) });
async function requestOk(body: object, who: Role | TestUser = 'engineer'): Promise<Grant> {
  const res = await post(who, '/api/v1/grants', { justification: JUSTIFICATION, ...body });
  expectStatus(res, 201);
  return res.json<Grant>();
}
async function approve(who: Role | TestUser, id: string, comment?: string): Promise<Grant> {
  const res = await post(who, `/api/v1/grants/${id}/approve`, { comment: comment ?? 'Checked.' });
  expectStatus(res, 200);
  return res.json<Grant>();
}

let nsCounter = 0;
async function blockedRow(
  service: { name: string; namespace: string; selector: unknown },
  host: string,
  port: number,
) {
  const labels = (service.selector as { matchLabels: Record<string, string> }).matchLabels;
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/flows',
    headers: { authorization: `Bearer ${ingestToken}` },
    payload: {
      format: 'generic',
      records: [
        {
          time: new Date(clock.now().getTime() - 60_000).toISOString(),
          sourceNamespace: service.namespace,
          sourceLabels: labels,
          destIP: '203.0.113.7',
          destPort: port,
          protocol: 'TCP',
          destName: host,
        },
      ],
    },
  });
  expectStatus(res, 200);
}
async function inboxRow(namespace: string, host: string, port: number): Promise<BlockedEgressGroup> {
  const res = await t.as('engineer', {
    method: 'GET',
    url: '/api/v1/blocked-egress',
    query: { namespace, destination: host },
  });
  expectStatus(res, 200);
  const row = res.json<{ items: BlockedEgressGroup[] }>().items.find((g) => g.port === port);
  if (!row) throw new Error(`no inbox row for ${host}:${port} in ${namespace}`);
  return row;
}
const newNamespace = () => `my-access-${++nsCounter}`;

describe('blocked-egress rows say where access stands', () => {
  it('shows none, then pending with its approvals, then active, and a rejection with its reason', async () => {
    const ns = newNamespace();
    const svc = await t.factories.service({ namespace: ns });
    const sensitive = await t.factories.destination({
      sensitivity: 'sensitive',
      ports: [{ port: 443, protocol: 'TCP' }],
    });
    const other = await t.factories.destination({ ports: [{ port: 443, protocol: 'TCP' }] });
    await blockedRow(svc, sensitive.host, 443);
    await blockedRow(svc, other.host, 443);
    await blockedRow(svc, sensitive.host, 25);

    let row = await inboxRow(ns, sensitive.host, 443);
    expect(row.access).toBeNull();
    expect(row.destinationPorts).toEqual([443]);

    const g = await requestOk({ service: svc.name, destination: sensitive.host, port: 443 });
    await approve('approver', g.id);
    row = await inboxRow(ns, sensitive.host, 443);
    expect(row.access).toMatchObject({ grantId: g.id, state: 'pending', approvals: 1, requiredApprovals: 2 });

    await approve(await t.addUser('approver', 'second'), g.id);
    row = await inboxRow(ns, sensitive.host, 443);
    // Active while traffic is still being denied: the console links to /reach to explain why.
    expect(row.access).toMatchObject({ grantId: g.id, state: 'active', approvals: 2 });

    const r = await requestOk({ service: svc.name, destination: other.host, port: 443 });
    expectStatus(
      await post('approver', `/api/v1/grants/${r.id}/reject`, { reason: 'Use the mail relay instead.' }),
      200,
    );
    expect((await inboxRow(ns, other.host, 443)).access).toMatchObject({
      grantId: r.id,
      state: 'rejected',
      reason: 'Use the mail relay instead.',
    });
    // A port the destination does not list: the row carries the registered ports, and no access.
    const port25 = await inboxRow(ns, sensitive.host, 25);
    expect(port25.destinationPorts).toEqual([443]);
    expect(port25.access).toBeNull();
  });

  it('a request for a port the destination does not list is refused, naming the ports it has', async () => {
    const svc = await t.factories.service();
    const smtp = await t.factories.destination({
      ports: [
        { port: 587, protocol: 'TCP' },
        { port: 465, protocol: 'TCP' },
      ],
    });
    const res = await post('engineer', '/api/v1/grants', {
      service: svc.name,
      destination: smtp.host,
      port: 25,
      justification: JUSTIFICATION,
    });
    expectStatus(res, 400);
    const err = res.json<{ error: { details: { field: string; message: string }[] } }>().error;
    expect(err.details).toContainEqual({
      field: 'body.port',
      message: `port 25 is not registered for ${smtp.host}: 587, 465 are`,
    });
    expect(await t.db.grant.count({ where: { serviceId: svc.id } })).toBe(0);
  });
});

describe('a request that proposes an unregistered destination', () => {
  const proposal = (sensitivity: 'standard' | 'sensitive') => ({
    ports: [
      { port: 465, protocol: 'TCP' },
      { port: 587, protocol: 'TCP' },
    ],
    sensitivity,
    description: 'Transactional mail provider',
  });

  it('is stored with the request; the final approval registers the destination and activates, audited both', async () => {
    const ns = newNamespace();
    const svc = await t.factories.service({ namespace: ns });
    const host = `smtp-${nsCounter}.mail.example.com`;
    await blockedRow(svc, host, 587);
    const g = await requestOk({
      service: svc.name,
      destination: host,
      port: 587,
      proposedDestination: proposal('standard'),
    });
    expect(g).toMatchObject({
      state: 'pending',
      destination: host,
      destinationId: null,
      requiredApprovals: 1,
      proposedDestination: { host, sensitivity: 'standard', description: 'Transactional mail provider' },
    });
    // Nothing is registered while the request waits; the inbox row shows it pending, as a proposal.
    expect(await t.db.destination.count({ where: { host } })).toBe(0);
    expect((await inboxRow(ns, host, 587)).access).toMatchObject({
      grantId: g.id,
      state: 'pending',
      proposed: true,
    });
    // Port-wide requests are not proposals: the list of port-wide grants leaves it out.
    const portWide = await t.as('viewer', {
      method: 'GET',
      url: '/api/v1/grants',
      query: { destination: '*' },
    });
    expect(portWide.json<{ items: Grant[] }>().items.map((x) => x.id)).not.toContain(g.id);

    // Four eyes: the requester cannot approve it, even as an approver filing for themselves.
    const approverRequester = await t.addUser('approver', 'self');
    const own = await requestOk(
      { service: svc.name, destination: `own-${host}`, port: 465, proposedDestination: proposal('standard') },
      approverRequester,
    );
    expectStatus(
      await post(approverRequester, `/api/v1/grants/${own.id}/approve`, { comment: 'Mine.' }),
      403,
    );
    expect(await t.db.destination.count({ where: { host: `own-${host}` } })).toBe(0);

    const active = await approve('approver', g.id, 'Registered and approved.');
    const dest = await t.db.destination.findFirstOrThrow({
      where: { host, deletedAt: null },
      include: { ports: true },
    });
    expect(active).toMatchObject({ state: 'active', destinationId: dest.id, destination: host });
    expect(dest.ports.map((p) => p.port).sort()).toEqual([465, 587]);
    expect(dest).toMatchObject({ sensitivity: 'standard', description: 'Transactional mail provider' });
    const audit = await t.db.auditEvent.findMany({
      where: { OR: [{ targetId: dest.id }, { targetId: g.id }] },
      orderBy: { seq: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual([
      'grant.requested',
      'destination.created',
      'grant.approved',
      'grant.activated',
    ]);
    // Registered and approved in one transaction: consecutive rows of the chain, the same request id.
    const [, created, approved] = audit;
    expect(approved!.seq - created!.seq).toBe(1n);
    expect(approved!.requestId).toBe(created!.requestId);
    expect((await inboxRow(ns, host, 587)).access).toMatchObject({ grantId: g.id, state: 'active' });
  });

  it('a sensitive proposal needs two approvers and registers nothing until the second', async () => {
    const svc = await t.factories.service();
    const host = `vault-${++nsCounter}.example.com`;
    const g = await requestOk({
      service: svc.name,
      destination: host,
      port: 465,
      proposedDestination: proposal('sensitive'),
    });
    expect(g.requiredApprovals).toBe(2);
    await approve('approver', g.id);
    expect(await t.db.destination.count({ where: { host } })).toBe(0);
    expectStatus(await post('approver', `/api/v1/grants/${g.id}/approve`), 409);
    const done = await approve(await t.addUser('approver', 'second'), g.id);
    expect(done.state).toBe('active');
    expect(await t.db.destination.count({ where: { host, sensitivity: 'sensitive' } })).toBe(1);
  });

  it('rejecting discards the proposal: no destination is registered', async () => {
    const svc = await t.factories.service();
    const host = `rejected-${++nsCounter}.example.com`;
    const g = await requestOk({
      service: svc.name,
      destination: host,
      port: 587,
      proposedDestination: proposal('standard'),
    });
    const res = await post('approver', `/api/v1/grants/${g.id}/reject`, { reason: 'Not a provider we use.' });
    expectStatus(res, 200);
    expect(res.json<Grant>()).toMatchObject({ state: 'rejected', destinationId: null });
    expect(await t.db.destination.count({ where: { host } })).toBe(0);
    expect(
      await t.db.auditEvent.count({
        where: {
          action: 'destination.created',
          targetType: 'destination',
          after: { path: ['host'], equals: host },
        },
      }),
    ).toBe(0);
  });

  it('refuses a proposal for a registered host, a port outside the proposal, and a port-wide proposal', async () => {
    const svc = await t.factories.service();
    const registered = await t.factories.destination();
    const body = {
      service: svc.name,
      justification: JUSTIFICATION,
      proposedDestination: proposal('standard'),
    };
    const fieldOf = (res: LightMyRequestResponse) =>
      res.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field);
    let res = await post('engineer', '/api/v1/grants', { ...body, destination: registered.host, port: 465 });
    expectStatus(res, 400);
    expect(fieldOf(res)).toContain('body.proposedDestination');
    res = await post('engineer', '/api/v1/grants', { ...body, destination: 'new-x.example.com', port: 25 });
    expectStatus(res, 400);
    expect(fieldOf(res)).toContain('body.port');
    res = await post('engineer', '/api/v1/grants', { ...body, destination: null, port: 465 });
    expectStatus(res, 400);
    expect(fieldOf(res)).toContain('body.proposedDestination');
    // Without a proposal, an unregistered host is refused as before.
    res = await post('engineer', '/api/v1/grants', {
      service: svc.name,
      justification: JUSTIFICATION,
      destination: 'new-y.example.com',
      port: 443,
    });
    expectStatus(res, 400);
    expect(fieldOf(res)).toContain('body.destination');
  });

  it('an engineer can never register a destination directly, nor approve the proposal', async () => {
    const res = await post('engineer', '/api/v1/destinations', {
      host: 'direct.example.com',
      ports: [{ port: 443, protocol: 'TCP' }],
      sensitivity: 'standard',
    });
    expectStatus(res, 403);
    const svc = await t.factories.service();
    const g = await requestOk(
      {
        service: svc.name,
        destination: 'eng-approve.example.com',
        port: 465,
        proposedDestination: proposal('standard'),
      },
      'admin',
    );
    expectStatus(await post('engineer', `/api/v1/grants/${g.id}/approve`), 403);
    expect(
      await t.db.destination.count({
        where: { host: { in: ['direct.example.com', 'eng-approve.example.com'] } },
      }),
    ).toBe(0);
  });
});

describe('expiry counts from activation', () => {
  it('a requested duration starts at the final approval, not at the request', async () => {
    const svc = await t.factories.service();
    const dest = await t.factories.destination();
    const g = await requestOk({
      service: svc.name,
      destination: dest.host,
      port: 443,
      durationSeconds: 7 * 86_400,
    });
    expect(g).toMatchObject({ durationSeconds: 604_800, expiresAt: null, activatedAt: null });
    offsetMs += 3 * DAY; // the request waits three days for its approver
    const active = await approve('approver', g.id);
    const activatedAt = new Date(active.activatedAt!).getTime();
    expect(Math.abs(activatedAt - clock.now().getTime())).toBeLessThan(5_000);
    expect(new Date(active.expiresAt!).getTime() - activatedAt).toBe(7 * DAY);
  });

  it('refuses both an end date and a duration', async () => {
    const svc = await t.factories.service();
    const dest = await t.factories.destination();
    const res = await post('engineer', '/api/v1/grants', {
      service: svc.name,
      destination: dest.host,
      port: 443,
      justification: JUSTIFICATION,
      durationSeconds: 86_400,
      expiresAt: new Date(clock.now().getTime() + DAY).toISOString(),
    });
    expectStatus(res, 400);
  });
});

describe('renewal', () => {
  it('files a pending renewal beside the active grant; approved, it takes over where the grant ends', async () => {
    const svc = await t.factories.service();
    const dest = await t.factories.destination();
    const g = await requestOk({
      service: svc.name,
      destination: dest.host,
      port: 443,
      durationSeconds: 86_400,
    });
    const active = await approve('approver', g.id);
    offsetMs += 20 * HOUR; // four hours left

    const renewRes = await post('engineer', `/api/v1/grants/${g.id}/renew`, {
      justification: 'Still sending the monthly statements.',
      durationSeconds: 30 * 86_400,
    });
    expectStatus(renewRes, 201);
    const renewal = renewRes.json<Grant>();
    expect(renewal).toMatchObject({ state: 'pending', renewsGrantId: g.id, expiresAt: null, port: 443 });
    // The grant keeps working and shows its pending renewal; a second renewal is a duplicate.
    const current = (await t.as('viewer', { method: 'GET', url: `/api/v1/grants/${g.id}` })).json<Grant>();
    expect(current).toMatchObject({ state: 'active', pendingRenewalId: renewal.id });
    expectStatus(
      await post('engineer', `/api/v1/grants/${g.id}/renew`, {
        justification: JUSTIFICATION,
        durationSeconds: 86_400,
      }),
      409,
    );
    // Four eyes on renewals too.
    expectStatus(await post('engineer', `/api/v1/grants/${renewal.id}/approve`), 403);

    const renewed = await approve('approver', renewal.id);
    expect(renewed.state).toBe('active');
    // No gap and no lost time: the 30 days start where the old grant ended.
    expect(new Date(renewed.expiresAt!).getTime()).toBe(new Date(active.expiresAt!).getTime() + 30 * DAY);
    const old = (await t.as('viewer', { method: 'GET', url: `/api/v1/grants/${g.id}` })).json<Grant>();
    expect(old).toMatchObject({
      state: 'expired',
      reason: `renewed by grant ${renewal.id}`,
      pendingRenewalId: null,
    });
    // Exactly one active grant for the access at every commit, and the hand-over is audited.
    expect(
      await t.db.grant.count({
        where: { serviceId: svc.id, destinationId: dest.id, port: 443, state: 'active' },
      }),
    ).toBe(1);
    expect(await t.db.auditEvent.count({ where: { targetId: g.id, action: 'grant.renewed' } })).toBe(1);
  });

  it('refuses to renew what is not active or never expires', async () => {
    const svc = await t.factories.service();
    const dest = await t.factories.destination();
    const forever = await requestOk({ service: svc.name, destination: dest.host, port: 443 });
    const body = { justification: JUSTIFICATION, durationSeconds: 86_400 };
    expectStatus(await post('engineer', `/api/v1/grants/${forever.id}/renew`, body), 409); // pending
    await approve('approver', forever.id);
    expectStatus(await post('engineer', `/api/v1/grants/${forever.id}/renew`, body), 409); // no expiry
    expectStatus(await post('viewer', `/api/v1/grants/${forever.id}/renew`, body), 403);
  });
});

describe('the requester is told of every decision', () => {
  it('lists decisions on my requests since I last looked, and marks them seen', async () => {
    const me = await t.addUser('engineer', 'notified');
    const second = await t.addUser('approver', 'second');
    const svc = await t.factories.service();
    const sensitive = await t.factories.destination({ sensitivity: 'sensitive' });
    const other = await t.factories.destination();
    const list = async () => {
      const res = await t.as(me, { method: 'GET', url: '/api/v1/me/notifications' });
      expectStatus(res, 200);
      return res.json<NotificationList>();
    };
    expect(await list()).toEqual({ items: [], unseen: 0, seenAt: null });

    const a = await requestOk({ service: svc.name, destination: sensitive.host, port: 443 }, me);
    const b = await requestOk({ service: svc.name, destination: other.host, port: 443 }, me);
    await approve('approver', a.id, 'Looks right.');
    await approve(second, a.id, 'Second look: fine.');
    expectStatus(
      await post('approver', `/api/v1/grants/${b.id}/reject`, { reason: 'Ask the payments team.' }),
      200,
    );

    let n = await list();
    expect(n.unseen).toBe(3);
    expect(n.items.map((i) => [i.kind, i.grantId, i.approvals, i.state, i.note])).toEqual([
      ['rejected', b.id, 0, 'rejected', 'Ask the payments team.'],
      ['approved', a.id, 2, 'active', 'Second look: fine.'],
      ['approved', a.id, 1, 'pending', 'Looks right.'],
    ]);
    expect(n.items[0]).toMatchObject({ service: svc.name, destination: other.host, port: 443, seen: false });
    // Someone else's requests are not mine.
    expect(
      (await t.as('engineer', { method: 'GET', url: '/api/v1/me/notifications' }))
        .json<NotificationList>()
        .items.map((i) => i.grantId),
    ).not.toContain(a.id);

    expectStatus(await post(me, '/api/v1/me/notifications/seen'), 204);
    n = await list();
    expect(n.unseen).toBe(0);
    expect(n.items.every((i) => i.seen)).toBe(true);
    offsetMs += 1000;
    expectStatus(await post(second, `/api/v1/grants/${a.id}/revoke`, { reason: 'Project ended.' }), 200);
    n = await list();
    expect(n.unseen).toBe(1);
    expect(n.items[0]).toMatchObject({ kind: 'revoked', note: 'Project ended.', seen: false });
  });

  it('announces each decision as grant.decided with the requester and the team', async () => {
    const name = 'team-hook';
    const hook = await t.as('admin', {
      method: 'POST',
      url: '/api/v1/webhooks',
      payload: { name, url: receiver.url(name), events: ['grant.decided'] },
    });
    expectStatus(hook, 201);
    const svc = await t.factories.service({ team: 'payments' });
    const dest = await t.factories.destination({ sensitivity: 'sensitive' });
    const g = await requestOk({ service: svc.name, destination: dest.host, port: 443 });
    await approve('approver', g.id);
    // The first of two approvals is a decision too; then a second approver rejects.
    const second = await t.addUser('approver', 'second');
    expectStatus(await post(second, `/api/v1/grants/${g.id}/reject`, { reason: 'Not this quarter.' }), 200);
    // The requester cancelling their own request is not announced to them.
    const c = await requestOk({ service: svc.name, destination: dest.host, port: 443 });
    expectStatus(await post('engineer', `/api/v1/grants/${c.id}/cancel`), 200);
    await t.app.workers.webhookDispatcher.drain();
    const got = receiver
      .requests(`/${name}`)
      .map((r) => r.json as { event: string; data: { grant: Grant; requester: unknown; team: unknown } });
    expect(got.map((b) => [b.data.grant.id, b.data.grant.state])).toEqual([
      [g.id, 'pending'],
      [g.id, 'rejected'],
    ]);
    for (const body of got) {
      expect(body.event).toBe('grant.decided');
      expect(body.data).toMatchObject({
        requester: { email: t.users.engineer.email, name: 'engineer' },
        team: 'payments',
      });
    }
  });
});
