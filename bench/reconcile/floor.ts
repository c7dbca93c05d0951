// The floor of this machine for the cold apply: how many objects per second the harness kube-apiserver
// (+ etcd, on the same cores as everything else) takes at all, with no app, no database and no compiler
// in the way. Real gateway objects (the compiler's six per destination, for the fleet's destinations)
// are written into a fresh namespace per step, by server-side apply (PATCH, apply-patch+yaml, our field
// manager, force, fieldValidation=Strict: what the reconciler sends) and, for comparison, by POST create,
// at 1, 8, 16, 32 and 64 requests in flight (one keep-alive socket per request in flight). Not a test.
//
//   cd apps/api && npx tsx ../../bench/reconcile/floor.ts [--gateways 100]
import { Agent, request } from 'node:https';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';

import { collectionPath, kindInfo, objectPath } from '../../apps/api/src/reconcile/kube/resources.ts';
import { compile, type KubernetesObject } from '../../packages/manifests/src/index.ts';
import { SettingsSchema } from '../../packages/shared/src/schemas/settings.ts';
import { harnessBinDir, startControlPlane } from '../../tools/harness/src/index.ts';
import { fleetDestinations } from './fleet.ts';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const GATEWAYS = arg('gateways', 100);
const LEVELS = [1, 8, 16, 32, 64];

/** The compiler's gateway objects for the first `GATEWAYS` fleet destinations, in namespace `ns`. */
function gatewayObjects(ns: string): KubernetesObject[] {
  const settings = SettingsSchema.parse({
    gatewayNamespace: ns,
    enforcedNamespaces: [],
    gatewayResolver: { cidrs: ['10.0.0.10/32'] },
  });
  const destinations = fleetDestinations()
    .slice(0, GATEWAYS)
    .map((d, i) => ({
      id: `d${i}`,
      host: d.host,
      gatewayName: d.gateway,
      sensitivity: 'standard' as const,
      ports: d.ports.map((port) => ({ port, protocol: 'TCP' as const })),
      gateway: { minReplicas: 2, maxReplicas: 6, targetCPUUtilizationPercentage: 70 },
    }));
  return compile({ settings, destinations, services: [], grants: [], readiness: {} }).filter(
    (o) => o.metadata.namespace === ns,
  );
}

interface Cp {
  server: string;
  caPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

function send(
  cp: Cp,
  agent: Agent,
  method: string,
  path: string,
  body: string,
  contentType: string,
): Promise<number> {
  const url = new URL(path, cp.server);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          'Content-Type': contentType,
          'Content-Length': String(Buffer.byteLength(body)),
          Accept: 'application/json',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function inParallel<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

async function step(cp: Cp, mode: 'apply' | 'create', concurrency: number): Promise<number> {
  const ns = `floor-${mode}-${concurrency}`;
  const agent = new Agent({
    keepAlive: true,
    maxSockets: concurrency,
    ca: cp.caPem,
    cert: cp.clientCertPem,
    key: cp.clientKeyPem,
  });
  try {
    const nsBody = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    if ((await send(cp, agent, 'POST', '/api/v1/namespaces', nsBody, 'application/json')) !== 201)
      throw new Error(`namespace ${ns} not created`);
    const objects = gatewayObjects(ns);
    // Warm the sockets (TLS handshakes are not what is measured).
    await inParallel(Array.from({ length: concurrency }), concurrency, async () => {
      await send(cp, agent, 'GET', `/api/v1/namespaces/${ns}`, '', 'application/json');
    });
    const t = performance.now();
    await inParallel(objects, concurrency, async (o) => {
      const info = kindInfo(o.kind);
      if (!info) throw new Error(`unknown kind ${o.kind}`);
      const status =
        mode === 'apply'
          ? await send(
              cp,
              agent,
              'PATCH',
              `${objectPath(info, ns, o.metadata.name)}?fieldManager=egress-control&force=true&fieldValidation=Strict`,
              JSON.stringify(o),
              'application/apply-patch+yaml',
            )
          : await send(
              cp,
              agent,
              'POST',
              `${collectionPath(info, ns)}?fieldManager=egress-control&fieldValidation=Strict`,
              JSON.stringify(o),
              'application/json',
            );
      if (status !== 201 && status !== 200)
        throw new Error(`${mode} ${o.kind} ${o.metadata.name}: ${status}`);
    });
    const seconds = (performance.now() - t) / 1000;
    return objects.length / seconds;
  } finally {
    agent.destroy();
  }
}

async function main(): Promise<void> {
  console.log(
    `machine: ${cpus()[0]?.model ?? '?'} x${availableParallelism()}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, node ${process.version}`,
  );
  const cp = await startControlPlane({ binDir: await harnessBinDir() });
  try {
    const perStep = gatewayObjects('x').length;
    console.log(
      `${perStep} objects per step (${GATEWAYS} gateways x 6: NetworkPolicy, ConfigMap, Service, Deployment, HPA, PDB), each into a fresh namespace`,
    );
    console.log('in flight | SSA PATCH objects/s | POST create objects/s | load');
    for (const c of LEVELS) {
      const apply = await step(cp, 'apply', c);
      const create = await step(cp, 'create', c);
      console.log(
        `${String(c).padStart(9)} | ${apply.toFixed(0).padStart(19)} | ${create.toFixed(0).padStart(21)} | ${loadavg()[0]?.toFixed(2)}`,
      );
    }
    console.log(
      '\n(1,959 objects at the best server-side apply rate above is the floor of a cold apply on this machine; the reconciler adds its reads, its compile and the stage order)',
    );
  } finally {
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
