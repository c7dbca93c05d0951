// Gateway usage: the connection-line ingest (POST /api/v1/gateway-connections), the pod address index it
// attributes source addresses with (a watch on the cluster's pods, on every replica, since any replica
// may take a batch), and the retention sweep. Usage per grant is read by the grants module.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge } from 'prom-client';

import { type PodWatch, watchPods } from '../../reconcile/kube/pod-watch.ts';
import type { KubernetesTarget } from '../../reconcile/targets/kubernetes.ts';
import type { Target } from '../../reconcile/targets/target.ts';
import { createUsageRepository } from './usage.repository.ts';
import { usageRoutes } from './usage.routes.ts';
import { createUsageService, type PodAddresses } from './usage.service.ts';
import { createUsageRetentionWorker } from './usage-retention.worker.ts';

/** The kubernetes target's pod watch, started with the app and stopped with it; null without a cluster. */
function podAddresses(app: FastifyInstance, target: Target): PodAddresses | null {
  if (target.name !== 'kubernetes') return null;
  const client = (target as KubernetesTarget).client;
  let watch: PodWatch | null = null;
  app.addHook('onReady', async () => {
    watch = watchPods(client, { log: app.log });
  });
  app.addHook('onClose', async () => watch?.stop());
  new Gauge({
    name: 'egress_pod_index_addresses',
    help: 'Pod addresses in the index the gateway-connection ingest attributes sources with',
    registers: [app.metrics.registry],
    collect() {
      this.set(watch?.index.size() ?? 0);
    },
  });
  return {
    ready: () => watch?.ready() ?? false,
    lookup: (ip, at) => watch?.index.lookup(ip, at) ?? null,
  };
}

export async function usageModule(
  app: FastifyInstance,
  deps: { target: Target; pods?: PodAddresses | undefined },
) {
  const repo = createUsageRepository(app.db);
  const service = createUsageService({
    db: app.db,
    repo,
    clock: app.clock,
    pods: deps.pods ?? podAddresses(app, deps.target),
    log: app.log,
  });
  const lines = new Counter({
    name: 'egress_gateway_connection_lines_total',
    help: 'Gateway connection lines received, by result (accepted, duplicate, rejected)',
    labelNames: ['result'] as const,
    registers: [app.metrics.registry],
  });
  await app.register(usageRoutes, { service, lines });
  return {
    retentionWorker: createUsageRetentionWorker({
      db: app.db,
      repo,
      clock: app.clock,
      intervalMs: app.config.expiryIntervalMs,
      log: app.log,
    }),
  };
}
