import {
  CreateUserBodySchema,
  IdParamsSchema,
  pageOf,
  PageQuerySchema,
  UpdateUserBodySchema,
  UserSchema,
} from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { auditActor } from '../../platform/auth.plugin.ts';
import { errorResponses } from '../../platform/errors.ts';
import type { UsersService } from './users.service.ts';

const errors = errorResponses(400, 401, 403, 404, 409);
const tags = ['users'];

export const usersRoutes: FastifyPluginAsyncZod<{ service: UsersService }> = async (app, { service }) => {
  app.post('/api/v1/users', {
    schema: {
      operationId: 'createUser',
      tags,
      body: CreateUserBodySchema,
      response: { 201: UserSchema, ...errors },
    },
    handler: async (req, reply) =>
      reply.status(201).send(await service.create(req.body, { actor: auditActor(req), requestId: req.id })),
  });
  app.get('/api/v1/users', {
    schema: {
      operationId: 'listUsers',
      tags,
      querystring: PageQuerySchema,
      response: { 200: pageOf(UserSchema), ...errors },
    },
    handler: (req) => service.list(req.query.limit, req.query.cursor),
  });
  app.get('/api/v1/users/:id', {
    schema: {
      operationId: 'getUser',
      tags,
      params: IdParamsSchema,
      response: { 200: UserSchema, ...errors },
    },
    handler: (req) => service.get(req.params.id),
  });
  app.patch('/api/v1/users/:id', {
    schema: {
      operationId: 'updateUser',
      tags,
      summary: 'Change name, role or password, or disable',
      params: IdParamsSchema,
      body: UpdateUserBodySchema,
      response: { 200: UserSchema, ...errors },
    },
    handler: (req) => service.update(req.params.id, req.body, { actor: auditActor(req), requestId: req.id }),
  });
};
