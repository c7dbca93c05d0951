import { ExplainQuerySchema, ExplainSchema } from '@egress/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { errorResponses } from '../../platform/errors.ts';
import { observeTarget } from '../../reconcile/observe.ts';
import { createDesiredStateCache } from './desired-cache.ts';
import { createExplainRepository } from './explain.repository.ts';
import { createExplainService } from './explain.service.ts';

const errors = errorResponses(400, 401, 403, 404);

// Registered after the reconcile module: it compiles the same input as the reconciler (the target's readiness),
// kept between questions until a change (desired-cache.ts).
export const explainModule: FastifyPluginAsyncZod = async (app) => {
  const target = app.reconciler.target;
  const repo = createExplainRepository(app.db);
  const cache = createDesiredStateCache({
    db: app.db,
    repo,
    observe: (snapshot) => observeTarget(target, snapshot, app.log),
    changes: app.changes,
    clock: app.clock,
  });
  app.addHook('onClose', async () => cache.close());
  const service = createExplainService({ repo, cache, clock: app.clock, publicUrl: app.config.publicUrl });

  app.get('/api/v1/explain', {
    schema: {
      operationId: 'explain',
      tags: ['explain'],
      summary:
        'Whether a service can reach host:port now (allowed, denied, open), each check on the way, and what would change it',
      querystring: ExplainQuerySchema,
      response: { 200: ExplainSchema, ...errors },
    },
    handler: (req) => service.explain(req.query),
  });
};
