// The lead's health strip in one answer: enforcement coverage, drift (live now, and healed lately),
// failing webhooks, grants expiring within 72 hours, active port-wide grants. And Re-apply: an approver
// queues a reconcile run that puts the desired state back, audited in the transaction that queues it.
import type { Coverage, FailingWebhook, HealthStrip } from '@egress/shared';
import type { FastifyBaseLogger } from 'fastify';

import type { Actor, AuditLog } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { readSettings } from '../../platform/settings.ts';
import { planFor } from '../../reconcile/desired-state.ts';
import { readable } from '../../reconcile/observe.ts';
import { createRunQueue } from '../../reconcile/run-queue.ts';
import type { Target } from '../../reconcile/targets/target.ts';
import type { DashboardRepository } from './dashboard.repository.ts';

const HOUR_MS = 3_600_000;
const EXPIRY_WINDOW_MS = 72 * HOUR_MS;
const HEALED_WINDOW_MS = 7 * 24 * HOUR_MS;

export interface DashboardDeps {
  /** `db` is for the engine's snapshot read (desired-state.ts) and the run queue; the rest goes through `repo`. */
  db: Db;
  repo: DashboardRepository;
  audit: AuditLog;
  clock: Clock;
  log: FastifyBaseLogger;
  target: Target;
  coverage: () => Promise<Coverage>;
  failingWebhooks: () => Promise<FailingWebhook[]>;
}

export interface ReapplyCtx {
  actor: Actor;
  requestId: string;
  reason: string | undefined;
}

type LiveDrift = Pick<HealthStrip['drift'], 'state' | 'error' | 'objects'>;

export function createDashboardService(deps: DashboardDeps) {
  const { db, repo, audit, clock, log, target } = deps;
  const queue = createRunQueue(db, clock);
  let liveInFlight: Promise<LiveDrift> | null = null;

  /** The live comparison, as GET /reconcile/status makes it; concurrent dashboards share one read. */
  async function compare(): Promise<LiveDrift> {
    if (target.name === 'none') return { state: 'notObserved', error: null, objects: [] };
    try {
      const { scope, desired } = await planFor(db, readSettings);
      const { drift } = await target.inspect(desired, scope);
      return { state: drift.length > 0 ? 'drifted' : 'none', error: null, objects: drift };
    } catch (error) {
      return { state: 'unknown', error: readable(error, log), objects: [] };
    }
  }

  function liveDrift(): Promise<LiveDrift> {
    liveInFlight ??= compare().finally(() => {
      liveInFlight = null;
    });
    return liveInFlight;
  }

  async function coverage(): Promise<HealthStrip['coverage']> {
    try {
      const c = await deps.coverage();
      return {
        enforced: c.enforced,
        total: c.total,
        openByOmission: c.namespaces.filter((n) => n.reason === 'notListed').length,
        source: c.source,
      };
    } catch (error) {
      log.warn({ err: error }, 'health strip: coverage could not be computed');
      return null;
    }
  }

  async function health(): Promise<HealthStrip> {
    const now = clock.now();
    const [cov, live, healed, failingWebhooks, expiringGrants, portWideGrants] = await Promise.all([
      coverage(),
      liveDrift(),
      repo.healedDrift(new Date(now.getTime() - HEALED_WINDOW_MS)),
      deps.failingWebhooks(),
      repo.expiring(now, new Date(now.getTime() + EXPIRY_WINDOW_MS)),
      repo.portWide(),
    ]);
    return {
      observedAt: now.toISOString(),
      coverage: cov,
      drift: { ...live, healed },
      failingWebhooks,
      expiringGrants,
      portWideGrants,
    };
  }

  /**
   * Queues a run that reads the cluster and puts back whatever differs (a manual run: never one that
   * starts from the last run's view). The run row and its audit row commit together; the leader claims
   * the row on its next tick.
   */
  async function reapply(ctx: ReapplyCtx): Promise<{ runId: string }> {
    return db.$transaction(async (tx) => {
      const runId = await queue.enqueue(
        { target: target.name, trigger: `re-apply by ${ctx.actor.label}`, dryRun: false },
        tx,
      );
      await audit.append(tx, {
        actor: ctx.actor,
        action: 'reconcile.reapply_requested',
        targetType: 'reconcile_run',
        targetId: runId,
        after: { runId, reason: ctx.reason ?? null },
        requestId: ctx.requestId,
      });
      return { runId };
    });
  }

  return { health, reapply };
}

export type DashboardService = ReturnType<typeof createDashboardService>;
