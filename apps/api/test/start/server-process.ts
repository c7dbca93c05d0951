// Starting the real server process (node + tsx on src/server.ts) on an embedded PostgreSQL, as start-up
// tests need it: its output, its exit, and whether a postgres still runs for a data folder.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const apiDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Spawns the server; `ready` waits for "Server listening" (or throws with the output when it exits first). */
export function spawnServer(
  dataDir: string,
  port: number,
  env: NodeJS.ProcessEnv = {},
  cwd = apiDir,
): ServerProcess {
  // The server of the checkout it is started in (cwd), so a copy of the checkout runs its own code.
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(cwd, 'src/server.ts')], {
    cwd,
    env: {
      ...process.env,
      DATABASE_URL: '',
      EGRESS_DATA_DIR: dataDir,
      PORT: String(port),
      EGRESS_LOG_LEVEL: 'info',
      EGRESS_WEB_DIST: '/nonexistent',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

export async function startServer(
  dataDir: string,
  port: number,
  env: NodeJS.ProcessEnv = {},
  cwd = apiDir,
): Promise<ServerProcess> {
  const s = spawnServer(dataDir, port, env, cwd);
  const deadline = Date.now() + 90_000;
  while (!s.output().includes('Server listening')) {
    if (s.child.exitCode !== null) throw new Error(`server exited early:\n${s.output()}`);
    if (Date.now() > deadline) throw new Error(`server did not start:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return s;
}

export function postgresPidsFor(dataDir: string): number[] {
  const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps
    .split('\n')
    .filter((line) => line.includes('postgres') && line.includes(dataDir))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

export async function login(port: number, password: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@example.com', password }),
  });
  return res.status;
}
