// Services (workloads that need egress), and the sync of their repository's rule files into grants.
import type { FastifyInstance } from 'fastify';

import { createRulesSync, type GrantRequests } from './services.rules-sync.ts';
import { servicesRoutes } from './services.routes.ts';
import { createServicesService, type CloseServiceGrants } from './services.service.ts';

export async function servicesModule(app: FastifyInstance, grants: { requests: GrantRequests; closeOpenGrants: CloseServiceGrants }): Promise<void> {
  const service = createServicesService({ db: app.db, audit: app.audit, clock: app.clock, changes: app.changes, closeGrants: grants.closeOpenGrants });
  const syncRules = createRulesSync({ db: app.db, grants: grants.requests });
  await app.register(servicesRoutes, { service, syncRules });
}
