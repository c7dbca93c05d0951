import { MarkSeenBodySchema, NotificationListQuerySchema, NotificationListSchema } from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { requireActor } from '../../platform/auth.plugin.ts';
import { errorResponses } from '../../platform/errors.ts';
import type { NotificationsService } from './notifications.service.ts';

const errors = errorResponses(400, 401, 403);
const tags = ['grants'];

export const notificationsRoutes: FastifyPluginAsyncZod<{ service: NotificationsService }> = async (
  app,
  { service },
) => {
  app.get('/api/v1/me/notifications', {
    schema: {
      operationId: 'listMyNotifications',
      tags,
      summary: 'Decisions on the requests I filed (approvals, rejections, revocations, expiry), newest first',
      querystring: NotificationListQuerySchema,
      response: { 200: NotificationListSchema, ...errors },
    },
    handler: (req) => service.list(requireActor(req).userId, req.query.limit),
  });

  app.post('/api/v1/me/notifications/seen', {
    schema: {
      operationId: 'markNotificationsSeen',
      tags,
      summary: 'Mark my decision notifications seen up to a time (default now)',
      body: MarkSeenBodySchema,
      response: { 204: z.null(), ...errors },
    },
    handler: async (req, reply) => {
      await service.markSeen(requireActor(req).userId, req.body?.at);
      return reply.status(204).send(null);
    },
  });
};
