import type { FastifyBaseLogger } from 'fastify';

import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { readSettings } from '../../platform/settings.ts';
import { periodicWorker, type Worker } from '../../platform/worker.ts';

const DAY_MS = 86_400_000;
/** Rows per DELETE: short statements, so the sweep never holds many locks or a long transaction. */
const BATCH = 5_000;
/** Batches per tick: a backlog (retention just shortened) drains over a few ticks, not in one go. */
const MAX_BATCHES = 20;

/** Runs a bounded DELETE (one batch) until it deletes less than a batch, or MAX_BATCHES times. */
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
 * Deletes blocked_flows rows last seen before the retention (setting flowRetentionDays), in bounded
 * batches along the last_seen index, then the inbox groups whose last window that was; returns how
 * many windows it deleted. SKIP LOCKED: rows an ingest is counting up right now are left for the next
 * tick, and sweeps on several replicas do not queue. A group outlives its windows by at most a tick,
 * and the inbox never shows a group last seen before the retention anyway.
 */
export async function sweepExpiredFlows(db: Db, clock: Clock): Promise<number> {
  const { flowRetentionDays } = await readSettings(db);
  const cutoff = new Date(clock.now().getTime() - flowRetentionDays * DAY_MS);
  const windows = await inBatches(
    () => db.$executeRaw`
      DELETE FROM blocked_flows WHERE id IN (
        SELECT id FROM blocked_flows WHERE last_seen < ${cutoff} ORDER BY last_seen LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`,
  );
  await inBatches(
    () => db.$executeRaw`
      DELETE FROM blocked_egress_groups WHERE key IN (
        SELECT key FROM blocked_egress_groups WHERE last_seen < ${cutoff} ORDER BY last_seen LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`,
  );
  return windows;
}

/** The retention sweep runs on every replica, on the grant expiry sweep's interval (EGRESS_EXPIRY_INTERVAL_SECONDS). */
export function createFlowRetentionWorker(deps: { db: Db; clock: Clock; intervalMs: number; log: FastifyBaseLogger }): Worker {
  const { db, clock, intervalMs, log } = deps;
  const task = async () => {
    const n = await sweepExpiredFlows(db, clock);
    if (n > 0) log.info({ deleted: n }, 'deleted denied-flow rows past their retention');
  };
  return periodicWorker({ intervalMs, task, log, failure: 'denied-flow retention sweep failed; retrying on the next tick' });
}
