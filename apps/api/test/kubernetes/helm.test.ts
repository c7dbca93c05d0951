// The Helm chart: rendered by the harness helm for Kubernetes 1.34, every object is accepted by the
// API server (server-side apply, dryRun=All, strict validation). Its RBAC is then installed for real and
// the reconciler runs as the chart's service account (a token from the TokenRequest API): a cold apply,
// a no-op resync, an inspection and a prune all succeed, the namespace watch sees a namespace created,
// and the permissions the reconciler used are exactly those the chart grants (nothing more is granted,
// nothing granted is unused).
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ControlPlane } from '@egress/harness';
import { compile, type CompilerInput, type KubernetesObject } from '@egress/manifests';
import { SettingsSchema } from '@egress/shared';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createKubeClient, type KubeClient, type RequestInfo } from '../../src/reconcile/kube/client.ts';
import { type NamespaceChange, watchNamespaces } from '../../src/reconcile/kube/namespace-watch.ts';
import { watchPods } from '../../src/reconcile/kube/pod-watch.ts';
import { kindInfo, objectPath } from '../../src/reconcile/kube/resources.ts';
import { createKubernetesTarget } from '../../src/reconcile/targets/kubernetes.ts';
import type { Scope } from '../../src/reconcile/targets/target.ts';
import { adminClient, cleanups, getObject, markReady, renderChart, startCluster, until } from './helpers.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const RELEASE_NS = 'egress-control';
const silentLog = { debug: () => undefined };
const SCOPE: Scope = {
  gatewayNamespace: 'egress-gateways',
  dnsNamespace: 'kube-system',
  namespaces: ['egress-gateways', 'kube-system', 'shop'],
};

interface Rendered {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }[];
}

const cleanup = cleanups();
let cp: ControlPlane;
let kube: KubeClient;

const render = (...sets: string[]): Promise<Rendered[]> => renderChart<Rendered>(...sets);

/** The reference `scripts/image.sh build` tags: what the chart must name by default. */
function builtImage(): Promise<string> {
  return new Promise((ok, fail) => {
    execFile(
      'bash',
      [join(REPO, 'scripts/image.sh'), 'name'],
      { env: { ...process.env, EGRESS_IMAGE: '' } },
      (error, stdout, stderr) =>
        error ? fail(new Error(`image.sh name failed: ${stderr}`)) : ok(stdout.trim()),
    );
  });
}

const PLURALS: Record<string, string> = {
  ClusterRole: 'clusterroles',
  ClusterRoleBinding: 'clusterrolebindings',
  Role: 'roles',
  RoleBinding: 'rolebindings',
  ServiceAccount: 'serviceaccounts',
  Secret: 'secrets',
  Namespace: 'namespaces',
  Deployment: 'deployments',
  Service: 'services',
  PodDisruptionBudget: 'poddisruptionbudgets',
};

function pathOf(o: Rendered): string {
  const plural = PLURALS[o.kind];
  if (!plural) throw new Error(`the chart renders a kind this test does not know: ${o.kind}`);
  const group = o.apiVersion.includes('/') ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
  const ns = o.metadata.namespace ? `/namespaces/${o.metadata.namespace}` : '';
  return `${group}${ns}/${plural}/${o.metadata.name}`;
}

async function ensureNamespace(name: string): Promise<void> {
  const res = await kube.request({
    method: 'POST',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
  });
  expect([201, 409]).toContain(res.status);
}

async function serverSideApply(o: Rendered, dryRun: boolean): Promise<{ status: number; body: unknown }> {
  return kube.request({
    method: 'PATCH',
    path: pathOf(o),
    query: {
      fieldManager: 'helm-test',
      fieldValidation: 'Strict',
      force: 'true',
      ...(dryRun ? { dryRun: 'All' } : {}),
    },
    body: o,
    contentType: 'application/apply-patch+yaml',
  });
}

beforeAll(async () => {
  cp = await startCluster();
  cleanup.add(() => cp.stop());
  kube = adminClient(cp);
  cleanup.add(() => kube.close());
  for (const ns of [RELEASE_NS, SCOPE.gatewayNamespace]) await ensureNamespace(ns);
}, 120_000);

afterAll(() => cleanup.run());

describe('Helm chart', () => {
  it('refuses to render without a database', async () => {
    await expect(render('secretKey.existingSecret=egress-key')).rejects.toThrow(
      /set database.existingSecret/,
    );
  });

  it('refuses to render without a secret key every replica shares', async () => {
    await expect(render('database.existingSecret=egress-db')).rejects.toThrow(
      /set secretKey.existingSecret .* every replica must share/,
    );
  });

  it('refuses half an OIDC configuration', async () => {
    await expect(
      render(
        'database.existingSecret=egress-db',
        'secretKey.existingSecret=egress-key',
        'oidc.issuer=https://idp.example.com',
      ),
    ).rejects.toThrow(/oidc.issuer, oidc.clientId and oidc.roleMap together/);
  });

  it.each([
    [
      'namespaced RBAC, existing Secrets',
      ['database.existingSecret=egress-db', 'secretKey.existingSecret=egress-key'],
    ],
    [
      'cluster-wide RBAC, Secrets from values, 3 replicas, SSO',
      [
        'database.url=postgres://egress:pw@db:5432/egress',
        'secretKey.value=Zwd4bTdBCkh0CfXjbuKeQ3fJYb7vArR8i0RPndUzF8M=',
        'rbac.clusterWide=true',
        'replicaCount=3',
        'admin.existingSecret=egress-admin',
        'publicUrl=https://egress.example.com',
        'oidc.issuer=https://idp.example.com',
        'oidc.clientId=egress',
        'oidc.roleMap=sec-team=approver',
        'oidc.clientSecret.existingSecret=egress-oidc',
      ],
    ],
  ])('renders objects the API server accepts (%s)', async (_name, sets) => {
    const objects = await render(...sets);
    const kinds = objects.map((o) => o.kind).sort();
    expect(kinds).toEqual(
      expect.arrayContaining([
        'ClusterRole',
        'ClusterRoleBinding',
        'Deployment',
        'PodDisruptionBudget',
        'Service',
        'ServiceAccount',
      ]),
    );
    const refused: string[] = [];
    for (const o of objects) {
      const res = await serverSideApply(o, true);
      if (res.status !== 200 && res.status !== 201)
        refused.push(`${o.kind} ${o.metadata.name}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    }
    expect(refused).toEqual([]);
    const deployment = objects.find((o) => o.kind === 'Deployment') as unknown as {
      spec: {
        replicas: number;
        template: {
          spec: {
            containers: {
              image: string;
              securityContext: Record<string, unknown>;
              livenessProbe: { httpGet: { path: string } };
              readinessProbe: { httpGet: { path: string } };
              env: { name: string; valueFrom?: unknown }[];
            }[];
          };
        };
      };
    };
    const container = deployment.spec.template.spec.containers[0]!;
    // By default the chart installs exactly the image scripts/image.sh builds (and the dry run above accepted it).
    expect(container.image).toBe(await builtImage());
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
    });
    expect([container.livenessProbe.httpGet.path, container.readinessProbe.httpGet.path]).toEqual([
      '/healthz',
      '/readyz',
    ]);
    expect(container.env.find((e) => e.name === 'DATABASE_URL')?.valueFrom).toMatchObject({
      secretKeyRef: { key: 'DATABASE_URL' },
    });
    // The same key on every replica, from a Secret (the one named, or the one the chart made from values).
    const keyRef = container.env.find((e) => e.name === 'EGRESS_SECRET_KEY')?.valueFrom as
      { secretKeyRef: { name: string; key: string } } | undefined;
    expect(keyRef?.secretKeyRef.key).toBe('EGRESS_SECRET_KEY');
    if (!sets.some((s) => s.startsWith('secretKey.existingSecret='))) {
      expect(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name)).toContain(
        keyRef?.secretKeyRef.name,
      );
    }
  });

  it('its RBAC is exactly what the reconciler uses: a full reconcile as the chart service account succeeds, and nothing else is allowed', async () => {
    const objects = await render('database.existingSecret=egress-db', 'secretKey.existingSecret=egress-key');
    const rbac = objects.filter((o) =>
      ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].includes(o.kind),
    );
    for (const o of rbac)
      expect((await serverSideApply(o, false)).status, `${o.kind} ${o.metadata.name}`).toBeLessThan(300);
    const sa = rbac.find((o) => o.kind === 'ServiceAccount')!;
    const tokenRes = await kube.request<{ status: { token: string } }>({
      method: 'POST',
      path: `/api/v1/namespaces/${RELEASE_NS}/serviceaccounts/${sa.metadata.name}/token`,
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: 3600 },
      },
    });
    expect(tokenRes.status, JSON.stringify(tokenRes.body)).toBe(201);
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'test', server: cp.server, caData: Buffer.from(cp.caPem).toString('base64') }],
      users: [{ name: 'reconciler', token: tokenRes.body.status.token }],
      contexts: [{ name: 'reconciler', cluster: 'test', user: 'reconciler' }],
      currentContext: 'reconciler',
    });
    const client = createKubeClient(kc);
    const used: RequestInfo[] = [];
    client.onRequest((r) => {
      used.push(r);
    });
    const target = createKubernetesTarget(client);
    try {
      const desired = compile(scenario(true));
      const cold = await target.apply(fixed(desired), { dryRun: false, scope: SCOPE });
      expect(cold.errors).toEqual([]);
      expect(cold.objects.every((o) => o.action === 'created')).toBe(true);
      const again = await target.apply(fixed(desired), { dryRun: false, scope: SCOPE });
      expect(again.objects.every((o) => o.action === 'unchanged')).toBe(true);
      // Someone deletes one object of each kind: inspection looks each up by name; the next apply recreates them.
      const identity = desired.filter((o) => o.kind.startsWith('ValidatingAdmissionPolicy'));
      expect(identity).toHaveLength(2);
      const gone = [...desired.filter((o) => o.metadata.namespace === SCOPE.gatewayNamespace), ...identity];
      for (const o of gone) {
        const info = kindInfo(o.kind)!;
        const res = await kube.request({
          method: 'DELETE',
          path: objectPath(info, o.metadata.namespace, o.metadata.name),
        });
        expect(res.status).toBe(200);
      }
      const inspected = await target.inspect(fixed(desired), SCOPE);
      expect(inspected.drift.map((d) => `${d.kind}: ${d.reason}`).sort()).toEqual(
        gone.map((o) => `${o.kind}: missing: not in the cluster`).sort(),
      );
      const recreated = await target.apply(fixed(desired), { dryRun: false, scope: SCOPE });
      expect(recreated.objects.filter((o) => o.action === 'created')).toHaveLength(6 + 2);
      expect(await target.observeReadiness(SCOPE)).toEqual({ 'github-com': false });
      // Everything removed: the DNS rewrite ConfigMap is patched, the gateway objects and the policies pruned.
      const pruned = await target.apply(fixed(compile(scenario(false))), { dryRun: false, scope: SCOPE });
      expect(pruned.errors).toEqual([]);
      expect(pruned.objects.filter((o) => o.action === 'deleted')).toHaveLength(6 + 1 + 2); // the gateway, the default-deny policy, the pod-identity policy and binding
      expect(await getObject(kube, 'Deployment', 'egress-gateways', 'github-com')).toBeNull();

      // Enforcement mode "all": the leader watches namespaces (list, then watch) as this account too.
      const changes: NamespaceChange[] = [];
      const watch = watchNamespaces(client, (c) => changes.push(c), { log: silentLog });
      try {
        await until('the watch is open', () => Promise.resolve(used.some((r) => r.query['watch'] === '1')));
        await ensureNamespace('helm-watched');
        await until('the watch reports the new namespace', () => Promise.resolve(changes.length > 0));
        expect(changes).toEqual([{ type: 'created', namespaces: ['helm-watched'] }]);
      } finally {
        await watch.stop();
      }

      // Gateway readiness: the leader watches the gateway Deployments (list, then watch) as this account.
      const reports: unknown[] = [];
      const readiness = target.watchReadiness?.(SCOPE, (r) => reports.push(r), { log: silentLog });
      try {
        await until('the readiness watch is open', () =>
          Promise.resolve(used.some((r) => r.query['watch'] === '1' && r.path.endsWith('/deployments'))),
        );
        const gateway = desired.find(
          (o) => o.kind === 'Deployment' && o.metadata.namespace === 'egress-gateways',
        );
        if (!gateway) throw new Error('no gateway Deployment in the scenario');
        expect(
          (
            await kube.request({
              method: 'POST',
              path: '/apis/apps/v1/namespaces/egress-gateways/deployments',
              body: gateway,
            })
          ).status,
        ).toBe(201);
        await markReady(kube, 'egress-gateways', gateway.metadata.name);
        await until('the watch reports the gateway ready', () =>
          Promise.resolve(
            reports.some((r) => JSON.stringify(r) === JSON.stringify({ [gateway.metadata.name]: true })),
          ),
        );
      } finally {
        await readiness?.stop();
      }

      // Gateway usage: every replica lists and watches the cluster's pods (the pod address index).
      const pods = watchPods(client, { log: silentLog });
      try {
        await until('the pod watch has its first list', () => Promise.resolve(pods.ready()));
        await until('the pod watch is open', () =>
          Promise.resolve(used.some((r) => r.query['watch'] === '1' && r.path === '/api/v1/pods')),
        );
      } finally {
        await pods.stop();
      }
    } finally {
      client.close();
    }

    expect(grantedBy(rbac)).toEqual(usedPermissions(used));

    // Nothing beyond that: no secrets, no Deployments outside the gateway namespace, not CoreDNS's own ConfigMap.
    const asReconciler = createKubeClient(kc);
    try {
      expect(
        (await asReconciler.request({ method: 'GET', path: '/api/v1/namespaces/kube-system/secrets' }))
          .status,
      ).toBe(403);
      expect((await asReconciler.request({ method: 'GET', path: '/api/v1/secrets' })).status).toBe(403);
      const elsewhere = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'x', namespace: 'shop' },
        spec: {},
      };
      expect(
        (
          await asReconciler.request({
            method: 'PATCH',
            path: '/apis/apps/v1/namespaces/shop/deployments/x',
            query: { fieldManager: 'egress-control' },
            body: elsewhere,
            contentType: 'application/apply-patch+yaml',
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await asReconciler.request({
            method: 'PATCH',
            path: '/api/v1/namespaces/kube-system/configmaps/coredns',
            query: { fieldManager: 'egress-control' },
            body: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'coredns', namespace: 'kube-system' },
              data: {},
            },
            contentType: 'application/apply-patch+yaml',
          })
        ).status,
      ).toBe(403);
      expect((await asReconciler.request({ method: 'DELETE', path: '/api/v1/namespaces/shop' })).status).toBe(
        403,
      );
    } finally {
      asReconciler.close();
    }
  }, 120_000);
});

function scenario(withDestination: boolean): CompilerInput {
  const settings = SettingsSchema.parse({
    gatewayNamespace: SCOPE.gatewayNamespace,
    enforcedNamespaces: withDestination ? ['shop'] : [],
  });
  return {
    settings,
    readiness: 'all',
    destinations: withDestination
      ? [
          {
            id: 'd1',
            host: 'github.com',
            gatewayName: 'github-com',
            sensitivity: 'sensitive',
            ports: [{ port: 443, protocol: 'TCP' }],
            gateway: { minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 70 },
          },
        ]
      : [],
    // Bound while it has a destination (pod-identity admission objects), unbound after: they are pruned.
    services: [
      {
        id: 's1',
        name: 'service.shop',
        namespace: 'shop',
        selector: { matchLabels: { app: 'shop' } },
        serviceAccount: withDestination ? 'shop' : null,
      },
    ],
    grants: withDestination ? [{ id: 'g1', serviceId: 's1', destinationId: 'd1', port: 443 }] : [],
  };
}

type Permissions = Record<string, string[]>;

/** The same objects whatever the readiness (the scenario compiles with readiness "all"). */
const fixed = (objects: KubernetesObject[]) => () => Promise.resolve(objects);

function sortedPermissions(out: Map<string, Set<string>>): Permissions {
  const result: Permissions = {};
  for (const resource of [...out.keys()].sort()) result[resource] = [...(out.get(resource) ?? [])].sort();
  return result;
}

function add(out: Map<string, Set<string>>, resource: string, verbs: readonly string[]): void {
  const set = out.get(resource) ?? new Set<string>();
  for (const v of verbs) set.add(v);
  out.set(resource, set);
}

/** resource -> verbs the chart's ClusterRole and Roles grant (ignoring which namespace). */
function grantedBy(rbac: Rendered[]): Permissions {
  const out = new Map<string, Set<string>>();
  const rules = rbac
    .filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')
    .flatMap((o) => o.rules ?? []);
  for (const rule of rules) for (const r of rule.resources) add(out, r, rule.verbs);
  return sortedPermissions(out);
}

/** resource -> verbs the reconciler's requests needed (server-side apply may create: patch and create). */
function usedPermissions(requests: RequestInfo[]): Permissions {
  const out = new Map<string, Set<string>>();
  for (const r of requests) {
    const parts = r.path.split('/').filter(Boolean);
    const ns = parts.indexOf('namespaces');
    const rest =
      ns >= 0 && parts.length > ns + 2 ? parts.slice(ns + 2) : parts.slice(parts[0] === 'api' ? 2 : 3);
    const resource = rest[0] ?? '';
    const named = rest.length > 1;
    const verbs: Record<string, string[]> = {
      GET: [r.query['watch'] === '1' ? 'watch' : named ? 'get' : 'list'],
      POST: ['create'],
      DELETE: ['delete'],
      PATCH: ['patch', 'create'],
    };
    add(out, resource, verbs[r.method] ?? []);
  }
  return sortedPermissions(out);
}
