import { randomUUID } from 'node:crypto';

import {
  type CreateWebhookBodySchema,
  type DeliveryListQuerySchema,
  type FailingWebhook,
  type PageQuerySchema,
  TEST_EVENT,
  type UpdateWebhookBodySchema,
  type Webhook as WebhookDto,
  type WebhookDelivery,
  type WebhookTestResult,
} from '@egress/shared';
import type { z } from 'zod';

import type { Actor, AuditLog } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Prisma, Tx } from '../../platform/db.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import { type Page, toPage } from '../../platform/pagination.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import { newSecret } from '../../platform/secrets.ts';
import { bodyFor } from './webhook-dispatcher.worker.ts';
import { urlAddressProblem } from './webhooks.address.ts';
import type { NotificationPayload } from './webhooks.events.ts';
import {
  toDeliveryDto,
  type WebhookHealth,
  type WebhookRow as Row,
  type WebhooksRepository,
} from './webhooks.repository.ts';
import type { Send, SendResult } from './webhooks.sender.ts';
import { deliveryHeaders, SECRET_PREFIX } from './webhooks.signing.ts';

type Create = z.output<typeof CreateWebhookBodySchema>;
type Update = z.output<typeof UpdateWebhookBodySchema>;
type DeliveryQuery = z.output<typeof DeliveryListQuerySchema>;
type PageQuery = z.output<typeof PageQuerySchema>;
type LastAttempt = { status: 'pending' | 'succeeded' | 'failed'; at: Date } | undefined;

export interface Ctx {
  actor: Actor;
  userId: string;
  requestId: string;
}

export interface WebhooksServiceDeps {
  db: Db;
  repo: WebhooksRepository;
  audit: AuditLog;
  clock: Clock;
  box: SecretBox | null;
  allowPrivate: boolean;
  publicUrl: string;
  /** Called after a commit that queued a delivery, so it goes out without waiting for the poll. */
  queued: () => void;
  /** Sends a test delivery while the admin waits (its own, short timeout). */
  sendTest: Send;
}

const UNREADABLE_SECRET =
  'cannot decrypt the signing secret: the secret key changed? Rotate the webhook secret.';

const iso = (d: Date | null) => d?.toISOString() ?? null;

function toDto(w: Row, last: LastAttempt, health: WebhookHealth | undefined): WebhookDto {
  return {
    id: w.id,
    name: w.name,
    url: w.url,
    format: w.format as WebhookDto['format'],
    events: w.events as WebhookDto['events'],
    teams: w.teams,
    enabled: w.enabled,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
    lastDelivery: last ? { status: last.status, at: last.at.toISOString() } : null,
    health: {
      state: health?.state ?? 'unknown',
      failingSince: iso(health?.failingSince ?? null),
      lastError: health?.lastError ?? null,
    },
  };
}

/**
 * The audit log's view: approvers read the audit log, admins manage webhooks, and a Slack webhook URL
 * is itself a credential, so only its origin is recorded.
 */
function auditView(w: Row) {
  const { secretCiphertext: _s, createdById: _c, ...rest } = w;
  return { ...rest, url: `${new URL(w.url).origin}/…` };
}

export function createWebhooksService(deps: WebhooksServiceDeps) {
  const { db, repo, audit, clock, box, allowPrivate, publicUrl } = deps;

  function requireBox(): SecretBox {
    if (!box)
      throw new AppError(
        'unavailable',
        'webhooks need a secret key: set EGRESS_SECRET_KEY (base64 of 32 bytes)',
      );
    return box;
  }

  function checkUrl(url: string | undefined): void {
    if (url === undefined || allowPrivate) return;
    const problem = urlAddressProblem(url);
    if (problem)
      throw invalid(
        'body.url',
        `${problem}; set EGRESS_WEBHOOK_ALLOW_PRIVATE=true to allow private receivers`,
      );
  }

  async function load(tx: Tx | Db, id: string): Promise<Row> {
    const row = await repo.findWebhook(id, tx);
    if (!row) throw notFound('webhook');
    return row;
  }

  async function withLast(row: Row): Promise<WebhookDto> {
    const [last, health] = await Promise.all([repo.lastAttempts([row.id]), repo.health([row.id])]);
    return toDto(row, last.get(row.id), health.get(row.id));
  }

  async function create(body: Create, ctx: Ctx): Promise<WebhookDto & { secret: string }> {
    checkUrl(body.url);
    const sealer = requireBox();
    const id = randomUUID();
    const secret = newSecret(SECRET_PREFIX);
    const row = await db.$transaction(async (tx) => {
      const created = await repo.insertWebhook(
        {
          id,
          name: body.name,
          url: body.url,
          format: body.format,
          events: [...new Set(body.events)],
          teams: [...new Set(body.teams)],
          enabled: body.enabled,
          secretCiphertext: sealer.seal(secret, id),
          createdById: ctx.userId,
        },
        tx,
      );
      await audit.append(tx, {
        actor: ctx.actor,
        action: 'webhook.created',
        targetType: 'webhook',
        targetId: id,
        after: auditView(created),
        requestId: ctx.requestId,
      });
      return created;
    });
    return { ...toDto(row, undefined, undefined), secret };
  }

  async function update(id: string, body: Update, ctx: Ctx): Promise<WebhookDto> {
    checkUrl(body.url);
    const row = await db.$transaction(async (tx) => {
      const before = await load(tx, id);
      const data: Prisma.WebhookUpdateInput = {
        ...body,
        ...(body.events ? { events: [...new Set(body.events)] } : {}),
        ...(body.teams ? { teams: [...new Set(body.teams)] } : {}),
      };
      const after = await repo.updateWebhook(id, data, tx);
      await audit.append(tx, {
        actor: ctx.actor,
        action: 'webhook.updated',
        targetType: 'webhook',
        targetId: id,
        before: auditView(before),
        after: auditView(after),
        requestId: ctx.requestId,
      });
      return after;
    });
    return withLast(row);
  }

  async function remove(id: string, ctx: Ctx): Promise<void> {
    await db.$transaction(async (tx) => {
      const before = await load(tx, id);
      // Its deliveries (queued ones and the log) go with it (ON DELETE CASCADE).
      await repo.deleteWebhook(id, tx);
      await audit.append(tx, {
        actor: ctx.actor,
        action: 'webhook.deleted',
        targetType: 'webhook',
        targetId: id,
        before: auditView(before),
        requestId: ctx.requestId,
      });
    });
  }

  async function rotateSecret(id: string, ctx: Ctx): Promise<WebhookDto & { secret: string }> {
    const secret = newSecret(SECRET_PREFIX);
    const row = await db.$transaction(async (tx) => {
      await load(tx, id);
      const sealer = requireBox();
      const after = await repo.updateWebhook(id, { secretCiphertext: sealer.seal(secret, id) }, tx);
      await audit.append(tx, {
        actor: ctx.actor,
        action: 'webhook.secret_rotated',
        targetType: 'webhook',
        targetId: id,
        requestId: ctx.requestId,
      });
      return after;
    });
    return { ...(await withLast(row)), secret };
  }

  /**
   * Sends a ping to this webhook now and answers with what the receiver said (status, time, error), so
   * "sent" is never shown for a delivery that was only queued. One attempt, no retries; recorded in the
   * delivery log like any attempt (so a failing test shows in the webhook's health). Not audited: it
   * changes nothing but the delivery log.
   */
  async function test(id: string, ctx: Ctx): Promise<WebhookTestResult> {
    const row = await load(db, id);
    if (!row.enabled)
      throw new AppError('conflict', 'the webhook is disabled; enable it to send a test delivery');
    const sealer = requireBox();
    const createdAt = clock.now();
    const deliveryId = randomUUID();
    const payload: NotificationPayload = {
      id: randomUUID(),
      event: TEST_EVENT,
      occurredAt: createdAt.toISOString(),
      actor: { type: ctx.actor.type, label: ctx.actor.label },
      data: {
        webhook: { id: row.id, name: row.name },
        message: `Test delivery from Egress Control to "${row.name}"`,
      },
      links: { console: publicUrl },
    };
    const body = bodyFor(row.format, payload);
    let secret: string | null = null;
    try {
      secret = sealer.open(row.secretCiphertext, row.id);
    } catch {
      // Recorded as the attempt's error below, like the dispatcher does.
    }
    const started = performance.now();
    const result: SendResult =
      secret === null
        ? { ok: false, status: null, error: UNREADABLE_SECRET }
        : await deps.sendTest(
            row.url,
            deliveryHeaders({
              secret,
              event: TEST_EVENT,
              eventId: payload.id,
              deliveryId,
              timestamp: Math.floor(createdAt.getTime() / 1000),
              body,
            }),
            body,
            new AbortController().signal,
          );
    const durationMs = Math.round(performance.now() - started);
    const delivery = await repo.insertAttemptedDelivery({
      id: deliveryId,
      webhookId: id,
      event: TEST_EVENT,
      payload,
      createdAt,
      at: clock.now(),
      ok: result.ok,
      responseStatus: result.status,
      error: result.error,
    });
    return { ...toDeliveryDto(delivery), durationMs };
  }

  /** A failed delivery gets one more attempt, now; if that fails too it is failed (and audited) again. */
  async function retry(deliveryId: string): Promise<WebhookDelivery> {
    const row = await db.$transaction((tx) => repo.requeueFailed(deliveryId, clock.now(), tx));
    if (!row) {
      const existing = await repo.findDelivery(deliveryId);
      if (!existing) throw notFound('delivery');
      throw new AppError(
        'invalid_transition',
        `only a failed delivery can be retried; this one is ${existing.status}`,
      );
    }
    deps.queued();
    return toDeliveryDto(row);
  }

  async function list(q: PageQuery): Promise<Page<WebhookDto>> {
    const rows = await repo.listWebhooks(q.limit, q.cursor);
    const ids = rows.map((r) => r.id);
    const [last, health] = await Promise.all([repo.lastAttempts(ids), repo.health(ids)]);
    return toPage(
      rows,
      q.limit,
      (r) => toDto(r, last.get(r.id), health.get(r.id)),
      (r) => [r.createdAt.toISOString(), r.id],
    );
  }

  async function deliveries(id: string, q: DeliveryQuery): Promise<Page<WebhookDelivery>> {
    await load(db, id);
    return repo.listDeliveries(id, q);
  }

  /** Enabled webhooks whose latest attempted delivery failed, longest failing first (the health strip). */
  async function failing(): Promise<FailingWebhook[]> {
    const rows = await repo.listEnabled();
    const health = await repo.health(rows.map((r) => r.id));
    return rows
      .flatMap((r) => {
        const h = health.get(r.id);
        if (h?.state !== 'failing' || !h.failingSince || !h.lastAttemptAt) return [];
        return [
          {
            id: r.id,
            name: r.name,
            failingSince: h.failingSince.toISOString(),
            lastError: h.lastError ?? 'failed',
            lastAttemptAt: h.lastAttemptAt.toISOString(),
          },
        ];
      })
      .sort((a, b) => a.failingSince.localeCompare(b.failingSince));
  }

  return {
    failing,
    create,
    update,
    remove,
    rotateSecret,
    test,
    retry,
    list,
    get: async (id: string) => withLast(await load(db, id)),
    deliveries,
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
