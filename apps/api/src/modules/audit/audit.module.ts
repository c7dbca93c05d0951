// The audit log's read side (list, CSV export, chain verification) and its signed checkpoints, sealed by
// a worker. The log itself is written by platform/audit.ts, in each change's own transaction.
import type { FastifyInstance } from 'fastify';

import { createCheckpointSigner } from '../../platform/checkpoint-key.ts';
import { createCheckpoints } from './audit.checkpoints.ts';
import { createAuditRepository } from './audit.repository.ts';
import { auditRoutes } from './audit.routes.ts';
import { createAuditService } from './audit.service.ts';
import { createAuditSealWorker } from './audit-seal.worker.ts';

export async function auditModule(app: FastifyInstance) {
  const { config } = app;
  const signer = config.secretKey ? createCheckpointSigner(config.secretKey, config.previousSecretKey) : null;
  const repo = createAuditRepository(app.db);
  const checkpoints = createCheckpoints({
    db: app.db,
    repo,
    audit: app.audit,
    clock: app.clock,
    signer,
    dir: config.auditCheckpointDir,
    log: app.log.child({ component: 'audit-checkpoints' }),
  });
  const service = createAuditService({ repo, audit: app.audit });
  await app.register(auditRoutes, { service, checkpoints });
  return {
    checkpoints,
    /** Null without a secret key: there is nothing to sign checkpoints with. */
    sealWorker: signer
      ? createAuditSealWorker({ checkpoints, intervalMs: config.auditCheckpointIntervalMs, log: app.log })
      : null,
  };
}
