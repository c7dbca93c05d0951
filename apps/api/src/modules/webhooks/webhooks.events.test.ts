import { CHECKPOINT_FORMAT, type Grant } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { type AppendedAuditEvent, SYSTEM_ACTOR } from '../../platform/audit.ts';
import { checkpointEvent, type EventContext, eventsFor, outboxEventsFor } from './webhooks.events.ts';
import { renderSlack } from './webhooks.slack.ts';

const grant: Grant = {
  id: '6f1c0f5e-6a38-4c55-9d7e-0f9c1a3b2c4d',
  service: 'service.github',
  serviceId: '0b9e2f7c-3a1d-4e5f-8a6b-7c8d9e0f1a2b',
  serviceNamespace: 'ci',
  destination: 'github.com',
  destinationId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  destinationSensitivity: 'standard',
  port: 443,
  state: 'pending',
  justification: 'Clones the deployment repository.',
  requestedBy: 'eng@example.com',
  requestedAt: '2026-11-26T10:00:00.000Z',
  expiresAt: null,
  approvals: [],
  requiredApprovals: 2,
  decidedAt: null,
  decidedBy: null,
  reason: null,
  source: null,
  serviceTeam: 'platform',
  requestedByName: 'Eng',
  activatedAt: null,
  durationSeconds: null,
  renewsGrantId: null,
  pendingRenewalId: null,
  proposedDestination: null,
};

function row(
  action: AppendedAuditEvent['action'],
  after: unknown,
  targetType: AppendedAuditEvent['targetType'] = 'grant',
): AppendedAuditEvent {
  return {
    seq: 1n,
    at: new Date('2026-11-26T10:00:01.000Z'),
    actor: { type: 'user', id: null, label: 'approver@example.com' },
    action,
    targetType,
    targetId: grant.id,
    after,
  };
}

let ids = 0;
const problems: string[] = [];
const ctx: EventContext = {
  publicUrl: 'https://egress.example.com',
  newId: () => `id-${++ids}`,
  unreadable: (_r, p) => problems.push(p),
};

describe('eventsFor', () => {
  it.each([
    ['grant.requested', { state: 'pending' }, ['grant.requested', 'grant.approval_needed']],
    // Every decision is also grant.decided (issue 18), for the requester and the team.
    ['grant.approved', { state: 'pending' }, ['grant.approval_needed', 'grant.decided']],
    ['grant.approved', { state: 'active' }, ['grant.decided']],
    ['grant.activated', { state: 'active' }, ['grant.approved']],
    ['grant.rejected', {}, ['grant.rejected', 'grant.decided']],
    ['grant.revoked', {}, ['grant.revoked', 'grant.decided']],
    ['grant.expired', {}, ['grant.expired', 'grant.decided']],
    ['grant.cancelled', {}, ['grant.decided']],
    ['grant.renewed', {}, ['grant.decided']],
    ['alert.raised', {}, ['blocked_egress.alert']],
    ['alert.acknowledged', {}, []],
    ['service.created', {}, []],
    ['webhook.delivery_failed', {}, []],
  ])('%s (after %j) announces %j', (action, after, expected) => {
    expect(eventsFor(action, after)).toEqual(expected);
  });
});

describe('outboxEventsFor', () => {
  it('builds one payload per event with its own id, the audit time, the actor and a console link', () => {
    const events = outboxEventsFor(row('grant.requested', grant), ctx);
    expect(events.map((e) => e.event)).toEqual(['grant.requested', 'grant.approval_needed']);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(2);
    for (const e of events) {
      expect(e.payload).toEqual({
        id: e.eventId,
        event: e.event,
        occurredAt: '2026-11-26T10:00:01.000Z',
        actor: { type: 'user', label: 'approver@example.com' },
        data: { grant, requester: { email: 'eng@example.com', name: 'Eng' }, team: 'platform' },
        links: { grant: `https://egress.example.com/grants/${grant.id}` },
      });
    }
  });

  it('does not announce to the requester that they cancelled their own request', () => {
    const own = {
      ...row('grant.cancelled', { ...grant, state: 'cancelled' }),
      actor: { type: 'user' as const, id: null, label: grant.requestedBy },
    };
    expect(outboxEventsFor(own, ctx)).toEqual([]);
    const bySystem = { ...row('grant.cancelled', { ...grant, state: 'cancelled' }), actor: SYSTEM_ACTOR };
    expect(outboxEventsFor(bySystem, ctx).map((e) => e.event)).toEqual(['grant.decided']);
  });

  it('skips (and reports) a grant row it cannot read instead of failing the transaction', () => {
    problems.length = 0;
    expect(outboxEventsFor(row('grant.rejected', { id: 'not a grant' }), ctx)).toEqual([]);
    expect(problems).toHaveLength(1);
  });

  it('announces an alert even when fields are missing', () => {
    const [e] = outboxEventsFor(
      { ...row('alert.raised', { ruleName: 'burst', count: 12 }, 'alert'), actor: SYSTEM_ACTOR },
      ctx,
    );
    expect(e?.payload.data.alert).toMatchObject({
      id: grant.id,
      ruleName: 'burst',
      count: 12,
      service: null,
      destinations: [],
    });
    expect(e?.payload.links).toEqual({ alert: 'https://egress.example.com/blocked?tab=alerts' });
  });
});

describe('drift alerts (issue 18)', () => {
  const drift = {
    runId: '7e1c0f5e-6a38-4c55-9d7e-0f9c1a3b2c4d',
    objects: [
      {
        kind: 'NetworkPolicy',
        namespace: 'egress-gateways',
        name: 'github-com',
        change: 'modified',
        fields: [{ path: '.spec.ingress', change: 'changed', managers: ['mallory'] }],
        managers: ['mallory'],
      },
    ],
  };

  it('an alert of kind drift is announced as reconcile.drift, a denied-egress alert as before', () => {
    expect(eventsFor('alert.raised', { kind: 'drift' })).toEqual(['reconcile.drift']);
    expect(eventsFor('alert.raised', { kind: 'blocked_egress' })).toEqual(['blocked_egress.alert']);
    expect(eventsFor('alert.raised', {})).toEqual(['blocked_egress.alert']);
  });

  it('carries the objects and their field managers, and Slack names them', () => {
    const [event] = outboxEventsFor(
      row('alert.raised', { kind: 'drift', ruleName: 'configuration drift', count: 1, drift }, 'alert'),
      ctx,
    );
    expect(event?.event).toBe('reconcile.drift');
    expect(event?.payload.data.drift).toEqual(drift);
    expect(event?.payload.links).toEqual({ reconcile: 'https://egress.example.com/reconcile' });
    const slack = renderSlack(event!.payload);
    expect(slack.text).toBe(
      'Configuration drift put back: 1 managed object changed outside egress-control (by mallory)',
    );
    expect(JSON.stringify(slack.blocks)).toContain(
      '`NetworkPolicy egress-gateways/github-com`: `.spec.ingress` changed by `mallory`; put back',
    );
  });
});

describe('team routing (webhooks limited to teams)', () => {
  it("a grant event is about its service's team; a service without a team makes it about no team", () => {
    const events = outboxEventsFor(row('grant.rejected', { ...grant, state: 'rejected' }), ctx);
    expect(events.map((e) => [e.event, e.team, e.serviceId])).toEqual([
      ['grant.rejected', 'platform', null],
      ['grant.decided', 'platform', null],
    ]);
    const [teamless] = outboxEventsFor(row('grant.revoked', { ...grant, serviceTeam: null }), ctx);
    expect(teamless).toMatchObject({ team: null, serviceId: null });
  });

  it("an alert names its service (the enqueue reads the service's team); drift and checkpoints are about no team", () => {
    const serviceId = '0b9e2f7c-3a1d-4e5f-8a6b-7c8d9e0f1a2b';
    const [alert] = outboxEventsFor(row('alert.raised', { ruleName: 'burst', serviceId }, 'alert'), ctx);
    expect(alert).toMatchObject({ event: 'blocked_egress.alert', team: null, serviceId });
    const [odd] = outboxEventsFor(row('alert.raised', { serviceId: 'not-a-uuid' }, 'alert'), ctx);
    expect(odd).toMatchObject({ team: null, serviceId: null });
    const [drift] = outboxEventsFor(row('alert.raised', { kind: 'drift', serviceId: null }, 'alert'), ctx);
    expect(drift).toMatchObject({ event: 'reconcile.drift', team: null, serviceId: null });
    const checkpoint = checkpointEvent(
      {
        format: CHECKPOINT_FORMAT,
        seq: 7,
        headHash: 'a'.repeat(64),
        at: '2026-11-26T10:00:00.000Z',
        keyId: '0123456789abcdef',
        publicKey: 'AAAA',
        signature: 'AAAA',
      },
      ctx,
    );
    expect(checkpoint).toMatchObject({ event: 'audit.checkpoint', team: null, serviceId: null });
  });
});
