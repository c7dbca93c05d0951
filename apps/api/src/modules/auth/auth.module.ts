// Sign-in: sessions, password sign-in with its throttle, and OIDC when it is configured.
import type { FastifyInstance } from 'fastify';

import { type AuthRepository, createAuthRepository } from './auth.repository.ts';
import { authRoutes } from './auth.routes.ts';
import { createAuthService } from './auth.service.ts';
import { createLoginThrottle } from './login-throttle.ts';
import { OIDC_CALLBACK_PATH, oidcRoutes } from './oidc.routes.ts';
import { createOidcService } from './oidc.service.ts';
import { createOidcAccounts } from './oidc-accounts.ts';
import { createOidcClient } from './oidc-client.ts';
import { createOidcLogins } from './oidc-logins.ts';
import { createSessions, type Sessions } from './sessions.ts';

function oidcService(app: FastifyInstance, repo: AuthRepository, sessions: Sessions) {
  const { oidc, publicUrl } = app.config;
  if (!oidc) return null;
  const client = createOidcClient({ oidc, redirectUri: `${publicUrl}${OIDC_CALLBACK_PATH}`, log: app.log });
  const logins = createOidcLogins({ repo, clock: app.clock });
  return createOidcService({
    db: app.db,
    audit: app.audit,
    sessions,
    logins,
    accounts: createOidcAccounts(repo),
    client,
    oidc,
    log: app.log,
  });
}

export async function authModule(app: FastifyInstance): Promise<void> {
  const repo = createAuthRepository(app.db);
  const sessions = createSessions({
    repo,
    audit: app.audit,
    clock: app.clock,
    sessionTtlMs: app.config.sessionTtlMs,
  });
  const service = createAuthService({ db: app.db, repo, audit: app.audit, sessions });
  const throttle = createLoginThrottle({
    max: app.config.loginFailuresPerAddress,
    windowMs: 60_000,
    now: () => app.clock.now(),
  });
  await app.register(oidcRoutes, { service: oidcService(app, repo, sessions) });
  await app.register(authRoutes, { service, throttle });
}
