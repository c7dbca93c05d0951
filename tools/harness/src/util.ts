// Process, temp-folder, port and loopback-HTTP helpers for the harness (Node built-ins only).

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// ---- processes -------------------------------------------------------------------------------

export interface Proc {
  name: string;
  logPath: string;
  child: ChildProcess;
  exited: Promise<void>;
  exitCode(): number | null | 'signal';
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // If the test process exits without stop(), do not leave servers or temp folders behind.
  process.on('exit', () => {
    for (const c of live) c.kill('SIGKILL');
    for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
  });
}

export async function makeTempDir(prefix: string): Promise<string> {
  installExitHook();
  const dir = await mkdtemp(join(tmpdir(), prefix));
  liveDirs.add(dir);
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  liveDirs.delete(dir);
}

export function startProc(bin: string, args: string[], logPath: string, cwd: string): Proc {
  if (!existsSync(bin)) throw new Error(`${bin} not found; run tools/harness/build.sh`);
  installExitHook();
  const name = bin.split('/').pop() ?? bin;
  const log = openSync(logPath, 'w');
  let child: ChildProcess;
  try {
    child = spawn(bin, args, { cwd, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  live.add(child);
  let code: number | null | 'signal' = null;
  const exited = new Promise<void>((res) => {
    child.once('exit', (c, sig) => {
      code = sig !== null ? 'signal' : c;
      live.delete(child);
      res();
    });
    child.once('error', () => {
      code = -1;
      live.delete(child);
      res();
    });
  });
  const stop = async (): Promise<void> => {
    if (code === null) {
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    }
  };
  return { name, logPath, child, exited, exitCode: () => code, stop };
}

export async function waitFor(
  what: string,
  proc: Proc,
  timeoutMs: number,
  ready: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr = '';
  while (Date.now() < deadline) {
    const code = proc.exitCode();
    if (code !== null) throw new Error(`${what} exited (${code}) before becoming ready\n${await tail(proc)}`);
    try {
      if (await ready()) return;
    } catch (err) {
      lastErr = err instanceof Error ? err.message : String(err);
    }
    await sleep(250);
  }
  throw new Error(
    `${what} not ready after ${timeoutMs} ms${lastErr ? ` (last error: ${lastErr})` : ''}\n${await tail(proc)}`,
  );
}

async function tail(proc: Proc, lines = 40): Promise<string> {
  await sleep(100);
  const text = await readFile(proc.logPath, 'utf8').catch(() => '');
  return `--- last ${lines} lines of ${proc.name} output ---\n${text.trimEnd().split('\n').slice(-lines).join('\n')}`;
}

// ---- small helpers ------------------------------------------------------------------------------

export function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((res, rej) => {
    execFile(cmd, args, { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) rej(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else res(stdout);
    });
  });
}

type Ports<N extends number, A extends number[] = []> = A['length'] extends N ? A : Ports<N, [...A, number]>;

/** Free TCP ports on 127.0.0.1 (held together so they are distinct, then released). */
export async function freePorts<N extends 1 | 2 | 3 | 4>(n: N): Promise<Ports<N>> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((res, rej) => {
          const s = createServer();
          s.once('error', rej);
          s.listen(0, '127.0.0.1', () => res(s));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    if (a === null || typeof a === 'string') throw new Error('unexpected server address');
    return a.port;
  });
  await Promise.all(servers.map((s) => new Promise<void>((res) => s.close(() => res()))));
  return ports as Ports<N>;
}

export function httpGet(
  url: string,
  tls?: { ca: string; cert: string; key: string },
): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const u = new URL(url);
    if (u.hostname !== '127.0.0.1') {
      rej(new Error(`refusing to connect to ${u.hostname}: the harness only talks to 127.0.0.1`));
      return;
    }
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      u,
      { method: 'GET', timeout: 5_000, ...(tls ?? {}) },
      (resp) => {
        const chunks: Buffer[] = [];
        resp.on('data', (c: Buffer) => chunks.push(c));
        resp.on('end', () =>
          res({ status: resp.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        resp.on('error', rej);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: GET ${url}`)));
    req.on('error', rej);
    req.end();
  });
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((res) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      res(true);
    });
    sock.once('error', () => res(false));
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}
