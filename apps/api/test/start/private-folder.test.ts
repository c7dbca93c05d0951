// As root, the embedded PostgreSQL runs as the unprivileged user "postgres". From a checkout and data
// folder inside a folder only root can enter (mode 700, as mktemp -d makes it) that user cannot reach its
// binaries or its data: the binaries are then run from a copy outside the checkout and the cluster lives
// in a folder the user owns, linked from the data folder. Where that cannot work, one line says why.
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  clusterDir,
  embeddedPackages,
  importEmbeddedPostgres,
} from '../../src/platform/embedded-postgres.ts';
import {
  account,
  firstClosedFolder,
  privateFolderProblem,
  relocatedClusterDir,
  relocatedPackages,
  userCanRun,
} from '../../src/platform/private-folder.ts';
import { apiDir, freePort, login, spawnServer, startServer } from './server-process.ts';

const asRoot = process.getuid?.() === 0;
const repoRoot = resolve(apiDir, '../..');

describe('a checkout and data folder inside a private folder', () => {
  let dir = '';
  const leftovers: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'egress-private-')); // mode 700, owned by whoever runs the test
  });
  afterAll(async () => {
    for (const path of [dir, ...leftovers]) if (path) await rm(path, { recursive: true, force: true });
  });

  it('names the folder in the way, by mode bits', async () => {
    await mkdir(join(dir, 'probe', 'postgres'), { recursive: true });
    expect(firstClosedFolder(join(dir, 'probe', 'postgres'), { uid: 999_999, gid: 999_999 })).toEqual({
      folder: dir,
      mode: '700',
    });
    expect(firstClosedFolder(join(dir, 'probe'), { uid: process.getuid?.() ?? 0, gid: 999_999 })).toBeNull();
    expect(privateFolderProblem([{ what: 'its data folder', path: join(dir, 'probe') }], 1000)).toBeNull(); // not root: nothing to check
  });

  it.skipIf(!asRoot)(
    'copies the binaries once, outside, where the postgres user can run them (the test setup uses the same)',
    async () => {
      const installed = await embeddedPackages();
      // The two packages as a private checkout holds them (hard links: the same files, no 60 MB copy).
      const inside = join(dir, 'pkgs');
      await mkdir(inside);
      execFileSync('cp', ['-al', installed.wrapper, join(inside, 'embedded-postgres')]);
      execFileSync('cp', ['-al', installed.binaries, join(inside, basename(installed.binaries))]);
      const pkgs = {
        ...installed,
        wrapper: join(inside, 'embedded-postgres'),
        binaries: join(inside, basename(installed.binaries)),
      };
      expect(userCanRun('postgres', join(pkgs.binaries, 'native', 'bin', 'postgres'))).toBe(false);

      const open = await mkdtemp(join(tmpdir(), 'egress-cache-'));
      leftovers.push(open);
      await chmod(open, 0o755);
      const cacheRoot = join(open, 'cache');
      const copy = await relocatedPackages(pkgs, cacheRoot);
      const postgres = join(
        dirname(copy),
        '@embedded-postgres',
        basename(installed.binaries),
        'native',
        'bin',
        'postgres',
      );
      expect(userCanRun('postgres', postgres)).toBe(true);
      // The real binary, run by the real user, finds its libraries in the copy.
      expect(
        execFileSync('runuser', ['-u', 'postgres', '--', postgres, '--version'], { encoding: 'utf8' }),
      ).toMatch(/PostgreSQL\) \d+/);
      const root = await stat(cacheRoot);
      expect([root.uid, (root.mode & 0o777).toString(8)]).toEqual([0, '755']);
      // The wrapper loads (as root) from the copy, with its dependencies linked, and runs a real cluster
      // from it as the test setup does (initdb and postgres as the postgres user).
      const EmbeddedPostgres = await importEmbeddedPostgres(join(copy, 'dist', 'index.js'));
      const data = await mkdtemp(join(tmpdir(), 'egress-relocated-pg-'));
      leftovers.push(data);
      await chmod(data, 0o755);
      const port = await freePort();
      const pg = new EmbeddedPostgres({
        databaseDir: join(data, 'db'),
        port,
        user: 'postgres',
        password: 'postgres',
        persistent: false,
        createPostgresUser: true,
        postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
        onLog: () => undefined,
      });
      await pg.initialise();
      await pg.start();
      const client = pg.getPgClient('postgres', '127.0.0.1');
      await client.connect();
      const version = await client.query<{ server_version: string }>('SHOW server_version');
      await client.end();
      await pg.stop();
      expect(version.rows[0]?.server_version).toMatch(/^\d+/);

      // Reused: the same folder, and nothing half-written left beside it.
      expect(await relocatedPackages(pkgs, cacheRoot)).toBe(copy);
      expect(await readdir(cacheRoot)).toEqual([dirname(dirname(copy)).slice(cacheRoot.length + 1)]);
    },
    120_000,
  );

  it.skipIf(!asRoot)(
    'as root: the server starts from a private checkout, keeps its cluster outside, and finds it again',
    async () => {
      const checkout = join(dir, 'checkout');
      execFileSync('cp', ['-al', repoRoot, checkout]); // hard links: a private checkout without copying 500 MB
      const api = join(checkout, 'apps', 'api');
      const dataDir = join(dir, 'data');
      const cluster = relocatedClusterDir(dataDir);
      leftovers.push(dirname(cluster));
      const port = await freePort();

      const first = await startServer(dataDir, port, {}, api);
      const copied = /running them from a copy in ([^\s"]+)/.exec(first.output())?.[1];
      if (copied) leftovers.push(copied);
      expect(copied, first.output()).toMatch(/^\/var\/cache\/egress-control\/postgres-/);
      expect(first.output()).toContain(
        `embedded PostgreSQL's data lives in ${cluster} (linked from ${join(dataDir, 'postgres')}): the postgres user cannot enter ${dir}`,
      );
      expect(await readlink(join(dataDir, 'postgres'))).toBe(cluster);
      const owned = await stat(cluster);
      expect([owned.uid, (owned.mode & 0o777).toString(8)]).toEqual([account('postgres')?.uid, '700']);
      const password = /Password \(shown once\): (\S+)/.exec(first.output())?.[1] ?? '';
      expect(password, first.output()).not.toBe('');
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect(await login(port, password)).toBe(200);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);

      const second = await startServer(dataDir, port, {}, api);
      expect(second.output()).toContain(`embedded PostgreSQL reused at ${cluster}`);
      expect(second.output()).not.toContain('Password (shown once)');
      expect(await login(port, password)).toBe(200);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    },
    300_000,
  );

  it.skipIf(!asRoot)(
    'as root: when the cluster cannot be placed outside either, one line says why and how to fix it',
    async () => {
      const dataDir = join(dir, 'unplaceable');
      await mkdir(dataDir);
      const notAFolder = join(dir, 'a-file');
      await writeFile(notAFolder, '');
      const error = await clusterDir(dataDir, () => undefined, join(notAFolder, 'state')).catch(
        (e: unknown) => e as Error,
      );
      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message).toContain(
        `cannot enter ${dir} (mode 700), and its data could not be placed in ${join(notAFolder, 'state')}/`,
      );
      expect(message).toContain(`fix: chmod o+x ${dir}`);
      expect(message).not.toContain('\n');
      expect(await readdir(dataDir)).toEqual([]); // no symlink to nowhere left behind
    },
  );

  it.skipIf(!asRoot)(
    'as root: a cluster already inside the private folder is not moved; one line says why and how to fix it',
    async () => {
      const dataDir = join(dir, 'old-data');
      await mkdir(join(dataDir, 'postgres'), { recursive: true });
      const server = spawnServer(dataDir, await freePort());
      expect(await server.exited).toBe(1);
      const line =
        server
          .output()
          .split('\n')
          .find((l) => l.startsWith('egress-control could not start:')) ?? '';
      expect(line, server.output()).toContain(
        `which cannot enter ${dir} (mode 700) on the way to its existing data folder`,
      );
      expect(line).toContain(`fix: chmod o+x ${dir}`);
      expect(line).toContain(`or move ${join(dataDir, 'postgres')} to a folder the postgres user owns`);
      expect(server.output()).not.toContain('EACCES');
    },
    60_000,
  );
});
