import type { FastifyBaseLogger } from 'fastify';

import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { readSettings } from '../../platform/settings.ts';
import { periodicWorker, type Worker } from '../../platform/worker.ts';
import type { UsageRepository } from './usage.repository.ts';
import { REDELIVERY_WINDOW_MS } from './usage.service.ts';

const DAY_MS = 86_400_000;
/** Rows per DELETE: short statements, so the sweep never holds many locks or a long transaction. */
const BATCH = 5_000;
/** Batches per tick and table: a backlog (retention just shortened) drains over a few ticks. */
const MAX_BATCHES = 20;

async function inBatches(deleteBatch: () => Promise<number>): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const n = await deleteBatch();
    deleted += n;
    if (n < BATCH) break;
  }
  return deleted;
}

/**
 * Deletes hourly usage rows older than the retention (setting usageRetentionDays) and dedup keys of
 * connections that started before the re-delivery window (plus an hour: keys are filed by start hour).
 * Returns how many usage rows it deleted.
 */
export async function sweepUsage(db: Db, repo: UsageRepository, clock: Clock): Promise<number> {
  const { usageRetentionDays } = await readSettings(db);
  const now = clock.now().getTime();
  const rows = await inBatches(() =>
    repo.deleteUsageBefore(new Date(now - usageRetentionDays * DAY_MS), BATCH),
  );
  const seenCutoff = new Date(now - REDELIVERY_WINDOW_MS - 3_600_000);
  await inBatches(() => repo.deleteSeenBefore(seenCutoff, BATCH));
  return rows;
}

/** On every replica, on the grant expiry sweep's interval (EGRESS_EXPIRY_INTERVAL_SECONDS). */
export function createUsageRetentionWorker(deps: {
  db: Db;
  repo: UsageRepository;
  clock: Clock;
  intervalMs: number;
  log: FastifyBaseLogger;
}): Worker {
  const { db, repo, clock, intervalMs, log } = deps;
  const task = async () => {
    const n = await sweepUsage(db, repo, clock);
    if (n > 0) log.info({ deleted: n }, 'deleted gateway usage rows past their retention');
  };
  return periodicWorker({
    intervalMs,
    task,
    log,
    failure: 'usage retention sweep failed; retrying on the next tick',
  });
}
