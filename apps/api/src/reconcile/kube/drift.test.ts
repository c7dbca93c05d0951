import type { KubernetesObject } from '@egress/manifests';
import { describe, expect, it } from 'vitest';

import { compareLive, driftReason, removalPatch } from './drift.ts';
import type { LiveObject, ManagedFieldsEntry } from './resources.ts';

const HASH = 'egress.example.com/content-hash';

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
  o.metadata.managedFields = [
    { manager: 'egress-control', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:template': {} } } },
    ...extra,
  ];
  edit(o);
  return o;
}

const containers = (o: LiveObject) =>
  (o.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers;

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
        [
          {
            manager: 'mallory',
            operation: 'Update',
            fieldsV1: {
              'f:spec': {
                'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"envoy"}': { 'f:image': {} } } } },
              },
            },
          },
        ],
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
            fieldsV1: {
              'f:spec': {
                'f:template': {
                  'f:spec': {
                    'f:containers': { 'k:{"name":"sidecar"}': { '.': {}, 'f:image': {}, 'f:name': {} } },
                  },
                },
              },
            },
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

  it('ignores replicas (the HPA, kubectl scale), status and scale subresources, and metadata others add', () => {
    const c = compareLive(
      desired(),
      live(
        (o) =>
          (o.metadata.annotations = { ...o.metadata.annotations, 'deployment.kubernetes.io/revision': '2' }),
        [
          { manager: 'kubectl-edit', operation: 'Update', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
          {
            manager: 'kube-controller-manager',
            operation: 'Update',
            subresource: 'status',
            fieldsV1: { 'f:status': { 'f:replicas': {} } },
          },
          {
            manager: 'kube-controller-manager',
            operation: 'Update',
            fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:deployment.kubernetes.io/revision': {} } } },
          },
        ],
      ),
    );
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
