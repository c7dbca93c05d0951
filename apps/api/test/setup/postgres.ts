// A real PostgreSQL for tests: TEST_DATABASE_URL when set (CI starts Debian's server), otherwise an
// embedded server in a temporary folder, started once per test run.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

import { loadEmbeddedPostgres } from '../../src/platform/embedded-postgres.ts';
import { privateFolderProblem } from '../../src/platform/private-folder.ts';

export interface TestServer {
  /** URL of the server's maintenance database (used to create and drop test databases). */
  adminUrl: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export async function startTestPostgres(): Promise<TestServer> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) return { adminUrl: external, stop: async () => undefined };
  // The binaries are copied out of a private checkout by loadEmbeddedPostgres; the data must be reachable.
  const problem = privateFolderProblem(
    [{ what: 'its data folder (TMPDIR)', path: tmpdir() }],
    userInfo().uid,
  );
  if (problem) throw new Error(`${problem} (or set TEST_DATABASE_URL)`);
  const dir = await mkdtemp(join(tmpdir(), 'egress-test-pg-'));
  // As root the server runs as the "postgres" user, which must be able to enter the folder.
  await chmod(dir, 0o755);
  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=300',
    ],
    onLog: () => undefined,
  });
  await pg.initialise();
  await pg.start();
  return {
    adminUrl: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
