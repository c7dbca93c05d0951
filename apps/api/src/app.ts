// Builds the Fastify application: external plugins -> platform plugins -> modules -> workers. No listening
// here (server.ts does that), so tests drive the same app through inject(). This file is the one place
// that knows every module: what one module needs of another is passed here, never imported.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';

import type { Config } from './config.ts';
import { alertsModule } from './modules/alerts/alerts.module.ts';
import { auditModule } from './modules/audit/audit.module.ts';
import { authModule } from './modules/auth/auth.module.ts';
import { dashboardModule } from './modules/dashboard/dashboard.module.ts';
import { destinationsModule } from './modules/destinations/destinations.module.ts';
import { discoveryModule } from './modules/discovery/discovery.module.ts';
import { explainModule } from './modules/explain/explain.module.ts';
import { flowsModule } from './modules/flows/flows.module.ts';
import { grantsModule } from './modules/grants/grants.module.ts';
import type { RegisterDestination } from './modules/grants/grants.service.ts';
import { healthModule } from './modules/health/health.module.ts';
import { coverageModule } from './modules/namespace-coverage/coverage.module.ts';
import { reconcileModule } from './modules/reconcile/reconcile.module.ts';
import { servicesModule } from './modules/services/services.module.ts';
import { settingsModule } from './modules/settings/settings.module.ts';
import { statsModule } from './modules/stats/stats.module.ts';
import { tokensModule } from './modules/tokens/tokens.module.ts';
import { usageModule } from './modules/usage/usage.module.ts';
import type { PodAddresses } from './modules/usage/usage.service.ts';
import { usersModule } from './modules/users/users.module.ts';
import type { Dispatcher } from './modules/webhooks/webhook-dispatcher.worker.ts';
import { webhooksModule } from './modules/webhooks/webhooks.module.ts';
import { type AuditLog, createAuditLog } from './platform/audit.ts';
import { authPluginFp } from './platform/auth.plugin.ts';
import { type Changes, createChanges } from './platform/changes.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import type { Db } from './platform/db.ts';
import { errorsPluginFp, sendError } from './platform/errors.plugin.ts';
import { AppError } from './platform/errors.ts';
import { createIdentity } from './platform/identity.ts';
import { createMetrics, type Metrics } from './platform/metrics.ts';
import { openapiPluginFp } from './platform/openapi.plugin.ts';
import { verifySecretKey } from './platform/secret-key-check.ts';
import { runWorkers, type Worker } from './platform/worker.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Db;
    databaseUrl: string;
    audit: AuditLog;
    clock: Clock;
    changes: Changes;
    metrics: Metrics;
    /** What runs in the background on this replica, by name (tests drain the webhook dispatcher). */
    workers: Workers;
  }
}

/** The background loops of every replica; the reconciler (leader only) is the reconcile module's. */
export type Workers = {
  auditSeal: Worker | null;
  grantExpiry: Worker;
  flowRetention: Worker;
  webhookDispatcher: Dispatcher;
  usageRetention: Worker;
  unusedGrants: Worker;
};

export interface AppDeps {
  config: Config;
  db: Db;
  /** The database the app talks to (the leader lock holds its own connection to it). */
  databaseUrl: string;
  clock?: Clock;
  logger?: FastifyServerOptions['logger'];
  /** Tests and benchmarks: a filled pod address index instead of the kubernetes target's pod watch. */
  podAddresses?: PodAddresses;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const here = dirname(fileURLToPath(import.meta.url));

function registerPlatform(app: FastifyInstance, deps: AppDeps) {
  const clock = deps.clock ?? systemClock;
  app.decorate('config', deps.config);
  app.decorate('db', deps.db);
  app.decorate('databaseUrl', deps.databaseUrl);
  app.decorate('clock', clock);
  app.decorate('audit', createAuditLog({ db: deps.db, clock }));
  app.decorate('changes', createChanges());
  app.decorate('metrics', createMetrics());
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // A POST without a body is fine for actions whose body is optional (approve, cancel).
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new AppError('invalid_json', 'the request body is not valid JSON'), undefined);
    }
  });
  app.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    app.metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}

/**
 * Each module builds its repository, service, workers and metrics and registers its routes; what one
 * needs of another is handed over here. Returns the workers, started on ready and stopped on close.
 */
async function registerModules(app: FastifyInstance, deps: AppDeps): Promise<Workers> {
  await healthModule(app);
  await authModule(app);
  await usersModule(app);
  await tokensModule(app);
  // Approving a request that proposes a destination registers it (issue 18): the destinations module is
  // built after grants (it needs closeOpenGrants), so the registrar is handed over once it exists.
  const registrar: { register?: RegisterDestination } = {};
  const grants = await grantsModule(app, {
    registerDestination: () => {
      if (!registrar.register) throw new Error('the destinations module is not registered yet');
      return registrar.register;
    },
  });
  await servicesModule(app, { requests: grants.service, closeOpenGrants: grants.closeOpenGrants });
  const destinations = await destinationsModule(app, { closeOpenGrants: grants.closeOpenGrants });
  registrar.register = destinations.registerProposed;
  const audit = await auditModule(app);
  await settingsModule(app);
  await statsModule(app);
  // The engine: compiles the desired state and applies it on the lead replica (app.reconciler).
  await app.register(reconcileModule);
  const coverage = await coverageModule(app, { target: app.reconciler.target });
  await explainModule(app, { target: app.reconciler.target });
  await discoveryModule(app);
  // Denied flows -> alerts -> webhooks: an ingest evaluates the alert rules; a raised alert is an audit row,
  // which the webhooks outbox turns into a delivery in the same transaction.
  const alerts = await alertsModule(app);
  const flows = await flowsModule(app, { alerts: alerts.evaluator });
  const webhooks = await webhooksModule(app, { onSeal: audit.checkpoints.onSeal });
  // The lead's health strip reads coverage, failing webhooks and the target's live comparison.
  await dashboardModule(app, {
    target: app.reconciler.target,
    coverage: () => coverage.service.coverage(),
    failingWebhooks: webhooks.failing,
  });
  // Gateway connection lines -> hourly usage, read by the grants list and the unused-grant policy.
  const usage = await usageModule(app, { target: app.reconciler.target, pods: deps.podAddresses });

  const workers: Workers = {
    auditSeal: audit.sealWorker,
    grantExpiry: grants.expiryWorker,
    flowRetention: flows.retentionWorker,
    webhookDispatcher: webhooks.dispatcher,
    usageRetention: usage.retentionWorker,
    unusedGrants: grants.unusedWorker,
  };
  runWorkers(app, workers);
  return workers;
}

/** Serves the built console when present; returns whether it did. */
async function registerWeb(app: FastifyInstance, dist: string): Promise<boolean> {
  if (!existsSync(resolve(dist, 'index.html'))) {
    app.log.warn({ dist }, 'web console not built; serving the API only');
    return false;
  }
  await app.register(fastifyStatic, { root: dist, wildcard: true, index: ['index.html'] });
  return true;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? { level: deps.config.logLevel },
    trustProxy: deps.config.trustProxy,
    bodyLimit: 1024 * 1024,
    genReqId: (req) => {
      const header = req.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    },
  });
  registerPlatform(app, deps);
  // Before anything can seal or open a secret with a key the other replicas do not share.
  if (deps.config.secretKey) {
    const outcome = await verifySecretKey(
      deps.db,
      app.audit,
      deps.config.secretKey,
      deps.config.previousSecretKey,
    );
    if (typeof outcome === 'object')
      app.log.warn(
        `secret key replaced: ${outcome.rotated} webhook secrets re-encrypted; remove EGRESS_SECRET_KEY_PREVIOUS`,
      );
  }
  await app.register(errorsPluginFp);
  // Before auth: helmet sets its headers in an onRequest hook, which a 401/403 thrown by the auth hook would skip.
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        // The quick start serves plain HTTP on 127.0.0.1; TLS is terminated in front in production.
        upgradeInsecureRequests: null,
      },
    },
  });
  // Cookies are parsed in an onRequest hook, which must run before the auth hook reads them.
  await app.register(cookie);
  await app.register(authPluginFp, { identity: createIdentity({ db: deps.db, clock: app.clock }) });
  await app.register(rateLimit, { global: false });
  await app.register(openapiPluginFp);
  app.decorate('workers', await registerModules(app, deps));
  const web = await registerWeb(app, deps.config.webDist ?? resolve(here, '../../web/dist'));
  app.setNotFoundHandler((req, reply) => {
    // Client-side routes of the console (e.g. /grants/123) load the app shell.
    const wantsPage =
      req.method === 'GET' &&
      !req.url.startsWith('/api/') &&
      (req.headers.accept ?? '').includes('text/html');
    if (web && wantsPage) return reply.sendFile('index.html');
    return sendError(
      reply,
      req,
      new AppError('not_found', `no route ${req.method} ${req.url.split('?')[0] ?? ''}`),
    );
  });
  return app;
}
