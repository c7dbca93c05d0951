import type { KubernetesObject } from '@egress/manifests';
import { describe, expect, it } from 'vitest';

import { compareLive, driftFields, driftReason, removalPatch } from './drift.ts';
import type { LiveObject, ManagedFieldsEntry } from './resources.ts';

const HASH = 'egress.example.com/content-hash';
type Json = Record<string, unknown>;

function desired(): KubernetesObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'gw',
      namespace: 'ns',
      labels: { 'app.kubernetes.io/managed-by': 'egress-control' },
      annotations: { [HASH]: 'h1' },
    },
    spec: {
      selector: { matchLabels: { app: 'gw' } },
      template: {
        metadata: { labels: { app: 'gw' }, annotations: { 'egress.example.com/config-hash': 'c1' } },
        spec: {
          containers: [
            {
              name: 'envoy',
              image: 'envoy:1',
              resources: { requests: { cpu: '0.5', memory: '64Mi' } },
              args: [],
            },
          ],
        },
      },
    },
  };
}

const ENVOY = 'k:{"name":"envoy"}';

/** What our apply owns, as the API server records it (every field of `desired()`). */
const OURS = (): Json => ({
  'f:metadata': {
    'f:labels': { 'f:app.kubernetes.io/managed-by': {} },
    'f:annotations': { [`f:${HASH}`]: {} },
  },
  'f:spec': {
    'f:selector': {},
    'f:template': {
      'f:metadata': {
        'f:labels': { 'f:app': {} },
        'f:annotations': { 'f:egress.example.com/config-hash': {} },
      },
      'f:spec': {
        'f:containers': {
          [ENVOY]: {
            '.': {},
            'f:name': {},
            'f:image': {},
            'f:resources': { 'f:requests': { 'f:cpu': {}, 'f:memory': {} } },
            'f:args': {},
          },
        },
      },
    },
  },
});

/** `fields` nested under the pod template's spec, as a fieldsV1 tree. */
const inPod = (fields: Json): Json => ({ 'f:spec': { 'f:template': { 'f:spec': fields } } });
/** `fields` nested under the envoy container. */
const inEnvoy = (fields: Json): Json => inPod({ 'f:containers': { [ENVOY]: fields } });

/** Removes one field from our entry, as the API server does when another manager takes it over. */
function lose(o: LiveObject, ...path: string[]): void {
  const ours = o.metadata.managedFields?.find((e) => e.manager === 'egress-control');
  let at = ours?.fieldsV1 as Json;
  for (const key of path.slice(0, -1)) at = at[key] as Json;
  Reflect.deleteProperty(at, path.at(-1) ?? '');
}

/** As the API server returns it: defaults added, our manager's entry, plus `extra` entries. */
function live(edit: (o: LiveObject) => void = () => undefined, extra: ManagedFieldsEntry[] = []): LiveObject {
  const o = JSON.parse(JSON.stringify(desired())) as LiveObject;
  const spec = o.spec as {
    replicas?: number;
    template: { spec: { containers: Record<string, unknown>[]; dnsPolicy?: string } };
  };
  spec.replicas = 1;
  spec.template.spec.dnsPolicy = 'ClusterFirst';
  const envoy = spec.template.spec.containers[0] as {
    terminationMessagePath?: string;
    resources: { requests: { cpu: string } };
    args?: unknown;
  };
  envoy.terminationMessagePath = '/dev/termination-log';
  envoy.resources.requests.cpu = '500m'; // canonical form
  delete envoy.args; // an empty list is dropped
  o.metadata.managedFields = [{ manager: 'egress-control', operation: 'Apply', fieldsV1: OURS() }, ...extra];
  edit(o);
  return o;
}

const containers = (o: LiveObject) =>
  (o.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers;

/** Live after what operators and controllers do to our objects every day, none of it drift. */
function routine(): LiveObject {
  const restartedAt = 'f:kubectl.kubernetes.io/restartedAt';
  return live(
    (o) => {
      o.metadata.labels = { ...o.metadata.labels, team: 'payments' };
      o.metadata.annotations = { ...o.metadata.annotations, 'deployment.kubernetes.io/revision': '3' };
      const pod = (o.spec as { template: { metadata: { annotations: Json } } }).template.metadata;
      pod.annotations['kubectl.kubernetes.io/restartedAt'] = '2026-12-07T10:00:00Z';
    },
    [
      { manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        subresource: 'scale',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        subresource: 'status',
        fieldsV1: { 'f:status': { 'f:replicas': {} } },
      },
      {
        manager: 'kubectl-rollout',
        operation: 'Update',
        fieldsV1: {
          'f:spec': { 'f:template': { 'f:metadata': { 'f:annotations': { [restartedAt]: {} } } } },
        },
      },
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:deployment.kubernetes.io/revision': {} } } },
      },
      {
        manager: 'labeller',
        operation: 'Update',
        fieldsV1: { 'f:metadata': { 'f:labels': { 'f:team': {} } } },
      },
    ],
  );
}

describe('compareLive', () => {
  it('finds nothing when the live object is ours with server defaults, canonical quantities and dropped empty lists', () => {
    const c = compareLive(desired(), live());
    expect(c).toEqual({ outdated: false, changed: [], added: [] });
    expect(driftReason(c)).toBeNull();
  });

  it('a different content hash is a pending change, not an edit', () => {
    const c = compareLive(
      desired(),
      live((o) => (o.metadata.annotations = { [HASH]: 'h0' })),
    );
    expect(c.outdated).toBe(true);
    expect(driftReason(c)).toBeNull();
  });

  it('names the field manager that changed a field we set', () => {
    const c = compareLive(
      desired(),
      live(
        (o) => ((containers(o)[0] as { image: string }).image = 'evil:1'),
        [{ manager: 'mallory', operation: 'Update', fieldsV1: inEnvoy({ 'f:image': {} }) }],
      ),
    );
    expect(driftReason(c)).toBe(
      'modified by another field manager: .spec.template.spec.containers[0].image changed by "mallory"',
    );
  });

  it('reports a container another manager added (not a change to ours), with a pointer to remove it', () => {
    const c = compareLive(
      desired(),
      live(
        (o) => containers(o).push({ name: 'sidecar', image: 'x' }),
        [
          {
            manager: 'kubectl-edit',
            operation: 'Update',
            fieldsV1: inPod({
              'f:containers': { 'k:{"name":"sidecar"}': { '.': {}, 'f:image': {}, 'f:name': {} } },
            }),
          },
        ],
      ),
    );
    expect(c.changed).toEqual([]);
    expect(c.added).toEqual([
      {
        path: '.spec.template.spec.containers[1]',
        pointer: '/spec/template/spec/containers/1',
        manager: 'kubectl-edit',
      },
    ]);
  });

  it('ignores replicas (the HPA, kubectl scale), status and scale subresources, rollout restarts, and metadata others add', () => {
    expect(driftReason(compareLive(desired(), routine()))).toBeNull();
  });
});

/** Desired with a pending change (the image), and live as our last apply left it (hash h0). */
function pending(): KubernetesObject {
  const d = desired();
  d.metadata.annotations[HASH] = 'h2';
  const spec = d.spec as { template: { spec: { containers: { image: string }[] } } };
  (spec.template.spec.containers[0] as { image: string }).image = 'envoy:2';
  return d;
}

const IMAGE = ['f:spec', 'f:template', 'f:spec', 'f:containers', ENVOY, 'f:image'];
const MEMORY = [
  'f:spec',
  'f:template',
  'f:spec',
  'f:containers',
  ENVOY,
  'f:resources',
  'f:requests',
  'f:memory',
];

/** Live after `by` set the envoy image to `image`, taking the field from us. */
const imageTakenBy = (by: { manager: string; operation: string }, image: string): LiveObject =>
  live(
    (o) => {
      (containers(o)[0] as { image: string }).image = image;
      lose(o, ...IMAGE);
    },
    [{ ...by, fieldsV1: inEnvoy({ 'f:image': {} }) }],
  );

describe('compareLive on an outdated object (a change of ours is pending): fields others took over', () => {
  it('a forced apply by another manager that took a field from us is drift, named with the manager', () => {
    const c = compareLive(pending(), imageTakenBy({ manager: 'mallory', operation: 'Apply' }, 'evil:1'));
    expect(c.outdated).toBe(true);
    expect(c.changed).toEqual([{ path: '.spec.template.spec.containers[0].image', managers: ['mallory'] }]);
    expect(driftReason(c)).toBe(
      'modified by another field manager: .spec.template.spec.containers[0].image changed by "mallory"',
    );
    expect(driftFields(c)).toEqual([
      { path: '.spec.template.spec.containers[0].image', change: 'changed', managers: ['mallory'] },
    ]);
  });

  it('an Update that changed a value (kubectl edit) is drift too, beside the fields it added', () => {
    const c = compareLive(
      pending(),
      live(
        (o) => {
          const envoy = containers(o)[0] as { resources: { requests: { memory: string } } };
          envoy.resources.requests.memory = '4Gi';
          (o.spec as { template: { spec: Json } }).template.spec['hostNetwork'] = true;
          lose(o, ...MEMORY);
        },
        [
          {
            manager: 'kubectl-edit',
            operation: 'Update',
            fieldsV1: inPod({
              'f:hostNetwork': {},
              'f:containers': { [ENVOY]: { 'f:resources': { 'f:requests': { 'f:memory': {} } } } },
            }),
          },
        ],
      ),
    );
    expect(driftReason(c)).toBe(
      'modified by another field manager: .spec.template.spec.containers[0].resources.requests.memory changed by "kubectl-edit"; ' +
        '.spec.template.spec.hostNetwork added by "kubectl-edit"',
    );
  });

  it('a key added to a value someone set whole (an atomic selector) is drift, pending change or not', () => {
    const widened = (o: LiveObject) => {
      (o.spec as { selector: { matchLabels: Json } }).selector.matchLabels['tier'] = 'other';
      lose(o, 'f:spec', 'f:selector');
    };
    const edit: ManagedFieldsEntry[] = [
      { manager: 'kubectl-edit', operation: 'Update', fieldsV1: { 'f:spec': { 'f:selector': {} } } },
    ];
    const expected = [{ path: '.spec.selector', managers: ['kubectl-edit'] }];
    // The values alone (ours are a subset of the live ones) would not show it.
    expect(compareLive(desired(), live(widened, edit)).changed).toEqual(expected);
    expect(compareLive(pending(), live(widened, edit)).changed).toEqual(expected);
  });

  it('an object someone else wrote and labelled ours (no entry of ours): the values it holds that differ are theirs', () => {
    const c = compareLive(
      pending(),
      live((o) => {
        (containers(o)[0] as { image: string }).image = 'evil:1';
        o.metadata.managedFields = [{ manager: 'mallory', operation: 'Apply', fieldsV1: OURS() }];
      }),
    );
    expect(c.changed).toEqual([{ path: '.spec.template.spec.containers[0].image', managers: ['mallory'] }]);
  });

  it('not drift: our own earlier writes (Apply and the Update of a removal patch), nobody else', () => {
    const c = compareLive(
      pending(),
      live(undefined, [{ manager: 'egress-control', operation: 'Update', fieldsV1: { 'f:spec': {} } }]),
    );
    expect(c).toEqual({ outdated: true, changed: [], added: [] });
    expect(driftReason(c)).toBeNull();
  });

  it('not drift: a field another manager shares with us (it applied our value; we still own it)', () => {
    const c = compareLive(
      pending(),
      live(undefined, [{ manager: 'helper', operation: 'Apply', fieldsV1: inEnvoy({ 'f:image': {} }) }]),
    );
    expect(driftReason(c)).toBeNull();
  });

  it('not drift: a field taken over whose live value is already the desired one (nothing to put back)', () => {
    const c = compareLive(
      pending(),
      imageTakenBy({ manager: 'kubectl-edit', operation: 'Update' }, 'envoy:2'),
    );
    expect(driftReason(c)).toBeNull();
  });

  it('not drift: quantities the API server canonicalised, taken over with the same value', () => {
    const c = compareLive(
      pending(),
      live(
        (o) => lose(o, 'f:spec', 'f:template', 'f:spec', 'f:containers', ENVOY, 'f:resources'),
        [
          {
            manager: 'kubectl-edit',
            operation: 'Update',
            fieldsV1: inEnvoy({ 'f:resources': { 'f:requests': { 'f:cpu': {}, 'f:memory': {} } } }),
          },
        ],
      ),
    );
    expect(driftReason(c)).toBeNull();
  });

  it('not drift: a forged content-hash annotation (that is what "outdated" reports)', () => {
    const c = compareLive(
      pending(),
      live(
        (o) => {
          o.metadata.annotations = { [HASH]: 'forged' };
          lose(o, 'f:metadata', 'f:annotations', `f:${HASH}`);
        },
        [
          {
            manager: 'kubectl-annotate',
            operation: 'Update',
            fieldsV1: { 'f:metadata': { 'f:annotations': { [`f:${HASH}`]: {} } } },
          },
        ],
      ),
    );
    expect(c.outdated).toBe(true);
    expect(driftReason(c)).toBeNull();
  });

  it('not drift: replicas (kubectl scale, the HPA through scale), status, rollout restart, metadata others add', () => {
    const c = compareLive(pending(), routine());
    expect(c.outdated).toBe(true);
    expect(driftReason(c)).toBeNull();
  });
});

describe('removalPatch', () => {
  it('guards with the resourceVersion and removes list items from the highest index down', () => {
    const o = live((x) => (x.metadata.resourceVersion = '42'));
    const patch = removalPatch(o, [
      { path: 'a', pointer: '/spec/x/2', manager: 'm' },
      { path: 'b', pointer: '/spec/x/10', manager: 'm' },
      { path: 'c', pointer: '/spec/hostNetwork', manager: 'm' },
    ]);
    expect(patch).toEqual([
      { op: 'test', path: '/metadata/resourceVersion', value: '42' },
      { op: 'remove', path: '/spec/x/10' },
      { op: 'remove', path: '/spec/x/2' },
      { op: 'remove', path: '/spec/hostNetwork' },
    ]);
  });
});
