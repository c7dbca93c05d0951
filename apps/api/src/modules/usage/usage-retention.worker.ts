import type { FastifyBaseLogger } from 'fastify';

import { deleteInBatches } from '../../platform/batched-delete.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { readSettings } from '../../platform/settings.ts';
import { retentionWorker, type Worker } from '../../platform/worker.ts';
import type { UsageRepository } from './usage.repository.ts';
import { REDELIVERY_WINDOW_MS } from './usage.service.ts';

const DAY_MS = 86_400_000;

/**
 * Deletes hourly usage rows older than the retention (setting usageRetentionDays) and dedup keys of
 * connections that started before the re-delivery window (plus an hour: keys are filed by start hour).
 * Returns how many usage rows it deleted.
 */
export async function sweepUsage(db: Db, repo: UsageRepository, clock: Clock): Promise<number> {
  const { usageRetentionDays } = await readSettings(db);
  const now = clock.now().getTime();
  const usageCutoff = new Date(now - usageRetentionDays * DAY_MS);
  const rows = await deleteInBatches((limit) => repo.deleteUsageBefore(usageCutoff, limit));
  const seenCutoff = new Date(now - REDELIVERY_WINDOW_MS - 3_600_000);
  await deleteInBatches((limit) => repo.deleteSeenBefore(seenCutoff, limit));
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
  return retentionWorker({
    intervalMs,
    sweep: () => sweepUsage(db, repo, clock),
    rows: 'gateway usage rows',
    log,
  });
}
