// Denied-flow benchmark: the real app on a real PostgreSQL seeded with 1,000 services, 300 destinations
// and ~100,000 stored flow windows; measures POST /api/v1/flows with batches of 1,000 and 5,000 generic
// records (one collector, then four at once) and GET /api/v1/blocked-egress. Not a test: it prints
// numbers and PASS/MISS against targets and exits 0 either way (1 only when the run itself broke, e.g.
// a batch that did not answer 200).
//
//   cd apps/api && npx tsx ../../bench/flows/run.ts
//
// TEST_DATABASE_URL points it at an external server (it creates and drops its own database there);
// otherwise the API tests' embedded PostgreSQL is started in a temporary folder and removed afterwards.
// The API runs in a child process (this file, forked), so building request bodies never shares its
// event loop.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { buildApp } from '../../apps/api/src/app.ts';
import { loadConfig } from '../../apps/api/src/config.ts';
import { createDb } from '../../apps/api/src/platform/db.ts';
import { type Cleanups, freshDatabase, runWithCleanups } from '../lib/database.ts';
import { prng } from '../lib/prng.ts';
import { PORTS, seed, type Seeded, SIZE } from './seed.ts';

const THIS_FILE = fileURLToPath(import.meta.url);
const RUN = {
  warmupBatches: 3,
  batches1k: 40,
  batches5k: 15,
  collectors: 4,
  batchesPerCollector: 10,
  inboxWarmup: 10,
  inboxRequests: 100,
};
const TARGET_P95_MS = { ingest1k: 400, ingest5k: 1_500, inbox: 150 };
const DEADLINE_MS = 10 * 60_000;

interface Measured {
  name: string;
  latencies: number[];
  wallMs: number;
  records: number;
  wrong: string[];
}

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
  process.on('message', () => {
    void app.close().then(async () => {
      await db.$disconnect();
      process.exit(0);
    });
  });
  process.send?.({ url });
}

async function startServer(
  databaseUrl: string,
  dataDir: string,
): Promise<{ url: string; stop: () => Promise<void> }> {
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

// --- data and load ------------------------------------------------------------------------------------------

/** Generic records as a collector would send them: mostly known workloads, a few unattributed, five minutes of traffic. */
function batchMaker(data: Seeded, seedValue: number) {
  const rnd = prng(seedValue);
  return (size: number): string => {
    const now = Date.now();
    const records = Array.from({ length: size }, () => {
      const service = rnd.pick(data.services);
      const unattributed = rnd.next() < 0.1;
      // Skewed destinations: a few hot names, as real denials are (one misconfigured client retrying).
      const destName =
        rnd.next() < 0.3
          ? rnd.pick(data.knownHosts)
          : (data.unknownHosts[Math.floor(rnd.next() ** 3 * data.unknownHosts.length)] ??
            'cdn0.example-0.net');
      return {
        time: new Date(now - rnd.int(300_000)).toISOString(),
        sourceNamespace: unattributed ? `batch-${rnd.int(40)}` : service.namespace,
        ...(unattributed
          ? { sourcePod: `job-${rnd.int(1000)}` }
          : {
              sourceLabels: { app: service.app, 'pod-template-hash': '7d4b9c' },
              sourcePod: `${service.app}-7d4b9c-x${rnd.int(9)}`,
            }),
        destIP: `198.51.100.${rnd.int(250)}`,
        destPort: rnd.pick(PORTS),
        protocol: 'TCP',
        destName,
      };
    });
    return JSON.stringify({ format: 'generic', records });
  };
}

async function post(
  url: string,
  token: string,
  body: string,
): Promise<{ ms: number; problem: string | null }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/v1/flows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  const text = await res.text();
  return {
    ms: performance.now() - t0,
    problem: res.status === 200 ? null : `${res.status} ${text.slice(0, 200)}`,
  };
}

/** `collectors` clients, each sending `batches` batches of `size` records one after another. */
async function ingest(
  name: string,
  url: string,
  token: string,
  make: (n: number) => string,
  size: number,
  batches: number,
  collectors = 1,
): Promise<Measured> {
  for (let i = 0; i < RUN.warmupBatches; i++) await post(url, token, make(size));
  const bodies = Array.from({ length: collectors }, () => Array.from({ length: batches }, () => make(size)));
  const latencies: number[] = [];
  const wrong: string[] = [];
  const t0 = performance.now();
  await Promise.all(
    bodies.map(async (mine) => {
      for (const body of mine) {
        const { ms, problem } = await post(url, token, body);
        latencies.push(ms);
        if (problem) wrong.push(problem);
      }
    }),
  );
  return { name, latencies, wallMs: performance.now() - t0, records: size * batches * collectors, wrong };
}

async function inbox(name: string, url: string, token: string, query: string): Promise<Measured> {
  const get = async () => {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/v1/blocked-egress?${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = await res.text();
    return {
      ms: performance.now() - t0,
      problem: res.status === 200 ? null : `${res.status} ${body.slice(0, 200)}`,
    };
  };
  for (let i = 0; i < RUN.inboxWarmup; i++) await get();
  const latencies: number[] = [];
  const wrong: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < RUN.inboxRequests; i++) {
    const { ms, problem } = await get();
    latencies.push(ms);
    if (problem) wrong.push(problem);
  }
  return { name, latencies, wallMs: performance.now() - t0, records: 0, wrong };
}

async function secondPage(url: string, token: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/blocked-egress?limit=50`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const { nextCursor } = (await res.json()) as { nextCursor: string | null };
  return `limit=50&cursor=${nextCursor ?? ''}`;
}

// --- report -------------------------------------------------------------------------------------------------

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function row(m: Measured): string {
  const rate =
    m.records > 0
      ? `${Math.round(m.records / (m.wallMs / 1000)).toLocaleString('en')} records/s`
      : `${(m.latencies.length / (m.wallMs / 1000)).toFixed(0)} req/s`;
  return `  ${m.name.padEnd(52)} ${String(m.latencies.length).padStart(4)}  ${rate.padStart(18)}   p50 ${percentile(m.latencies, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(m.latencies, 95).toFixed(1).padStart(7)} ms`;
}

function verdict(m: Measured, target: number): boolean {
  const p95 = percentile(m.latencies, 95);
  process.stdout.write(
    `  ${m.name.padEnd(52)} p95 < ${String(target).padStart(5)} ms   measured ${p95.toFixed(1).padStart(7)} ms   ${p95 < target ? 'PASS' : 'MISS'}\n`,
  );
  return p95 < target;
}

async function run(cleanups: Cleanups): Promise<number> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const loadAtStart = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const { databaseUrl, db } = await freshDatabase(cleanups, `egress_bench_flows_${process.pid}`);
  const t0 = performance.now();
  const data = await seed(db, 20261126, Date.now());
  const seedSeconds = (performance.now() - t0) / 1000;
  const dataDir = await mkdtemp(join(tmpdir(), 'egress-bench-flows-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const server = await startServer(databaseUrl, dataDir);
  cleanups.push(() => server.stop());
  const make = batchMaker(data, 7);

  const ingests = [
    await ingest(
      'POST /flows, batches of 1,000 (1 collector)',
      server.url,
      data.ingestToken,
      make,
      1_000,
      RUN.batches1k,
    ),
    await ingest(
      'POST /flows, batches of 5,000 (1 collector)',
      server.url,
      data.ingestToken,
      make,
      5_000,
      RUN.batches5k,
    ),
    await ingest(
      `POST /flows, batches of 1,000 (${RUN.collectors} collectors at once)`,
      server.url,
      data.ingestToken,
      make,
      1_000,
      RUN.batchesPerCollector,
      RUN.collectors,
    ),
  ];
  const [rows] = await db.$queryRaw<{ n: number; groups: number }[]>`
    SELECT count(*)::int AS n, count(DISTINCT (service_id, source_namespace, dest_key, port, protocol))::int AS groups FROM blocked_flows`;
  const inboxes = [
    await inbox('GET /blocked-egress?limit=50', server.url, data.engineerToken, 'limit=50'),
    await inbox(
      'GET /blocked-egress?limit=50&cursor=(page 2)',
      server.url,
      data.engineerToken,
      await secondPage(server.url, data.engineerToken),
    ),
    await inbox(
      'GET /blocked-egress?known=false&limit=50',
      server.url,
      data.engineerToken,
      'known=false&limit=50',
    ),
    await inbox(
      'GET /blocked-egress?namespace=team-3',
      server.url,
      data.engineerToken,
      'namespace=team-3&limit=50',
    ),
    await inbox(
      'GET /blocked-egress?destination=vendor1',
      server.url,
      data.engineerToken,
      'destination=vendor1&limit=50',
    ),
  ];

  say('Egress Control denied-flow benchmark');
  say(
    `machine:  ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; Node ${process.version}`,
  );
  say(
    `data:     ${SIZE.services} services in ${SIZE.namespaces} namespaces, ${SIZE.destinations} destinations, 51 alert rules, ${data.storedRows} stored flow windows; seeded in ${seedSeconds.toFixed(1)} s`,
  );
  say(`          after ingest: ${rows?.n ?? '?'} rows in ${rows?.groups ?? '?'} inbox groups`);
  say(
    `load:     load average ${loadAtStart} at the start, ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at the end`,
  );
  say('');
  for (const m of [...ingests, ...inboxes]) say(row(m));
  say('');
  say('targets');
  verdict(ingests[0]!, TARGET_P95_MS.ingest1k);
  verdict(ingests[1]!, TARGET_P95_MS.ingest5k);
  for (const m of inboxes) verdict(m, TARGET_P95_MS.inbox);
  const broken = [...ingests, ...inboxes].filter((m) => m.wrong.length > 0);
  for (const m of broken)
    say(`${m.name}: ${m.wrong.length} answers were not 200; first: ${m.wrong[0] ?? ''}`);
  return broken.length > 0 ? 1 : 0;
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
