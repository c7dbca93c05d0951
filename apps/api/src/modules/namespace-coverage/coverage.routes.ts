import { CoverageSchema } from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { errorResponses } from '../../platform/errors.ts';
import { createCoverageService } from './coverage.service.ts';

const errors = errorResponses(401, 403);

// Registered after the reconcile module: it asks the reconciler's target for the cluster's namespaces.
export const coverageModule: FastifyPluginAsyncZod = async (app) => {
  const service = createCoverageService({ db: app.db, target: app.reconciler.target, log: app.log });

  app.get('/api/v1/coverage', {
    schema: {
      operationId: 'getCoverage',
      tags: ['coverage'],
      summary: 'Each namespace of the cluster: whether it gets the default-deny-internet policy, why, and the services registered in it',
      response: { 200: CoverageSchema, ...errors },
    },
    handler: () => service.coverage(),
  });
};
