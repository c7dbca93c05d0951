// When runs happen. A change runs at once when nothing is running; what arrives while a run is going is
// folded into one follow-up run (so an approval is enforced in one run's time, and a burst of changes
// costs a few runs, not one each). Only the leader claims and executes runs; on other replicas changes
// are queued as one row per tick, which the leader claims on its next tick. One periodic tick (on
// platform/periodic.ts) does the rest by the injected clock: a due retry (exponential backoff after a
// failed run), a due periodic resync, runs queued by other replicas, and the attempt to lead.
import type { FastifyBaseLogger } from 'fastify';

import type { Clock } from '../platform/clock.ts';
import { createPeriodic } from '../platform/periodic.ts';
import type { LeaderLock } from './leader.ts';
import type { FinishedRun } from './run-executor.ts';
import type { ClaimedRun, RunQueue } from './run-queue.ts';

export interface SchedulerOptions {
  /** How often to look for runs queued elsewhere, due retries and resyncs, and to try to lead. */
  tickMs: number;
  resyncMs: number;
  maxBackoffMs: number;
}

/**
 * Why a run is wanted: a committed change (reusing the live state is fine), with the grant it changed when
 * its producer said (platform/changes.ts: such changes can be run scoped to that grant's gateway), or a
 * gateway readiness change (it is not).
 */
export type Trigger =
  { kind: 'change'; reason: string; grant?: { id: string; widens: boolean } } | { kind: 'readiness' };

export const READINESS_TRIGGER = 'gateway readiness changed';

/**
 * Burst folding. A change that finds the reconciler idle runs at once. Once a change arrives while a run
 * goes, a burst is on until no change has arrived for BURST_QUIET_MS; during a burst a batch of changes
 * that only add access (approvals) waits until the burst pauses that long, and at most BURST_MAX_HOLD_MS
 * after its first change, so a burst of approvals costs about one run per BURST_MAX_HOLD_MS instead of one
 * per run's length. A change that removes access (revoke, expiry), and any other change, is never held:
 * its batch runs as soon as the run going ends.
 */
export const BURST_QUIET_MS = 200;
export const BURST_MAX_HOLD_MS = 1000;

/** What one run is for: its trigger text, and the grants it may be scoped to (null: the full reconcile). */
export interface Batch {
  trigger: string;
  grants: string[] | null;
}

/** The triggers that arrived since the last take, folded into one run's batch. */
export function createCoalescer(now: () => number = () => performance.now()) {
  let reasons: string[] = [];
  let readiness = false;
  /** The grants of the changes that named one; null once a change did not (the batch is a full run). */
  let grants: Set<string> | null = new Set();
  /** Whether every change so far only adds access (what may be held back to fold a burst). */
  let widening = true;
  /** Whether a burst is on: a change arrived while a run was going, and none has paused BURST_QUIET_MS since. */
  let burst = false;
  /** When the batch's first change arrived, and the last change (of any batch). */
  let firstAt = 0;
  let lastAt = Number.NEGATIVE_INFINITY;
  return {
    /** `busy`: a run is going as it arrives. */
    add(trigger: Trigger, busy = false): void {
      const at = now();
      if (reasons.length === 0 && !readiness) firstAt = at;
      burst = busy || (burst && at - lastAt < BURST_QUIET_MS);
      lastAt = at;
      if (trigger.kind === 'readiness') {
        readiness = true;
        grants = null;
        widening = false;
        return;
      }
      reasons.push(trigger.reason);
      if (trigger.grant) grants?.add(trigger.grant.id);
      else grants = null;
      if (!trigger.grant?.widens) widening = false;
    },
    get size(): number {
      return reasons.length + (readiness ? 1 : 0);
    },
    /** How long to wait before taking the batch, to fold more of a burst into it (0: take it now). */
    holdMs(): number {
      if (!burst || !widening || this.size === 0) return 0;
      return Math.max(0, Math.min(lastAt + BURST_QUIET_MS, firstAt + BURST_MAX_HOLD_MS) - now());
    },
    /** One run's batch for everything added since the last take, or null when nothing was. */
    take(): Batch | null {
      const unique = [...new Set(reasons)];
      const more = unique.length > 3 ? ` and ${unique.length - 3} more` : '';
      const changes = unique.length === 0 ? null : `change: ${unique.slice(0, 3).join(', ')}${more}`;
      const trigger = readiness
        ? changes
          ? `${READINESS_TRIGGER}; ${changes}`
          : READINESS_TRIGGER
        : changes;
      const batch =
        trigger === null ? null : { trigger, grants: grants && grants.size > 0 ? [...grants] : null };
      reasons = [];
      readiness = false;
      grants = new Set();
      widening = true;
      return batch;
    },
  };
}

/** Exponential backoff after failed runs: 1 s, 2 s, 4 s ... up to maxMs; one retry pending at a time. */
export function createBackoff(maxMs: number) {
  let failures = 0;
  let retryAt: number | null = null;
  return {
    failed(now: number): number {
      failures++;
      const delay = Math.min(maxMs, 1000 * 2 ** Math.min(failures - 1, 20));
      retryAt = now + delay;
      return delay;
    },
    succeeded(): void {
      failures = 0;
    },
    /** Whether a retry is due at `now`; true once per failure. */
    due(now: number): boolean {
      if (retryAt === null || now < retryAt) return false;
      retryAt = null;
      return true;
    },
    get failures(): number {
      return failures;
    },
  };
}

/** Runs `work` now, or once more right after the current pass when asked while it runs; never two at once. */
export function createSingleFlight(work: () => Promise<void>, onError: (err: unknown) => void) {
  let current: Promise<void> | null = null;
  let again = false;
  const run = (): void => {
    if (current) {
      again = true;
      return;
    }
    again = false;
    current = work()
      .catch(onError)
      .finally(() => {
        current = null;
        if (again) run();
      });
  };
  return {
    run,
    get busy(): boolean {
      return current !== null;
    },
    settled: (): Promise<void> => current ?? Promise.resolve(),
  };
}

export interface SchedulerDeps {
  targetName: string;
  queue: RunQueue;
  leader: LeaderLock;
  clock: Clock;
  log: FastifyBaseLogger;
  options: SchedulerOptions;
  execute: (run: ClaimedRun) => Promise<FinishedRun>;
  /**
   * A run scoped to the gateways of some grants, executed and recorded without a queued row first (the
   * leader, nothing else pending); null when it cannot stand for the change (the full run is queued).
   */
  executeScoped: (trigger: string, grants: string[]) => Promise<FinishedRun | null>;
  /** This replica could not lead: its view of the cluster may be stale from now on. */
  notLeading: () => void;
  finished: (run: FinishedRun) => void;
}

export function createScheduler({
  targetName,
  queue,
  leader,
  clock,
  log,
  options,
  execute,
  executeScoped,
  notLeading,
  finished,
}: SchedulerDeps) {
  const pending = createCoalescer();
  const backoff = createBackoff(options.maxBackoffMs);
  /** Rows being written right now (counted as pending work until they are). */
  let enqueuing = 0;
  let stopped = false;
  let lastResyncAt = clock.now().getTime();

  async function enqueue(trigger: string, dryRun = false): Promise<string> {
    enqueuing++;
    try {
      return await queue.enqueue({ target: targetName, trigger, dryRun });
    } finally {
      enqueuing--;
    }
  }

  /** Queues one row for the triggers that arrived since the last one. */
  async function queuePending(): Promise<void> {
    const batch = pending.take();
    if (batch !== null) await enqueue(batch.trigger);
  }

  /** While a burst of approvals is still arriving, waits (bounded) so the next run folds more of it. */
  async function foldBurst(): Promise<void> {
    for (let wait = pending.holdMs(); wait > 0 && !stopped; wait = pending.holdMs())
      await new Promise((resolve) => setTimeout(resolve, wait));
  }

  /** The changes since the last run: scoped to their grants' gateways when possible, else queued as a row. */
  async function runPending(): Promise<boolean> {
    const batch = pending.take();
    if (batch === null) return false;
    const done = batch.grants ? await executeScoped(batch.trigger, batch.grants) : null;
    if (done) {
      recordOutcome(done);
      finished(done);
    } else await enqueue(batch.trigger);
    return true;
  }

  function recordOutcome(run: FinishedRun): void {
    if (run.dryRun) return;
    if (run.ok) backoff.succeeded();
    else
      log.info(
        { delayMs: backoff.failed(clock.now().getTime()), failures: backoff.failures },
        'reconcile failed; retrying with backoff',
      );
  }

  /**
   * Runs what is pending and claims queued rows until neither is left. Changes this replica saw run
   * first, without a row when they can be scoped to some gateways (the row is written after, with the
   * outcome); then one queued row (a full run: start-up, periodic, manual, retry, other replicas' changes,
   * changes that could not be scoped), so a stream of approvals never starves them.
   */
  async function drain(): Promise<void> {
    while (!stopped) {
      if (!(await leader.tryAcquire())) {
        await queuePending();
        notLeading();
        return;
      }
      await foldBurst();
      const ran = await runPending();
      const run = await queue.claim();
      if (run) {
        const done = await execute(run);
        recordOutcome(done);
        finished(done);
      } else if (!ran) return;
    }
  }

  const flight = createSingleFlight(drain, (err) => log.error({ err }, 'reconcile loop error'));

  /** Due retries and resyncs by the clock, then a pass (which also claims rows other replicas queued). */
  async function tick(): Promise<void> {
    const now = clock.now().getTime();
    if (backoff.due(now)) await enqueue('retry');
    if (leader.isLeader() && now - lastResyncAt >= options.resyncMs) {
      lastResyncAt = now;
      await enqueue('periodic');
    }
    flight.run();
  }

  const ticker = createPeriodic(options.tickMs, tick, (err) =>
    log.error({ err }, 'could not queue a scheduled run'),
  );

  return {
    /** Queues a run and starts it if this replica leads and nothing is running. */
    async request(trigger: string, dryRun = false): Promise<string> {
      const id = await enqueue(trigger, dryRun);
      if (!stopped) flight.run();
      return id;
    },
    /** A reason to run: at once when idle, folded into the next run when one is going. */
    trigger(trigger: Trigger): void {
      if (stopped) return;
      pending.add(trigger, flight.busy);
      // Not leading: the tick queues it (the leader only looks for other replicas' rows on its tick anyway).
      if (leader.isLeader()) flight.run();
    },
    activity: () => ({ pendingChanges: pending.size + enqueuing, running: flight.busy }),
    start(): void {
      ticker.start();
    },
    async stop(): Promise<void> {
      stopped = true;
      await ticker.stop();
      await flight.settled();
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
