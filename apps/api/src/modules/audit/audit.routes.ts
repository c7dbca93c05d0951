import { Readable } from 'node:stream';

import { AuditEventSchema, AuditListQuerySchema, AuditVerifySchema, ErrorEnvelopeSchema, pageOf } from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { CSV_HEADER, createAuditService, toCsvLine } from './audit.service.ts';

const errors = { 400: ErrorEnvelopeSchema, 401: ErrorEnvelopeSchema, 403: ErrorEnvelopeSchema };
const tags = ['audit'];

export const auditModule: FastifyPluginAsyncZod = async (app) => {
  const service = createAuditService({ db: app.db, audit: app.audit });

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
    schema: { operationId: 'verifyAuditChain', tags, summary: 'Recompute the hash chain', response: { 200: AuditVerifySchema, ...errors } },
    handler: () => service.verify(),
  });
};
