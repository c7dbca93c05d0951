import {
  IdParamsSchema,
  ManifestsQuerySchema,
  pageOf,
  ReconcileAcceptedSchema,
  ReconcileBodySchema,
  ReconcileRunDetailSchema,
  ReconcileRunListQuerySchema,
  ReconcileRunSchema,
  ReconcileStatusReportSchema,
} from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { requireActor } from '../../platform/auth.plugin.ts';
import { errorResponses } from '../../platform/errors.ts';
import type { ReconcileService } from './reconcile.service.ts';

const errors = errorResponses(400, 401, 403, 404);
const tags = ['reconcile'];
const KubernetesObjectSchema = z
  .looseObject({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: z.object({
      name: z.string(),
      namespace: z.string().optional(),
      labels: z.record(z.string(), z.string()),
      annotations: z.record(z.string(), z.string()),
    }),
  })
  .meta({
    id: 'KubernetesObject',
    description: 'A Kubernetes object as the compiler renders it (spec, data and other fields pass through).',
  });

/** The reconcile API: desired manifests, runs, live status. The reconciler itself is wired in reconcile.module.ts. */
export const reconcileRoutes: FastifyPluginAsyncZod<{ service: ReconcileService }> = async (
  app,
  { service },
) => {
  app.get('/api/v1/manifests', {
    schema: {
      operationId: 'getManifests',
      tags,
      summary:
        'The desired Kubernetes objects; ?format=yaml for a multi-document stream; ?format=input for the compiler input (egressctl render --offline)',
      querystring: ManifestsQuerySchema,
      response: {
        200: z.union([
          z.object({ items: z.array(KubernetesObjectSchema) }),
          z.string(),
          z.looseObject({ settings: z.unknown() }),
        ]),
        ...errors,
      },
    },
    handler: async (req, reply) => {
      if (req.query.format === 'yaml')
        return reply.type('text/yaml; charset=utf-8').send(await service.manifestsYaml());
      if (req.query.format === 'input') return { ...(await service.input()) };
      return { items: await service.manifests() };
    },
  });
  app.post('/api/v1/reconcile', {
    schema: {
      operationId: 'reconcile',
      tags,
      summary: 'Queue a reconcile run (dryRun: report what would change)',
      body: ReconcileBodySchema,
      response: { 202: ReconcileAcceptedSchema, ...errors },
    },
    handler: async (req, reply) =>
      reply
        .status(202)
        .send({ runId: await service.request(req.body?.dryRun ?? false, requireActor(req).email) }),
  });
  app.get('/api/v1/reconcile/runs', {
    schema: {
      operationId: 'listReconcileRuns',
      tags,
      querystring: ReconcileRunListQuerySchema,
      response: { 200: pageOf(ReconcileRunSchema), ...errors },
    },
    handler: (req) => service.list(req.query.limit, req.query.cursor, req.query.status),
  });
  app.get('/api/v1/reconcile/status', {
    schema: {
      operationId: 'getReconcileStatus',
      tags,
      summary:
        'The live state compared with the desired one: drift (missing, outdated, modified by someone else, extra) and gateway readiness',
      response: { 200: ReconcileStatusReportSchema, ...errors },
    },
    handler: () => service.status(),
  });
  app.get('/api/v1/reconcile/runs/:id', {
    schema: {
      operationId: 'getReconcileRun',
      tags,
      params: IdParamsSchema,
      response: { 200: ReconcileRunDetailSchema, ...errors },
    },
    handler: (req) => service.get(req.params.id),
  });
};
