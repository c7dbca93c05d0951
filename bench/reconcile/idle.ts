// Idle cost: how many requests the product sends the Kubernetes API server when nothing changes, with
// the bench fleet (fleet.ts: 300 destinations, ~1,960 objects) applied and every gateway ready, counted
// from the kube-apiserver's own audit log (tools/harness/src/audit.ts), not from the client.
// Not a test: it prints numbers and PASS/MISS and exits 0 (1 only when the run itself broke).
//
//   cd apps/api && npx tsx ../../bench/reconcile/idle.ts [--minutes 3] [--resync-seconds 60]
//
// The arithmetic: at rest the product makes three kinds of requests: the periodic resync (a full read of
// the managed objects and the namespaces, every EGRESS_RESYNC_INTERVAL_SECONDS), the re-opening of its
// watches (namespaces and gateway Deployments, each ended by the server every WATCH_TIMEOUT_SECONDS),
// and anything else (which should be nothing). A few minutes at the product's resync interval would
// catch zero or one resync, so the bench runs the app with a short interval (--resync-seconds, 60 by
// default) to see several, counts the requests inside each periodic run (the audit log's timestamps
// against the run records' start and finish), and projects the rate at the product defaults:
//
//   per minute = requests per resync x 60 / default resync seconds
//              + watches x 60 / watch timeout seconds   (too rare to observe in the window: computed)
//              + requests outside runs per minute       (observed)
//
// It prints the raw rate in the window too. Everything binds and talks to 127.0.0.1.
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';

import { buildApp } from '../../apps/api/src/app.ts';
import { loadConfig } from '../../apps/api/src/config.ts';
import { createDb } from '../../apps/api/src/platform/db.ts';
import {
  createKubeClient,
  type KubeClient,
  loadDefaultKubeConfig,
} from '../../apps/api/src/reconcile/kube/client.ts';
import { WATCH_TIMEOUT_SECONDS } from '../../apps/api/src/reconcile/kube/watch.ts';
import { settled } from '../../apps/api/test/helpers/reconcile.ts';
import { DNS_SNIPPET_KEY } from '../../packages/manifests/src/names.ts';
import {
  type AuditRequest,
  countRequests,
  harnessBinDir,
  readAuditLog,
  selectRequests,
  startControlPlane,
} from '../../tools/harness/src/index.ts';
import { freshDatabase, runWithCleanups } from '../lib/database.ts';
import { type FleetDestination, seedFleet, SIZE } from './fleet.ts';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const MINUTES = arg('minutes', 3);
const RESYNC_SECONDS = arg('resync-seconds', 60);
const TARGET_PER_MINUTE = 1;
/** The harness admin: the app's credentials (and the bench's, which stays silent in the window). */
const ADMIN = 'egress-test-admin';
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Marks every gateway Deployment ready through the status subresource, as the deployment controller would. */
async function markAllReady(
  kube: KubeClient,
  namespace: string,
  destinations: FleetDestination[],
): Promise<void> {
  const queue = [...destinations];
  const worker = async () => {
    for (let d = queue.shift(); d; d = queue.shift()) {
      const res = await kube.request({
        method: 'PATCH',
        path: `/apis/apps/v1/namespaces/${namespace}/deployments/${d.gateway}/status`,
        body: {
          status: {
            replicas: 2,
            readyReplicas: 2,
            availableReplicas: 2,
            updatedReplicas: 2,
            observedGeneration: 1,
          },
        },
        contentType: 'application/merge-patch+json',
      });
      if (res.status !== 200) throw new Error(`marking ${d.gateway} ready answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

function table(counts: [string, number][], minutes: number): string {
  return counts
    .map(([what, n]) => `  ${what.padEnd(48)} ${String(n).padStart(5)}  (${(n / minutes).toFixed(2)}/min)`)
    .join('\n');
}

async function main(cleanups: Parameters<Parameters<typeof runWithCleanups>[1]>[0]): Promise<number> {
  console.log(
    `machine: ${cpus()[0]?.model ?? '?'} x${availableParallelism()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, node ${process.version}`,
  );
  const cp = await startControlPlane({ binDir: await harnessBinDir(), auditLog: true });
  cleanups.push(() => cp.stop());
  const { databaseUrl, db } = await freshDatabase(cleanups, `egress_bench_idle_${process.pid}`);
  const fleet = await seedFleet(db);
  console.log(
    `seeded ${SIZE.destinations} destinations, ${SIZE.services} services, ${SIZE.grants} active grants`,
  );

  process.env['KUBECONFIG'] = cp.kubeconfigPath;
  const env = {
    EGRESS_TARGET: 'kubernetes',
    DATABASE_URL: databaseUrl,
    EGRESS_LOG_LEVEL: 'warn',
    EGRESS_WEB_DIST: '/nonexistent',
  };
  const defaultResyncSeconds = loadConfig(env).resyncIntervalMs / 1000;
  const config = loadConfig({ ...env, EGRESS_RESYNC_INTERVAL_SECONDS: String(RESYNC_SECONDS) });
  const appDb = createDb(databaseUrl, 10);
  cleanups.push(() => appDb.$disconnect());
  const app = await buildApp({ config, db: appDb, databaseUrl });
  cleanups.push(() => app.close());
  const kube = createKubeClient(loadDefaultKubeConfig());
  cleanups.push(async () => kube.close());

  let t = performance.now();
  await app.ready();
  await settled(app, 600_000);
  const objects = (await db.reconcileRun.findFirstOrThrow({ where: { trigger: 'startup' } })).created;
  console.log(`cold apply: ${objects} objects in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  // Every gateway turns ready; the readiness watch tells the reconciler, whose runs steer them in DNS.
  t = performance.now();
  await markAllReady(kube, fleet.gatewayNamespace, fleet.destinations);
  const marked = performance.now();
  let steered = 0;
  while (performance.now() - marked < 60_000) {
    const dns = await kube.request<{ data?: Record<string, string> }>({
      method: 'GET',
      path: '/api/v1/namespaces/kube-system/configmaps/egress-control-dns',
    });
    const snippet = dns.body.data?.[DNS_SNIPPET_KEY] ?? '';
    steered = fleet.destinations.filter((d) => snippet.includes(` ${d.host}\n`)).length;
    if (steered === fleet.destinations.length) break;
    await sleep(100);
  }
  await settled(app, 120_000);
  const readinessRuns = await db.reconcileRun.count({
    where: { trigger: { startsWith: 'gateway readiness changed' } },
  });
  console.log(
    `readiness: ${fleet.destinations.length} gateways marked ready in ${((marked - t) / 1000).toFixed(1)} s; all ${steered} steered in DNS ${((performance.now() - marked) / 1000).toFixed(1)} s after the last, by ${readinessRuns} run(s) the readiness watch triggered`,
  );

  // Settle, then measure: the bench sends nothing from here to the end of the window.
  await sleep(5_000);
  await settled(app, 120_000);
  const from = new Date();
  console.log(
    `\nmeasuring ${MINUTES} min at rest (resync every ${RESYNC_SECONDS} s for the window; product default ${defaultResyncSeconds} s) ...`,
  );
  await sleep(MINUTES * 60_000);
  const to = new Date();
  await settled(app, 120_000);

  const all = selectRequests(await readAuditLog(cp.auditLogPath ?? ''), { username: ADMIN });
  const window = selectRequests(all, { from, to });
  const runs = await db.reconcileRun.findMany({
    where: { startedAt: { gte: from, lt: to } },
    orderBy: { startedAt: 'asc' },
  });
  const periodic = runs.filter((r) => r.trigger === 'periodic');
  const inRun = (r: AuditRequest) =>
    runs.some((run) => r.receivedAt >= run.startedAt && r.receivedAt <= (run.finishedAt ?? to));
  const resyncRequests = window.filter(inRun);
  const outside = window.filter((r) => !inRun(r));
  const counts = countRequests(window);
  const changed = runs.reduce((n, r) => n + r.created + r.updated + r.deleted, 0);
  const watches = new Set(all.filter((r) => r.verb === 'watch').map((r) => r.resource)).size;

  console.log(
    `\nin the window (${MINUTES} min, audit log, user ${ADMIN}): ${counts.total} requests, ${counts.mutating} mutating; ${runs.length} runs (${periodic.map((r) => r.trigger).length} periodic), ${changed} objects changed`,
  );
  console.log(table(counts.byVerbResource, MINUTES));
  const perResync = periodic.length > 0 ? resyncRequests.length / periodic.length : NaN;
  const outsidePerMinute = outside.length / MINUTES;
  const watchPerMinute = (watches * 60) / WATCH_TIMEOUT_SECONDS;
  const projected = (perResync * 60) / defaultResyncSeconds + watchPerMinute + outsidePerMinute;
  console.log(
    `\nper resync: ${perResync.toFixed(1)} requests (${resyncRequests.length} in ${periodic.length} periodic runs); outside runs: ${outside.length} (${outsidePerMinute.toFixed(2)}/min)`,
  );
  console.log(
    `watches held open: ${watches} (${[...new Set(all.filter((r) => r.verb === 'watch').map((r) => r.resource))].join(', ')}), each re-opened every ${WATCH_TIMEOUT_SECONDS} s: ${watchPerMinute.toFixed(3)}/min`,
  );
  console.log(
    `projected at the product defaults: ${perResync.toFixed(1)} x 60 / ${defaultResyncSeconds} + ${watchPerMinute.toFixed(3)} + ${outsidePerMinute.toFixed(2)} = ${projected.toFixed(2)} requests per minute`,
  );

  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  console.log('\n| measure | value | target | |');
  console.log('|---|---|---|---|');
  console.log(
    `| requests per minute at rest, raw (resync every ${RESYNC_SECONDS} s) | ${(counts.total / MINUTES).toFixed(2)} | (for the arithmetic) | |`,
  );
  console.log(
    `| requests per minute at rest, product defaults (resync ${defaultResyncSeconds} s) | ${projected.toFixed(2)} | ≤ ${TARGET_PER_MINUTE} | ${verdict(projected <= TARGET_PER_MINUTE)} |`,
  );
  console.log(
    `| mutating requests at rest (${periodic.length} no-op resyncs) | ${counts.mutating} | 0 | ${verdict(counts.mutating === 0 && changed === 0)} |`,
  );
  console.log(
    `\nload at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  return runs.every((r) => r.status === 'succeeded') ? 0 : 1;
}

runWithCleanups(12 * 60_000, main).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
