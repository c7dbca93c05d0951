// The reconcile module: the engine (src/reconcile) wired into the app. It chooses the target (and builds
// the Kubernetes client), the leader lock, and while this replica leads the namespace watch and the
// gateway readiness source; it feeds committed changes to the reconciler, counts requests and runs, and
// starts and stops it with the app. The HTTP side is reconcile.routes.ts.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram } from 'prom-client';

import { readSettings } from '../../platform/settings.ts';
import { compilerThread } from '../../reconcile/compiler-thread.ts';
import { scopeOf } from '../../reconcile/desired-state.ts';
import { createDriftReporter } from '../../reconcile/drift.ts';
import { createKubeClient, loadDefaultKubeConfig } from '../../reconcile/kube/client.ts';
import {
  type NamespaceChange,
  type NamespaceWatch,
  watchNamespaces,
} from '../../reconcile/kube/namespace-watch.ts';
import { createLeaderLock } from '../../reconcile/leader.ts';
import { followReadiness } from '../../reconcile/readiness-follow.ts';
import { createReconciler, type Reconciler } from '../../reconcile/reconciler.ts';
import { createDirectoryTarget } from '../../reconcile/targets/directory.ts';
import { createKubernetesTarget, type KubernetesTarget } from '../../reconcile/targets/kubernetes.ts';
import { createNoneTarget } from '../../reconcile/targets/none.ts';
import type { Target } from '../../reconcile/targets/target.ts';
import { createReconcileRepository } from './reconcile.repository.ts';
import { reconcileRoutes } from './reconcile.routes.ts';
import { createReconcileService } from './reconcile.service.ts';

/** How often the scheduler ticks: runs other replicas queued, due retries and resyncs, the leader lock. */
const TICK_MS = 1000;
const MAX_BACKOFF_MS = 300_000;
/** How often the leader asks the cluster for gateway readiness, where the target has no watch of its own. */

declare module 'fastify' {
  interface FastifyInstance {
    reconciler: Reconciler;
  }
}

/** The cluster from $KUBECONFIG, ~/.kube/config or the in-cluster service account; every request counted. */
function kubernetesTarget(app: FastifyInstance): Target {
  const client = createKubeClient(loadDefaultKubeConfig());
  const requests = new Counter({
    name: 'egress_kubernetes_requests_total',
    help: 'Requests the reconciler sent to the Kubernetes API server, by method and whether they could change the cluster',
    labelNames: ['method', 'mutating'] as const,
    registers: [app.metrics.registry],
  });
  client.onRequest((r) => requests.inc({ method: r.method, mutating: String(r.mutating) }));
  app.addHook('onClose', async () => client.close());
  app.log.info({ server: client.server }, 'reconciling a Kubernetes cluster');
  return createKubernetesTarget(client, { productNamespace: app.config.namespace });
}

function chooseTarget(app: FastifyInstance): Target {
  switch (app.config.target) {
    case 'directory':
      return createDirectoryTarget(app.config.manifestsDir);
    case 'none':
      return createNoneTarget();
    case 'kubernetes':
      return kubernetesTarget(app);
  }
}

/**
 * In enforcement mode "all" a namespace created or deleted queues a run, so a new namespace gets its
 * policy within one run. Watched only while this replica leads.
 */
function namespaceWatcher(app: FastifyInstance, target: Target, reconciler: () => Reconciler) {
  let watch: NamespaceWatch | null = null;
  const onChange = (change: NamespaceChange) => {
    void readSettings(app.db)
      .then((settings) => {
        if (settings.enforcementMode === 'all')
          reconciler().changed(`namespace ${change.type}: ${change.namespaces.join(', ')}`);
      })
      .catch((err: unknown) => app.log.error({ err }, 'could not queue a run for a namespace change'));
  };
  return {
    leading(leading: boolean) {
      if (target.name !== 'kubernetes') return;
      if (leading && !watch)
        watch = watchNamespaces((target as KubernetesTarget).client, onChange, { log: app.log });
      if (!leading && watch) {
        void watch.stop();
        watch = null;
      }
    },
    async stop() {
      await watch?.stop();
      watch = null;
    },
  };
}

/**
 * Gateway readiness reported to the reconciler while this replica leads, from the target's watch (only
 * the kubernetes target can observe readiness; the others steer every gateway). The watch moves with the
 * gateway namespace when the settings change.
 */
function readinessWatcher(app: FastifyInstance, target: Target, reconciler: () => Reconciler) {
  return followReadiness({
    scope: async () => scopeOf(await readSettings(app.db)),
    target,
    log: app.log,
    onReadiness: (readiness) => reconciler().readinessObserved(readiness),
  });
}

/** Run counts and durations by outcome, and the changes waiting for a run, on the app's registry. */
function runMetrics(app: FastifyInstance, reconciler: Reconciler): void {
  const runs = new Histogram({
    name: 'egress_reconcile_run_duration_seconds',
    help: 'Reconcile runs this replica executed, from claim to recorded outcome, by outcome and whether it was a dry run',
    labelNames: ['status', 'dry_run'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [app.metrics.registry],
  });
  new Gauge({
    name: 'egress_reconcile_pending_changes',
    help: 'Committed changes not yet queued as a reconcile run on this replica',
    registers: [app.metrics.registry],
    collect() {
      this.set(reconciler.activity().pendingChanges);
    },
  });
  reconciler.onRunFinished((run) => {
    runs.observe(
      { status: run.ok ? 'succeeded' : 'failed', dry_run: String(run.dryRun) },
      run.timings.total / 1000,
    );
    app.log.debug(
      { runId: run.id, trigger: run.trigger, ok: run.ok, counts: run.counts, timingsMs: run.timings },
      'reconcile run finished',
    );
  });
}

function buildReconciler(app: FastifyInstance): Reconciler {
  const target = chooseTarget(app);
  const namespaces = namespaceWatcher(app, target, () => reconciler);
  const readiness = readinessWatcher(app, target, () => reconciler);
  const leader = createLeaderLock(app.databaseUrl, (leading) => {
    app.log.info({ leading }, leading ? 'this replica now reconciles' : 'this replica no longer reconciles');
    namespaces.leading(leading);
    readiness.leading(leading);
  });
  const drift = createDriftReporter({ db: app.db, audit: app.audit, clock: app.clock, log: app.log });
  const reconciler = createReconciler({
    db: app.db,
    target,
    leader,
    clock: app.clock,
    log: app.log,
    readSettings,
    options: { tickMs: TICK_MS, resyncMs: app.config.resyncIntervalMs, maxBackoffMs: MAX_BACKOFF_MS },
    // Drift is a security event: audited, alerted and announced (reconcile/drift.ts).
    changedObjects: async (run, objects) => {
      await drift.report(run, objects);
    },
  });
  runMetrics(app, reconciler);
  // The compiler thread loads while the app boots, not inside the start-up run (the cold apply waited on it).
  compilerThread().warm();
  const unsubscribe = app.changes.onDesiredStateChanged((reason, hint) => {
    // A grant's change (the hint says which) cannot move the gateway namespace: no settings read for it.
    if (!hint) readiness.settingsChanged();
    reconciler.changed(reason, hint);
  });
  app.addHook('onReady', () => reconciler.start());
  app.addHook('onClose', async () => {
    unsubscribe();
    await namespaces.stop();
    await readiness.stop();
    await reconciler.stop();
  });
  return reconciler;
}

/** Registered before the modules that read the reconciler (coverage, explain); fastify-plugin makes the decorator app-wide. */
export const reconcileModule = fp(
  async (app: FastifyInstance) => {
    const reconciler = buildReconciler(app);
    app.decorate('reconciler', reconciler);
    const service = createReconcileService({
      db: app.db,
      repo: createReconcileRepository(app.db),
      reconciler,
      clock: app.clock,
      log: app.log,
    });
    await app.register(reconcileRoutes, { service });
  },
  { name: 'egress-reconcile' },
);
