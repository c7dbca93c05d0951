// Pod identity against a real kube-apiserver: services bound to a ServiceAccount get a
// ValidatingAdmissionPolicy + binding per namespace, and the API server then refuses pods that wear a
// bound service's labels under another ServiceAccount (CREATE, and UPDATE that adds the labels), admits
// the legitimate ones, and admits everything again when the last bound service of the namespace goes.
// The objects are drift-checked and repaired like every other managed kind.
import { podIdentityPolicyName } from '@egress/manifests';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { KubeClient, KubeResponse } from '../../src/reconcile/kube/client.ts';
import { settled } from '../helpers/reconcile.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { cleanups, getObject, reconcileNow, startClusterFixture, until } from './helpers.ts';

const NS = 'team-a';
const OTHER_NS = 'team-b';
const POLICY = podIdentityPolicyName(NS);

const cleanup = cleanups();
let t: TestApp;
let kube: KubeClient;
const ids: Record<string, string> = {};
let podCount = 0;

interface Status {
  message?: string;
}

async function createService(
  name: string,
  matchLabels: Record<string, string>,
  serviceAccount?: string,
): Promise<void> {
  const res = await t.as('engineer', {
    method: 'POST',
    url: '/api/v1/services',
    payload: {
      name,
      namespace: NS,
      selector: { matchLabels },
      ...(serviceAccount ? { serviceAccount } : {}),
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  ids[name] = res.json<{ id: string }>().id;
}

/** Creates a pod straight through the API (the harness has no kubelet: a pod is just an object). */
function createPod(
  labels: Record<string, string> | undefined,
  spec: { serviceAccountName?: string; serviceAccount?: string },
  namespace = NS,
): Promise<KubeResponse<Status>> {
  const name = `pod-${++podCount}`;
  return kube.request<Status>({
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/pods`,
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, ...(labels ? { labels } : {}) },
      spec: { ...spec, containers: [{ name: 'app', image: 'registry.example.com/app:1' }] },
    },
  });
}

function expectRefused(res: KubeResponse<Status>, service: string, serviceAccount: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(403);
  expect(res.body.message).toContain(`ValidatingAdmissionPolicy '${POLICY}'`);
  expect(res.body.message).toContain(`service ${service}; they must run as ServiceAccount ${serviceAccount}`);
}

function expectAdmitted(res: KubeResponse<Status>): void {
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

beforeAll(async () => {
  ({ kube, t } = await startClusterFixture(cleanup));
  await settled(t.app, 60_000);
  for (const ns of [NS, OTHER_NS]) {
    const res = await kube.request({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
    });
    expect(res.status).toBe(201);
  }
  await createService('svc.alpha', { app: 'alpha' }, 'alpha-sa');
  // svc.beta's selector can match svc.alpha's pods: the API refuses to bind it to another ServiceAccount
  // (services-identity.test.ts), so it is bound in the database directly, as a row from before that rule
  // would be. The policy must still refuse a pod that wears both (defence in depth).
  await createService('svc.beta', { component: 'web' });
  const beta = await t.as('engineer', {
    method: 'PATCH',
    url: `/api/v1/services/${ids['svc.beta'] ?? ''}`,
    payload: { serviceAccount: 'beta-sa' },
  });
  expect(beta.statusCode, beta.body).toBe(409);
  await t.db.service.update({ where: { id: ids['svc.beta'] ?? '' }, data: { serviceAccount: 'beta-sa' } });
  await createService('svc.gamma', { app: 'gamma' }); // unbound
  const run = await reconcileNow(t);
  expect(run.status, run.errors.join('\n')).toBe('succeeded');
  // Registering a bound service queued a run of its own, which wrote the policy and its binding.
  expect(
    (await getObject(kube, 'ValidatingAdmissionPolicy', undefined, POLICY))?.metadata.labels,
  ).toMatchObject({ 'app.kubernetes.io/managed-by': 'egress-control' });
  expect((await getObject(kube, 'ValidatingAdmissionPolicyBinding', undefined, POLICY))?.spec).toMatchObject({
    policyName: POLICY,
    validationActions: ['Deny'],
  });
  // Policies take effect a moment after they are created: wait (bounded) until a violating pod is refused.
  // Registering svc.alpha already wrote a policy with its rule alone (runs start at once); the run above
  // updated it with svc.beta's. Wait until the apiserver enforces that version: both rules refuse.
  await until(
    'the pod identity policy is enforced, with both bound services',
    async () =>
      (await createPod({ app: 'alpha' }, { serviceAccountName: 'probe' })).status === 403 &&
      (await createPod({ component: 'web' }, { serviceAccountName: 'probe' })).status === 403,
    30_000,
  );
}, 180_000);

afterAll(() => cleanup.run());

describe('pod identity admission', () => {
  it('admits the legitimate pod, and refuses the selector labels under another ServiceAccount, naming the service and the expected one', async () => {
    expectAdmitted(await createPod({ app: 'alpha' }, { serviceAccountName: 'alpha-sa' }));
    expectRefused(
      await createPod({ app: 'alpha' }, { serviceAccountName: 'intruder' }),
      'svc.alpha',
      'alpha-sa',
    );
    // Selector labels as a subset of the pod's labels still match.
    expectRefused(
      await createPod({ app: 'alpha', version: 'v2', team: 'x' }, { serviceAccountName: 'intruder' }),
      'svc.alpha',
      'alpha-sa',
    );
    expectAdmitted(await createPod({ app: 'alpha', version: 'v2' }, { serviceAccountName: 'alpha-sa' }));
  });

  it('treats a pod without serviceAccountName as running as "default", and reads the deprecated spec.serviceAccount', async () => {
    expectRefused(await createPod({ app: 'alpha' }, {}), 'svc.alpha', 'alpha-sa');
    expectRefused(await createPod({ app: 'alpha' }, { serviceAccountName: '' }), 'svc.alpha', 'alpha-sa');
    expectRefused(await createPod({ app: 'alpha' }, { serviceAccount: 'intruder' }), 'svc.alpha', 'alpha-sa');
    expectAdmitted(await createPod({ app: 'alpha' }, { serviceAccount: 'alpha-sa' }));
  });

  it('leaves alone pods without labels, pods that match no bound selector, unbound services, and other namespaces', async () => {
    expectAdmitted(await createPod(undefined, { serviceAccountName: 'anything' }));
    expectAdmitted(await createPod({ app: 'alphabet', tier: 'alpha' }, { serviceAccountName: 'anything' }));
    expectAdmitted(await createPod({ app: 'gamma' }, { serviceAccountName: 'anything' }));
    expectAdmitted(await createPod({ app: 'alpha' }, { serviceAccountName: 'intruder' }, OTHER_NS));
  });

  it('refuses a pod matching two bound services with different ServiceAccounts: each rule is checked', async () => {
    expectRefused(
      await createPod({ app: 'alpha', component: 'web' }, { serviceAccountName: 'alpha-sa' }),
      'svc.beta',
      'beta-sa',
    );
    expectRefused(
      await createPod({ app: 'alpha', component: 'web' }, { serviceAccountName: 'beta-sa' }),
      'svc.alpha',
      'alpha-sa',
    );
    expectAdmitted(await createPod({ component: 'web' }, { serviceAccountName: 'beta-sa' }));
  });

  it('refuses adding the labels to a running pod (UPDATE), through the pod and through its status subresource', async () => {
    const created = await createPod({ app: 'unrelated' }, { serviceAccountName: 'intruder' });
    expectAdmitted(created);
    const name = (created.body as { metadata?: { name: string } }).metadata?.name ?? '';
    const path = `/api/v1/namespaces/${NS}/pods/${name}`;
    const relabel = { metadata: { labels: { app: 'alpha' } } };
    expectRefused(
      await kube.request<Status>({
        method: 'PATCH',
        path,
        body: relabel,
        contentType: 'application/merge-patch+json',
      }),
      'svc.alpha',
      'alpha-sa',
    );
    const viaStatus = await kube.request<Status>({
      method: 'PATCH',
      path: `${path}/status`,
      body: relabel,
      contentType: 'application/merge-patch+json',
    });
    // The status subresource can change a pod's metadata too (its strategy resets only the spec): the
    // policy covers pods/status, so this is refused as well rather than a way around it.
    expectRefused(viaStatus, 'svc.alpha', 'alpha-sa');
    const live = await kube.request<{ metadata: { labels: Record<string, string> } }>({
      method: 'GET',
      path,
    });
    expect(live.body.metadata.labels).toEqual({ app: 'unrelated' });
    // Why pods/status is covered: where no policy applies (team-b), a status patch does relabel a pod.
    const elsewhere = await createPod({ app: 'unrelated' }, { serviceAccountName: 'intruder' }, OTHER_NS);
    const elsewherePath = `/api/v1/namespaces/${OTHER_NS}/pods/${(elsewhere.body as { metadata?: { name: string } }).metadata?.name ?? ''}`;
    const relabelled = await kube.request<{ metadata: { labels: Record<string, string> } }>({
      method: 'PATCH',
      path: `${elsewherePath}/status`,
      body: relabel,
      contentType: 'application/merge-patch+json',
    });
    expect(relabelled.status).toBe(200);
    expect(relabelled.body.metadata.labels).toEqual({ app: 'alpha' });
    // An unrelated update of a legitimate pod still goes through.
    const good = await createPod({ app: 'alpha' }, { serviceAccountName: 'alpha-sa' });
    const goodPath = `/api/v1/namespaces/${NS}/pods/${(good.body as { metadata?: { name: string } }).metadata?.name ?? ''}`;
    expect(
      (
        await kube.request({
          method: 'PATCH',
          path: goodPath,
          body: { metadata: { labels: { version: 'v3' } } },
          contentType: 'application/merge-patch+json',
        })
      ).status,
    ).toBe(200);
  });

  it('reports an edit of the policy as drift and the next run repairs it (failurePolicy back to Fail)', async () => {
    const weaken = await kube.request({
      method: 'PATCH',
      path: `/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/${POLICY}`,
      query: { fieldManager: 'kubectl-edit' },
      body: { spec: { failurePolicy: 'Ignore' } },
      contentType: 'application/merge-patch+json',
    });
    expect(weaken.status, JSON.stringify(weaken.body)).toBe(200);
    const status = (await t.as('viewer', { method: 'GET', url: '/api/v1/reconcile/status' })).json<{
      drift: { kind: string; name: string; reason: string }[];
    }>();
    expect(status.drift).toEqual([
      {
        kind: 'ValidatingAdmissionPolicy',
        namespace: null,
        name: POLICY,
        reason: expect.stringMatching(
          /^modified by another field manager: \.spec\.failurePolicy changed by "kubectl-edit"/,
        ) as unknown,
      },
    ]);
    const run = await reconcileNow(t);
    expect(run.status, run.errors.join('\n')).toBe('succeeded');
    expect(run.objects.find((o) => o.kind === 'ValidatingAdmissionPolicy')).toMatchObject({
      action: 'updated',
      drift: expect.stringContaining('failurePolicy') as unknown,
    });
    expect(
      (await getObject(kube, 'ValidatingAdmissionPolicy', undefined, POLICY))?.spec?.['failurePolicy'],
    ).toBe('Fail');
  });

  it('goes when the last bound service of the namespace goes (pruned), and the labels are free again', async () => {
    expect(
      (await t.as('engineer', { method: 'DELETE', url: `/api/v1/services/${ids['svc.beta'] ?? ''}` }))
        .statusCode,
    ).toBe(204);
    // The delete queued a run of its own; reconcileNow waits for it (and runs once more).
    expect((await reconcileNow(t)).status).toBe('succeeded');
    const remaining = (await getObject(kube, 'ValidatingAdmissionPolicy', undefined, POLICY))?.spec?.[
      'validations'
    ] as { message: string }[];
    expect(remaining.map((v) => v.message)).toEqual([
      expect.stringMatching(/service svc\.alpha; they must run as ServiceAccount alpha-sa$/) as unknown,
    ]);
    await until(
      'svc.beta no longer enforced',
      async () => (await createPod({ component: 'web' }, { serviceAccountName: 'anything' })).status === 201,
      30_000,
    );
    expectRefused(
      await createPod({ app: 'alpha' }, { serviceAccountName: 'intruder' }),
      'svc.alpha',
      'alpha-sa',
    );

    expect(
      (await t.as('engineer', { method: 'DELETE', url: `/api/v1/services/${ids['svc.alpha'] ?? ''}` }))
        .statusCode,
    ).toBe(204);
    const last = await reconcileNow(t);
    expect(last.status, last.errors.join('\n')).toBe('succeeded');
    expect(await getObject(kube, 'ValidatingAdmissionPolicy', undefined, POLICY)).toBeNull();
    expect(await getObject(kube, 'ValidatingAdmissionPolicyBinding', undefined, POLICY)).toBeNull();
    await until(
      'svc.alpha no longer enforced',
      async () => (await createPod({ app: 'alpha' }, { serviceAccountName: 'intruder' })).status === 201,
      30_000,
    );
  });
});
