// "Can this service reach that host?": answered from the compiled desired state, the same input the
// reconciler compiles (the target's readiness and addresses), kept between questions until a change
// (desired-cache.ts).
import type { FastifyInstance } from 'fastify';

import { observeTarget } from '../../reconcile/observe.ts';
import type { Target } from '../../reconcile/targets/target.ts';
import { createDesiredStateCache } from './desired-cache.ts';
import { createExplainRepository } from './explain.repository.ts';
import { explainRoutes } from './explain.routes.ts';
import { createExplainService } from './explain.service.ts';

export async function explainModule(app: FastifyInstance, deps: { target: Target }): Promise<void> {
  const repo = createExplainRepository(app.db);
  const cache = createDesiredStateCache({
    db: app.db,
    repo,
    observe: (snapshot) => observeTarget(deps.target, snapshot, app.log),
    changes: app.changes,
    clock: app.clock,
  });
  app.addHook('onClose', async () => cache.close());
  const service = createExplainService({ repo, cache, clock: app.clock, publicUrl: app.config.publicUrl });
  await app.register(explainRoutes, { service });
}
