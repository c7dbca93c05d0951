// The container image as an operator runs it (scripts/image.sh test; not part of `pnpm test`, it needs
// the built image): podman (or docker) runs it on the host network, bound to 127.0.0.1 only, against a
// real PostgreSQL (a fresh database, so the image's migrations run from nothing) and a harness
// kube-apiserver whose kubeconfig is mounted read-only, with a read-only root filesystem, no
// capabilities and /tmp as the only writable path (what the Helm chart does). It checks what an
// operator would: health, migrations, the first admin printed once, the console, a grant approved
// through the API landing as a NetworkPolicy in the cluster, the uid, SIGTERM, and that bad
// configuration stops it with a readable reason.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ControlPlane } from '@egress/harness';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KubeClient } from '../../src/reconcile/kube/client.ts';
import { withDatabase } from '../helpers/database-url.ts';
import { adminClient, cleanups, getObject, startCluster, until } from '../kubernetes/helpers.ts';

const IMAGE = process.env.EGRESS_IMAGE ?? '';
// scripts/image.sh passes the engine command it built with ("podman --runtime runc ..." or "docker").
const ENGINE = (process.env.EGRESS_IMAGE_ENGINE_CMD ?? 'podman').split(' ');
const PODMAN = ENGINE[0] === 'podman';
const MIGRATIONS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../prisma/migrations');
const GATEWAY_NS = 'egress-gateways';
const PASSWORD_RE = /Password \(shown once\): (\S+)/;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function engine(...args: string[]): Promise<Result> {
  return new Promise((ok) => {
    execFile(
      ENGINE[0] ?? 'podman',
      [...ENGINE.slice(1), ...args],
      { maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        ok({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

async function mustEngine(...args: string[]): Promise<string> {
  const r = await engine(...args);
  if (r.code !== 0) throw new Error(`${ENGINE.join(' ')} ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => ok(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

const cleanup = cleanups();
let cp: ControlPlane;
let kube: KubeClient;
let adminUrl: string;
let dbName: string;
let dbUrl: string;
let kubeconfigDir: string;
const secretKey = randomBytes(32).toString('base64');
const names: string[] = [];

async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>, url = adminUrl): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Starts the image detached, as the chart runs it: read-only root, /tmp a tmpfs, no capabilities. */
async function run(env: Record<string, string>): Promise<string> {
  const name = `egress-image-test-${randomBytes(4).toString('hex')}`;
  names.push(name);
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  const podmanOnly = PODMAN
    ? ['--read-only-tmpfs=false', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=1024:1024']
    : [];
  await mustEngine(
    'run',
    '-d',
    '--name',
    name,
    '--network',
    'host',
    '--read-only',
    ...podmanOnly,
    '--tmpfs',
    '/tmp:rw,nosuid,nodev,size=64m,mode=1777',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    '-v',
    `${join(kubeconfigDir, 'kubeconfig')}:/etc/egress/kubeconfig:ro`,
    '-e',
    'HOST=127.0.0.1',
    '-e',
    'KUBECONFIG=/etc/egress/kubeconfig',
    '-e',
    'EGRESS_TARGET=kubernetes',
    ...envArgs,
    IMAGE,
  );
  return name;
}

const logs = async (name: string): Promise<string> => {
  const r = await engine('logs', name);
  return r.stdout + r.stderr;
};

const state = async (name: string): Promise<{ running: boolean; exitCode: number }> => {
  const [running, exitCode] = (
    await mustEngine('inspect', '--format', '{{.State.Running}} {{.State.ExitCode}}', name)
  ).split(' ');
  return { running: running === 'true', exitCode: Number(exitCode) };
};

async function listening(name: string): Promise<string> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const out = await logs(name);
    if (out.includes('Server listening')) return out;
    if (!(await state(name)).running) throw new Error(`the container exited before listening:\n${out}`);
    if (Date.now() > deadline) throw new Error(`the container did not listen within 90 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Sends SIGTERM and waits; returns the exit code and how long it took. */
async function terminate(name: string): Promise<{ exitCode: number; ms: number }> {
  const started = Date.now();
  await mustEngine('kill', '--signal', 'TERM', name);
  const code = Number(await mustEngine('wait', name));
  return { exitCode: code, ms: Date.now() - started };
}

/** Runs a container that must fail to start; returns its exit code and output. */
async function failedStart(env: Record<string, string>): Promise<{ exitCode: number; out: string }> {
  const name = await run(env);
  const code = Number(
    await until(
      'the container exits',
      async () => {
        const s = await state(name);
        return s.running ? null : String(s.exitCode);
      },
      60_000,
    ),
  );
  return { exitCode: code, out: await logs(name) };
}

beforeAll(async () => {
  if (!IMAGE) throw new Error('EGRESS_IMAGE is not set: run this through scripts/image.sh test');
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  await mustEngine('image', 'inspect', IMAGE);
  adminUrl = base;
  dbName = `egress_image_${randomBytes(6).toString('hex')}`;
  await pgAdmin((c) => c.query(`CREATE DATABASE ${dbName}`));
  cleanup.add(() => pgAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)));
  dbUrl = withDatabase(base, dbName);

  cp = await startCluster();
  cleanup.add(() => cp.stop());
  kube = adminClient(cp);
  cleanup.add(() => kube.close());
  for (const ns of ['shop', GATEWAY_NS]) {
    const res = await kube.request({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    });
    expect([201, 409]).toContain(res.status);
  }
  // The harness kubeconfig is 0600 root; the container's uid 10001 reads a copy (test credentials only).
  kubeconfigDir = await mkdtemp(join(tmpdir(), 'egress-image-kube-'));
  await chmod(kubeconfigDir, 0o755);
  await writeFile(join(kubeconfigDir, 'kubeconfig'), cp.kubeconfig, { mode: 0o644 });
  cleanup.add(() => rm(kubeconfigDir, { recursive: true, force: true }));
  cleanup.add(async () => {
    for (const name of names) await engine('rm', '--force', name);
  });
}, 180_000);

afterAll(() => cleanup.run());

describe(`the container image ${IMAGE}`, () => {
  let port = 0;
  let name = '';
  let password = '';
  let first = '';
  const url = (path: string) => `http://127.0.0.1:${port}${path}`;

  it('starts on an empty database: migrates, prints the first admin once, is healthy and ready', async () => {
    port = await freePort();
    name = await run({ DATABASE_URL: dbUrl, PORT: String(port), EGRESS_SECRET_KEY: secretKey });
    first = await listening(name);
    expect((await fetch(url('/healthz'))).status).toBe(200);
    expect((await fetch(url('/readyz'))).status).toBe(200);

    const migrations = (await readdir(MIGRATIONS, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    expect(first).toContain(`migrations: ${migrations.length} applied, 0 already present`);
    const applied = await pgAdmin(
      (c) =>
        c.query<{ migration_name: string }>(
          'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name',
        ),
      dbUrl,
    );
    expect(applied.rows.map((r) => r.migration_name)).toEqual(migrations);

    password = PASSWORD_RE.exec(first)?.[1] ?? '';
    expect(password, first).not.toBe('');
    expect(first.match(/shown once/g)).toHaveLength(1);
  });

  it('serves the console and its assets', async () => {
    const page = await fetch(url('/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<title>Egress Control</title>');
    const script = /<script[^>]+src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, html).toBeDefined();
    const asset = await fetch(url(script ?? '/'));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
  });

  it('runs as uid 10001 on a read-only root filesystem; only /tmp is writable', async () => {
    expect(await mustEngine('inspect', '--format', '{{.HostConfig.ReadonlyRootfs}}', name)).toBe('true');
    const status = await mustEngine('exec', name, 'cat', '/proc/1/status');
    expect(/^Uid:\s+(\d+)\s+(\d+)/m.exec(status)?.slice(1, 3)).toEqual(['10001', '10001']);
    expect(/^CapEff:\s+(\S+)/m.exec(status)?.[1]).toBe('0000000000000000');
    const cmdline = await mustEngine('exec', name, 'cat', '/proc/1/cmdline');
    expect(cmdline.split('\0').filter(Boolean)).toEqual(['node', 'apps/api/dist/server.js']);
    // EROFS, not EACCES: even root in the container could not write there.
    for (const [user, path] of [
      ['10001', '/app/probe'],
      ['10001', '/probe'],
      ['0', '/etc/probe'],
      ['0', '/app/apps/api/dist/server.js'],
    ] as const) {
      const r = await engine('exec', '--user', user, name, 'touch', path);
      expect(r.code, path).not.toBe(0);
      expect(r.stderr, path).toMatch(/Read-only file system/);
    }
    expect((await engine('exec', name, 'touch', '/tmp/probe')).code).toBe(0);
    // The image itself says so, without the run flags: a numeric non-root user, labels for provenance.
    const config = JSON.parse(
      await mustEngine('image', 'inspect', '--format', '{{json .Config}}', IMAGE),
    ) as { User: string; Labels: Record<string, string> };
    expect(config.User).toBe('10001:10001');
    expect(config.Labels).toMatchObject({ 'org.opencontainers.image.version': IMAGE.split(':').pop() });
    expect(config.Labels['org.opencontainers.image.revision']).toMatch(/^[0-9a-f]{40}$/);
    expect(config.Labels['org.opencontainers.image.source']).toMatch(/^https:\/\//);
  });

  it('a grant approved through the API becomes a NetworkPolicy in the cluster', async () => {
    const session = async (email: string, pw: string) => {
      const res = await fetch(url('/api/v1/auth/login'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: pw }),
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const cookie = res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      return async (method: string, path: string, body?: unknown) => {
        const r = await fetch(url(path), {
          method,
          headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: r.status, body: (await r.json()) as Record<string, unknown> };
      };
    };
    const admin = await session('admin@example.com', password);
    const approverPassword = randomBytes(12).toString('base64url');
    expect(
      (
        await admin('POST', '/api/v1/users', {
          email: 'approver@example.com',
          name: 'Second approver',
          role: 'approver',
          password: approverPassword,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await admin('POST', '/api/v1/services', {
          name: 'service.shop',
          namespace: 'shop',
          selector: { matchLabels: { app: 'shop' } },
        })
      ).status,
    ).toBe(201);
    const destination = await admin('POST', '/api/v1/destinations', {
      host: 'github.com',
      ports: [{ port: 443, protocol: 'TCP' }],
      sensitivity: 'standard',
    });
    expect(destination.status, JSON.stringify(destination.body)).toBe(201);
    const gateway = String(destination.body.gatewayName);

    // The destination alone: its gateway policy exists and admits nobody (an empty ingress list, which
    // the API server leaves out).
    const before = await until(
      'the gateway NetworkPolicy',
      () => getObject(kube, 'NetworkPolicy', GATEWAY_NS, gateway),
      60_000,
    );
    expect(
      (before as unknown as { spec: { ingress?: unknown[]; policyTypes: string[] } }).spec,
    ).toMatchObject({ policyTypes: ['Ingress', 'Egress'] });
    // Only the metrics rule (the metrics port, from namespaces labelled for scraping) and no client.
    const clientRules = (ingress: { from: { podSelector?: unknown }[] }[] | undefined) =>
      (ingress ?? []).filter((r) => r.from.some((peer) => peer.podSelector !== undefined));
    const beforeIngress = (
      before as unknown as { spec: { ingress?: { from: { podSelector?: unknown }[] }[] } }
    ).spec.ingress;
    expect(beforeIngress).toHaveLength(1);
    expect(clientRules(beforeIngress)).toEqual([]);

    const requested = await admin('POST', '/api/v1/grants', {
      service: 'service.shop',
      destination: 'github.com',
      port: 443,
      justification: 'The image test checks the reconciler.',
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    const approver = await session('approver@example.com', approverPassword);
    const approved = await approver('POST', `/api/v1/grants/${String(requested.body.id)}/approve`, {
      comment: 'Reviewed by the image test.',
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.state).toBe('active');

    const peer = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
      podSelector: { matchLabels: { app: 'shop' } },
    };
    const after = await until(
      'the grant in the gateway NetworkPolicy',
      async () => {
        const policy = (await getObject(kube, 'NetworkPolicy', GATEWAY_NS, gateway)) as unknown as {
          spec: { ingress?: { from: { podSelector?: unknown }[]; ports: unknown[] }[] };
        } | null;
        return clientRules(policy?.spec.ingress).length ? policy : null;
      },
      60_000,
    );
    expect(clientRules(after.spec.ingress)).toEqual([
      { from: [peer], ports: [{ port: 443, protocol: 'TCP' }] },
    ]);
  }, 120_000);

  it('stops on SIGTERM within 10 s with exit code 0, after its ordered shutdown', async () => {
    const { exitCode, ms } = await terminate(name);
    expect(exitCode).toBe(0);
    expect(ms).toBeLessThan(10_000);
    expect(await logs(name)).toContain('shutting down');
  });

  it('a second start on the same database applies nothing and prints no password', async () => {
    const again = await run({ DATABASE_URL: dbUrl, PORT: String(port), EGRESS_SECRET_KEY: secretKey });
    const out = await listening(again);
    expect(out).toMatch(/migrations: 0 applied, \d+ already present/);
    expect(out).not.toContain('shown once');
    expect((await fetch(url('/readyz'))).status).toBe(200);
    expect(await terminate(again)).toMatchObject({ exitCode: 0 });
  });

  it('refuses to start on an unreachable database, saying so', async () => {
    const closed = await freePort();
    const { exitCode, out } = await failedStart({
      DATABASE_URL: `postgresql://postgres@127.0.0.1:${closed}/egress`,
      PORT: String(await freePort()),
      EGRESS_SECRET_KEY: secretKey,
    });
    expect(exitCode).not.toBe(0);
    expect(out).toContain(
      `cannot migrate the database at 127.0.0.1:${closed}/egress (DATABASE_URL): connect ECONNREFUSED 127.0.0.1:${closed}`,
    );
    expect(out).not.toContain('postgres@');
    expect(out).not.toContain('Server listening');
  });

  it('refuses to start with a secret key other than the one the database was sealed with, saying so', async () => {
    const other = randomBytes(32).toString('base64');
    const { exitCode, out } = await failedStart({
      DATABASE_URL: dbUrl,
      PORT: String(await freePort()),
      EGRESS_SECRET_KEY: other,
    });
    expect(exitCode).not.toBe(0);
    expect(out).toContain("is not the one this database's secrets were sealed with");
    expect(out).not.toContain('Server listening');
  });
});
