import {
  DiscoveredEgressQuerySchema,
  ImpactQuerySchema,
  ImpactSchema,
  pageOf,
  UngrantedTrafficSchema,
} from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { errorResponses } from '../../platform/errors.ts';
import type { DiscoveryService } from './discovery.service.ts';

const errors = errorResponses(400, 401, 403, 404);
const tags = ['discovery'];

export const discoveryRoutes: FastifyPluginAsyncZod<{ service: DiscoveryService }> = async (
  app,
  { service },
) => {
  app.get('/api/v1/discovered-egress', {
    schema: {
      operationId: 'listDiscoveredEgress',
      tags,
      summary:
        '(service, host, port) seen without a grant: denied flows and observe-mode usage, newest first',
      querystring: DiscoveredEgressQuerySchema,
      response: { 200: pageOf(UngrantedTrafficSchema), ...errors },
    },
    handler: (req) => service.list(req.query),
  });
  app.get('/api/v1/impact', {
    schema: {
      operationId: 'getImpact',
      tags,
      summary:
        'What recent traffic an action would refuse: revoke a grant, enforce a destination or a namespace',
      querystring: ImpactQuerySchema,
      response: { 200: ImpactSchema, ...errors },
    },
    handler: (req) => service.impact(req.query),
  });
};
