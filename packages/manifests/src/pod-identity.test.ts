// Pod identity objects: one ValidatingAdmissionPolicy + binding per namespace holding a bound service.
// What the CEL does to real pods is tested against the harness kube-apiserver
// (apps/api/test/kubernetes/pod-identity.test.ts); here, which objects exist and what they say.
import { describe, expect, it } from 'vitest';

import { richInput, service } from '../test/scenarios.ts';
import {
  compile,
  type CompilerInput,
  contentHash,
  type KubernetesObject,
  podIdentityPolicyName,
} from './index.ts';

const KINDS = ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'];
const identity = (input: CompilerInput) => compile(input).filter((o) => KINDS.includes(o.kind));
type Validation = { expression: string; message: string; reason: string };
const validations = (o: KubernetesObject | undefined) =>
  (o?.['spec'] as { validations: Validation[] }).validations;

describe('pod identity admission objects', () => {
  const objects = identity(richInput());

  it('exist for each namespace holding a bound service, and only those (billing, payments; not the unbound ones)', () => {
    expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([
      'ValidatingAdmissionPolicy egress-control-pod-identity-billing',
      'ValidatingAdmissionPolicy egress-control-pod-identity-payments',
      'ValidatingAdmissionPolicyBinding egress-control-pod-identity-billing',
      'ValidatingAdmissionPolicyBinding egress-control-pod-identity-payments',
    ]);
  });

  it('are cluster-scoped, managed, labelled with the namespace they guard, and hashed', () => {
    for (const o of objects) {
      expect(o.metadata.namespace).toBeUndefined();
      expect(o.apiVersion).toBe('admissionregistration.k8s.io/v1');
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'egress-control',
        'app.kubernetes.io/component': 'pod-identity',
      });
      expect(o.metadata.name).toBe(
        podIdentityPolicyName(o.metadata.labels['egress.example.com/namespace'] ?? ''),
      );
      expect(contentHash(o)).toBe(o.metadata.annotations['egress.example.com/content-hash']);
    }
  });

  it('fail closed on pod CREATE and UPDATE (and pods/status, which can change labels), bound to one namespace by its name label', () => {
    const policy = objects.find(
      (o) => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name.endsWith('-payments'),
    );
    expect(policy?.['spec']).toMatchObject({
      failurePolicy: 'Fail',
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: [''],
            apiVersions: ['v1'],
            operations: ['CREATE', 'UPDATE'],
            resources: ['pods', 'pods/status'],
          },
        ],
      },
    });
    const binding = objects.find(
      (o) => o.kind === 'ValidatingAdmissionPolicyBinding' && o.metadata.name.endsWith('-payments'),
    );
    expect(binding?.['spec']).toEqual({
      policyName: 'egress-control-pod-identity-payments',
      validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } } },
    });
  });

  it('hold one rule per bound service of the namespace, by service name, each naming the service and its ServiceAccount', () => {
    const payments = validations(objects[1]);
    expect(payments).toHaveLength(2);
    expect(payments[0]?.message).toMatch(
      /service service\.github; they must run as ServiceAccount github-client$/,
    );
    expect(payments[0]?.expression).toContain('object.metadata.labels["app"] == "service-github"');
    expect(payments[0]?.expression).toContain('variables.serviceAccount == "github-client"');
    expect(payments[1]?.message).toMatch(/ServiceAccount long-worker$/);
    // Every selector label must match (a subset of the pod's labels), and a pod with no labels matches nothing.
    const billing = validations(objects[0])[0]?.expression ?? '';
    expect(billing).toMatch(
      /^!\(has\(object\.metadata\.labels\) && \("app" in .*\) && \("app\.kubernetes\.io\/component" in .*\)\) \|\| /,
    );
  });

  it('go when the last bound service of a namespace goes, and leave other namespaces alone', () => {
    const input = richInput();
    input.services = input.services.filter((s) => s.namespace !== 'payments');
    expect(identity(input).map((o) => o.metadata.name)).toEqual([
      'egress-control-pod-identity-billing',
      'egress-control-pod-identity-billing',
    ]);
    input.services = input.services.map((s) => ({ ...s, serviceAccount: null }));
    expect(identity(input)).toEqual([]);
  });

  it('quote selector values as CEL string literals (nothing in a label can end the literal)', () => {
    const input = richInput();
    input.services = [service(1, 'svc.odd', 'odd', { 'example.com/tier': 'a.b-c_d', x: '' }, 'sa.one')];
    const [policy] = identity(input);
    const expression = validations(policy)[0]?.expression ?? '';
    expect(expression).toContain('object.metadata.labels["example.com/tier"] == "a.b-c_d"');
    expect(expression).toContain('object.metadata.labels["x"] == ""');
    expect(expression).toContain('variables.serviceAccount == "sa.one"');
  });

  it('do not depend on the order of the services', () => {
    const input = richInput();
    const reversed = { ...input, services: [...input.services].reverse() };
    expect(identity(reversed)).toEqual(identity(input));
  });
});
