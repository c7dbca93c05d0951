import { Readable } from 'node:stream';

import {
  AuditCheckpointListQuerySchema,
  AuditCheckpointListSchema,
  AuditCheckpointSchema,
  AuditEventSchema,
  AuditListQuerySchema,
  AuditVerifyBodySchema,
  AuditVerifySchema,
  pageOf,
} from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { auditActor } from '../../platform/auth.plugin.ts';
import { AppError, errorResponses } from '../../platform/errors.ts';
import type { Checkpoints } from './audit.checkpoints.ts';
import { type AuditService, CSV_HEADER, toCsvLine } from './audit.service.ts';

const errors = errorResponses(400, 401, 403, 409, 503);
const tags = ['audit'];

export const auditRoutes: FastifyPluginAsyncZod<{ service: AuditService; checkpoints: Checkpoints }> = async (
  app,
  { service, checkpoints },
) => {
  app.get('/api/v1/audit-events', {
    schema: {
      operationId: 'listAuditEvents',
      tags,
      summary: 'Audit events, newest first; ?format=csv exports every match',
      querystring: AuditListQuerySchema,
      response: { 200: z.union([pageOf(AuditEventSchema), z.string()]), ...errors },
    },
    handler: async (req, reply) => {
      if (req.query.format === 'json') return service.list(req.query);
      const query = req.query;
      async function* lines() {
        yield `${CSV_HEADER}\n`;
        for await (const e of service.all(query)) yield `${toCsvLine(e)}\n`;
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit-events.csv"')
        .send(Readable.from(lines()) as unknown as string); // streamed as is; the type provider only types JSON
    },
  });

  app.get('/api/v1/audit-events/verify', {
    schema: {
      operationId: 'verifyAuditChain',
      tags,
      summary: 'Recompute the hash chain and check it against every signed checkpoint',
      response: { 200: AuditVerifySchema, ...errors },
    },
    handler: () => checkpoints.verifyLatest(),
  });

  app.post('/api/v1/audit-events/verify', {
    schema: {
      operationId: 'verifyAuditChainAgainst',
      tags,
      summary:
        'Recompute the hash chain and check it against checkpoints given as text (kept outside the database)',
      body: AuditVerifyBodySchema,
      response: { 200: AuditVerifySchema, ...errors },
    },
    bodyLimit: 9 * 1024 * 1024,
    handler: (req) => checkpoints.verifyText(req.body.checkpoint),
  });

  app.get('/api/v1/audit-events/checkpoints', {
    schema: {
      operationId: 'listAuditCheckpoints',
      tags,
      summary: 'Signed checkpoints of the audit log, newest first',
      querystring: AuditCheckpointListQuerySchema,
      response: { 200: AuditCheckpointListSchema, ...errors },
    },
    handler: async (req) => ({
      items: await checkpoints.list(req.query.limit, req.query.before ?? null),
      publicKey: checkpoints.publicKey,
      keyId: checkpoints.keyId,
    }),
  });

  app.post('/api/v1/audit-events/checkpoints', {
    schema: {
      operationId: 'sealAuditLog',
      tags,
      summary: 'Seal the audit log now with a signed checkpoint',
      response: { 201: AuditCheckpointSchema, ...errors },
    },
    handler: async (req, reply) => {
      const checkpoint = await checkpoints.seal({ actor: auditActor(req), requestId: req.id });
      // Never null here: the audit.checkpointed row just appended is a head no checkpoint seals yet.
      if (!checkpoint)
        throw new AppError(
          'conflict',
          'another replica sealed the log at the same moment; list the checkpoints',
        );
      return reply.status(201).send(checkpoint);
    },
  });
};
