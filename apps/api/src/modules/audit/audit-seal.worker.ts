import type { FastifyBaseLogger } from 'fastify';

import { periodicWorker, type Worker } from '../../platform/worker.ts';
import type { Checkpoints } from './audit.checkpoints.ts';

/**
 * Seals the audit log with a signed checkpoint every EGRESS_AUDIT_CHECKPOINT_INTERVAL_SECONDS (when it
 * has grown since the last one), on every replica: a head two replicas seal at once is stored once.
 */
export function createAuditSealWorker(deps: {
  checkpoints: Checkpoints;
  intervalMs: number;
  log: FastifyBaseLogger;
}): Worker {
  const { checkpoints, intervalMs, log } = deps;
  return periodicWorker({
    intervalMs,
    task: async () => {
      await checkpoints.seal();
    },
    log,
    failure: 'sealing the audit log failed',
  });
}
