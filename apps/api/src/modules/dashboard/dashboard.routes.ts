import { HealthStripSchema, ReapplyAcceptedSchema, ReapplyBodySchema } from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { auditActor } from '../../platform/auth.plugin.ts';
import { errorResponses } from '../../platform/errors.ts';
import type { DashboardService } from './dashboard.service.ts';

const errors = errorResponses(400, 401, 403);
const tags = ['dashboard'];

export const dashboardRoutes: FastifyPluginAsyncZod<{ service: DashboardService }> = async (
  app,
  { service },
) => {
  app.get('/api/v1/dashboard/health', {
    schema: {
      operationId: 'dashboardHealth',
      tags,
      summary:
        "The lead's health strip in one call: enforcement coverage, drift (live and healed lately), failing webhooks, grants expiring within 72 h, active port-wide grants",
      response: { 200: HealthStripSchema, ...errors },
    },
    handler: () => service.health(),
  });
  app.post('/api/v1/drift/reapply', {
    schema: {
      operationId: 'reapplyDrift',
      tags,
      summary:
        'Queue a reconcile run that reads the cluster and puts the desired state back (drift); audited with the optional reason',
      body: ReapplyBodySchema,
      response: { 202: ReapplyAcceptedSchema, ...errors },
    },
    handler: async (req, reply) =>
      reply
        .status(202)
        .send(await service.reapply({ actor: auditActor(req), requestId: req.id, reason: req.body?.reason })),
  });
};
