// Which namespaces the policies cover, compared with the namespaces the reconcile target reports.
import type { FastifyInstance } from 'fastify';

import type { Target } from '../../reconcile/targets/target.ts';
import { createCoverageRepository } from './coverage.repository.ts';
import { coverageRoutes } from './coverage.routes.ts';
import { type CoverageService, createCoverageService } from './coverage.service.ts';

export async function coverageModule(
  app: FastifyInstance,
  deps: { target: Target },
): Promise<{ service: CoverageService }> {
  const service = createCoverageService({
    repo: createCoverageRepository(app.db),
    target: deps.target,
    log: app.log,
  });
  await app.register(coverageRoutes, { service });
  return { service };
}
