// Liveness, readiness (the database answers) and the Prometheus metrics of this replica.
import type { FastifyInstance } from 'fastify';

import { healthRoutes } from './health.routes.ts';

export async function healthModule(app: FastifyInstance): Promise<void> {
  await app.register(healthRoutes);
}
