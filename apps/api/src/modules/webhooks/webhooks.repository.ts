// Webhooks and their deliveries (the outbox and delivery log in one table). The outbox statements are
// raw SQL: the enqueue runs inside every grant decision, and the claim must lock with SKIP LOCKED.
import type { DeliveryEvent, WebhookDelivery } from '@egress/shared';

import { type Db, Prisma, type Tx } from '../../platform/db.ts';
import { keysetWhere, type Page, toPage } from '../../platform/pagination.ts';
import type { NotificationPayload, OutboxEvent } from './webhooks.events.ts';

export type DeliveryStatus = WebhookDelivery['status'];
export type WebhookRow = Prisma.WebhookGetPayload<object>;

export interface DeliveryRow {
  id: string;
  webhookId: string;
  eventId: string;
  event: string;
  payload: unknown;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

/** A due delivery, leased to this dispatcher, with what it takes to send it. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  eventId: string;
  event: DeliveryEvent;
  payload: NotificationPayload;
  attempts: number;
  url: string;
  format: string;
  secretCiphertext: string;
}

/** What an attempt did; `next` is set when the delivery stays pending for another try. */
export interface WebhookHealth {
  state: 'ok' | 'failing' | 'unknown';
  failingSince: Date | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
}

export interface AttemptRecord {
  id: string;
  /** Attempts before this one: the update applies only if no one else recorded an attempt meanwhile. */
  attemptsBefore: number;
  at: Date;
  status: DeliveryStatus;
  responseStatus: number | null;
  error: string | null;
  next: Date | null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toDeliveryDto(r: DeliveryRow): WebhookDelivery {
  return {
    id: r.id,
    webhookId: r.webhookId,
    eventId: r.eventId,
    event: r.event as DeliveryEvent,
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt.toISOString() : null,
    lastAttemptAt: iso(r.lastAttemptAt),
    responseStatus: r.responseStatus,
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
    deliveredAt: iso(r.deliveredAt),
    payload: r.payload,
  };
}

export function createWebhooksRepository(db: Db) {
  return {
    /**
     * One delivery per enabled webhook subscribed to each event, in one statement, inside the caller's
     * transaction; inserts nothing when no webhook wants the event. A webhook limited to some teams gets
     * an event only when the event's team (its own, or its service's, read here) is one of them: an event
     * about no team never reaches it (NULL = ANY (...) is not true).
     */
    async enqueue(events: OutboxEvent[], now: Date, tx: Tx): Promise<number> {
      return tx.$executeRaw`
        INSERT INTO webhook_deliveries (id, webhook_id, event_id, event, payload, status, attempts, next_attempt_at, created_at)
        SELECT gen_random_uuid(), w.id, (e->>'eventId')::uuid, e->>'event', e->'payload', 'pending', 0, ${now}, ${now}
        FROM jsonb_array_elements(${JSON.stringify(events)}::jsonb) AS e
        JOIN webhooks w ON w.enabled AND (e->>'event') = ANY (w.events)
          AND (cardinality(w.teams) = 0
               OR COALESCE(e->>'team', (SELECT s.team FROM services s WHERE s.id = (e->>'serviceId')::uuid)) = ANY (w.teams))`;
    },

    /** A delivery to one webhook regardless of its subscriptions (the test ping). */
    async insertDelivery(
      webhookId: string,
      event: DeliveryEvent,
      payload: NotificationPayload,
      now: Date,
      tx: Tx | Db = db,
    ): Promise<DeliveryRow> {
      return tx.webhookDelivery.create({
        data: {
          webhookId,
          eventId: payload.id,
          event,
          payload: payload as unknown as Prisma.InputJsonValue,
          nextAttemptAt: now,
          createdAt: now,
        },
      });
    },

    /** A test delivery as it went: inserted after its one attempt (the dispatcher never sees it). */
    insertAttemptedDelivery(
      d: {
        id: string;
        webhookId: string;
        event: DeliveryEvent;
        payload: NotificationPayload;
        createdAt: Date;
        at: Date;
        ok: boolean;
        responseStatus: number | null;
        error: string | null;
      },
      tx: Tx | Db = db,
    ): Promise<DeliveryRow> {
      return tx.webhookDelivery.create({
        data: {
          id: d.id,
          webhookId: d.webhookId,
          eventId: d.payload.id,
          event: d.event,
          payload: d.payload as unknown as Prisma.InputJsonValue,
          status: d.ok ? 'succeeded' : 'failed',
          attempts: 1,
          nextAttemptAt: d.at,
          lastAttemptAt: d.at,
          responseStatus: d.responseStatus,
          lastError: d.error,
          createdAt: d.createdAt,
          deliveredAt: d.ok ? d.at : null,
        },
      });
    },

    /**
     * Per webhook, whether its receiver answers: failing when the latest attempted delivery did not
     * succeed, since the first failed delivery after the last success (its creation), with the latest error.
     * One statement for the page; the (webhook_id, created_at) index keeps each lookup short.
     */
    async health(ids: string[], tx: Tx | Db = db): Promise<Map<string, WebhookHealth>> {
      if (ids.length === 0) return new Map();
      const rows = await tx.$queryRaw<
        {
          webhook_id: string;
          last_status: string | null;
          since: Date | null;
          last_error: string | null;
          last_at: Date | null;
        }[]
      >`
        SELECT w.id AS webhook_id, l.status AS last_status, f.since, l.last_error, l.last_attempt_at AS last_at
        FROM unnest(ARRAY[${Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`))}]) AS w(id)
        LEFT JOIN LATERAL (
          SELECT status, last_error, last_attempt_at FROM webhook_deliveries d
          WHERE d.webhook_id = w.id AND d.last_attempt_at IS NOT NULL ORDER BY d.last_attempt_at DESC, d.id DESC LIMIT 1
        ) l ON TRUE
        LEFT JOIN LATERAL (
          SELECT min(d.created_at) AS since FROM webhook_deliveries d
          WHERE d.webhook_id = w.id AND d.status <> 'succeeded' AND d.last_error IS NOT NULL
            AND d.created_at > COALESCE((SELECT max(s.delivered_at) FROM webhook_deliveries s
                                         WHERE s.webhook_id = w.id AND s.status = 'succeeded'), '-infinity'::timestamptz)
        ) f ON TRUE`;
      return new Map(
        rows.map((r) => {
          const failing = r.last_status !== null && r.last_status !== 'succeeded' && r.last_error !== null;
          const health: WebhookHealth = failing
            ? {
                state: 'failing',
                failingSince: r.since ?? r.last_at,
                lastError: r.last_error,
                lastAttemptAt: r.last_at,
              }
            : {
                state: r.last_status === null ? 'unknown' : 'ok',
                failingSince: null,
                lastError: null,
                lastAttemptAt: r.last_at,
              };
          return [r.webhook_id, health];
        }),
      );
    },

    /**
     * Leases up to `limit` due deliveries of enabled webhooks by pushing their next attempt to
     * `leaseUntil`: a dispatcher that dies mid-send leaves them to be retried once the lease runs out.
     * SKIP LOCKED lets every replica claim at once without taking the same rows.
     */
    async claimDue(now: Date, leaseUntil: Date, limit: number, tx: Tx | Db = db): Promise<ClaimedDelivery[]> {
      return tx.$queryRaw<ClaimedDelivery[]>`
        WITH due AS (
          SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
          WHERE d.status = 'pending' AND d.next_attempt_at <= ${now} AND w.enabled
          ORDER BY d.next_attempt_at LIMIT ${limit}
          FOR UPDATE OF d SKIP LOCKED
        ), claimed AS (
          UPDATE webhook_deliveries d SET next_attempt_at = ${leaseUntil} FROM due WHERE d.id = due.id
          RETURNING d.id, d.webhook_id, d.event_id, d.event, d.payload, d.attempts
        )
        SELECT c.id, c.webhook_id AS "webhookId", c.event_id AS "eventId", c.event, c.payload, c.attempts,
               w.url, w.format, w.secret_ciphertext AS "secretCiphertext"
        FROM claimed c JOIN webhooks w ON w.id = c.webhook_id`;
    },

    /** Records one attempt; false when the row moved on meanwhile (someone else recorded or retried it). */
    async recordAttempt(a: AttemptRecord, tx: Tx | Db = db): Promise<boolean> {
      const delivered = a.status === 'succeeded' ? a.at : null;
      const count = await tx.$executeRaw`
        UPDATE webhook_deliveries SET status = ${a.status}, attempts = attempts + 1, last_attempt_at = ${a.at},
          next_attempt_at = COALESCE(${a.next}::timestamptz, next_attempt_at), response_status = ${a.responseStatus}::int,
          last_error = ${a.error}, delivered_at = ${delivered}::timestamptz
        WHERE id = ${a.id}::uuid AND status = 'pending' AND attempts = ${a.attemptsBefore}`;
      return count === 1;
    },

    /** A failed delivery back to pending, due now; null when there is no such failed delivery. */
    async requeueFailed(id: string, now: Date, tx: Tx | Db = db): Promise<DeliveryRow | null> {
      const { count } = await tx.webhookDelivery.updateMany({
        where: { id, status: 'failed' },
        data: { status: 'pending', nextAttemptAt: now },
      });
      return count === 1 ? tx.webhookDelivery.findUnique({ where: { id } }) : null;
    },

    findDelivery: (id: string, tx: Tx | Db = db) => tx.webhookDelivery.findUnique({ where: { id } }),

    async listDeliveries(
      webhookId: string,
      q: { status?: DeliveryStatus | undefined; limit: number; cursor?: string | undefined },
      tx: Tx | Db = db,
    ): Promise<Page<WebhookDelivery>> {
      const where: Prisma.WebhookDeliveryWhereInput = {
        webhookId,
        ...(q.status ? { status: q.status } : {}),
        ...keysetWhere('createdAt', q.cursor, 'desc', (k) => new Date(k)),
      };
      const rows = await tx.webhookDelivery.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: q.limit + 1,
      });
      return toPage(rows, q.limit, toDeliveryDto, (r) => [r.createdAt.toISOString(), r.id]);
    },

    /** The latest attempted delivery of each webhook, for the list's health glance. */
    async lastAttempts(
      ids: string[],
      tx: Tx | Db = db,
    ): Promise<Map<string, { status: DeliveryStatus; at: Date }>> {
      if (ids.length === 0) return new Map();
      const rows = await tx.$queryRaw<
        { webhook_id: string; status: DeliveryStatus; last_attempt_at: Date }[]
      >`
        SELECT w.id AS webhook_id, l.status, l.last_attempt_at
        FROM unnest(ARRAY[${Prisma.join(ids.map((id) => Prisma.sql`${id}::uuid`))}]) AS w(id)
        CROSS JOIN LATERAL (
          SELECT status, last_attempt_at FROM webhook_deliveries d
          WHERE d.webhook_id = w.id AND d.last_attempt_at IS NOT NULL ORDER BY d.created_at DESC, d.id DESC LIMIT 1
        ) l`;
      return new Map(rows.map((r) => [r.webhook_id, { status: r.status, at: r.last_attempt_at }]));
    },

    /** Every enabled webhook (a handful: the health strip checks them all). */
    listEnabled(tx: Tx | Db = db): Promise<WebhookRow[]> {
      return tx.webhook.findMany({
        where: { enabled: true },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
    },

    findWebhook(id: string, tx: Tx | Db = db): Promise<WebhookRow | null> {
      return tx.webhook.findUnique({ where: { id } });
    },

    insertWebhook(data: Prisma.WebhookUncheckedCreateInput, tx: Tx | Db = db): Promise<WebhookRow> {
      return tx.webhook.create({ data });
    },

    updateWebhook(id: string, data: Prisma.WebhookUpdateInput, tx: Tx | Db = db): Promise<WebhookRow> {
      return tx.webhook.update({ where: { id }, data });
    },

    /** Its deliveries (queued ones and the log) go with it (ON DELETE CASCADE). */
    async deleteWebhook(id: string, tx: Tx | Db = db): Promise<void> {
      await tx.webhook.delete({ where: { id } });
    },

    /** One keyset page of webhooks, oldest first (limit + 1 rows, for toPage). */
    listWebhooks(limit: number, cursor: string | undefined, tx: Tx | Db = db): Promise<WebhookRow[]> {
      return tx.webhook.findMany({
        where: keysetWhere('createdAt', cursor, 'asc', (k) => new Date(k)),
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: limit + 1,
      });
    },

    /** Retention: deliveries created before `cutoff` go, whatever their status. */
    deleteOlderThan: (cutoff: Date, tx: Tx | Db = db) =>
      tx.$executeRaw`DELETE FROM webhook_deliveries WHERE created_at < ${cutoff}`,
  };
}

export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>;
