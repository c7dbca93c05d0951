// Gateway usage benchmark (issue 15): POST /api/v1/gateway-connections with batches of 10,000 access-log
// lines, attributed through a pod address index of 3,000 pods (three per service) to the services and
// active grants of the 20,000-grant data set (bench/lib/seed.ts); and the grants list (now carrying
// usage columns) before and after the usage table fills, against bench/api's target. Not a test: it
// prints numbers and PASS/MISS and exits 0 either way (1 only when the run itself broke, e.g. a batch
// that did not answer 200 or lines that were not counted).
//
//   cd apps/api && npx tsx ../../bench/usage/run.ts
//
// TEST_DATABASE_URL points it at an external server (it creates and drops its own database there);
// otherwise the API tests' embedded PostgreSQL is started in a temporary folder. The API runs in a child
// process (this file, forked), which builds the same pod index from the database, so building the
// request bodies never shares its event loop. The load average is printed with the numbers: the machine
// may be shared.
import { randomUUID } from 'node:crypto';
import { type ChildProcess, fork } from 'node:child_process';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { buildApp } from '../../apps/api/src/app.ts';
import { loadConfig } from '../../apps/api/src/config.ts';
import type { Db } from '../../apps/api/src/platform/db.ts';
import { createDb } from '../../apps/api/src/platform/db.ts';
import { TOKEN_PREFIX } from '../../apps/api/src/platform/identity.ts';
import { newSecret, sha256 } from '../../apps/api/src/platform/secrets.ts';
import { createPodIndex, type PodIndex } from '../../apps/api/src/reconcile/kube/pod-index.ts';
import { type Cleanups, runWithCleanups, seededDatabase, settle } from '../lib/database.ts';
import { prng } from '../lib/prng.ts';

const THIS_FILE = fileURLToPath(import.meta.url);
const RUN = { batchLines: 10_000, warmupBatches: 2, batches: 15, listWarmup: 20, listRequests: 200 };
const TARGET = { batchP95Ms: 5_000, linesPerSecond: 2_000, listP95Ms: 25 };
const PODS_PER_SERVICE = 3;
const DEADLINE_MS = 15 * 60_000;

interface Pod {
  ip: string;
  serviceId: string;
  namespace: string;
  labels: Record<string, string>;
}

interface Access {
  serviceId: string;
  gateway: string;
  host: string;
  port: number;
}

/** Every service's pods, with addresses in 10.244.0.0/16 in service order (the same in both processes). */
async function plannedPods(db: Db): Promise<Pod[]> {
  const services = await db.$queryRaw<
    { id: string; namespace: string; selector: { matchLabels: Record<string, string> } }[]
  >`SELECT id, namespace, selector FROM services WHERE deleted_at IS NULL ORDER BY name`;
  return services.flatMap((s, i) =>
    Array.from({ length: PODS_PER_SERVICE }, (_, k) => {
      const n = i * PODS_PER_SERVICE + k + 1;
      return {
        ip: `10.244.${Math.floor(n / 250)}.${(n % 250) + 1}`,
        serviceId: s.id,
        namespace: s.namespace,
        labels: { ...s.selector.matchLabels, 'pod-template-hash': `h${k}` },
      };
    }),
  );
}

function fillIndex(pods: Pod[]): PodIndex {
  const index = createPodIndex();
  const since = Date.now() - 7 * 86_400_000;
  pods.forEach((p, i) =>
    index.set(
      {
        key: `${p.namespace}/pod-${i}`,
        namespace: p.namespace,
        labels: p.labels,
        serviceAccount: 'default',
        ips: [p.ip],
        createdAt: since,
        live: true,
      },
      since,
    ),
  );
  return index;
}

// --- the API process ----------------------------------------------------------------------------------------

async function serve(): Promise<void> {
  const databaseUrl = process.env.EGRESS_BENCH_DATABASE_URL ?? '';
  const config = loadConfig({
    EGRESS_LOG_LEVEL: 'silent',
    EGRESS_TARGET: 'none',
    EGRESS_WEB_DIST: '/nonexistent',
    EGRESS_DATA_DIR: tmpdir(),
  });
  const db = createDb(databaseUrl, config.dbPoolSize);
  const index = fillIndex(await plannedPods(db));
  const app = await buildApp({
    config,
    db,
    databaseUrl,
    podAddresses: { ready: () => true, lookup: (ip, at) => index.lookup(ip, at) },
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.on('message', () => {
    void app.close().then(async () => {
      await db.$disconnect();
      process.exit(0);
    });
  });
  process.send?.({ url });
}

async function startServer(databaseUrl: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child: ChildProcess = fork(THIS_FILE, [], {
    env: { ...process.env, EGRESS_BENCH_ROLE: 'server', EGRESS_BENCH_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((done, fail) => {
    child.once('message', (m) => done((m as { url: string }).url));
    child.once('exit', (code) => fail(new Error(`the API process exited (${String(code)})`)));
  });
  return {
    url,
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

// --- the data -------------------------------------------------------------------------------------------

/** An admin and a usage.ingest token of theirs (a scope needs its owner to hold admin). */
async function ingestToken(db: Db): Promise<string> {
  const userId = randomUUID();
  const token = newSecret(TOKEN_PREFIX);
  await db.$executeRaw`INSERT INTO users (id, email, name, role, updated_at)
    VALUES (${userId}::uuid, 'usage-admin@bench.example', 'usage admin', 'admin', now())`;
  await db.$executeRaw`INSERT INTO api_tokens (id, name, token_hash, prefix, role, user_id, scopes)
    VALUES (gen_random_uuid(), 'gateway collector', ${sha256(token)}, ${token.slice(0, 10)}, 'viewer', ${userId}::uuid, ARRAY['usage.ingest'])`;
  return token;
}

async function activeAccess(db: Db): Promise<Access[]> {
  return db.$queryRaw<Access[]>`
    SELECT g.service_id AS "serviceId", d.gateway_name AS gateway, d.host, g.port
    FROM grants g JOIN destinations d ON d.id = g.destination_id
    WHERE g.state = 'active' ORDER BY g.id`;
}

let sourcePort = 1024;
/**
 * One batch: 90% from a pod of a service with an active grant to the line's destination and port, 5%
 * from a service's pod to a destination it holds no grant for, 5% from addresses no pod holds.
 */
function batch(access: Access[], pods: Map<string, Pod[]>, rnd: ReturnType<typeof prng>): unknown[] {
  const now = Date.now();
  const everyService = [...pods.values()];
  return Array.from({ length: RUN.batchLines }, (_, i) => {
    const a = access[Math.floor(rnd.next() * access.length)]!;
    const kind = rnd.next();
    const own = pods.get(a.serviceId) ?? [];
    const other = everyService[Math.floor(rnd.next() * everyService.length)] ?? [];
    const source =
      kind < 0.9
        ? own[i % own.length]!.ip
        : kind < 0.95
          ? (other[0]?.ip ?? '10.0.0.1')
          : `10.250.${Math.floor(rnd.next() * 250)}.${Math.floor(rnd.next() * 250) + 1}`;
    sourcePort = sourcePort >= 65535 ? 1024 : sourcePort + 1;
    return {
      v: '1',
      start_time: new Date(now - Math.floor(rnd.next() * 1_800_000)).toISOString(),
      duration_ms: Math.floor(rnd.next() * 5_000),
      gateway: a.gateway,
      destination: a.host,
      protocol: 'TCP',
      listener_port: a.port,
      source_address: source,
      source_port: sourcePort,
      upstream_host: '203.0.113.10:443',
      bytes_sent: Math.floor(rnd.next() * 100_000),
      bytes_received: Math.floor(rnd.next() * 5_000),
      response_flags: '-',
      upstream_transport_failure_reason: null,
      connection_termination_details: null,
    };
  });
}

// --- measuring ---------------------------------------------------------------------------------------------

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
const say = (line: string) => process.stdout.write(`${line}\n`);
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  unattributed: number;
}

async function post(url: string, token: string, body: string): Promise<{ ms: number; result: IngestResult }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/gateway-connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${text.slice(0, 300)}`);
  return { ms, result: JSON.parse(text) as IngestResult };
}

async function listLatencies(url: string, token: string, path: string): Promise<number[]> {
  const get = async () => {
    const t0 = performance.now();
    const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    await res.text();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    return performance.now() - t0;
  };
  for (let i = 0; i < RUN.listWarmup; i++) await get();
  const out: number[] = [];
  for (let i = 0; i < RUN.listRequests; i++) out.push(await get());
  return out.sort((a, b) => a - b);
}

function listLine(name: string, sorted: number[]): string {
  const p95 = percentile(sorted, 95);
  return `  ${name.padEnd(58)} p50 ${percentile(sorted, 50).toFixed(1).padStart(6)} ms  p95 ${p95.toFixed(1).padStart(6)} ms  p99 ${percentile(sorted, 99).toFixed(1).padStart(6)} ms  (target p95 < ${TARGET.listP95Ms} ms: ${verdict(p95 < TARGET.listP95Ms)})`;
}

async function listScenarios(url: string, token: string): Promise<string[]> {
  return [
    listLine(
      'GET /grants?state=active&limit=50',
      await listLatencies(url, token, '/api/v1/grants?state=active&limit=50'),
    ),
    listLine(
      'GET /grants?unusedForDays=30&limit=50',
      await listLatencies(url, token, '/api/v1/grants?unusedForDays=30&limit=50'),
    ),
  ];
}

async function main(cleanups: Cleanups): Promise<number> {
  say(`# gateway usage benchmark\n`);
  say(
    `machine: ${cpus()[0]?.model ?? '?'}, ${availableParallelism()} cores; load average at start ${load()}`,
  );
  const seeded = await seededDatabase(cleanups);
  say(`data set: ${seeded.data.summary} (seeded in ${seeded.seedSeconds.toFixed(0)} s)`);
  const { db, databaseUrl } = seeded;
  const token = await ingestToken(db);
  const viewer = seeded.data.viewer.token!;
  const pods = await plannedPods(db);
  const byService = new Map<string, Pod[]>();
  for (const p of pods) byService.set(p.serviceId, [...(byService.get(p.serviceId) ?? []), p]);
  const access = await activeAccess(db);
  say(
    `pod index: ${pods.length} pods (${PODS_PER_SERVICE} per service); ${access.length} active grants to a destination`,
  );

  const server = await startServer(databaseUrl);
  cleanups.push(() => server.stop());
  await settle(db);

  say(`\n## grants list before any usage (load average ${load()})`);
  const before = await listScenarios(server.url, viewer);
  before.forEach(say);

  const rnd = prng(20261207);
  const bodies = Array.from({ length: RUN.warmupBatches + RUN.batches }, () =>
    JSON.stringify(batch(access, byService, rnd)),
  );
  for (const body of bodies.slice(0, RUN.warmupBatches)) await post(server.url, token, body);
  say(
    `\n## ingest: ${RUN.batches} batches of ${RUN.batchLines} lines, one collector (load average ${load()})`,
  );
  const latencies: number[] = [];
  let lines = 0;
  let unattributed = 0;
  const t0 = performance.now();
  for (const body of bodies.slice(RUN.warmupBatches)) {
    const { ms, result } = await post(server.url, token, body);
    if (result.accepted + result.duplicates !== RUN.batchLines || result.rejected > 0)
      throw new Error(`a batch was not fully counted: ${JSON.stringify(result)}`);
    latencies.push(ms);
    lines += result.accepted;
    unattributed += result.unattributed;
  }
  const wall = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const p95 = percentile(latencies, 95);
  const rate = lines / wall;
  say(
    `  per batch: p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${latencies.at(-1)?.toFixed(0)} ms (target p95 < ${TARGET.batchP95Ms} ms: ${verdict(p95 < TARGET.batchP95Ms)})`,
  );
  say(
    `  ${lines} lines in ${wall.toFixed(1)} s: ${rate.toFixed(0)} lines/s (target > ${TARGET.linesPerSecond}: ${verdict(rate > TARGET.linesPerSecond)}); unattributed ${((100 * unattributed) / lines).toFixed(1)}%`,
  );
  const again = await post(server.url, token, bodies.at(-1)!);
  say(
    `  the last batch delivered again: ${again.result.duplicates} duplicates, ${again.result.accepted} counted, in ${again.ms.toFixed(0)} ms`,
  );
  if (again.result.accepted !== 0) throw new Error('a re-delivered batch was counted again');
  const [rows] = await db.$queryRaw<{ rows: number; grants: number; connections: bigint }[]>`
    SELECT count(*)::int AS rows, count(DISTINCT grant_id)::int AS grants, sum(connections)::bigint AS connections FROM gateway_usage_hourly`;
  say(
    `  gateway_usage_hourly: ${rows?.rows} rows, ${rows?.grants} grants with usage, ${rows?.connections} connections`,
  );

  say(`\n## grants list with the usage table filled (load average ${load()})`);
  (await listScenarios(server.url, viewer)).forEach(say);
  say(`\nload average at the end ${load()}`);
  return 0;
}

if (process.env.EGRESS_BENCH_ROLE === 'server') {
  await serve();
} else {
  process.exitCode = await runWithCleanups(DEADLINE_MS, main);
}
