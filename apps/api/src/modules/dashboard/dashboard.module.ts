// The dashboard's health strip (issue 18) and the Re-apply action. What it needs of other modules
// (coverage, failing webhooks) and of the engine (the target) is handed over by app.ts.
import type { Coverage, FailingWebhook } from '@egress/shared';
import type { FastifyInstance } from 'fastify';

import type { Target } from '../../reconcile/targets/target.ts';
import { createDashboardRepository } from './dashboard.repository.ts';
import { dashboardRoutes } from './dashboard.routes.ts';
import { createDashboardService } from './dashboard.service.ts';

export async function dashboardModule(
  app: FastifyInstance,
  deps: {
    target: Target;
    coverage: () => Promise<Coverage>;
    failingWebhooks: () => Promise<FailingWebhook[]>;
  },
): Promise<void> {
  const service = createDashboardService({
    db: app.db,
    repo: createDashboardRepository(app.db),
    audit: app.audit,
    clock: app.clock,
    log: app.log,
    ...deps,
  });
  await app.register(dashboardRoutes, { service });
}
