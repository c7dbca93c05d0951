import {
  BlockedEgressGroupSchema,
  BlockedEgressQuerySchema,
  ErrorDetailSchema,
  FlowIngestBodySchema,
  type FlowIngestError,
  FlowIngestResultSchema,
  pageOf,
} from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Counter } from 'prom-client';
import { z } from 'zod';

import { auditActor, requireActor } from '../../platform/auth.plugin.ts';
import { errorResponses } from '../../platform/errors.ts';
import type { FlowsService } from './flows.service.ts';

const errors = errorResponses(400, 401, 403);
/** 5,000 Calico flow log records (about 1.5 KB each as Felix writes them) with room to spare. */
const INGEST_BODY_LIMIT = 16 * 1024 * 1024;

/**
 * 422 is not request validation (a bad envelope is a 400): the batch was well-formed but not one of its
 * records could be used, so nothing was stored. The body is the usual result, so a collector reads the
 * reasons the same way, plus the error envelope's `error` for clients that look only at that.
 */
const AllRejectedSchema = FlowIngestResultSchema.extend({
  error: z.object({
    code: z.literal('all_records_rejected'),
    message: z.string(),
    details: z.array(ErrorDetailSchema),
    requestId: z.string(),
  }),
}).meta({ id: 'FlowIngestRejected' });

/** "records[3].destPort: must be …" → {field: "body.records[3].destPort", message: "must be …"}. */
function detailOf(e: FlowIngestError) {
  const colon = e.reason.indexOf(': ');
  return { field: `body.${e.reason.slice(0, colon)}`, message: e.reason.slice(colon + 2) };
}

/** `records` counts what collectors send, by result (the flows module registers it). */
export const flowsRoutes: FastifyPluginAsyncZod<{
  service: FlowsService;
  records: Counter<'result'>;
}> = async (app, { service, records }) => {
  app.post('/api/v1/flows', {
    bodyLimit: INGEST_BODY_LIMIT,
    schema: {
      operationId: 'ingestFlows',
      tags: ['flows'],
      summary:
        'Report denied flows (Calico, Hubble or generic records); needs a token with the flows.ingest scope',
      body: FlowIngestBodySchema,
      response: { 200: FlowIngestResultSchema, 422: AllRejectedSchema, ...errors },
    },
    handler: async (req, reply) => {
      const { tokenId } = requireActor(req);
      const { result, stored } = await service.ingest(req.body.format, req.body.records, {
        actor: auditActor(req),
        tokenId,
        requestId: req.id,
      });
      records.inc({ result: 'accepted' }, result.accepted);
      records.inc({ result: 'rejected' }, result.rejected);
      if (stored) return reply.status(200).send(result);
      const message = `every record was rejected (${result.rejected}); nothing was stored`;
      return reply.status(422).send({
        ...result,
        error: {
          code: 'all_records_rejected' as const,
          message,
          details: result.errors.map(detailOf),
          requestId: req.id,
        },
      });
    },
  });

  app.get('/api/v1/blocked-egress', {
    schema: {
      operationId: 'listBlockedEgress',
      tags: ['flows'],
      summary: 'Denied egress grouped by source and destination, most recently seen first',
      querystring: BlockedEgressQuerySchema,
      response: { 200: pageOf(BlockedEgressGroupSchema), ...errors },
    },
    handler: (req) => service.listBlocked(req.query),
  });
};
