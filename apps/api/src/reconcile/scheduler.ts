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

/** Why a run is wanted: a committed change (reusing the live state is fine) or a gateway readiness change (it is not). */
export type Trigger = { kind: 'change'; reason: string } | { kind: 'readiness' };

export const READINESS_TRIGGER = 'gateway readiness changed';

/** The triggers that arrived since the last row was queued, folded into the trigger text of one run. */
export function createCoalescer() {
  let reasons: string[] = [];
  let readiness = false;
  return {
    add(trigger: Trigger): void {
      if (trigger.kind === 'readiness') readiness = true;
      else reasons.push(trigger.reason);
    },
    get size(): number {
      return reasons.length + (readiness ? 1 : 0);
    },
    /** One run's trigger for everything added since the last take, or null when nothing was. */
    take(): string | null {
      const unique = [...new Set(reasons)];
      const more = unique.length > 3 ? ` and ${unique.length - 3} more` : '';
      const changes = unique.length === 0 ? null : `change: ${unique.slice(0, 3).join(', ')}${more}`;
      const trigger = readiness
        ? changes
          ? `${READINESS_TRIGGER}; ${changes}`
          : READINESS_TRIGGER
        : changes;
      reasons = [];
      readiness = false;
      return trigger;
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
    const trigger = pending.take();
    if (trigger !== null) await enqueue(trigger);
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

  /** Claims and executes queued runs until none is left; changes arriving meanwhile become one more row. */
  async function drain(): Promise<void> {
    while (!stopped) {
      await queuePending();
      if (!(await leader.tryAcquire())) {
        notLeading();
        return;
      }
      const run = await queue.claim();
      if (!run) return;
      const done = await execute(run);
      recordOutcome(done);
      finished(done);
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
      pending.add(trigger);
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
