// The quick start as a user runs it: the server process on an embedded PostgreSQL under a data
// folder, the first admin printed once, SIGTERM stopping everything, and a second start reusing data.
import { type ChildProcess, spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { freePort } from './server-process.ts';

const apiDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

async function start(dataDir: string, port: number): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: apiDir,
    env: {
      ...process.env,
      DATABASE_URL: '',
      EGRESS_DATA_DIR: dataDir,
      PORT: String(port),
      EGRESS_LOG_LEVEL: 'info',
      EGRESS_WEB_DIST: '/nonexistent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 90_000;
  while (!out.includes('Server listening')) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${out}`);
    if (Date.now() > deadline) throw new Error(`server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => out, exited };
}

function postgresRunningFor(dataDir: string): boolean {
  const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
  return ps.split('\n').some((line) => line.includes('postgres') && line.includes(dataDir));
}

async function login(port: number, password: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', password }),
  });
  return res.status;
}

describe('pnpm start on an embedded PostgreSQL', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('starts, prints the first admin once, stops on SIGTERM and reuses its data', async () => {
    dir = await mkdtemp(join(tmpdir(), 'egress-quickstart-'));
    await chmod(dir, 0o755);
    const dataDir = join(dir, 'data');
    const port = await freePort();

    const first = await start(dataDir, port);
    const password = /Password \(shown once\): (\S+)/.exec(first.output())?.[1];
    expect(password, first.output()).toBeDefined();
    expect(first.output()).toContain('embedded PostgreSQL initialised');
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(await login(port, password ?? '')).toBe(200);
    expect(postgresRunningFor(dataDir)).toBe(true);

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(postgresRunningFor(dataDir)).toBe(false);

    const second = await start(dataDir, port);
    expect(second.output()).toContain('embedded PostgreSQL reused');
    expect(second.output()).not.toContain('shown once');
    expect(await login(port, password ?? '')).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(postgresRunningFor(dataDir)).toBe(false);
  }, 180_000);
});
