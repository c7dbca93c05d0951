// The reconcile queue. Runs are rows (status queued -> running -> succeeded | failed), so any replica can
// ask for one (POST /reconcile, a committed change, a periodic resync) and the leader executes them
// one at a time. A failed run is retried with exponential backoff; nothing in the database is rolled
// back because the target was unreachable. While it leads, it also watches gateway readiness: a gateway
// whose pods turn ready (or stop being ready) triggers a run, so its DNS rewrite follows within seconds.
import type { FastifyBaseLogger } from 'fastify';

import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db.ts';
import { readSettings } from '../modules/settings/settings.service.ts';
import { planFor, scopeOf, type Readiness } from './desired-state.ts';
import type { LeaderLock } from './leader.ts';
import { countActions, type Target } from './targets/target.ts';

export interface ReconcilerOptions {
  debounceMs: number;
  resyncMs: number;
  pollMs: number;
  maxBackoffMs: number;
  /** How often the leader looks at gateway readiness between runs (0: never). */
  readinessPollMs?: number;
}

interface Claimed {
  id: string;
  dryRun: boolean;
  trigger: string;
}

const CHANGE_TRIGGER = 'change: ';

/** The gateways that may get a DNS rewrite, as one comparable string. */
function readyKey(readiness: Readiness): string {
  if (readiness === 'all') return 'all';
  return Object.keys(readiness)
    .filter((name) => readiness[name])
    .sort()
    .join(',');
}

export interface Reconciler {
  requestRun(trigger: string, dryRun?: boolean): Promise<string>;
  /** A committed change altered desired state: queue one run once changes pause for debounceMs. */
  changed(reason: string): void;
  start(): void;
  stop(): Promise<void>;
  /** Whether this replica holds the reconciler lock. */
  isLeader(): boolean;
  /**
   * Gateway readiness as a watch reports it (Target.watchReadiness): a run is queued when the set of
   * ready gateways differs from the one the last run compiled with (after the current run, if one is going).
   */
  readinessObserved(readiness: Readiness): void;
  /** Resolves when no change is pending and no run is queued or running (for tests and shutdown). */
  idle(timeoutMs?: number): Promise<void>;
  readonly target: Target;
}

export function createReconciler(deps: { db: Db; target: Target; leader: LeaderLock; clock: Clock; log: FastifyBaseLogger; options: ReconcilerOptions }): Reconciler {
  const { db, target, leader, clock, log, options } = deps;
  const timers = new Set<NodeJS.Timeout>();
  let debounce: NodeJS.Timeout | undefined;
  let working: Promise<void> | null = null;
  let failures = 0;
  let stopped = false;
  /** Ready gateways as of the last completed run (null before the first one). */
  let lastReady: string | null = null;
  /** Whether this replica has led without interruption since its last completed run. */
  let freshSince = false;
  /** Runs being queued right now (their rows not written yet). */
  let requesting = 0;
  /** Ready gateways as a readiness watch last reported them (null: no watch report yet). */
  let watchedReady: string | null = null;

  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    t.unref();
    timers.add(t);
  };

  async function requestRun(trigger: string, dryRun = false): Promise<string> {
    requesting++;
    try {
      const run = await db.reconcileRun.create({ data: { target: target.name, trigger, dryRun, status: 'queued', startedAt: clock.now() } });
      wake();
      return run.id;
    } finally {
      requesting--;
    }
  }

  /** Claims the oldest queued run; SKIP LOCKED keeps two claimers from taking the same row. */
  async function claim(): Promise<Claimed | null> {
    const rows = await db.$queryRaw<{ id: string; dry_run: boolean; trigger: string }[]>`
      UPDATE reconcile_runs SET status = 'running', started_at = now()
      WHERE id = (SELECT id FROM reconcile_runs WHERE status = 'queued' ORDER BY started_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, dry_run, trigger`;
    const row = rows[0];
    return row ? { id: row.id, dryRun: row.dry_run, trigger: row.trigger } : null;
  }

  async function execute(run: Claimed): Promise<boolean> {
    try {
      const { scope, desired } = await planFor(db);
      // Runs for changes made through the API start from the last run's view of the cluster.
      const reuseLiveState = freshSince && run.trigger.startsWith(CHANGE_TRIGGER);
      const result = await target.apply(desired, { dryRun: run.dryRun, scope, reuseLiveState });
      const counts = countActions(result.objects);
      const changed = result.objects.filter((o) => o.action !== 'unchanged');
      const ok = result.errors.length === 0;
      if (!run.dryRun) {
        lastReady = readyKey(result.readiness);
        freshSince = true;
      }
      const drifted = changed.filter((o) => o.drift !== undefined);
      if (drifted.length > 0) log.warn({ runId: run.id, drift: drifted }, 'live objects had been changed by someone else; reverted');
      await db.reconcileRun.update({ where: { id: run.id }, data: { status: ok ? 'succeeded' : 'failed', finishedAt: clock.now(), ...counts, errors: result.errors, objects: changed as never } });
      return ok;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      log.warn({ err: error, runId: run.id }, 'reconcile run failed');
      await db.reconcileRun.update({ where: { id: run.id }, data: { status: 'failed', finishedAt: clock.now(), errors: [reason] } });
      return false;
    }
  }

  function scheduleRetry(): void {
    failures++;
    const delay = Math.min(options.maxBackoffMs, 1000 * 2 ** Math.min(failures - 1, 20));
    log.info({ delayMs: delay, failures }, 'reconcile failed; retrying with backoff');
    later(() => void requestRun('retry').catch((err: unknown) => log.error({ err }, 'could not queue a retry')), delay);
  }

  async function drain(): Promise<void> {
    if (!(await leader.tryAcquire())) {
      // Another replica may write while we do not lead: our view of the cluster is stale from now on.
      freshSince = false;
      return;
    }
    for (let run = await claim(); run && !stopped; run = await claim()) {
      const ok = await execute(run);
      if (run.dryRun) continue;
      if (ok) failures = 0;
      else scheduleRetry();
    }
  }

  const isIdle = (): boolean => working === null;

  /** A run when the set of ready gateways changed since the last run (between periodic resyncs). */
  async function checkReadiness(): Promise<void> {
    if (stopped || working || lastReady === null || !leader.isLeader()) return;
    const now = readyKey(await target.observeReadiness(scopeOf(await readSettings(db))));
    if (now !== lastReady && isIdle()) {
      lastReady = now;
      await requestRun('gateway readiness changed');
    }
  }

  /** A run when the watch's ready set differs from the last run's; while a run goes, checked after it. */
  function followReadiness(): void {
    if (stopped || working || lastReady === null || watchedReady === null || watchedReady === lastReady || !leader.isLeader()) return;
    lastReady = watchedReady;
    void requestRun('gateway readiness changed').catch((err: unknown) => log.error({ err }, 'could not queue a run for a readiness change'));
  }

  function wake(): void {
    if (working || stopped) return;
    working = drain()
      .catch((err: unknown) => log.error({ err }, 'reconcile loop error'))
      .finally(() => {
        working = null;
        followReadiness();
      });
  }

  return {
    target,
    requestRun,
    isLeader: () => leader.isLeader(),
    readinessObserved(readiness) {
      watchedReady = readyKey(readiness);
      followReadiness();
    },
    start() {
      const poll = setInterval(wake, options.pollMs);
      poll.unref();
      timers.add(poll);
      const resync = setInterval(() => {
        if (leader.isLeader()) void requestRun('periodic').catch((err: unknown) => log.error({ err }, 'could not queue a resync'));
      }, options.resyncMs);
      resync.unref();
      timers.add(resync);
      if (options.readinessPollMs) {
        const readiness = setInterval(() => void checkReadiness().catch((err: unknown) => log.debug({ err }, 'could not observe gateway readiness')), options.readinessPollMs);
        readiness.unref();
        timers.add(readiness);
      }
      void requestRun('startup').catch((err: unknown) => log.error({ err }, 'could not queue the start-up run'));
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      clearTimeout(debounce);
      await working;
      await leader.release();
    },
    async idle(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const open = await db.reconcileRun.count({ where: { status: { in: ['queued', 'running'] } } });
        // A change waiting out its debounce counts as work, so "idle" means the change was applied.
        if (open === 0 && !working && debounce === undefined && requesting === 0) return;
        wake();
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('reconciler did not become idle in time');
    },
    changed(reason: string) {
      if (stopped) return;
      clearTimeout(debounce);
      debounce = setTimeout(() => {
        void requestRun(`${CHANGE_TRIGGER}${reason}`)
          .catch((err: unknown) => log.error({ err }, 'could not queue a run'))
          .finally(() => {
            debounce = undefined;
          });
      }, options.debounceMs);
      debounce.unref();
    },
  };
}
