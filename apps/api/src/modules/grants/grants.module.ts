// Grants: requests, four-eyes decisions and revocations (the state machine in grants.transitions.ts, each
// transition under a row lock with its audit rows), and the expiry sweep.
import type { FastifyInstance } from 'fastify';
import { Counter } from 'prom-client';

import { createCloseOpenGrants } from './close-open-grants.ts';
import { createGrantExpiryWorker } from './grant-expiry.worker.ts';
import { createGrantReviewRepository } from './grant-review.repository.ts';
import { createGrantReview } from './grant-review.service.ts';
import { createBulkRequest } from './grants.bulk.ts';
import { createGrantsRepository } from './grants.repository.ts';
import { grantsRoutes } from './grants.routes.ts';
import { createGrantsService, type RegisterDestination } from './grants.service.ts';
import { grantsBulkRoutes } from './grants-bulk.routes.ts';
import { createNotificationsRepository } from './notifications.repository.ts';
import { notificationsRoutes } from './notifications.routes.ts';
import { createNotificationsService } from './notifications.service.ts';
import { createUnusedGrantPolicy, createUnusedGrantsWorker } from './unused-grants.worker.ts';

export async function grantsModule(
  app: FastifyInstance,
  deps: { registerDestination: () => RegisterDestination },
) {
  const repo = createGrantsRepository(app.db);
  const service = createGrantsService({
    db: app.db,
    repo,
    audit: app.audit,
    clock: app.clock,
    changes: app.changes,
    registerDestination: deps.registerDestination,
  });
  const notifications = createNotificationsService({
    repo: createNotificationsRepository(app.db),
    clock: app.clock,
  });
  const expired = new Counter({
    name: 'egress_grants_expired_total',
    help: 'Grants moved to expired by the expiry sweep of this instance',
    registers: [app.metrics.registry],
  });
  const review = createGrantReview({
    repo,
    reviewRepo: createGrantReviewRepository(app.db),
    clock: app.clock,
  });
  await app.register(grantsRoutes, { service, review });
  await app.register(grantsBulkRoutes, {
    bulk: createBulkRequest({ db: app.db, repo, audit: app.audit, clock: app.clock }),
  });
  await app.register(notificationsRoutes, { service: notifications });
  return {
    /** For other modules: requests and revocations through the state machine (the rule-file sync). */
    service,
    /** Ends a deleted service's or destination's open grants inside the caller's transaction. */
    closeOpenGrants: createCloseOpenGrants(repo),
    expiryWorker: createGrantExpiryWorker({
      service,
      intervalMs: app.config.expiryIntervalMs,
      log: app.log,
      expired: (n) => expired.inc(n),
    }),
    unusedWorker: createUnusedGrantsWorker({
      policy: createUnusedGrantPolicy({
        db: app.db,
        repo,
        audit: app.audit,
        clock: app.clock,
        changes: app.changes,
      }),
      intervalMs: app.config.expiryIntervalMs,
      log: app.log,
    }),
  };
}
