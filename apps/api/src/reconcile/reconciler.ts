// The reconciler: a durable run queue (run-queue.ts), a scheduler that decides when runs happen
// (scheduler.ts) and the execution of one run (run-executor.ts), put together. Any replica can ask for
// a run; the leader (leader.ts) executes them one at a time. Gateway readiness is an input like a
// change: the target's watch (readiness-follow.ts) reports it here, and a set of ready
// gateways different from the last run's queues a run, so DNS steering follows within seconds.
import { EventEmitter } from 'node:events';

import type { FastifyBaseLogger } from 'fastify';

import type { ChangeHint } from '../platform/changes.ts';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db.ts';
import type { Readiness, SettingsReader } from './desired-state.ts';
import type { LeaderLock } from './leader.ts';
import {
  createRunExecutor,
  type FinishedRun,
  readyKey,
  type RunExecutorDeps,
  type RunMemory,
} from './run-executor.ts';
import { createRunQueue } from './run-queue.ts';
import { createScheduler, type SchedulerOptions } from './scheduler.ts';
import type { Target } from './targets/target.ts';

export type { FinishedRun, RunTimings } from './run-executor.ts';
export type ReconcilerOptions = SchedulerOptions;

export interface ReconcilerActivity {
  /** Changes (and requested runs) not yet written as a queued row. */
  pendingChanges: number;
  /** Whether this replica is claiming or executing runs right now. */
  running: boolean;
}

export interface Reconciler {
  readonly target: Target;
  requestRun(trigger: string, dryRun?: boolean): Promise<string>;
  /**
   * A committed change altered desired state: run at once, or right after the run that is going (a burst
   * of approvals is folded, see scheduler.ts). With a hint naming the grant it changed, the run may be
   * scoped to that grant's gateway.
   */
  changed(reason: string, hint?: ChangeHint): void;
  /** Gateway readiness as just observed: a run when the ready set differs from the last run's. */
  readinessObserved(readiness: Readiness): void;
  start(): void;
  stop(): Promise<void>;
  /** Whether this replica holds the reconciler lock. */
  isLeader(): boolean;
  /** What this replica holds right now (the pending-changes gauge; anyone waiting for quiet). */
  activity(): ReconcilerActivity;
  /** Calls `listener` after each run this replica executed has been recorded (metrics, logs). */
  onRunFinished(listener: (run: FinishedRun) => void): () => void;
}

export interface ReconcilerDeps {
  db: Db;
  target: Target;
  leader: LeaderLock;
  clock: Clock;
  log: FastifyBaseLogger;
  readSettings: SettingsReader;
  options: ReconcilerOptions;
  /** See RunExecutorDeps.changedObjects (drift reporting). */
  changedObjects?: RunExecutorDeps['changedObjects'];
}

export function createReconciler({
  db,
  target,
  leader,
  clock,
  log,
  readSettings,
  options,
  changedObjects,
}: ReconcilerDeps): Reconciler {
  const queue = createRunQueue(db, clock);
  const memory: RunMemory = { ready: null, fresh: false };
  const finished = new EventEmitter<{ run: [FinishedRun] }>();
  /** Ready gateways as the watch last reported them (null: no report yet). */
  let watched: string | null = null;
  /** Whether a run is executing on this replica right now. */
  let executing = false;
  const executeRun = createRunExecutor({
    db,
    queue,
    target,
    readSettings,
    clock,
    log,
    memory,
    ...(changedObjects ? { changedObjects } : {}),
  });
  /** Marks a run as executing here while `run` goes (followReadiness waits for it). */
  async function executing_<T>(run: () => Promise<T>): Promise<T> {
    executing = true;
    try {
      return await run();
    } finally {
      executing = false;
    }
  }
  const scheduler = createScheduler({
    targetName: target.name,
    queue,
    leader,
    clock,
    log,
    options,
    execute: (run) => executing_(() => executeRun(run)),
    executeScoped: (trigger, grants) => executing_(() => executeRun.scoped(trigger, grants)),
    notLeading: () => {
      // Another replica may write while we do not lead: our view of the cluster is stale from now on.
      memory.fresh = false;
    },
    finished: (run) => {
      finished.emit('run', run);
      followReadiness();
    },
  });

  /**
   * A run when the watched ready set differs from the one the last run compiled with. Not while a run
   * goes: that run may itself be what changed readiness (a gateway it deleted), and its result says
   * which gateways it steered; compared again once it is recorded.
   */
  function followReadiness(): void {
    if (watched === null || memory.ready === null || executing || !leader.isLeader()) return;
    if (watched === memory.ready) return;
    memory.ready = watched;
    scheduler.trigger({ kind: 'readiness' });
  }

  return {
    target,
    requestRun: (trigger, dryRun = false) => scheduler.request(trigger, dryRun),
    changed: (reason, hint) =>
      scheduler.trigger({
        kind: 'change',
        reason,
        ...(hint ? { grant: { id: hint.grant, widens: hint.widens } } : {}),
      }),
    readinessObserved(readiness) {
      watched = readyKey(readiness);
      followReadiness();
    },
    isLeader: () => leader.isLeader(),
    activity: () => scheduler.activity(),
    onRunFinished(listener) {
      finished.on('run', listener);
      return () => finished.off('run', listener);
    },
    start() {
      scheduler.start();
      void scheduler
        .request('startup')
        .catch((err: unknown) => log.error({ err }, 'could not queue the start-up run'));
    },
    async stop() {
      await scheduler.stop();
      await leader.release();
    },
  };
}
