// Which audit actions announce which notification events, and the generic payload of each. Pure: the
// notifier turns these into outbox rows inside the audited transaction.
import {
  type AuditCheckpoint,
  type DeliveryEvent,
  type DriftedObject,
  DriftedObjectSchema,
  type Grant,
  GrantSchema,
  type NotificationEvent,
} from '@egress/shared';
import { z } from 'zod';

import type { AppendedAuditEvent } from '../../platform/audit.ts';

const AlertDestination = z.object({
  destination: z.string().catch('?'),
  port: z.number().catch(0),
  protocol: z.string().catch('TCP'),
  count: z.number().catch(0),
});

// Lenient on purpose: an alert that lacks a field is still worth announcing.
const AlertNoticeSchema = z.object({
  id: z.string().nullable().catch(null),
  ruleName: z.string().catch('alert'),
  service: z.string().nullable().catch(null),
  sourceNamespace: z.string().nullable().catch(null),
  count: z.number().catch(0),
  threshold: z.number().catch(0),
  windowStart: z.string().nullable().catch(null),
  windowEnd: z.string().nullable().catch(null),
  destinations: z.array(AlertDestination).catch([]),
});
export type AlertNotice = z.infer<typeof AlertNoticeSchema>;

// The alert's service, for team routing only (a drift alert has none).
const AlertServiceSchema = z
  .object({ serviceId: z.uuid().nullable().catch(null) })
  .catch({ serviceId: null });

export interface NotificationData {
  /** The API's Grant, which carries the service's namespace and the destination's sensitivity. */
  grant?: Grant;
  /** Grant events: who asked, and the service's owner team (for routing to the team's channel). */
  requester?: { email: string; name: string };
  team?: string | null;
  alert?: AlertNotice;
  /** reconcile.drift: the objects changed outside egress-control and the run that put them back. */
  drift?: { runId: string; objects: DriftedObject[] };
  webhook?: { id: string; name: string };
  message?: string;
  /** audit.checkpoint: the signed checkpoint, to keep where the database's owner cannot reach. */
  checkpoint?: AuditCheckpoint;
}

/** The generic format's body, and what the Slack format renders from. */
export interface NotificationPayload {
  id: string;
  event: DeliveryEvent;
  occurredAt: string;
  actor: { type: string; label: string };
  data: NotificationData;
  links: Record<string, string>;
}

/**
 * Whose event it is, for webhooks limited to some teams: a grant event names its service's team; an
 * alert names its service, whose team the enqueue reads in the same statement. Neither: about no team.
 */
export interface EventRouting {
  team: string | null;
  serviceId: string | null;
}

/** One event to enqueue: a delivery per subscribed webhook, all sharing `payload.id`. */
export interface OutboxEvent extends EventRouting {
  event: DeliveryEvent;
  eventId: string;
  payload: NotificationPayload;
}

const NO_TEAM: EventRouting = { team: null, serviceId: null };

function stateAfter(after: unknown): unknown {
  return typeof after === 'object' && after !== null && 'state' in after ? after.state : undefined;
}

function kindOf(after: unknown): unknown {
  return typeof after === 'object' && after !== null && 'kind' in after ? after.kind : undefined;
}

const DriftNoticeSchema = z.object({
  runId: z.string().catch(''),
  objects: z.array(DriftedObjectSchema).catch([]),
});
const DECISIONS = new Set([
  'grant.approved',
  'grant.rejected',
  'grant.revoked',
  'grant.expired',
  'grant.cancelled',
  'grant.renewed',
]);

/** The events an audit row announces; most actions announce none. */
export function eventsFor(action: string, after: unknown): NotificationEvent[] {
  const announced = announcedBy(action, after);
  return DECISIONS.has(action) ? [...announced, 'grant.decided'] : announced;
}

function announcedBy(action: string, after: unknown): NotificationEvent[] {
  switch (action) {
    case 'grant.requested':
      return ['grant.requested', 'grant.approval_needed'];
    case 'grant.approved':
      // The first of two approvals: the grant still waits for someone. The last one is announced by grant.activated.
      return stateAfter(after) === 'pending' ? ['grant.approval_needed'] : [];
    case 'grant.activated':
      return ['grant.approved'];
    case 'grant.rejected':
    case 'grant.revoked':
    case 'grant.expired':
      return [action];
    case 'alert.raised':
      return kindOf(after) === 'drift' ? ['reconcile.drift'] : ['blocked_egress.alert'];
    default:
      return [];
  }
}

export interface EventContext {
  publicUrl: string;
  newId: () => string;
  /** Told about a row that should announce something but cannot be read (logged, never thrown). */
  unreadable: (row: AppendedAuditEvent, problem: string) => void;
}

function base(row: AppendedAuditEvent, event: NotificationEvent, ctx: EventContext) {
  return {
    id: ctx.newId(),
    event,
    occurredAt: row.at.toISOString(),
    actor: { type: row.actor.type, label: row.actor.label },
  };
}

function grantEvent(
  row: AppendedAuditEvent,
  event: NotificationEvent,
  grant: Grant,
  ctx: EventContext,
): OutboxEvent {
  const payload: NotificationPayload = {
    ...base(row, event, ctx),
    data: {
      grant,
      requester: { email: grant.requestedBy, name: grant.requestedByName },
      team: grant.serviceTeam,
    },
    links: { grant: `${ctx.publicUrl}/grants/${grant.id}` },
  };
  return { event, eventId: payload.id, payload, team: grant.serviceTeam, serviceId: null };
}

function alertEvent(row: AppendedAuditEvent, event: NotificationEvent, ctx: EventContext): OutboxEvent {
  const serviceId = AlertServiceSchema.parse(row.after).serviceId;
  const parsed = AlertNoticeSchema.parse({
    ...(typeof row.after === 'object' ? row.after : {}),
    id: row.targetId,
  });
  const after: unknown = row.after;
  const drift =
    event === 'reconcile.drift' && typeof after === 'object' && after !== null && 'drift' in after
      ? DriftNoticeSchema.parse(after.drift)
      : undefined;
  const payload: NotificationPayload = {
    ...base(row, event, ctx),
    data: drift ? { alert: parsed, drift } : { alert: parsed },
    links: drift
      ? { reconcile: `${ctx.publicUrl}/reconcile` }
      : { alert: `${ctx.publicUrl}/blocked?tab=alerts` },
  };
  return { event, eventId: payload.id, payload, team: null, serviceId };
}

/**
 * The outbox events for one appended audit row. A grant row whose `after` is not the API's Grant is
 * reported and skipped: a notification problem must never roll back the decision it announces.
 */
export function outboxEventsFor(row: AppendedAuditEvent, ctx: EventContext): OutboxEvent[] {
  const events = eventsFor(row.action, row.after);
  if (events.length === 0) return [];
  if (row.targetType === 'alert') return events.map((e) => alertEvent(row, e, ctx));
  const grant = GrantSchema.safeParse(row.after);
  if (!grant.success) {
    ctx.unreadable(row, grant.error.message);
    return [];
  }
  // The requester withdrawing their own request is not news to them.
  const own = row.action === 'grant.cancelled' && row.actor.label === grant.data.requestedBy;
  return events
    .filter((e) => !(own && e === 'grant.decided'))
    .map((e) => grantEvent(row, e, grant.data, ctx));
}

/** The announcement of a new audit checkpoint (a receiver keeps it to verify the log later). */
export function checkpointEvent(
  checkpoint: AuditCheckpoint,
  ctx: Pick<EventContext, 'publicUrl' | 'newId'>,
): OutboxEvent {
  const event = 'audit.checkpoint' as const;
  const payload: NotificationPayload = {
    id: ctx.newId(),
    event,
    occurredAt: checkpoint.at,
    actor: { type: 'system', label: 'system' },
    data: {
      checkpoint,
      message: `audit rows 1 to ${checkpoint.seq} sealed (head ${checkpoint.headHash.slice(0, 12)}…, key ${checkpoint.keyId})`,
    },
    links: { audit: `${ctx.publicUrl}/audit` },
  };
  return { event, eventId: payload.id, payload, ...NO_TEAM };
}
