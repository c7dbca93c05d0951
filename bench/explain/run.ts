// Explain benchmark: GET /api/v1/explain on the real app and a real PostgreSQL holding the benchmarks'
// 20,000-grant data set (bench/lib/seed.ts). Not a test: it prints p50/p95/p99 and PASS/MISS against the
// target and exits 0 either way (1 only when the run itself broke, e.g. an answer that was not 200, or a
// verdict that did not change after its grant was approved).
//
//   cd apps/api && npx tsx ../../bench/explain/run.ts [--requests N]
//
// TEST_DATABASE_URL points it at an external server (it creates and drops its own database there);
// otherwise the API tests' embedded PostgreSQL is started in a temporary folder and removed afterwards.
// The API runs in a child process (this file, forked), so the client never shares its event loop.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { buildApp } from '../../apps/api/src/app.ts';
import { loadConfig } from '../../apps/api/src/config.ts';
import { createDb, type Db } from '../../apps/api/src/platform/db.ts';
import { type Cleanups, runWithCleanups, seededDatabase, settle } from '../lib/database.ts';
import { prng } from '../lib/prng.ts';

const THIS_FILE = fileURLToPath(import.meta.url);
/** `--requests N` (default 1,000): fewer for a slow build, e.g. one that compiles the fleet per request. */
const requestsArg = process.argv.indexOf('--requests');
const RUN = {
  warmup: 30,
  requests: requestsArg > 0 ? Number(process.argv[requestsArg + 1]) : 1_000,
  afterChange: 5,
};
const TARGET_P95_MS = 20;
const DEADLINE_MS = 10 * 60_000;
/** 20 of the seed's 25 namespaces (team-0 … team-24) enforced: the answers are allowed, denied and open. */
const ENFORCED = Array.from({ length: 20 }, (_, i) => `team-${i}`);

// --- the API process ----------------------------------------------------------------------------------------

async function serve(): Promise<void> {
  const databaseUrl = process.env.EGRESS_BENCH_DATABASE_URL ?? '';
  const config = loadConfig({
    EGRESS_LOG_LEVEL: 'silent',
    EGRESS_TARGET: 'none',
    EGRESS_WEB_DIST: '/nonexistent',
    EGRESS_DATA_DIR: process.env.EGRESS_BENCH_DATA_DIR ?? tmpdir(),
  });
  const db = createDb(databaseUrl, config.dbPoolSize);
  const app = await buildApp({ config, db, databaseUrl });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.on('message', (m) => {
    // "cpu": this process's CPU time so far (ms), so the client can say what a request costs the API.
    if (m === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMs: (user + system) / 1000 });
      return;
    }
    void app.close().then(async () => {
      await db.$disconnect();
      process.exit(0);
    });
  });
  process.send?.({ url });
}

interface Server {
  url: string;
  cpuMs: () => Promise<number>;
  stop: () => Promise<void>;
}

async function startServer(databaseUrl: string, dataDir: string): Promise<Server> {
  const child: ChildProcess = fork(THIS_FILE, [], {
    env: {
      ...process.env,
      EGRESS_BENCH_ROLE: 'server',
      EGRESS_BENCH_DATABASE_URL: databaseUrl,
      EGRESS_BENCH_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((done, fail) => {
    child.once('message', (m) => done((m as { url: string }).url));
    child.once('exit', (code) => fail(new Error(`the API process exited (${String(code)})`)));
  });
  return {
    url,
    cpuMs: () =>
      new Promise<number>((done) => {
        child.once('message', (m) => done((m as { cpuMs: number }).cpuMs));
        child.send('cpu');
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// --- the questions ------------------------------------------------------------------------------------------

interface Triple {
  service: string;
  host: string;
  port: number;
}

/**
 * A third each: the (service, host, port) of an active grant, a random service with a random
 * destination and one of its ports (mostly no grant), and a random service to an unregistered host on
 * a port-wide grant's port. Same triples every run (seeded).
 */
async function triples(db: Db, n: number): Promise<Triple[]> {
  const rnd = prng(20261207);
  const granted = await db.$queryRaw<Triple[]>`
    SELECT s.name AS service, d.host, g.port FROM grants g JOIN services s ON s.id = g.service_id JOIN destinations d ON d.id = g.destination_id
    WHERE g.state = 'active' ORDER BY g.id`;
  const services = await db.$queryRaw<{ name: string }[]>`SELECT name FROM services ORDER BY name`;
  const destinations = await db.$queryRaw<{ host: string; port: number }[]>`
    SELECT d.host, p.port FROM destinations d JOIN destination_ports p ON p.destination_id = d.id ORDER BY d.host, p.port`;
  return Array.from({ length: n }, (_, i) => {
    if (i % 3 === 0) return rnd.pick(granted);
    const service = rnd.pick(services).name;
    if (i % 3 === 1) return { service, ...rnd.pick(destinations) };
    return { service, host: `unregistered-${rnd.int(50)}.example.net`, port: rnd.pick([443, 80, 22]) };
  });
}

// --- measuring ----------------------------------------------------------------------------------------------

interface Answer {
  ms: number;
  status: number;
  verdict: string | undefined;
}

async function explain(url: string, token: string, t: Triple): Promise<Answer> {
  const query = new URLSearchParams({ service: t.service, host: t.host, port: String(t.port) });
  const started = performance.now();
  const res = await fetch(`${url}/api/v1/explain?${query.toString()}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await res.json()) as { verdict?: string };
  return { ms: performance.now() - started, status: res.status, verdict: body.verdict };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const summary = (values: number[]) =>
  `p50 ${ms(percentile(values, 50))}   p95 ${ms(percentile(values, 95))}   p99 ${ms(percentile(values, 99))}   max ${ms(Math.max(...values))}`;

/**
 * Approves pending one-approval grants (service in an enforced namespace → registered host, denied
 * now) one at a time and asks explain right after each: that answer pays for whatever the change costs
 * explain, and must say "allowed".
 */
async function afterChanges(
  db: Db,
  url: string,
  viewer: string,
  approvers: { id: string; token: string | null }[],
) {
  const pending = await db.$queryRaw<(Triple & { id: string; requester: string })[]>`
    SELECT g.id, s.name AS service, d.host, g.port, g.requested_by_id::text AS requester FROM grants g
    JOIN services s ON s.id = g.service_id JOIN destinations d ON d.id = g.destination_id
    WHERE g.state = 'pending' AND g.required_approvals = 1 AND g.expires_at IS NULL AND s.namespace = ANY(${ENFORCED}) ORDER BY g.id LIMIT 50`;
  const out: { ms: number; before: string | undefined; after: string | undefined }[] = [];
  for (const g of pending) {
    if (out.length === RUN.afterChange) break;
    const before = await explain(url, viewer, g);
    // A port-wide grant may already allow it: approving this one would change nothing to see.
    if (before.verdict !== 'denied') continue;
    const approver = approvers.find((a) => a.id !== g.requester && a.token)!;
    const res = await fetch(`${url}/api/v1/grants/${g.id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${approver.token!}`, 'content-type': 'application/json' },
      body: JSON.stringify({ comment: 'bench: reviewed' }),
    });
    if (res.status !== 200) throw new Error(`approving ${g.id} answered ${res.status}: ${await res.text()}`);
    const after = await explain(url, viewer, g);
    out.push({ ms: after.ms, before: before.verdict, after: after.verdict });
  }
  return out;
}

async function run(cleanups: Cleanups): Promise<number> {
  const say = (msg: string) => process.stdout.write(`${msg}\n`);
  const loadAtStart = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const { databaseUrl, db, data, seedSeconds } = await seededDatabase(cleanups);
  await db.setting.upsert({
    where: { key: 'cluster' },
    create: { key: 'cluster', value: { enforcedNamespaces: ENFORCED } },
    update: { value: { enforcedNamespaces: ENFORCED } },
  });
  const [counts] = await db.$queryRaw<
    { grants: number; active: number; services: number; destinations: number }[]
  >`
    SELECT (SELECT count(*)::int FROM grants) AS grants, (SELECT count(*)::int FROM grants WHERE state = 'active') AS active,
           (SELECT count(*)::int FROM services) AS services, (SELECT count(*)::int FROM destinations) AS destinations`;
  const dataDir = await mkdtemp(join(tmpdir(), 'egress-bench-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const server = await startServer(databaseUrl, dataDir);
  cleanups.push(() => server.stop());
  const viewer = data.viewer.token!;
  const questions = await triples(db, RUN.warmup + RUN.requests);
  // The reconciler compiles the desired state at start-up; measure after it, not during it.
  await settle(db);

  const first = await explain(server.url, viewer, questions[0]!);
  for (const t of questions.slice(1, RUN.warmup)) await explain(server.url, viewer, t);
  const answers: Answer[] = [];
  const cpu0 = await server.cpuMs();
  for (const t of questions.slice(RUN.warmup)) answers.push(await explain(server.url, viewer, t));
  const apiCpuPerRequest = ((await server.cpuMs()) - cpu0) / answers.length;
  const changes = await afterChanges(db, server.url, viewer, data.approvers);

  const latencies = answers.map((a) => a.ms);
  const wrong = answers.filter((a) => a.status !== 200);
  const verdicts = answers.reduce<Record<string, number>>(
    (acc, a) => ({
      ...acc,
      [a.verdict ?? `HTTP ${a.status}`]: (acc[a.verdict ?? `HTTP ${a.status}`] ?? 0) + 1,
    }),
    {},
  );
  const stale = changes.filter((c) => c.after !== 'allowed');
  const p95 = percentile(latencies, 95);

  say('Egress Control explain benchmark');
  say(
    `machine:  ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; Node ${process.version}`,
  );
  say(
    `data:     ${counts?.grants ?? '?'} grants (${counts?.active ?? '?'} active), ${counts?.services ?? '?'} services in 25 namespaces (20 enforced), ${counts?.destinations ?? '?'} destinations; seeded in ${seedSeconds.toFixed(1)} s`,
  );
  say(
    `load:     one client, sequential, ${RUN.requests} requests after ${RUN.warmup} warm-up ones; load average ${loadAtStart} at the start, ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at the end`,
  );
  say('');
  say(`  first request after start-up                 ${ms(first.ms)}`);
  say(`  GET /api/v1/explain (${RUN.requests})                  ${summary(latencies)}`);
  say(
    `  API CPU per request                          ${ms(apiCpuPerRequest)} (the API process alone; PostgreSQL not counted)`,
  );
  say(
    `  verdicts: ${Object.entries(verdicts)
      .map(([v, n]) => `${n} ${v}`)
      .join(', ')}`,
  );
  say(
    `  first explain after each of ${changes.length} approvals     ${changes.map((c) => ms(c.ms)).join(', ')}; verdicts ${changes.map((c) => `${c.before ?? '?'} → ${c.after ?? '?'}`).join(', ')}`,
  );
  say('');
  say('target');
  say(`  ${p95 < TARGET_P95_MS ? 'PASS' : 'MISS'}  explain p95 ${ms(p95)} < ${TARGET_P95_MS} ms`);
  if (wrong.length > 0) say(`${wrong.length} answers were not 200 (first: HTTP ${wrong[0]!.status})`);
  if (stale.length > 0)
    say(`${stale.length} explains right after an approval did not say "allowed": a stale verdict`);
  return wrong.length > 0 || stale.length > 0 ? 1 : 0;
}

if (process.env.EGRESS_BENCH_ROLE === 'server') {
  serve().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  runWithCleanups(DEADLINE_MS, run).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
