import { type CompilerInput, type KubernetesObject, toYaml } from '@egress/manifests';
import type { ReconcileRun, ReconcileRunDetail, ReconcileStatusReport } from '@egress/shared';
import type { FastifyBaseLogger } from 'fastify';

import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { notFound } from '../../platform/errors.ts';
import { type Page, toPage } from '../../platform/pagination.ts';
import { readSettings } from '../../platform/settings.ts';
import {
  compileDesired,
  type CompilerSnapshot,
  loadSnapshot,
  planFor,
} from '../../reconcile/desired-state.ts';
import { type Observations, observeTarget, readable } from '../../reconcile/observe.ts';
import type { Reconciler } from '../../reconcile/reconciler.ts';
import type { ReconcileRepository, RunRow as Row } from './reconcile.repository.ts';

function toRunDto(r: Row): ReconcileRun {
  return {
    id: r.id,
    target: r.target,
    trigger: r.trigger,
    dryRun: r.dryRun,
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    status: r.status as ReconcileRun['status'],
    counts: {
      created: r.created,
      updated: r.updated,
      deleted: r.deleted,
      unchanged: r.unchanged,
      failed: r.failed,
    },
    errors: r.errors as string[],
  };
}

/** `db` is for the engine's snapshot reads (desired-state.ts); the runs are read through `repo`. */
export function createReconcileService({
  db,
  repo,
  reconciler,
  clock,
  log,
}: {
  db: Db;
  repo: ReconcileRepository;
  reconciler: Reconciler;
  clock: Clock;
  log: FastifyBaseLogger;
}) {
  const target = reconciler.target;
  let statusInFlight: Promise<ReconcileStatusReport> | null = null;

  async function observedState(): Promise<
    Omit<ReconcileStatusReport, 'target' | 'leader' | 'lastRun' | 'observedAt'>
  > {
    const { scope, desired } = await planFor(db, readSettings);
    try {
      return { error: null, ...(await target.inspect(desired, scope)) };
    } catch (error) {
      return { error: readable(error, log), drift: [], gateways: [] };
    }
  }

  async function status(): Promise<ReconcileStatusReport> {
    const last = await repo.lastFinished();
    const observed = await observedState();
    return {
      target: target.name,
      leader: reconciler.isLeader(),
      lastRun: last ? toRunDto(last) : null,
      observedAt: clock.now().toISOString(),
      ...observed,
    };
  }

  /** The compiler's input; with the cluster unreachable, as if no gateway were ready (nothing steered in DNS). */
  async function input(): Promise<CompilerInput> {
    const snapshot = await loadSnapshot(db, readSettings);
    return { ...snapshot, ...(await observe(snapshot)) };
  }

  const observe = (snapshot: CompilerSnapshot): Promise<Observations> => observeTarget(target, snapshot, log);

  return {
    input,
    observe,
    async manifests(): Promise<KubernetesObject[]> {
      const { readiness, gatewayAddresses, cluster, ...snapshot } = await input();
      return compileDesired(snapshot, readiness, {
        ...(gatewayAddresses ? { addresses: gatewayAddresses } : {}),
        cluster,
      });
    },
    async manifestsYaml(): Promise<string> {
      return toYaml(await this.manifests());
    },
    /** Live comparison; concurrent callers share one in-flight read of the cluster. */
    status(): Promise<ReconcileStatusReport> {
      statusInFlight ??= status().finally(() => {
        statusInFlight = null;
      });
      return statusInFlight;
    },
    request: (dryRun: boolean, who: string) => reconciler.requestRun(`manual by ${who}`, dryRun),
    async list(
      limit: number,
      cursor: string | undefined,
      status: string | undefined,
    ): Promise<Page<ReconcileRun>> {
      const rows = await repo.list(status, limit, cursor);
      return toPage(rows, limit, toRunDto, (r) => [r.startedAt.toISOString(), r.id]);
    },
    async get(id: string): Promise<ReconcileRunDetail> {
      const row = await repo.findById(id);
      if (!row) throw notFound('reconcile run');
      return { ...toRunDto(row), objects: row.objects as ReconcileRunDetail['objects'] };
    },
  };
}

export type ReconcileService = ReturnType<typeof createReconcileService>;
