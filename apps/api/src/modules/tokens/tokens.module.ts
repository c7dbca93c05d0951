// API tokens for pipelines, the CLI and flow collectors.
import type { FastifyInstance } from 'fastify';

import { createTokensRepository } from './tokens.repository.ts';
import { tokensRoutes } from './tokens.routes.ts';
import { createTokensService } from './tokens.service.ts';

export async function tokensModule(app: FastifyInstance): Promise<void> {
  const service = createTokensService({
    db: app.db,
    repo: createTokensRepository(app.db),
    audit: app.audit,
    clock: app.clock,
  });
  await app.register(tokensRoutes, { service });
}
