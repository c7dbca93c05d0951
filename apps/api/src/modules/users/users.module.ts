// People who sign in, and their roles.
import type { FastifyInstance } from 'fastify';

import { createUsersRepository } from './users.repository.ts';
import { usersRoutes } from './users.routes.ts';
import { createUsersService } from './users.service.ts';

export async function usersModule(app: FastifyInstance): Promise<void> {
  const service = createUsersService({
    db: app.db,
    repo: createUsersRepository(app.db),
    audit: app.audit,
    clock: app.clock,
  });
  await app.register(usersRoutes, { service });
}
