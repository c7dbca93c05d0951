// Entry point: resolve the database (external or embedded), migrate, bootstrap the first admin, listen,
// and shut down in order on SIGTERM/SIGINT (server first, then the database).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildApp } from './app.ts';
import { type Config, loadConfig } from './config.ts';
import { bootstrapAdmin } from './modules/auth/bootstrap.ts';
import { createDb, disconnectWithin } from './platform/db.ts';
import { runtimeRoleWarnings, setupRuntimeRole, withCredentials } from './platform/db-roles.ts';
import {
  describeFailure,
  type EmbeddedDatabase,
  readOrCreatePassword,
  startEmbeddedPostgres,
} from './platform/embedded-postgres.ts';
import { migrate } from './platform/migrate.ts';
import { loadOrCreateKeyFile } from './platform/secret-box.ts';

const here = dirname(fileURLToPath(import.meta.url));
/** Where the repository (and the image, which keeps its paths) has them, unless EGRESS_MIGRATIONS_DIR says otherwise. */
const CHECKOUT_MIGRATIONS = resolve(here, '../../../prisma/migrations');

/**
 * EGRESS_SECRET_KEY, or for the quick start <dataDir>/secret.key (created 0600 on the first start).
 * Replicas sharing a database must share the key: each would otherwise create its own file.
 */
async function withSecretKey(config: Config, say: (msg: string) => void): Promise<Config> {
  if (config.secretKey) return config;
  const path = resolve(config.dataDir, 'secret.key');
  const { key, created } = await loadOrCreateKeyFile(path);
  say(
    `${created ? 'created' : 'using'} the secret key file ${path}; set EGRESS_SECRET_KEY instead when several replicas share a database`,
  );
  return { ...config, secretKey: key };
}

const RUNTIME_ROLE = 'egress_app';

/**
 * Migrates as the owner role and returns the URL the server runs with: a role that owns nothing.
 * Embedded: migrations as postgres, the server as egress_app (password in the data folder). External:
 * migrations as EGRESS_MIGRATION_DATABASE_URL when set (else DATABASE_URL, with a warning below).
 */
async function prepareDatabase(
  config: Config,
  embedded: EmbeddedDatabase | null,
  say: (msg: string) => void,
): Promise<string> {
  const ownerUrl = embedded?.url ?? config.migrationDatabaseUrl ?? config.databaseUrl ?? '';
  const migrations = await migrate(ownerUrl, config.migrationsDir ?? CHECKOUT_MIGRATIONS).catch(
    (error: unknown) => {
      // The first use of the database URL: say which database failed, without its credentials.
      throw new Error(
        `cannot migrate the database at ${databaseLocation(ownerUrl)} (${config.migrationDatabaseUrl ? 'EGRESS_MIGRATION_DATABASE_URL' : 'DATABASE_URL'}): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    },
  );
  say(`migrations: ${migrations.applied.length} applied, ${migrations.alreadyApplied} already present`);
  let databaseUrl = config.databaseUrl ?? '';
  if (embedded) {
    const password = await readOrCreatePassword(resolve(config.dataDir, 'postgres-app-password'));
    await setupRuntimeRole(ownerUrl, RUNTIME_ROLE, password);
    databaseUrl = withCredentials(ownerUrl, RUNTIME_ROLE, password);
    say(
      `the server connects as the database role ${RUNTIME_ROLE}, which owns nothing; migrations ran as the owner`,
    );
  } else if (config.migrationDatabaseUrl && config.databaseUrl) {
    await setupRuntimeRole(ownerUrl, decodeURIComponent(new URL(config.databaseUrl).username), null);
  }
  for (const warning of await runtimeRoleWarnings(databaseUrl)) warn(warning);
  return databaseUrl;
}

function warn(msg: string): void {
  process.stdout.write(`${JSON.stringify({ level: 40, time: Date.now(), msg })}\n`);
}

/** host:port/database of a PostgreSQL URL, for messages (never the user or password). */
function databaseLocation(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'an unparseable URL';
  }
}

async function main(): Promise<void> {
  const say = (msg: string) =>
    process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg })}\n`);
  const config = await withSecretKey(loadConfig(), say);
  let embedded: EmbeddedDatabase | null = null;
  if (!config.databaseUrl) embedded = await startEmbeddedPostgres(resolve(config.dataDir), say);
  const databaseUrl = await prepareDatabase(config, embedded, say);

  const db = createDb(databaseUrl, config.dbPoolSize);
  const app = await buildApp({ config, db, databaseUrl });
  const admin = await bootstrapAdmin(db, app.audit, config.adminEmail, config.adminPassword);
  if (admin?.generatedPassword) {
    // Printed once, on the first start only; it is stored only as an argon2id hash.
    process.stdout.write(
      `\n  First admin created: ${admin.email}\n  Password (shown once): ${admin.generatedPassword}\n\n`,
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    if (!(await disconnectWithin(db, 5_000)))
      app.log.warn(
        'the database pool did not close within 5 s (a connection lost mid-query); exiting anyway',
      );
    if (embedded) await embedded.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    `Egress Control console: http://${config.host}:${config.port}/  (API docs at /api/docs, target: ${config.target})`,
  );
}

main().catch((error: unknown) => {
  // One readable line (never "undefined"), then the details for whoever debugs it.
  process.stderr.write(`egress-control could not start: ${describeFailure(error)}\n`);
  if (error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
