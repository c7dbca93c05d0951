// The dashboard's numbers.
import type { FastifyInstance } from 'fastify';

import { createStatsRepository } from './stats.repository.ts';
import { statsRoutes } from './stats.routes.ts';
import { createStatsService } from './stats.service.ts';

export async function statsModule(app: FastifyInstance): Promise<void> {
  const service = createStatsService({ repo: createStatsRepository(app.db), clock: app.clock });
  await app.register(statsRoutes, { service });
}
