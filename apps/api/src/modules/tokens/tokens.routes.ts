import {
  CreatedTokenSchema,
  CreateTokenBodySchema,
  IdParamsSchema,
  pageOf,
  PageQuerySchema,
  TokenSchema,
} from '@egress/shared';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { auditActor, requireActor } from '../../platform/auth.plugin.ts';
import { errorResponses } from '../../platform/errors.ts';
import type { TokensService } from './tokens.service.ts';

const errors = errorResponses(400, 401, 403, 404);
const tags = ['tokens'];
const ctx = (req: FastifyRequest) => ({ user: requireActor(req), actor: auditActor(req), requestId: req.id });
const TokenListQuerySchema = PageQuerySchema.extend({
  all: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .meta({ description: "Every user's tokens (admin)." }),
});

export const tokensRoutes: FastifyPluginAsyncZod<{ service: TokensService }> = async (app, { service }) => {
  app.post('/api/v1/tokens', {
    schema: {
      operationId: 'createToken',
      tags,
      summary: 'Create an API token; the secret is shown only in this response',
      body: CreateTokenBodySchema,
      response: { 201: CreatedTokenSchema, ...errors },
    },
    handler: async (req, reply) => reply.status(201).send(await service.create(req.body, ctx(req))),
  });
  app.get('/api/v1/tokens', {
    schema: {
      operationId: 'listTokens',
      tags,
      querystring: TokenListQuerySchema,
      response: { 200: pageOf(TokenSchema), ...errors },
    },
    handler: (req) => service.list(requireActor(req), req.query.all, req.query.limit, req.query.cursor),
  });
  app.delete('/api/v1/tokens/:id', {
    schema: {
      operationId: 'revokeToken',
      tags,
      params: IdParamsSchema,
      response: { 204: z.null(), ...errors },
    },
    handler: async (req, reply) => {
      await service.revoke(req.params.id, ctx(req));
      return reply.status(204).send(null);
    },
  });
};
