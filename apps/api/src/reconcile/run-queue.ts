// The durable run queue: reconcile runs are rows (status queued -> running -> succeeded | failed), so any
// replica can queue one (POST /reconcile, a committed change, a periodic resync) and the leader claims
// them oldest first. Every method takes an optional transaction; the clock is the caller's.
import type { Clock } from '../platform/clock.ts';
import type { Db, Tx } from '../platform/db.ts';
import type { ObjectAction, ObjectResult } from './targets/target.ts';

export interface ClaimedRun {
  id: string;
  dryRun: boolean;
  trigger: string;
}

export interface RunOutcome {
  ok: boolean;
  counts?: Record<ObjectAction, number>;
  errors: string[];
  /** The objects the run changed or failed on (unchanged ones are not kept). */
  objects?: ObjectResult[];
}

export interface RunQueue {
  enqueue(run: { target: string; trigger: string; dryRun: boolean }, tx?: Tx): Promise<string>;
  /** Takes the oldest queued run; SKIP LOCKED keeps two claimers from taking the same row. */
  claim(tx?: Tx): Promise<ClaimedRun | null>;
  finish(id: string, outcome: RunOutcome, tx?: Tx): Promise<void>;
  /** Writes a run that was executed without a queued row (a change-scoped run), with its outcome; returns its id. */
  record(
    run: { target: string; trigger: string; startedAt: Date },
    outcome: RunOutcome,
    tx?: Tx,
  ): Promise<string>;
  /** How many runs are queued or running, on any replica. */
  open(tx?: Tx): Promise<number>;
}

export function createRunQueue(db: Db, clock: Clock): RunQueue {
  return {
    async enqueue({ target, trigger, dryRun }, tx = db) {
      const run = await tx.reconcileRun.create({
        data: { target, trigger, dryRun, status: 'queued', startedAt: clock.now() },
        select: { id: true },
      });
      return run.id;
    },

    async claim(tx = db) {
      const rows = await tx.$queryRaw<{ id: string; dry_run: boolean; trigger: string }[]>`
        UPDATE reconcile_runs SET status = 'running', started_at = ${clock.now()}
        WHERE id = (SELECT id FROM reconcile_runs WHERE status = 'queued' ORDER BY started_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id, dry_run, trigger`;
      const row = rows[0];
      return row ? { id: row.id, dryRun: row.dry_run, trigger: row.trigger } : null;
    },

    async finish(id, { ok, counts, errors, objects }, tx = db) {
      await tx.reconcileRun.update({
        where: { id },
        data: {
          status: ok ? 'succeeded' : 'failed',
          finishedAt: clock.now(),
          ...counts,
          errors,
          ...(objects ? { objects: objects as never } : {}),
        },
      });
    },

    async record({ target, trigger, startedAt }, { ok, counts, errors, objects }, tx = db) {
      const run = await tx.reconcileRun.create({
        data: {
          target,
          trigger,
          dryRun: false,
          status: ok ? 'succeeded' : 'failed',
          startedAt,
          finishedAt: clock.now(),
          ...counts,
          errors,
          ...(objects ? { objects: objects as never } : {}),
        },
        select: { id: true },
      });
      return run.id;
    },

    open: (tx = db) => tx.reconcileRun.count({ where: { status: { in: ['queued', 'running'] } } }),
  };
}
