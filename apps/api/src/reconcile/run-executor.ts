// One reconcile run, from a claimed row to its recorded outcome: read the settings and the database
// snapshot, let the target read the cluster, compile and apply, and write counts, errors and the changed
// objects back to the row. Nothing in the database is rolled back because the target was unreachable.
import { createHash } from 'node:crypto';

import { compileGateways } from '@egress/manifests';
import type { FastifyBaseLogger } from 'fastify';

import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db.ts';
import {
  loadGatewaySnapshot,
  planFor,
  type Readiness,
  scopeOf,
  type SettingsReader,
} from './desired-state.ts';
import type { ClaimedRun, RunOutcome, RunQueue } from './run-queue.ts';
import {
  countActions,
  type Desired,
  type ObjectAction,
  type ObjectResult,
  type Target,
} from './targets/target.ts';

/** Where a run's time went, in milliseconds (from the injected clock). */
export interface RunTimings {
  /** Settings read (where things go). */
  plan: number;
  /** Waiting for the database snapshot once the target needed it (0 when it was read while the target listed). */
  snapshot: number;
  /** Compiling the desired state (every call the target made). */
  compile: number;
  /** The target's work besides compiling: reading the cluster, comparing, writing. */
  apply: number;
  /** Writing the outcome to the run row. */
  record: number;
  total: number;
}

/** A run that has finished and been recorded: what the reconciler tells its listeners (metrics, logs). */
export interface FinishedRun {
  id: string;
  trigger: string;
  dryRun: boolean;
  ok: boolean;
  /** When it was claimed. */
  startedAt: Date;
  counts: Record<ObjectAction, number>;
  timings: RunTimings;
}

const CHANGE_TRIGGER = 'change: ';

/** node:crypto for the content hashes of a scoped compile (the compiler thread uses it too): same digests. */
const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

const readable = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** The gateways that may get a DNS rewrite, as one comparable string. */
export function readyKey(readiness: Readiness): string {
  if (readiness === 'all') return 'all';
  return Object.keys(readiness)
    .filter((name) => readiness[name])
    .sort()
    .join(',');
}

/** What the last completed run saw: the ready gateways, and whether the target's view of the cluster is still ours alone. */
export interface RunMemory {
  /** Ready gateways as of the last completed run (null before the first one). */
  ready: string | null;
  /** Whether this replica has led without interruption since its last completed run. */
  fresh: boolean;
}

export interface RunExecutorDeps {
  db: Db;
  queue: RunQueue;
  target: Target;
  readSettings: SettingsReader;
  clock: Clock;
  log: FastifyBaseLogger;
  memory: RunMemory;
  /**
   * Told about the objects a real (not dry) run changed, before the run is recorded: reconcile/drift.ts
   * audits and alerts on the ones someone else had edited or deleted. Must not throw; errors are logged.
   */
  changedObjects?: (run: ClaimedRun, objects: ObjectResult[]) => Promise<void>;
}

const zeroCounts = (): Record<ObjectAction, number> => ({
  created: 0,
  updated: 0,
  deleted: 0,
  unchanged: 0,
  failed: 0,
});

/** Executes claimed runs one at a time (the scheduler guarantees that) and records each outcome. */
export function createRunExecutor({
  db,
  queue,
  target,
  readSettings,
  clock,
  log,
  memory,
  changedObjects,
}: RunExecutorDeps) {
  const ms = () => clock.now().getTime();

  /** The plan's desired state, timed: how long the target waited for the snapshot and how long compiling took. */
  function timed(desired: Desired, snapshot: Promise<unknown>, timings: RunTimings): Desired {
    return async (readiness, observed) => {
      const waiting = ms();
      await snapshot;
      const compiling = ms();
      timings.snapshot += compiling - waiting;
      try {
        return await desired(readiness, observed);
      } finally {
        timings.compile += ms() - compiling;
      }
    };
  }

  async function execute(run: ClaimedRun): Promise<FinishedRun> {
    const startedAt = clock.now();
    const timings: RunTimings = { plan: 0, snapshot: 0, compile: 0, apply: 0, record: 0, total: 0 };
    let outcome: { ok: boolean; counts: Record<ObjectAction, number> };
    let recording = 0;
    try {
      const plan = await planFor(db, readSettings, startedAt);
      const applying = ms();
      timings.plan = applying - startedAt.getTime();
      // Runs for changes made through the API start from the last run's view of the cluster.
      const reuseLiveState = memory.fresh && run.trigger.startsWith(CHANGE_TRIGGER);
      const result = await target.apply(timed(plan.desired, plan.snapshot, timings), {
        dryRun: run.dryRun,
        scope: plan.scope,
        reuseLiveState,
      });
      recording = ms();
      timings.apply = recording - applying - timings.snapshot - timings.compile;
      const changed = result.objects.filter((o) => o.action !== 'unchanged');
      const ok = result.errors.length === 0;
      if (!run.dryRun) {
        memory.ready = readyKey(result.readiness);
        memory.fresh = true;
      }
      const drifted = changed.filter((o) => o.drift !== undefined);
      if (drifted.length > 0)
        log.warn(
          { runId: run.id, drift: drifted },
          'live objects had been changed by someone else; reverted',
        );
      if (!run.dryRun && changedObjects && changed.length > 0)
        await changedObjects(run, changed).catch((err: unknown) =>
          log.error({ err, runId: run.id }, 'could not report the objects the run changed'),
        );
      outcome = { ok, counts: countActions(result.objects) };
      await queue.finish(run.id, { ok, counts: outcome.counts, errors: result.errors, objects: changed });
    } catch (error) {
      const reason = readable(error);
      log.warn({ err: error, runId: run.id }, 'reconcile run failed');
      recording ||= ms();
      outcome = { ok: false, counts: zeroCounts() };
      await queue.finish(run.id, { ok: false, errors: [reason] });
    }
    const end = ms();
    timings.record = end - recording;
    timings.total = end - startedAt.getTime();
    return { id: run.id, trigger: run.trigger, dryRun: run.dryRun, startedAt, ...outcome, timings };
  }

  /**
   * A change-scoped run (docs/kubernetes.md, "When runs happen"): read the rows of the gateways the
   * grants concern, compile those gateways alone (compileGateways renders what the full compile would
   * for them) and write the objects whose hash differs against the live state the last run kept; then
   * record the run. Null, with nothing written, when the change is not one the gateways alone stand for
   * or the target has no such live state: the caller queues the full run.
   */
  async function executeScoped(trigger: string, grants: string[]): Promise<FinishedRun | null> {
    if (!memory.fresh || !target.applyGateways) return null;
    const startedAt = clock.now();
    const timings: RunTimings = { plan: 0, snapshot: 0, compile: 0, apply: 0, record: 0, total: 0 };
    let outcome: RunOutcome;
    let recording: number;
    try {
      const input = await loadGatewaySnapshot(db, readSettings, grants, startedAt);
      const compiling = ms();
      timings.snapshot = compiling - startedAt.getTime();
      if (!input) return null;
      const objects = compileGateways(input, { sha256Hex });
      const applying = ms();
      timings.compile = applying - compiling;
      const result = await target.applyGateways(objects, scopeOf(input.settings));
      if (!result) return null;
      recording = ms();
      timings.apply = recording - applying;
      outcome = {
        ok: result.errors.length === 0,
        counts: countActions(result.objects),
        errors: result.errors,
        objects: result.objects.filter((o) => o.action !== 'unchanged'),
      };
    } catch (error) {
      log.warn({ err: error, trigger }, 'change-scoped reconcile run failed');
      recording = ms();
      outcome = { ok: false, counts: zeroCounts(), errors: [readable(error)] };
    }
    const id = await queue.record({ target: target.name, trigger, startedAt }, outcome);
    // The objects were read again before the write, so drift found there is reported as a full run's is.
    if (changedObjects && outcome.objects && outcome.objects.length > 0)
      await changedObjects({ id, trigger, dryRun: false }, outcome.objects).catch((err: unknown) =>
        log.error({ err, runId: id }, 'could not report the objects the run changed'),
      );
    const end = ms();
    timings.record = end - recording;
    timings.total = end - startedAt.getTime();
    const counts = outcome.counts ?? zeroCounts();
    return { id, trigger, dryRun: false, ok: outcome.ok, startedAt, counts, timings };
  }

  return Object.assign(execute, { scoped: executeScoped });
}

export type RunExecutor = ReturnType<typeof createRunExecutor>;
