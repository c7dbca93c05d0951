import { CoverageSchema } from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { errorResponses } from '../../platform/errors.ts';
import type { CoverageService } from './coverage.service.ts';

const errors = errorResponses(401, 403);

export const coverageRoutes: FastifyPluginAsyncZod<{ service: CoverageService }> = async (
  app,
  { service },
) => {
  app.get('/api/v1/coverage', {
    schema: {
      operationId: 'getCoverage',
      tags: ['coverage'],
      summary:
        'Each namespace of the cluster: whether it gets the default-deny-internet policy, why, and the services registered in it',
      response: { 200: CoverageSchema, ...errors },
    },
    handler: () => service.coverage(),
  });
};
