// Shared pieces of the cluster tests: one real control plane per file, the app pointed at it, and small
// helpers to read the cluster and drive reconcile runs.
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { type ControlPlane, harnessBinDir, startControlPlane } from '@egress/harness';
import { KubeConfig, loadAllYaml } from '@kubernetes/client-node';
import { expect } from 'vitest';

import { readSettings } from '../../src/platform/settings.ts';
import { createKubeClient, type KubeClient, type RequestInfo } from '../../src/reconcile/kube/client.ts';
import { collectionPath, kindInfo, type LiveObject, objectPath } from '../../src/reconcile/kube/resources.ts';
import type { KubernetesTarget } from '../../src/reconcile/targets/kubernetes.ts';
import { settled } from '../helpers/reconcile.ts';
import { createTestApp, type TestApp, type TestUser } from '../helpers/test-app.ts';

/** Cleanups registered as resources come up, run in reverse order by afterAll (even after a failed beforeAll). */
export function cleanups(): { add(fn: () => unknown): void; run(): Promise<void> } {
  const fns: (() => unknown)[] = [];
  return {
    add: (fn) => fns.unshift(fn),
    async run() {
      for (const fn of fns.splice(0)) await fn();
    },
  };
}

/** The harness binaries, or a failure saying how to build them (these tests never skip silently). */
export async function binDir(): Promise<string> {
  try {
    return await harnessBinDir();
  } catch (error) {
    throw new Error(
      `the Kubernetes tests need the harness binaries (kube-apiserver, etcd, CoreDNS, helm, envoy-validator, netpol-oracle); ` +
        `build them with \`bash tools/harness/build.sh\` (CI does this first).\n${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** The repository's Helm chart. */
export const CHART = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../..'),
  'deploy/helm/egress-control',
);

/** `helm template` of the chart (release `ec` in namespace egress-control, Kubernetes 1.34) with `--set`s. */
export async function renderChart<T>(...sets: string[]): Promise<T[]> {
  const helm = join(await binDir(), 'helm');
  const args = [
    'template',
    'ec',
    CHART,
    '--kube-version',
    'v1.34.4',
    '--namespace',
    'egress-control',
    ...sets.flatMap((s) => ['--set', s]),
  ];
  const text = await new Promise<string>((ok, fail) => {
    execFile(helm, args, { maxBuffer: 8 << 20 }, (error, stdout, stderr) =>
      error ? fail(new Error(`helm template failed: ${stderr}`)) : ok(stdout),
    );
  });
  return (loadAllYaml(text) as (T | null)[]).filter((o): o is T => o !== null);
}

/** A control plane; `auditLog` makes kube-apiserver log every request (see @egress/harness readAuditLog). */
export async function startCluster(
  options: { auditLog?: boolean; apiserverArgs?: string[] } = {},
): Promise<ControlPlane> {
  return startControlPlane({ binDir: await binDir(), ...options });
}

/** A client of the test cluster as its admin (the product's HTTP client, used here as plain HTTP). */
export function adminClient(cp: ControlPlane): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromString(cp.kubeconfig);
  return createKubeClient(kc);
}

export interface ClusterFixture {
  cp: ControlPlane;
  kube: KubeClient;
  t: TestApp;
  approver2: TestUser;
}

/**
 * How every cluster test file starts: a control plane, its admin client, the app reconciling into it,
 * and a second approver (sensitive grants need two); each torn down by `cleanup`, newest first.
 */
export async function startClusterFixture(
  cleanup: ReturnType<typeof cleanups>,
  env: Record<string, string> = {},
): Promise<ClusterFixture> {
  const cp = await startCluster();
  cleanup.add(() => cp.stop());
  const kube = adminClient(cp);
  cleanup.add(() => kube.close());
  const t = await createClusterApp(cp, env);
  cleanup.add(() => t.close());
  const approver2 = await t.addUser('approver', 'second-approver');
  return { cp, kube, t, approver2 };
}

/** The app with the kubernetes target on `cp` (the target finds the cluster through $KUBECONFIG). */
export async function createClusterApp(cp: ControlPlane, env: Record<string, string> = {}): Promise<TestApp> {
  // Each test file runs in its own worker process (vitest pool "forks"), so this does not leak.
  process.env['KUBECONFIG'] = cp.kubeconfigPath;
  return createTestApp({ env: { EGRESS_TARGET: 'kubernetes', ...env } });
}

export function targetOf(t: TestApp): KubernetesTarget {
  const target = t.app.reconciler.target;
  if (target.name !== 'kubernetes') throw new Error(`expected the kubernetes target, got ${target.name}`);
  return target as KubernetesTarget;
}

/** Records every request the app's kubernetes target sends until the returned stop() is called. */
export function recordRequests(t: TestApp): { requests: RequestInfo[]; stop: () => void } {
  const requests: RequestInfo[] = [];
  const stop = targetOf(t).client.onRequest((r) => {
    requests.push(r);
  });
  return { requests, stop };
}

export interface RunDetail {
  id: string;
  status: string;
  trigger: string;
  counts: { created: number; updated: number; deleted: number; unchanged: number; failed: number };
  errors: string[];
  objects: {
    kind: string;
    namespace: string | null;
    name: string;
    action: string;
    error?: string;
    drift?: string;
  }[];
}

export async function getRun(t: TestApp, id: string): Promise<RunDetail> {
  const res = await t.as('viewer', { method: 'GET', url: `/api/v1/reconcile/runs/${id}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<RunDetail>();
}

/** Waits for queued work, then queues one run and returns its record. */
export async function reconcileNow(t: TestApp, dryRun = false): Promise<RunDetail> {
  await settled(t.app, 60_000);
  const res = await t.as('approver', { method: 'POST', url: '/api/v1/reconcile', payload: { dryRun } });
  expect(res.statusCode, res.body).toBe(202);
  await settled(t.app, 60_000);
  return getRun(t, res.json<{ runId: string }>().runId);
}

/**
 * Holds a run at its requests to the cluster until the returned release() is called, so that changes
 * made meanwhile fold into the one run that follows it (the reconciler coalesces what arrives while a
 * run is going). The held run is a manual one, queued here; it has read its database snapshot before
 * this returns.
 */
export async function holdARun(t: TestApp): Promise<() => void> {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  await settled(t.app, 60_000);
  const stop = targetOf(t).client.onRequest(() => gate);
  const res = await t.as('approver', { method: 'POST', url: '/api/v1/reconcile', payload: {} });
  expect(res.statusCode, res.body).toBe(202);
  const id = res.json<{ runId: string }>().runId;
  for (let i = 0; (await t.db.reconcileRun.findUniqueOrThrow({ where: { id } })).status !== 'running'; i++) {
    if (i > 600) throw new Error('the held run was not claimed within 30 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  // Its snapshot needs only the database: let it finish reading.
  await new Promise((r) => setTimeout(r, 300));
  return () => {
    stop();
    open();
  };
}

export async function getObject(
  client: KubeClient,
  kind: string,
  namespace: string | undefined,
  name: string,
): Promise<LiveObject | null> {
  const info = kindInfo(kind);
  if (!info) throw new Error(`unknown kind ${kind}`);
  const res = await client.request<LiveObject>({ method: 'GET', path: objectPath(info, namespace, name) });
  if (res.status === 404) return null;
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** Every object labelled managed-by egress-control, as "Kind ns/name" → resourceVersion. */
export async function managedVersions(client: KubeClient): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const kind of [
    'ConfigMap',
    'Service',
    'Deployment',
    'HorizontalPodAutoscaler',
    'PodDisruptionBudget',
    'NetworkPolicy',
  ]) {
    const info = kindInfo(kind);
    if (!info) continue;
    const res = await client.request<{ items: LiveObject[] }>({
      method: 'GET',
      path: collectionPath(info),
      query: { labelSelector: 'app.kubernetes.io/managed-by=egress-control' },
    });
    for (const o of res.body.items)
      out.set(`${kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.resourceVersion ?? '');
  }
  return out;
}

/** Marks a gateway Deployment ready, as the deployment controller would (the harness has none). */
export async function markReady(
  client: KubeClient,
  namespace: string,
  name: string,
  replicas = 1,
): Promise<void> {
  const info = kindInfo('Deployment');
  if (!info) throw new Error('no Deployment kind');
  const res = await client.request({
    method: 'PATCH',
    path: `${objectPath(info, namespace, name)}/status`,
    body: {
      status: {
        replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
        updatedReplicas: replicas,
        observedGeneration: 1,
      },
    },
    contentType: 'application/merge-patch+json',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

export async function until<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Approves a grant with as many distinct approvers as it needs (two for sensitive and port-wide). */
export async function approve(t: TestApp, grantId: string, second: TestUser): Promise<void> {
  const first = await t.as('approver', {
    method: 'POST',
    url: `/api/v1/grants/${grantId}/approve`,
    payload: { comment: 'Reviewed for the test.' },
  });
  expect(first.statusCode, first.body).toBe(200);
  if (first.json<{ state: string }>().state === 'active') return;
  const next = await t.as(second, {
    method: 'POST',
    url: `/api/v1/grants/${grantId}/approve`,
    payload: { comment: 'Reviewed for the test.' },
  });
  expect(next.statusCode, next.body).toBe(200);
  expect(next.json<{ state: string }>().state).toBe('active');
}

/** Creates and approves a grant; `destination: null` is port-wide. Returns the grant id. */
export async function grant(
  t: TestApp,
  second: TestUser,
  service: string,
  destination: string | null,
  port: number,
): Promise<string> {
  const res = await t.as('engineer', {
    method: 'POST',
    url: '/api/v1/grants',
    payload: { service, destination, port, justification: 'Needed by the cluster tests.' },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json<{ id: string }>().id;
  await approve(t, id, second);
  return id;
}

export async function createService(t: TestApp, name: string, namespace: string, app: string): Promise<void> {
  const res = await t.as('engineer', {
    method: 'POST',
    url: '/api/v1/services',
    payload: { name, namespace, selector: { matchLabels: { app } } },
  });
  expect(res.statusCode, res.body).toBe(201);
}

export async function createDestination(
  t: TestApp,
  host: string,
  ports: { port: number; protocol: 'TCP' | 'UDP' }[],
  sensitivity: 'standard' | 'sensitive' = 'standard',
): Promise<{ id: string; gatewayName: string }> {
  const res = await t.as('approver', {
    method: 'POST',
    url: '/api/v1/destinations',
    payload: { host, ports, sensitivity },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string; gatewayName: string }>();
}

/** Changes settings through the API and checks they were stored. */
export async function patchSettings(t: TestApp, patch: Record<string, unknown>): Promise<void> {
  const res = await t.as('admin', { method: 'PATCH', url: '/api/v1/settings', payload: patch });
  expect(res.statusCode, res.body).toBe(200);
  const stored = (await readSettings(t.db)) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) expect(stored[key], key).toEqual(value);
}

/** An object of ours, by kind, namespace and name. */
export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * Someone else's edit of `o` by field manager `manager`: `apply`, a server-side apply of `spec` with
 * force, takes those fields over from egress-control (`kubectl apply --server-side --force-conflicts`);
 * `edit`, a merge patch of `body`, is an update as `kubectl edit` makes it.
 */
export async function editAs(
  client: KubeClient,
  manager: string,
  o: ObjectRef,
  edit: { apply: Record<string, unknown> } | { merge: Record<string, unknown> },
): Promise<void> {
  const info = kindInfo(o.kind);
  if (!info) throw new Error(`unknown kind ${o.kind}`);
  const apply = 'apply' in edit;
  const res = await client.request({
    method: 'PATCH',
    path: objectPath(info, o.namespace, o.name),
    query: { fieldManager: manager, ...(apply ? { force: 'true' } : {}) },
    body: apply
      ? {
          apiVersion: info.apiVersion,
          kind: o.kind,
          metadata: { name: o.name, namespace: o.namespace },
          spec: edit.apply,
        }
      : edit.merge,
    contentType: apply ? 'application/apply-patch+yaml' : 'application/merge-patch+json',
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** "mallory" opens a gateway NetworkPolicy to every pod: a forced apply takes .spec.ingress over. */
export function openToEveryPod(client: KubeClient, namespace: string, name: string): Promise<void> {
  return editAs(client, 'mallory', { kind: 'NetworkPolicy', namespace, name }, { apply: { ingress: [{}] } });
}

export interface DriftAudit {
  detected: { targetId: string | null; after: Record<string, unknown> }[];
  healed: { targetId: string | null; after: Record<string, unknown> }[];
  /** Drift alerts of the run, as the alerts list shows them. */
  alerts: { kind: string; ruleName: string; drift: { runId: string; objects: unknown[] } }[];
}

/** What an approver sees of a run's drift: its audit rows (audit API) and its drift alerts (alerts API). */
export async function driftAuditOf(t: TestApp, runId: string): Promise<DriftAudit> {
  const rows = async (action: string) => {
    const res = await t.as('approver', {
      method: 'GET',
      url: `/api/v1/audit-events?action=${action}&limit=100`,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res
      .json<{ items: { targetId: string | null; after: Record<string, unknown> }[] }>()
      .items.filter((r) => r.after['runId'] === runId)
      .map((r) => ({ targetId: r.targetId, after: r.after }));
  };
  const alerts = await t.as('approver', { method: 'GET', url: '/api/v1/alerts?state=all&limit=100' });
  expect(alerts.statusCode, alerts.body).toBe(200);
  return {
    detected: await rows('reconcile.drift_detected'),
    healed: await rows('reconcile.drift_healed'),
    alerts: alerts
      .json<{ items: DriftAudit['alerts'] }>()
      .items.filter((a) => a.kind === 'drift' && a.drift.runId === runId),
  };
}

/**
 * Checks, as an approver sees it, that run `runId` audited one drifted object `o` (field managers and
 * each changed field with its owners), audited restoring those fields, and raised one drift alert.
 */
export async function expectDriftAudited(
  t: TestApp,
  runId: string,
  o: ObjectRef,
  fields: { path: string; managers: string[] }[],
): Promise<void> {
  const targetId = `${o.kind}/${o.namespace}/${o.name}`;
  const managers = [...new Set(fields.flatMap((f) => f.managers))].sort();
  const audit = await driftAuditOf(t, runId);
  expect(audit.detected).toEqual([
    {
      targetId,
      after: expect.objectContaining({
        runId,
        kind: o.kind,
        namespace: o.namespace,
        name: o.name,
        change: 'modified',
        managers,
        fields: fields.map((f) => ({ ...f, change: 'changed' })),
      }) as unknown,
    },
  ]);
  expect(audit.healed).toEqual([
    {
      targetId,
      after: expect.objectContaining({
        runId,
        restored: fields.map((f) => f.path),
        removed: [],
        recreated: false,
      }) as unknown,
    },
  ]);
  expect(audit.alerts).toEqual([
    expect.objectContaining({
      kind: 'drift',
      ruleName: 'configuration drift',
      drift: { runId, objects: [expect.objectContaining({ name: o.name, managers })] },
    }),
  ]);
}

export interface GatewayScene {
  /** Where the gateways go (settings.gatewayNamespace). */
  gatewayNamespace: string;
  /** The enforced namespace the service lives in. */
  namespace: string;
  service: string;
  /** The `app` label of the service's pods. */
  app: string;
  /** The destination, granted to the service on 443/TCP. */
  host: string;
}

/**
 * Where most cluster tests start: the start-up run done, the settings pointing the gateways at
 * `gatewayNamespace` and enforcing `namespace`, a service there granted `host`:443, and a manual run
 * that applied it all (succeeded). Returns the destination.
 */
export async function grantedGateway(
  { t, approver2 }: ClusterFixture,
  scene: GatewayScene,
): Promise<{ id: string; gatewayName: string }> {
  await settled(t.app, 60_000);
  await patchSettings(t, { gatewayNamespace: scene.gatewayNamespace, enforcedNamespaces: [scene.namespace] });
  await createService(t, scene.service, scene.namespace, scene.app);
  const destination = await createDestination(t, scene.host, [{ port: 443, protocol: 'TCP' }]);
  await grant(t, approver2, scene.service, scene.host, 443);
  const run = await reconcileNow(t);
  expect(run.status, run.errors.join('\n')).toBe('succeeded');
  return destination;
}
