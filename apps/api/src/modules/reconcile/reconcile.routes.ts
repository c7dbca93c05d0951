import {
  ErrorEnvelopeSchema,
  IdParamsSchema,
  ManifestsQuerySchema,
  ReconcileAcceptedSchema,
  ReconcileBodySchema,
  ReconcileRunDetailSchema,
  ReconcileRunListQuerySchema,
  ReconcileRunSchema,
  ReconcileStatusReportSchema,
  pageOf,
} from '@egress/shared';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { Counter } from 'prom-client';

import { requireActor } from '../../platform/auth.plugin.ts';
import { readSettings } from '../settings/settings.service.ts';
import { createKubeClient, loadDefaultKubeConfig } from '../../reconcile/kube/client.ts';
import { watchNamespaces, type NamespaceChange, type NamespaceWatch } from '../../reconcile/kube/namespace-watch.ts';
import { createLeaderLock } from '../../reconcile/leader.ts';
import { followReadiness } from '../../reconcile/readiness-follow.ts';
import { createReconciler, type Reconciler } from '../../reconcile/reconciler.ts';
import { createDirectoryTarget } from '../../reconcile/targets/directory.ts';
import { createKubernetesTarget, type KubernetesTarget } from '../../reconcile/targets/kubernetes.ts';
import { createNoneTarget } from '../../reconcile/targets/none.ts';
import type { Target } from '../../reconcile/targets/target.ts';
import { createReconcileService } from './reconcile.service.ts';

const errors = { 400: ErrorEnvelopeSchema, 401: ErrorEnvelopeSchema, 403: ErrorEnvelopeSchema, 404: ErrorEnvelopeSchema };
const tags = ['reconcile'];
const KubernetesObjectSchema = z
  .looseObject({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: z.object({ name: z.string(), namespace: z.string().optional(), labels: z.record(z.string(), z.string()), annotations: z.record(z.string(), z.string()) }),
  })
  .meta({ id: 'KubernetesObject', description: 'A Kubernetes object as the compiler renders it (spec, data and other fields pass through).' });

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
 * While this replica leads (and only then), a watch on the cluster's namespaces: in enforcement mode
 * "all" a namespace created or deleted queues a run, so a new namespace gets its policy within one run.
 */
function namespaceWatcher(app: FastifyInstance, target: Target, onChange: (change: NamespaceChange) => void) {
  let watch: NamespaceWatch | null = null;
  return {
    leading(leading: boolean) {
      if (target.name !== 'kubernetes') return;
      if (leading && !watch) watch = watchNamespaces((target as KubernetesTarget).client, onChange, { log: app.log });
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

function buildReconciler(app: FastifyInstance): Reconciler {
  const target = chooseTarget(app);
  const namespaces = namespaceWatcher(app, target, (change) => {
    void readSettings(app.db)
      .then((settings) => {
        if (settings.enforcementMode === 'all') reconciler.changed(`namespace ${change.type}: ${change.namespaces.join(', ')}`);
      })
      .catch((err: unknown) => app.log.error({ err }, 'could not queue a run for a namespace change'));
  });
  const readiness = followReadiness({ db: app.db, target, log: app.log, onReadiness: (r) => reconciler.readinessObserved(r) });
  const leader = createLeaderLock(app.databaseUrl, (leading) => {
    app.log.info({ leading }, leading ? 'this replica now reconciles' : 'this replica no longer reconciles');
    namespaces.leading(leading);
    readiness.leading(leading);
  });
  const reconciler = createReconciler({
    db: app.db,
    target,
    leader,
    clock: app.clock,
    log: app.log,
    options: { debounceMs: app.config.reconcileDebounceMs, resyncMs: app.config.resyncIntervalMs, pollMs: 1000, maxBackoffMs: 300_000, readinessPollMs: readiness.watching ? 0 : 5000 },
  });
  const unsubscribe = app.changes.onDesiredStateChanged((reason) => {
    readiness.settingsChanged();
    reconciler.changed(reason);
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

declare module 'fastify' {
  interface FastifyInstance {
    reconciler: Reconciler;
  }
}

// Wrapped with fastify-plugin so the reconciler decorator is visible app-wide (tests wait on it).
export const reconcileModule = fp(reconcileRoutes, { name: 'egress-reconcile' });

async function reconcileRoutes(...args: Parameters<FastifyPluginAsyncZod>) {
  const [app] = args;
  const reconciler = buildReconciler(app);
  app.decorate('reconciler', reconciler);
  const service = createReconcileService({ db: app.db, reconciler, clock: app.clock, log: app.log });

  app.get('/api/v1/manifests', {
    schema: {
      operationId: 'getManifests',
      tags,
      summary: 'The desired Kubernetes objects; ?format=yaml for a multi-document stream; ?format=input for the compiler input (egressctl render --offline)',
      querystring: ManifestsQuerySchema,
      response: { 200: z.union([z.object({ items: z.array(KubernetesObjectSchema) }), z.string(), z.looseObject({ settings: z.unknown() })]), ...errors },
    },
    handler: async (req, reply) => {
      if (req.query.format === 'yaml') return reply.type('text/yaml; charset=utf-8').send(await service.manifestsYaml());
      if (req.query.format === 'input') return { ...(await service.input()) };
      return { items: await service.manifests() };
    },
  });
  app.post('/api/v1/reconcile', {
    schema: { operationId: 'reconcile', tags, summary: 'Queue a reconcile run (dryRun: report what would change)', body: ReconcileBodySchema, response: { 202: ReconcileAcceptedSchema, ...errors } },
    handler: async (req, reply) => reply.status(202).send({ runId: await service.request(req.body?.dryRun ?? false, requireActor(req).email) }),
  });
  app.get('/api/v1/reconcile/runs', {
    schema: { operationId: 'listReconcileRuns', tags, querystring: ReconcileRunListQuerySchema, response: { 200: pageOf(ReconcileRunSchema), ...errors } },
    handler: (req) => service.list(req.query.limit, req.query.cursor, req.query.status),
  });
  app.get('/api/v1/reconcile/status', {
    schema: {
      operationId: 'getReconcileStatus',
      tags,
      summary: 'The live state compared with the desired one: drift (missing, outdated, modified by someone else, extra) and gateway readiness',
      response: { 200: ReconcileStatusReportSchema, ...errors },
    },
    handler: () => service.status(),
  });
  app.get('/api/v1/reconcile/runs/:id', {
    schema: { operationId: 'getReconcileRun', tags, params: IdParamsSchema, response: { 200: ReconcileRunDetailSchema, ...errors } },
    handler: (req) => service.get(req.params.id),
  });
}
