import {
  ConnectionBatchSchema,
  ConnectionIngestResultSchema,
  ErrorDetailSchema,
  MAX_CONNECTION_BODY_BYTES,
} from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Counter } from 'prom-client';
import { z } from 'zod';

import { errorResponses } from '../../platform/errors.ts';
import type { UsageService } from './usage.service.ts';

const errors = errorResponses(400, 401, 403, 413, 503);

/** As for denied flows: a well-formed batch none of whose lines could be used; nothing was stored. */
const AllRejectedSchema = ConnectionIngestResultSchema.extend({
  error: z.object({
    code: z.literal('all_lines_rejected'),
    message: z.string(),
    details: z.array(ErrorDetailSchema),
    requestId: z.string(),
  }),
}).meta({ id: 'ConnectionIngestRejected' });

/** `lines` counts what collectors send, by result (the usage module registers it). */
export const usageRoutes: FastifyPluginAsyncZod<{
  service: UsageService;
  lines: Counter<'result'>;
}> = async (app, { service, lines }) => {
  app.post('/api/v1/gateway-connections', {
    bodyLimit: MAX_CONNECTION_BODY_BYTES,
    schema: {
      operationId: 'ingestGatewayConnections',
      tags: ['usage'],
      summary:
        "Report the gateways' connection lines (access-log format version 1, a JSON array); needs a token with the usage.ingest scope",
      body: ConnectionBatchSchema,
      response: { 200: ConnectionIngestResultSchema, 422: AllRejectedSchema, ...errors },
    },
    handler: async (req, reply) => {
      const { result, stored } = await service.ingest(req.body);
      lines.inc({ result: 'accepted' }, result.accepted);
      lines.inc({ result: 'duplicate' }, result.duplicates);
      lines.inc({ result: 'rejected' }, result.rejected);
      if (stored) return reply.status(200).send(result);
      return reply.status(422).send({
        ...result,
        error: {
          code: 'all_lines_rejected' as const,
          message: `every line was rejected (${result.rejected}); nothing was stored`,
          details: result.errors.map((e) => ({ field: e.field, message: e.reason })),
          requestId: req.id,
        },
      });
    },
  });
};
