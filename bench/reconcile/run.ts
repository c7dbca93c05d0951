// Reconcile benchmark: the kubernetes target against a real kube-apiserver + etcd (the test harness),
// with the real app on a real PostgreSQL seeded to 300 destinations, 1,000 services and 3,000 active
// grants. Measures the cold apply, a no-op resync, approve -> gateway NetworkPolicy updated (with the
// triggered runs broken down by step) and how many runs a burst of 200 approvals folds into.
// Not a test: it prints numbers and PASS/MISS against the targets and exits 0 (1 only if the run itself
// is broken: a failed reconcile run, an approval that did not answer 200).
//
//   cd apps/api && npx tsx ../../bench/reconcile/run.ts
//
// TEST_DATABASE_URL points it at an external PostgreSQL (it creates and drops its own database there);
// otherwise an embedded PostgreSQL is started in a temporary folder. Everything binds 127.0.0.1.
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { buildApp } from '../../apps/api/src/app.ts';
import { loadConfig } from '../../apps/api/src/config.ts';
import { createDb } from '../../apps/api/src/platform/db.ts';
import { migrate } from '../../apps/api/src/platform/migrate.ts';
import type { RequestInfo } from '../../apps/api/src/reconcile/kube/client.ts';
import type { FinishedRun, RunTimings } from '../../apps/api/src/reconcile/reconciler.ts';
import type { KubernetesTarget } from '../../apps/api/src/reconcile/targets/kubernetes.ts';
import { settled } from '../../apps/api/test/helpers/reconcile.ts';
import { startTestPostgres } from '../../apps/api/test/setup/postgres.ts';
import { harnessBinDir, startControlPlane } from '../../tools/harness/src/index.ts';
import { type Pending, seedFleet as seed, SIZE } from './fleet.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const TARGETS = { coldMs: 2_000, noopMs: 2_000, noopWrites: 0, approveP95Ms: 100, burstRuns: 10 };
const DEADLINE_MS = 15 * 60_000;
/** Approvals in flight at once in the burst (the app's pool has 10 connections; each approval is a transaction). */
const BURST_CONCURRENCY = 5;

/** Runs `fn` over `items`, `limit` at a time, results in order. */
async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function byMethod(requests: RequestInfo[]): string {
  const counts = new Map<string, number>();
  for (const r of requests) counts.set(r.method, (counts.get(r.method) ?? 0) + 1);
  return [...counts].map(([m, n]) => `${m} ${n}`).join(', ') || 'none';
}

const verdict = (ok: boolean): string => (ok ? 'PASS' : 'MISS');

const STEPS = [
  'plan',
  'snapshot',
  'compile',
  'apply',
  'record',
  'total',
] as const satisfies readonly (keyof RunTimings)[];
const STEP_MEANING: Record<(typeof STEPS)[number], string> = {
  plan: 'settings read',
  snapshot:
    "database read (full run: waiting for the snapshot after the cluster was read; scoped: the touched gateways' rows)",
  compile: 'compiling the desired state (compiler thread)',
  apply:
    'full run: reading the namespaces (the live state is reused), comparing hashes, writing; scoped: comparing hashes, writing',
  record: 'writing the outcome to the run row',
  total: 'start to recorded',
};

function breakdown(timings: RunTimings): string {
  return STEPS.map((step) => `${step} ${timings[step]} ms`).join(', ');
}

interface PolicySpec {
  ingress?: {
    from?: { podSelector?: { matchLabels?: Record<string, string> } }[];
    ports?: { port: number }[];
  }[];
}

/** Whether an ingress rule of the policy lets the service's pods (label app=...) in on port 443 (the pending grants' port). */
function admits(spec: PolicySpec, app: string): boolean {
  return (spec.ingress ?? []).some(
    (r) =>
      (r.from ?? []).some((f) => f.podSelector?.matchLabels?.['app'] === app) &&
      (r.ports ?? []).some((p) => p.port === 443),
  );
}

/**
 * Polls the gateway NetworkPolicy (every 10 ms) until it admits the service's pods on 443 (`want`
 * true: an approval) or no longer does (false: a revoke).
 */
async function admitted(target: KubernetesTarget, p: Pending, since: number, want = true): Promise<void> {
  const path = `/apis/networking.k8s.io/v1/namespaces/egress-gateways/networkpolicies/${p.gateway}`;
  for (;;) {
    const np = await target.client.request({ method: 'GET', path });
    if (admits((np.body as { spec?: PolicySpec }).spec ?? {}, p.app) === want) return;
    if (performance.now() - since > 30_000)
      throw new Error(
        `the NetworkPolicy of ${p.gateway} did not ${want ? 'admit' : 'stop admitting'} ${p.app} within 30 s`,
      );
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Prints the triggered runs' steps, p50 / p95. */
function printSteps(triggered: FinishedRun[]): void {
  console.log(`  the ${triggered.length} runs they triggered (start to recorded), p50 / p95 per step:`);
  for (const step of STEPS) {
    const values = triggered.map((r) => r.timings[step]).sort((a, b) => a - b);
    console.log(
      `    ${step.padEnd(8)} ${String(percentile(values, 50)).padStart(4)} / ${String(percentile(values, 95)).padStart(4)} ms  ${STEP_MEANING[step]}`,
    );
  }
}

/** One grant decision at a time through the API, each timed until the gateway NetworkPolicy shows it. */
async function oneAtATime(
  app: Awaited<ReturnType<typeof buildApp>>,
  target: KubernetesTarget,
  token: string,
  grants: Pending[],
  action: 'approve' | 'revoke',
): Promise<{ latencies: number[]; answers: number[] }> {
  const latencies: number[] = [];
  const answers: number[] = [];
  for (const p of grants) {
    await settled(app, 60_000);
    const t = performance.now();
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/grants/${p.id}/${action}`,
      headers: { authorization: `Bearer ${token}` },
      payload: action === 'revoke' ? { reason: 'Benchmark revoke.' } : {},
    });
    if (res.statusCode !== 200) throw new Error(`${action} answered ${res.statusCode}: ${res.body}`);
    answers.push(performance.now() - t);
    await admitted(target, p, t, action === 'approve');
    latencies.push(performance.now() - t);
  }
  return { latencies: latencies.sort((a, b) => a - b), answers: answers.sort((a, b) => a - b) };
}

async function main(): Promise<void> {
  const deadline = setTimeout(() => {
    console.error('benchmark deadline reached; stopping');
    process.exit(1);
  }, DEADLINE_MS);
  deadline.unref();
  console.log(
    `machine: ${cpus()[0]?.model ?? '?'} x${availableParallelism()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, node ${process.version}`,
  );

  const cp = await startControlPlane({ binDir: await harnessBinDir() });
  const pg = await startTestPostgres();
  const dbName = `egress_bench_reconcile_${process.pid}`;
  const adminDb = createDb(pg.adminUrl, 2);
  await adminDb.$executeRawUnsafe(`CREATE DATABASE ${dbName}`);
  const url = new URL(pg.adminUrl);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  const db = createDb(databaseUrl, 10);
  try {
    await migrate(databaseUrl, join(ROOT, 'prisma/migrations'));
    let t = performance.now();
    const seeded = await seed(db);
    console.log(
      `seeded ${SIZE.destinations} destinations, ${SIZE.services} services, ${SIZE.grants} active grants (+${SIZE.approvals + SIZE.burst} pending) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    process.env['KUBECONFIG'] = cp.kubeconfigPath;
    const config = loadConfig({
      EGRESS_TARGET: 'kubernetes',
      DATABASE_URL: databaseUrl,
      EGRESS_LOG_LEVEL: 'warn',
      EGRESS_WEB_DIST: '/nonexistent',
    });
    app = await buildApp({ config, db, databaseUrl });
    const target = app.reconciler.target as KubernetesTarget;
    let requests: RequestInfo[] = [];
    target.client.onRequest((r) => {
      requests.push(r);
    });
    let finished: FinishedRun[] = [];
    app.reconciler.onRunFinished((run) => finished.push(run));

    // 1. Cold apply: the start-up run writes everything.
    t = performance.now();
    await app.ready();
    await settled(app, 600_000);
    const coldWall = performance.now() - t;
    const cold = await db.reconcileRun.findFirstOrThrow({ where: { trigger: 'startup' } });
    if (cold.status !== 'succeeded') throw new Error(`cold apply failed: ${JSON.stringify(cold.errors)}`);
    const coldMs = (cold.finishedAt?.getTime() ?? 0) - cold.startedAt.getTime();
    const coldRequests = requests.length;
    const coldRun = finished.find((r) => r.id === cold.id);
    console.log(
      `\ncold apply: ${cold.created} objects created in ${(coldMs / 1000).toFixed(2)} s (run record; ${(coldWall / 1000).toFixed(2)} s from app start), ${requests.length} requests (${byMethod(requests)})`,
    );
    console.log(
      `  ${(cold.created / (coldMs / 1000)).toFixed(0)} objects per second, ${(coldRequests / cold.created).toFixed(3)} requests per object${coldRun ? `; ${breakdown(coldRun.timings)}` : ''}`,
    );

    // 2. No-op resyncs.
    const noops: { ms: number; requests: number; writes: number; unchanged: number }[] = [];
    for (let i = 0; i < 3; i++) {
      requests = [];
      const id = await app.reconciler.requestRun('bench: resync');
      await settled(app, 120_000);
      const run = await db.reconcileRun.findUniqueOrThrow({ where: { id } });
      if (run.status !== 'succeeded') throw new Error(`resync failed: ${JSON.stringify(run.errors)}`);
      noops.push({
        ms: (run.finishedAt?.getTime() ?? 0) - run.startedAt.getTime(),
        requests: requests.length,
        writes: requests.filter((r) => r.mutating).length,
        unchanged: run.unchanged,
      });
    }
    const worstNoop = Math.max(...noops.map((n) => n.ms));
    const writes = Math.max(...noops.map((n) => n.writes));
    for (const n of noops)
      console.log(
        `no-op resync: ${n.ms} ms, ${n.unchanged} unchanged, ${n.requests} requests, ${n.writes} mutating`,
      );

    // 3. Approve -> the gateway NetworkPolicy admits the service (polled on the API server every 10 ms),
    // then revoke -> it no longer does: a revoke must be as fast as an approval.
    finished = [];
    const approved = await oneAtATime(app, target, seeded.approverToken, seeded.pending, 'approve');
    const approveRuns = finished.filter((r) => r.trigger.startsWith('change:'));
    const p50 = percentile(approved.latencies, 50);
    const p95 = percentile(approved.latencies, 95);
    console.log(
      `\napprove -> gateway NetworkPolicy updated (${approved.latencies.length} approvals, one at a time): p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${(approved.latencies.at(-1) ?? NaN).toFixed(0)} ms`,
    );
    console.log(
      `  the approve request itself (transaction, audit row, answer): p50 ${percentile(approved.answers, 50).toFixed(0)} ms, p95 ${percentile(approved.answers, 95).toFixed(0)} ms`,
    );
    printSteps(approveRuns);
    finished = [];
    const revoked = await oneAtATime(app, target, seeded.approverToken, seeded.pending, 'revoke');
    const revokeRuns = finished.filter((r) => r.trigger.startsWith('change:'));
    const r50 = percentile(revoked.latencies, 50);
    const r95 = percentile(revoked.latencies, 95);
    console.log(
      `\nrevoke -> gateway NetworkPolicy no longer admits (${revoked.latencies.length} revokes, one at a time): p50 ${r50.toFixed(0)} ms, p95 ${r95.toFixed(0)} ms, max ${(revoked.latencies.at(-1) ?? NaN).toFixed(0)} ms`,
    );
    console.log(
      `  the revoke request itself: p50 ${percentile(revoked.answers, 50).toFixed(0)} ms, p95 ${percentile(revoked.answers, 95).toFixed(0)} ms`,
    );
    printSteps(revokeRuns);

    // 4. A burst: 200 approvals, BURST_CONCURRENCY at a time (a script, or several approvers at once);
    // how many runs they fold into, and when all are enforced.
    await settled(app, 60_000);
    finished = [];
    requests = [];
    t = performance.now();
    // The first burst run's writes are on the API server once it is recorded: when the first approvals are enforced.
    let firstRunDone = NaN;
    const offFirst = app.reconciler.onRunFinished(() => {
      if (Number.isNaN(firstRunDone)) firstRunDone = performance.now() - t;
    });
    const burst = await inParallel(seeded.burst, BURST_CONCURRENCY, (p) =>
      app!.inject({
        method: 'POST',
        url: `/api/v1/grants/${p.id}/approve`,
        headers: { authorization: `Bearer ${seeded.approverToken}` },
        payload: {},
      }),
    );
    const burstAnswered = performance.now() - t;
    const refused = burst.filter((r) => r.statusCode !== 200);
    if (refused.length > 0)
      throw new Error(`${refused.length} burst approvals failed: ${refused[0]?.body ?? ''}`);
    await settled(app, 120_000);
    const burstSettled = performance.now() - t;
    for (const p of seeded.burst) await admitted(target, p, performance.now());
    offFirst();
    const burstRuns = finished.filter((r) => r.trigger.startsWith('change:'));
    console.log(
      `\nburst: ${SIZE.burst} approvals, ${BURST_CONCURRENCY} at a time: answered in ${burstAnswered.toFixed(0)} ms, the first run recorded (its approvals enforced) ${firstRunDone.toFixed(0)} ms after the first was sent, all enforced ${burstSettled.toFixed(0)} ms after the first was sent, in ${burstRuns.length} runs (${burstRuns.map((r) => r.timings.total).join(', ')} ms), ${requests.filter((r) => r.mutating).length} mutating requests`,
    );

    console.log('\n| measure | value | target | |');
    console.log('|---|---|---|---|');
    console.log(
      `| cold apply (${cold.created} objects) | ${(coldMs / 1000).toFixed(2)} s, ${(cold.created / (coldMs / 1000)).toFixed(0)} objects/s, ${(coldRequests / cold.created).toFixed(3)} requests/object | < ${TARGETS.coldMs / 1000} s | ${verdict(coldMs < TARGETS.coldMs)} |`,
    );
    console.log(
      `| no-op resync, slowest of 3 | ${worstNoop} ms | < ${TARGETS.noopMs} ms | ${verdict(worstNoop < TARGETS.noopMs)} |`,
    );
    console.log(
      `| no-op resync, mutating requests | ${writes} | ${TARGETS.noopWrites} | ${verdict(writes === TARGETS.noopWrites)} |`,
    );
    console.log(
      `| approve -> policy, p50 / p95 | ${p50.toFixed(0)} / ${p95.toFixed(0)} ms | p95 < ${TARGETS.approveP95Ms} ms | ${verdict(p95 < TARGETS.approveP95Ms)} |`,
    );
    console.log(
      `| revoke -> policy, p50 / p95 | ${r50.toFixed(0)} / ${r95.toFixed(0)} ms | p95 < ${TARGETS.approveP95Ms} ms | ${verdict(r95 < TARGETS.approveP95Ms)} |`,
    );
    console.log(
      `| burst of ${SIZE.burst} approvals, runs | ${burstRuns.length} | <= ${TARGETS.burstRuns} | ${verdict(burstRuns.length <= TARGETS.burstRuns)} |`,
    );
    console.log(
      `\nload at the end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await app?.close();
    await db.$disconnect();
    await adminDb.$executeRawUnsafe(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await adminDb.$disconnect();
    await pg.stop();
    await cp.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
