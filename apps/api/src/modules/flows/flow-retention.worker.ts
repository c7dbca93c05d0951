import type { FastifyBaseLogger } from 'fastify';

import { deleteInBatches } from '../../platform/batched-delete.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { readSettings } from '../../platform/settings.ts';
import { retentionWorker, type Worker } from '../../platform/worker.ts';
import type { BlockedEgressRepository } from './blocked-egress.repository.ts';

const DAY_MS = 86_400_000;
/**
 * Deletes blocked_flows rows last seen before the retention (setting flowRetentionDays), in bounded
 * batches along the last_seen index, then the inbox groups whose last window that was; returns how
 * many windows it deleted. SKIP LOCKED: rows an ingest is counting up right now are left for the next
 * tick, and sweeps on several replicas do not queue. A group outlives its windows by at most a tick,
 * and the inbox never shows a group last seen before the retention anyway.
 */
export async function sweepExpiredFlows(
  db: Db,
  repo: BlockedEgressRepository,
  clock: Clock,
): Promise<number> {
  const { flowRetentionDays } = await readSettings(db);
  const cutoff = new Date(clock.now().getTime() - flowRetentionDays * DAY_MS);
  const windows = await deleteInBatches((limit) => repo.deleteWindowsBefore(cutoff, limit));
  await deleteInBatches((limit) => repo.deleteGroupsBefore(cutoff, limit));
  return windows;
}

/** The retention sweep runs on every replica, on the grant expiry sweep's interval (EGRESS_EXPIRY_INTERVAL_SECONDS). */
export function createFlowRetentionWorker(deps: {
  db: Db;
  repo: BlockedEgressRepository;
  clock: Clock;
  intervalMs: number;
  log: FastifyBaseLogger;
}): Worker {
  const { db, repo, clock, intervalMs, log } = deps;
  return retentionWorker({
    intervalMs,
    sweep: () => sweepExpiredFlows(db, repo, clock),
    rows: 'denied-flow rows',
    log,
  });
}
