// The anchor of issue 12: Monzo's egress-operator (github.com/monzo/egress-operator), the operator this
// product replaces, on the same harness kube-apiserver, with the same 300 destinations (fleet.ts) as
// ExternalService objects: cold apply (300 ExternalServices created -> all their objects present),
// requests at rest counted from the API server's audit log (same counter as idle.ts), and update
// latency (a port added to one ExternalService -> its Service, the last object it writes, has it).
// Not a test: it prints numbers and exits 0 (1 only when the run itself broke).
//
//   EGRESS_ANCHOR_OPERATOR=/path/to/manager cd apps/api && npx tsx ../../bench/reconcile/anchor.ts [--minutes 3] [--updates 20]
//
// This repository does not build egress-operator (see bench/reconcile/README.md, "Anchor"): give the path
// of its manager binary in EGRESS_ANCHOR_OPERATOR. It runs with the harness admin's kubeconfig, its
// metrics server off (--metrics-addr=0), no leader election, no webhooks; everything on 127.0.0.1.
// The ExternalService CRD below is ours: a cluster-scoped egress.monzo.com/v1 kind whose schema keeps
// whatever fields it is given, which is all the operator needs to read its objects.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import {
  createKubeClient,
  type KubeClient,
  loadDefaultKubeConfig,
} from '../../apps/api/src/reconcile/kube/client.ts';
import {
  countRequests,
  harnessBinDir,
  readAuditLog,
  selectRequests,
  startControlPlane,
} from '../../tools/harness/src/index.ts';
import { type Cleanups, runWithCleanups } from '../lib/database.ts';
import { type FleetDestination, fleetDestinations } from './fleet.ts';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const MINUTES = arg('minutes', 3);
const UPDATES = arg('updates', 20);
const NAMESPACE = 'egress-operator-system';
/** The objects egress-operator writes per ExternalService (PodDisruptionBudgets are off by default). */
const KINDS = [
  ['/api/v1', 'configmaps'],
  ['/apis/apps/v1', 'deployments'],
  ['/apis/autoscaling/v2', 'horizontalpodautoscalers'],
  ['/apis/networking.k8s.io/v1', 'networkpolicies'],
  ['/api/v1', 'services'],
] as const;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'externalservices.egress.monzo.com' },
  spec: {
    group: 'egress.monzo.com',
    names: {
      kind: 'ExternalService',
      listKind: 'ExternalServiceList',
      plural: 'externalservices',
      singular: 'externalservice',
    },
    scope: 'Cluster',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};

/** An ExternalService for one fleet destination: its host, its TCP ports, DNS hijacking on. */
function externalService(d: FleetDestination, extraPort?: number) {
  const ports = [...d.ports, ...(extraPort ? [extraPort] : [])].map((port) => ({ port, protocol: 'TCP' }));
  return {
    apiVersion: 'egress.monzo.com/v1',
    kind: 'ExternalService',
    metadata: { name: d.gateway },
    spec: { dnsName: d.host, ports, hijackDns: true },
  };
}

async function must(
  kube: KubeClient,
  what: string,
  req: Parameters<KubeClient['request']>[0],
): Promise<unknown> {
  const res = await kube.request(req);
  if (res.status >= 300)
    throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body;
}

async function counts(kube: KubeClient): Promise<number[]> {
  return Promise.all(
    KINDS.map(
      async ([prefix, plural]) =>
        (
          (
            await kube.request<{ items?: unknown[] }>({
              method: 'GET',
              path: `${prefix}/namespaces/${NAMESPACE}/${plural}`,
              query: { labelSelector: 'app=egress-gateway' },
            })
          ).body.items ?? []
        ).length,
    ),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function main(cleanups: Cleanups): Promise<number> {
  const operator = process.env['EGRESS_ANCHOR_OPERATOR'];
  if (!operator) {
    console.error(
      'EGRESS_ANCHOR_OPERATOR must name an egress-operator manager binary (this repository does not build it; see bench/reconcile/README.md, "Anchor")',
    );
    return 1;
  }
  console.log(
    `machine: ${cpus()[0]?.model ?? '?'} x${availableParallelism()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, node ${process.version}`,
  );
  const cp = await startControlPlane({ binDir: await harnessBinDir(), auditLog: true });
  cleanups.push(() => cp.stop());
  process.env['KUBECONFIG'] = cp.kubeconfigPath;
  const kube = createKubeClient(loadDefaultKubeConfig());
  cleanups.push(async () => kube.close());

  await must(kube, 'the CRD', {
    method: 'POST',
    path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
    body: CRD,
  });
  for (;;) {
    const crd = await kube.request<{ status?: { conditions?: { type: string; status: string }[] } }>({
      method: 'GET',
      path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${CRD.metadata.name}`,
    });
    if (crd.body.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
    await sleep(100);
  }
  await must(kube, 'the namespace', {
    method: 'POST',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
  });

  const log = openSync(join(cp.dir, 'egress-operator.log'), 'w');
  const child = spawn(operator, ['--metrics-addr=0'], {
    env: { PATH: process.env['PATH'] ?? '', HOME: cp.dir, KUBECONFIG: cp.kubeconfigPath },
    stdio: ['ignore', log, log],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  cleanups.push(async () => {
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  await sleep(3_000);
  if (child.exitCode !== null)
    throw new Error(
      `egress-operator exited with ${child.exitCode}; see ${join(cp.dir, 'egress-operator.log')}`,
    );

  // Cold apply: 300 ExternalServices (8 at a time) until all their objects exist.
  const fleet = fleetDestinations();
  const t0 = performance.now();
  const queue = [...fleet];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let d = queue.shift(); d; d = queue.shift())
        await must(kube, `ExternalService ${d.gateway}`, {
          method: 'POST',
          path: '/apis/egress.monzo.com/v1/externalservices',
          body: externalService(d),
        });
    }),
  );
  const created = performance.now();
  let have: number[] = [];
  while (performance.now() - t0 < 300_000) {
    have = await counts(kube);
    if (have.every((n) => n === fleet.length)) break;
    await sleep(250);
  }
  const coldMs = performance.now() - t0;
  const objects = have.reduce((a, b) => a + b, 0);
  console.log(
    `cold apply: ${fleet.length} ExternalServices created in ${((created - t0) / 1000).toFixed(1)} s; ${objects} objects (${KINDS.map(([, k], i) => `${k} ${have[i]}`).join(', ')}) present after ${(coldMs / 1000).toFixed(1)} s`,
  );

  // At rest: the bench sends nothing in the window; the operator's requests are the admin user's whose
  // user agent is not ours.
  await sleep(15_000);
  const from = new Date();
  console.log(`\nmeasuring ${MINUTES} min at rest ...`);
  await sleep(MINUTES * 60_000);
  const to = new Date();
  const theirs = selectRequests(await readAuditLog(cp.auditLogPath ?? ''), {
    username: 'egress-test-admin',
    from,
    to,
  }).filter((r) => !r.userAgent.startsWith('egress-control'));
  const idle = countRequests(theirs);
  console.log(
    `in the window: ${idle.total} requests (${(idle.total / MINUTES).toFixed(2)}/min), ${idle.mutating} mutating`,
  );
  for (const [what, n] of idle.byVerbResource) console.log(`  ${what.padEnd(48)} ${String(n).padStart(5)}`);

  // Update: one more port on an ExternalService -> its Service (written last) has it. Polled every 10 ms.
  const latencies: number[] = [];
  for (const d of fleet.slice(0, UPDATES)) {
    const t = performance.now();
    await must(kube, `update of ${d.gateway}`, {
      method: 'PATCH',
      path: `/apis/egress.monzo.com/v1/externalservices/${d.gateway}`,
      body: { spec: { ports: externalService(d, 7443).spec.ports } },
      contentType: 'application/merge-patch+json',
    });
    for (;;) {
      const svc = await kube.request<{ spec?: { ports?: { port: number }[] } }>({
        method: 'GET',
        path: `/api/v1/namespaces/${NAMESPACE}/services/${d.gateway}`,
      });
      if (svc.body.spec?.ports?.some((p) => p.port === 7443)) break;
      if (performance.now() - t > 30_000)
        throw new Error(`the Service of ${d.gateway} did not get port 7443 within 30 s`);
      await sleep(10);
    }
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `\nupdate -> Service has the new port (${latencies.length} ExternalServices, one at a time): p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${(latencies.at(-1) ?? NaN).toFixed(0)} ms`,
  );

  console.log('\n| egress-operator | value |');
  console.log('|---|---|');
  console.log(`| cold apply, ${objects} objects | ${(coldMs / 1000).toFixed(1)} s |`);
  console.log(
    `| requests per minute at rest | ${(idle.total / MINUTES).toFixed(2)} (${idle.mutating} mutating) |`,
  );
  console.log(
    `| update p50 / p95 | ${percentile(latencies, 50).toFixed(0)} / ${percentile(latencies, 95).toFixed(0)} ms |`,
  );
  console.log(
    `\nload at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  return 0;
}

runWithCleanups(15 * 60_000, main).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
