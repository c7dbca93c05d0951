// Services (workloads that need egress), and the sync of their repository's rule files into grants.
import type { FastifyInstance } from 'fastify';

import { createServicesRepository } from './services.repository.ts';
import { servicesRoutes } from './services.routes.ts';
import { createRulesSync, type GrantRequests } from './services.rules-sync.ts';
import { type CloseServiceGrants, createServicesService } from './services.service.ts';

export async function servicesModule(
  app: FastifyInstance,
  grants: { requests: GrantRequests; closeOpenGrants: CloseServiceGrants },
): Promise<void> {
  const repo = createServicesRepository(app.db);
  const service = createServicesService({
    db: app.db,
    repo,
    audit: app.audit,
    clock: app.clock,
    changes: app.changes,
    closeGrants: grants.closeOpenGrants,
  });
  const syncRules = createRulesSync({ repo, grants: grants.requests });
  await app.register(servicesRoutes, { service, syncRules });
}
