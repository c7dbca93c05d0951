// A fresh, migrated and seeded database for a benchmark: TEST_DATABASE_URL's server when set (a
// superuser URL, as for the API tests), else the API tests' embedded PostgreSQL in a temporary folder.
// Each step registers its own cleanup, run newest first by the caller (also on Ctrl-C).
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { createDb, type Db } from '../../apps/api/src/platform/db.ts';
import { migrate } from '../../apps/api/src/platform/migrate.ts';
import { startTestPostgres } from '../../apps/api/test/setup/postgres.ts';
import { seed } from './seed.ts';

export type Cleanups = (() => Promise<unknown>)[];

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const MIGRATIONS = join(ROOT, 'prisma/migrations');

export interface SeededDatabase {
  databaseUrl: string;
  dbName: string;
  /** A small pool for the benchmark's own queries (the API under test opens its own). */
  db: Db;
  data: Awaited<ReturnType<typeof seed>>;
  seedSeconds: number;
}

/** A new, migrated database (dropped by its cleanup) and a small pool on it for the benchmark's own queries. */
export async function freshDatabase(
  cleanups: Cleanups,
  name: string,
): Promise<{ databaseUrl: string; db: Db }> {
  const pgServer = await startTestPostgres();
  cleanups.push(() => pgServer.stop());
  const admin = createDb(pgServer.adminUrl, 1);
  cleanups.push(() => admin.$disconnect());
  await admin.$executeRawUnsafe(`CREATE DATABASE ${name}`);
  cleanups.push(() => admin.$executeRawUnsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(pgServer.adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await migrate(databaseUrl, MIGRATIONS);
  const db = createDb(databaseUrl, 4);
  cleanups.push(() => db.$disconnect());
  return { databaseUrl, db };
}

export async function seededDatabase(cleanups: Cleanups): Promise<SeededDatabase> {
  const dbName = `egress_bench_${process.pid}`;
  const { databaseUrl, db } = await freshDatabase(cleanups, dbName);
  const t0 = performance.now();
  const data = await seed(db);
  return { databaseUrl, dbName, db, data, seedSeconds: (performance.now() - t0) / 1000 };
}

/** PostgreSQL's version and fsync setting, for the report header. */
export async function postgresInfo(db: Db): Promise<{ version: string; fsync: string } | undefined> {
  const [pg] = await db.$queryRawUnsafe<{ version: string; fsync: string }[]>(
    `SELECT split_part(version(), ' on ', 1) AS version, current_setting('fsync') AS fsync`,
  );
  return pg;
}

/**
 * Waits until no reconcile run is queued or running: the API's reconciler compiles the desired state of
 * every grant after a change (and at start-up), in the API process, even with EGRESS_TARGET=none.
 */
export async function settle(db: Db): Promise<void> {
  // A change queues its run right after its commit; give that row a moment to appear.
  await new Promise((done) => setTimeout(done, 1_500));
  for (let i = 0; i < 120; i++) {
    const [row] = await db.$queryRaw<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM reconcile_runs WHERE status IN ('queued', 'running')`;
    if (!row?.n) return;
    await new Promise((done) => setTimeout(done, 500));
  }
}

/**
 * Runs a benchmark's body and then its cleanups, newest first; also on Ctrl-C / SIGTERM (exit 130) and
 * when the run passes `deadlineMs` (exit 2), so no database or server is left behind. Resolves to the
 * body's exit code.
 */
export async function runWithCleanups(
  deadlineMs: number,
  body: (cleanups: Cleanups) => Promise<number>,
): Promise<number> {
  const say = (msg: string) => process.stdout.write(`${msg}\n`);
  const cleanups: Cleanups = [];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse())
      await fn().catch((e: unknown) => say(`cleanup: ${String(e)}`));
  };
  const deadline = setTimeout(() => {
    say(`the benchmark passed its ${deadlineMs / 60_000}-minute deadline; stopping`);
    void cleanup().finally(() => process.exit(2));
  }, deadlineMs);
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  try {
    return await body(cleanups);
  } finally {
    await cleanup();
    clearTimeout(deadline);
  }
}
