// Alert rules on denied egress, the alerts they raise, and the evaluator the flows module runs after an ingest.
import type { FastifyInstance } from 'fastify';

import { createAlertRulesService } from './alert-rules.service.ts';
import { createAlertEvaluator } from './alerts.evaluate.ts';
import { createAlertsRepository } from './alerts.repository.ts';
import { alertsRoutes } from './alerts.routes.ts';
import { createAlertsService } from './alerts.service.ts';

export async function alertsModule(app: FastifyInstance) {
  const repo = createAlertsRepository(app.db);
  const rules = createAlertRulesService({ db: app.db, repo, audit: app.audit });
  const alerts = createAlertsService({ db: app.db, repo, audit: app.audit, clock: app.clock });
  await app.register(alertsRoutes, { rules, alerts });
  return { evaluator: createAlertEvaluator({ db: app.db, repo, audit: app.audit, clock: app.clock }) };
}
