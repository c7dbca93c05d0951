// Denied-flow ingest (Calico, Hubble, generic records) into the blocked-egress inbox, its retention sweep,
// and the alert evaluation after each ingest.
import type { FastifyInstance } from 'fastify';
import { Counter } from 'prom-client';

import { createBlockedEgressRepository } from './blocked-egress.repository.ts';
import { createFlowRetentionWorker } from './flow-retention.worker.ts';
import { createFlowsRepository } from './flows.repository.ts';
import { flowsRoutes } from './flows.routes.ts';
import { type AlertEvaluation, createFlowsService } from './flows.service.ts';

export async function flowsModule(app: FastifyInstance, deps: { alerts: AlertEvaluation }) {
  const blocked = createBlockedEgressRepository(app.db);
  const service = createFlowsService({
    db: app.db,
    repo: createFlowsRepository(app.db),
    blocked,
    audit: app.audit,
    clock: app.clock,
    alerts: deps.alerts,
    log: app.log,
  });
  const records = new Counter({
    name: 'egress_flow_records_total',
    help: 'Denied-flow records received, by result',
    labelNames: ['result'] as const,
    registers: [app.metrics.registry],
  });
  await app.register(flowsRoutes, { service, records });
  return {
    retentionWorker: createFlowRetentionWorker({
      db: app.db,
      repo: blocked,
      clock: app.clock,
      intervalMs: app.config.expiryIntervalMs,
      log: app.log,
    }),
  };
}
