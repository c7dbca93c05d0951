import type { Destination, Grant, Service } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { ANY_HOST_ID, layoutGraph } from './graph-layout.ts';

const T = '2025-01-01T00:00:00.000Z';
let n = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

function service(name: string, namespace: string): Service {
  return {
    id: uuid(),
    name,
    namespace,
    selector: { matchLabels: { app: name } },
    serviceAccount: null,
    team: null,
    description: null,
    activeGrants: 0,
    pendingGrants: 0,
    createdAt: T,
    updatedAt: T,
  };
}
function destination(host: string, sensitive = false): Destination {
  return {
    id: uuid(),
    host,
    ports: [{ port: 443, protocol: 'TCP' }],
    sensitivity: sensitive ? 'sensitive' : 'standard',
    description: null,
    gateway: { minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
    gatewayName: host,
    hostProblem: null,
    activeGrants: 0,
    mode: 'enforce',
    createdAt: T,
    updatedAt: T,
  };
}
function grant(s: Service, d: Destination | null, port: number, state: Grant['state'] = 'active'): Grant {
  return {
    id: uuid(),
    service: s.name,
    serviceId: s.id,
    serviceNamespace: s.namespace,
    destination: d?.host ?? null,
    destinationId: d?.id ?? null,
    destinationSensitivity: d?.sensitivity ?? null,
    port,
    state,
    justification: 'x'.repeat(12),
    requestedBy: 'a@example.com',
    requestedAt: T,
    expiresAt: null,
    approvals: [],
    requiredApprovals: 1,
    decidedAt: null,
    decidedBy: null,
    reason: null,
    source: null,
    serviceTeam: null,
    requestedByName: 'A',
    activatedAt: null,
    durationSeconds: null,
    renewsGrantId: null,
    pendingRenewalId: null,
    proposedDestination: null,
  };
}

describe('layoutGraph', () => {
  const a = service('svc.a', 'payments');
  const b = service('svc.b', 'payments');
  const c = service('svc.c', 'web');
  const idle = service('svc.idle', 'web');
  const gh = destination('github.com', true);
  const npm = destination('registry.npmjs.org');
  const unused = destination('unused.example.com');
  const grants = [
    grant(a, gh, 443),
    grant(a, gh, 22),
    grant(b, npm, 443),
    grant(c, null, 443),
    grant(c, npm, 443, 'revoked'),
  ];
  const base = { services: [a, b, c, idle], destinations: [gh, npm, unused], grants };

  it('draws one edge per active grant target, merging ports, with port-wide grants to "any host"', () => {
    const g = layoutGraph({ ...base, filter: {}, toggled: new Set() });
    expect(g.left.map((x) => x.label)).toEqual(['payments', 'svc.a', 'svc.b', 'web', 'svc.c']);
    expect(g.right.map((x) => x.label)).toEqual(['github.com', 'registry.npmjs.org', 'any host (port-wide)']);
    const ghEdge = g.edges.find((e) => e.from === a.id && e.to === gh.id);
    expect(ghEdge).toMatchObject({ ports: [22, 443], grants: 2, sensitive: true });
    expect(g.edges.find((e) => e.from === c.id)?.to).toBe(ANY_HOST_ID);
    expect(g.edges).toHaveLength(3);
    expect(g.hiddenServices).toBe(1);
    expect(g.hiddenDestinations).toBe(1);
  });

  it('collapses a toggled namespace into one node with merged edges', () => {
    const g = layoutGraph({ ...base, filter: {}, toggled: new Set(['payments']) });
    expect(g.left.filter((x) => x.kind === 'service').map((x) => x.label)).toEqual(['svc.c']);
    const fromNs = g.edges.filter((e) => e.from === 'ns:payments');
    expect(fromNs.map((e) => e.to).sort()).toEqual([gh.id, npm.id].sort());
  });

  it('filters by namespace and by destination', () => {
    expect(layoutGraph({ ...base, filter: { namespace: 'web' }, toggled: new Set() }).edges).toHaveLength(1);
    const onlyGh = layoutGraph({ ...base, filter: { destination: 'github.com' }, toggled: new Set() });
    expect(onlyGh.right.map((r) => r.label)).toEqual(['github.com']);
    expect(
      layoutGraph({ ...base, filter: { destination: '*' }, toggled: new Set() }).right.map((r) => r.id),
    ).toEqual([ANY_HOST_ID]);
  });

  it('starts collapsed when there are many services, keeping edges bounded', () => {
    const many = Array.from({ length: 300 }, (_, i) => service(`svc.${i}`, `ns-${i % 6}`));
    const dests = Array.from({ length: 20 }, (_, i) => destination(`d${i}.example.com`));
    const lots = many.map((s, i) => grant(s, dests[i % 20] ?? null, 443));
    const g = layoutGraph({
      services: many,
      destinations: dests,
      grants: lots,
      filter: {},
      toggled: new Set(),
    });
    expect(g.left.every((x) => x.kind === 'namespace')).toBe(true);
    expect(g.edges.length).toBeLessThanOrEqual(6 * 20);
  });
});
