// As root, the embedded PostgreSQL runs as the unprivileged user "postgres". From a folder only root can
// enter (mode 700, as mktemp -d makes it) that user cannot reach its data or binaries; the start must say
// so in one line, with the folder and the fix, instead of initdb's bare "Permission denied".
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { firstClosedFolder, privateFolderProblem } from '../../src/platform/private-folder.ts';
import { freePort, spawnServer } from './server-process.ts';

const asRoot = process.getuid?.() === 0;

describe('a checkout or data folder inside a private folder', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('names the folder in the way, by mode bits', async () => {
    dir = await mkdtemp(join(tmpdir(), 'egress-private-')); // mode 700, owned by whoever runs the test
    await mkdir(join(dir, 'data', 'postgres'), { recursive: true });
    expect(firstClosedFolder(join(dir, 'data', 'postgres'), { uid: 999_999, gid: 999_999 })).toEqual({ folder: dir, mode: '700' });
    expect(firstClosedFolder(join(dir, 'data'), { uid: process.getuid?.() ?? 0, gid: 999_999 })).toBeNull();
    expect(privateFolderProblem([{ what: 'its data folder', path: join(dir, 'data') }], 1000)).toBeNull(); // not root: nothing to check
  });

  it.skipIf(!asRoot)('as root: start-up exits 1 with one line naming the folder and the fix', async () => {
    const dataDir = join(dir, 'data');
    const server = spawnServer(dataDir, await freePort());
    expect(await server.exited).toBe(1);
    const line = server.output().split('\n').find((l) => l.startsWith('egress-control could not start:')) ?? '';
    expect(line, server.output()).toContain(`which cannot enter ${dir} (mode 700) on the way to its data folder`);
    expect(line).toContain(`fix: chmod o+x ${dir}`);
    expect(server.output()).not.toContain('EACCES');
  }, 60_000);
});
