// Discovered egress and the impact of revoking or enforcing (issue 15): read-only views over the denied
// flows and the gateways' usage rows (written by the flows and usage modules).
import type { FastifyInstance } from 'fastify';

import { createDiscoveryRepository } from './discovery.repository.ts';
import { discoveryRoutes } from './discovery.routes.ts';
import { createDiscoveryService } from './discovery.service.ts';

export async function discoveryModule(app: FastifyInstance): Promise<void> {
  const service = createDiscoveryService({ repo: createDiscoveryRepository(app.db), clock: app.clock });
  await app.register(discoveryRoutes, { service });
}
