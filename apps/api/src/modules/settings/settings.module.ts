// The cluster settings (one row): a change queues a reconcile run.
import type { FastifyInstance } from 'fastify';

import { settingsRoutes } from './settings.routes.ts';
import { createSettingsService } from './settings.service.ts';

export async function settingsModule(app: FastifyInstance): Promise<void> {
  const service = createSettingsService({ db: app.db, audit: app.audit, changes: app.changes });
  await app.register(settingsRoutes, { service });
}
