import { GrantActivityQuerySchema, GrantActivitySchema, StatsSummarySchema } from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { errorResponses } from '../../platform/errors.ts';
import type { StatsService } from './stats.service.ts';

const errors = errorResponses(400, 401, 403);
const tags = ['stats'];

export const statsRoutes: FastifyPluginAsyncZod<{ service: StatsService }> = async (app, { service }) => {
  app.get('/api/v1/stats/summary', {
    schema: {
      operationId: 'statsSummary',
      tags,
      summary: 'Counts for the dashboard',
      response: { 200: StatsSummarySchema, ...errors },
    },
    handler: () => service.summary(),
  });
  app.get('/api/v1/stats/grant-activity', {
    schema: {
      operationId: 'grantActivity',
      tags,
      summary: 'Requests and decisions per day',
      querystring: GrantActivityQuerySchema,
      response: { 200: GrantActivitySchema, ...errors },
    },
    handler: (req) => service.grantActivity(req.query.days),
  });
};
