// Works off the outbox: claims due deliveries (leased, SKIP LOCKED, so every replica can run one),
// sends each outside any transaction, and records the outcome: success, another try after a backoff,
// or after the last attempt `failed` with an audit row. Also applies the delivery log's retention.
import type { FastifyBaseLogger } from 'fastify';

import { type AuditLog, SYSTEM_ACTOR } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import type { NotificationPayload } from './webhooks.events.ts';
import type { AttemptRecord, ClaimedDelivery, WebhooksRepository } from './webhooks.repository.ts';
import type { Send, SendResult } from './webhooks.sender.ts';
import { deliveryHeaders } from './webhooks.signing.ts';
import { renderSlack } from './webhooks.slack.ts';

export interface DispatcherOptions {
  pollMs: number;
  batchSize: number;
  /** How long a claimed delivery stays invisible to other dispatchers: well beyond the send timeout. */
  leaseMs: number;
  maxAttempts: number;
  /** Delay before attempt `failedAttempts + 1`, after `failedAttempts` failures. */
  backoffMs: (failedAttempts: number) => number;
  retentionMs: number;
  retentionEveryMs: number;
}

/** 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h: with 8 attempts a receiver has about 4 h to come back. */
export const BACKOFF_SCHEDULE_MS = [10_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000];

/** The schedule with ±20 % jitter, so receivers that failed together are not retried in lockstep. */
export function jitteredBackoff(failedAttempts: number, random: () => number = Math.random): number {
  const base =
    BACKOFF_SCHEDULE_MS[Math.min(failedAttempts, BACKOFF_SCHEDULE_MS.length) - 1] ??
    BACKOFF_SCHEDULE_MS[0] ??
    10_000;
  return Math.round(base * (0.8 + 0.4 * random()));
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = {
  pollMs: 1000,
  batchSize: 10,
  leaseMs: 120_000,
  maxAttempts: 8,
  backoffMs: jitteredBackoff,
  retentionMs: 30 * 24 * 3600_000,
  retentionEveryMs: 3600_000,
};

export interface DispatcherDeps {
  db: Db;
  repo: WebhooksRepository;
  audit: AuditLog;
  clock: Clock;
  box: SecretBox | null;
  send: Send;
  log: FastifyBaseLogger;
  options: DispatcherOptions;
  counted?: (result: 'succeeded' | 'retrying' | 'failed') => void;
}

export interface Dispatcher {
  start(): void;
  stop(): Promise<void>;
  /** Asks for a pass soon (after a commit that queued something). */
  poke(): void;
  /** Runs passes until nothing is due; resolves to the number of attempts made. */
  drain(): Promise<number>;
}

/** The generic body with its fields in a fixed order (the stored JSONB has its own key order). */
export function bodyFor(format: string, p: NotificationPayload): string {
  if (format === 'slack') return JSON.stringify(renderSlack(p));
  return JSON.stringify({
    id: p.id,
    event: p.event,
    occurredAt: p.occurredAt,
    actor: p.actor,
    data: p.data,
    links: p.links,
  });
}

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { db, repo, audit, clock, box, send, log, options } = deps;
  const stopping = new AbortController();
  let chain: Promise<unknown> = Promise.resolve();
  let queued = false;
  let timer: NodeJS.Timeout | undefined;
  let lastRetention = 0;

  /** One pass at a time per process: the poll, pokes and drain() queue behind each other. */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = chain.then(fn);
    chain = next.catch((err: unknown) =>
      log.error({ err }, 'webhook dispatch failed; retrying on the next poll'),
    );
    return next;
  }

  async function attempt(d: ClaimedDelivery): Promise<SendResult> {
    if (!box) return { ok: false, status: null, error: 'no secret key configured (EGRESS_SECRET_KEY)' };
    let secret: string;
    try {
      secret = box.open(d.secretCiphertext, d.webhookId);
    } catch {
      return {
        ok: false,
        status: null,
        error: 'cannot decrypt the signing secret: the secret key changed? Rotate the webhook secret.',
      };
    }
    const body = bodyFor(d.format, d.payload);
    const timestamp = Math.floor(clock.now().getTime() / 1000);
    const headers = deliveryHeaders({
      secret,
      event: d.event,
      eventId: d.eventId,
      deliveryId: d.id,
      timestamp,
      body,
    });
    return send(d.url, headers, body, stopping.signal);
  }

  async function record(d: ClaimedDelivery, result: SendResult): Promise<void> {
    const at = clock.now();
    const base: AttemptRecord = {
      id: d.id,
      attemptsBefore: d.attempts,
      at,
      status: 'succeeded',
      responseStatus: result.status,
      error: result.error,
      next: null,
    };
    if (result.ok) {
      await repo.recordAttempt(base);
      deps.counted?.('succeeded');
      return;
    }
    const attempts = d.attempts + 1;
    if (attempts < options.maxAttempts) {
      await repo.recordAttempt({
        ...base,
        status: 'pending',
        next: new Date(at.getTime() + options.backoffMs(attempts)),
      });
      deps.counted?.('retrying');
      return;
    }
    await db.$transaction(async (tx) => {
      if (!(await repo.recordAttempt({ ...base, status: 'failed' }, tx))) return;
      const after = {
        deliveryId: d.id,
        eventId: d.eventId,
        event: d.event,
        attempts,
        responseStatus: result.status,
        lastError: result.error,
      };
      await audit.append(tx, {
        actor: SYSTEM_ACTOR,
        action: 'webhook.delivery_failed',
        targetType: 'webhook',
        targetId: d.webhookId,
        after,
      });
    });
    deps.counted?.('failed');
  }

  async function deliver(d: ClaimedDelivery): Promise<void> {
    const result = await attempt(d);
    // Stopping aborted the send: record nothing, the lease runs out and another dispatcher retries it.
    if (stopping.signal.aborted) return;
    await record(d, result);
  }

  async function retention(): Promise<void> {
    const now = clock.now().getTime();
    if (now - lastRetention < options.retentionEveryMs) return;
    lastRetention = now;
    const removed = await repo.deleteOlderThan(new Date(now - options.retentionMs));
    if (removed > 0) log.info({ removed }, 'removed webhook deliveries past retention');
  }

  async function pass(): Promise<number> {
    const now = clock.now();
    const batch = await repo.claimDue(now, new Date(now.getTime() + options.leaseMs), options.batchSize);
    await Promise.all(
      batch.map((d) =>
        deliver(d).catch((err: unknown) =>
          log.error({ err, deliveryId: d.id }, 'recording a webhook delivery failed'),
        ),
      ),
    );
    return batch.length;
  }

  async function untilIdle(): Promise<number> {
    await retention();
    let total = 0;
    for (;;) {
      if (stopping.signal.aborted) return total;
      const n = await pass();
      total += n;
      if (n < options.batchSize) return total;
    }
  }

  function tick(): void {
    if (queued || stopping.signal.aborted) return;
    queued = true;
    void serial(async () => {
      queued = false;
      return untilIdle();
    }).catch(() => undefined);
  }

  return {
    start() {
      timer = setInterval(tick, options.pollMs);
      timer.unref();
      tick();
    },
    async stop() {
      clearInterval(timer);
      stopping.abort();
      await chain;
    },
    poke: () => setImmediate(tick),
    drain: () => serial(untilIdle),
  };
}
