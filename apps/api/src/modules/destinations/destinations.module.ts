// Destinations (external hosts, their ports and sensitivity) that grants open egress to.
import type { FastifyInstance } from 'fastify';

import { createDestinationsRepository } from './destinations.repository.ts';
import { destinationsRoutes } from './destinations.routes.ts';
import {
  type CloseDestinationGrants,
  createDestinationsService,
  type DestinationsService,
} from './destinations.service.ts';

export async function destinationsModule(
  app: FastifyInstance,
  grants: { closeOpenGrants: CloseDestinationGrants },
): Promise<{ registerProposed: DestinationsService['registerProposed'] }> {
  const service = createDestinationsService({
    db: app.db,
    repo: createDestinationsRepository(app.db),
    audit: app.audit,
    clock: app.clock,
    changes: app.changes,
    closeGrants: grants.closeOpenGrants,
  });
  await app.register(destinationsRoutes, { service });
  return { registerProposed: service.registerProposed };
}
