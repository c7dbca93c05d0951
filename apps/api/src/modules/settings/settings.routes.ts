import { SettingsPatchSchema, SettingsSchema } from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { auditActor, requireActor } from '../../platform/auth.plugin.ts';
import { errorResponses } from '../../platform/errors.ts';
import type { SettingsService } from './settings.service.ts';

const errors = errorResponses(400, 401, 403);
const tags = ['settings'];

export const settingsRoutes: FastifyPluginAsyncZod<{ service: SettingsService }> = async (
  app,
  { service },
) => {
  app.get('/api/v1/settings', {
    schema: {
      operationId: 'getSettings',
      tags,
      summary: 'Cluster settings used by the compiler',
      response: { 200: SettingsSchema, ...errors },
    },
    handler: () => service.get(),
  });
  app.patch('/api/v1/settings', {
    schema: {
      operationId: 'updateSettings',
      tags,
      summary: 'Change some settings; the rest keep their values',
      body: SettingsPatchSchema,
      response: { 200: SettingsSchema, ...errors },
    },
    handler: (req) =>
      service.update(req.body, {
        actor: auditActor(req),
        userId: requireActor(req).userId,
        requestId: req.id,
      }),
  });
};
