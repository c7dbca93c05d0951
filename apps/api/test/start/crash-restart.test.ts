// After `kill -9` of the server its embedded PostgreSQL lives on (re-parented) and holds the data folder.
// The next start must stop it cleanly and come up on the same data; and a start that cannot succeed
// must say why in words (it used to print only "undefined").
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { freePort, login, postgresPidsFor, spawnServer, startServer } from './server-process.ts';

describe('restart after a crash', () => {
  let dir = '';
  afterAll(async () => {
    for (const pid of dir ? postgresPidsFor(dir) : []) process.kill(pid, 'SIGINT');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('starts again on the same data after SIGKILL, stopping the orphaned PostgreSQL cleanly', async () => {
    dir = await mkdtemp(join(tmpdir(), 'egress-crash-'));
    await chmod(dir, 0o755);
    const dataDir = join(dir, 'data');
    const port = await freePort();

    const first = await startServer(dataDir, port);
    const password = /Password \(shown once\): (\S+)/.exec(first.output())?.[1] ?? '';
    expect(password, first.output()).not.toBe('');
    expect(await login(port, password)).toBe(200);
    // Least privilege: the server itself runs as a role that owns nothing, and start-up has no warning about it.
    expect(first.output()).toContain('the server connects as the database role egress_app');
    expect(first.output()).not.toContain('is a superuser');

    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    const orphans = postgresPidsFor(dataDir);
    expect(orphans.length, 'the embedded PostgreSQL outlives a SIGKILLed server').toBeGreaterThan(0);

    const second = await startServer(dataDir, port);
    expect(second.output()).toContain('left by an earlier run still serves');
    expect(second.output()).toContain('embedded PostgreSQL reused');
    expect(second.output()).not.toContain('shown once');
    expect(await login(port, password)).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    for (const pid of orphans) expect(postgresPidsFor(dataDir)).not.toContain(pid);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(postgresPidsFor(dataDir)).toEqual([]);

    // A data folder PostgreSQL cannot use: exit 1 with a reason, not "undefined".
    await writeFile(join(dataDir, 'postgres', 'PG_VERSION'), '7\n');
    const broken = spawnServer(dataDir, port);
    expect(await broken.exited).toBe(1);
    const firstLine =
      broken
        .output()
        .split('\n')
        .find((l) => l.startsWith('egress-control could not start:')) ?? '';
    expect(firstLine, broken.output()).toContain('embedded PostgreSQL could not start');
    expect(broken.output()).not.toMatch(/^undefined$/m);
  }, 300_000);
});
