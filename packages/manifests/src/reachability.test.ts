import { gatewayNameFor } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { seedInput } from '../test/seed-input.ts';
import {
  compile,
  type CompilerInput,
  evaluatePath,
  networkPolicies,
  type Protocol,
  reachability,
} from './index.ts';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const GITHUB = id(11); // payments, granted github.com:443
const BILLING = id(12); // billing, granted api.stripe.com:443
const CRAWLER = id(13); // crawler-ns, port-wide 443
const WEB = id(14); // frontend: not enforced

/** The golden seed, plus a service in an unenforced namespace and a UDP destination it is granted. */
function input(): CompilerInput {
  const base = seedInput();
  base.services.push({
    id: WEB,
    name: 'service.web',
    namespace: 'frontend',
    selector: { matchLabels: { app: 'web' } },
  });
  base.destinations.push({
    id: id(3),
    host: 'time.example.org',
    gatewayName: gatewayNameFor('time.example.org'),
    sensitivity: 'standard',
    ports: [{ port: 123, protocol: 'UDP' }],
    gateway: { minReplicas: 1, maxReplicas: 2, targetCPUUtilizationPercentage: 80 },
  });
  base.grants.push({ id: id(24), serviceId: GITHUB, destinationId: id(3), port: 123 });
  return base;
}

function ask(i: CompilerInput, serviceId: string, host: string, port: number, protocol: Protocol = 'TCP') {
  return reachability(i, compile(i), { serviceId, host, port, protocol });
}

describe('reachability over the compiled policies', () => {
  const i = input();

  it('allows a granted service through its gateway, naming the gateway policy that admits it', () => {
    const r = ask(i, GITHUB, 'github.com', 443);
    expect(r.verdict).toBe('allowed');
    expect(r.route).toBe('gateway');
    expect(r.steered).toBe(true);
    expect(r.toGateway?.ingress.allowedBy).toEqual([`egress-gateways/${gatewayNameFor('github.com')}`]);
    expect(r.toGateway?.egress.allowedBy).toEqual(['payments/egress-control-default-deny-internet']);
    // Its pods still cannot reach public addresses directly: only the baseline selects them.
    expect(r.direct).toMatchObject({
      allowed: false,
      egress: { isolated: true, deniedBy: ['payments/egress-control-default-deny-internet'] },
    });
  });

  it('denies a port the grant does not name, and the same number over UDP', () => {
    // github.com serves 22, but service.github holds only 443.
    expect(ask(i, GITHUB, 'github.com', 22)).toMatchObject({
      verdict: 'denied',
      toGateway: { allowed: false },
    });
    expect(ask(i, GITHUB, 'github.com', 443, 'UDP').verdict).toBe('denied');
  });

  it('denies another enforced service the gateway, and an unknown host', () => {
    expect(ask(i, BILLING, 'github.com', 443)).toMatchObject({
      verdict: 'denied',
      toGateway: { ingress: { deniedBy: [`egress-gateways/${gatewayNameFor('github.com')}`] } },
    });
    expect(ask(i, BILLING, 'example.com', 443)).toMatchObject({
      verdict: 'denied',
      destination: null,
      toGateway: null,
    });
  });

  it('allows a UDP grant over UDP only', () => {
    expect(ask(i, GITHUB, 'time.example.org', 123, 'UDP').verdict).toBe('allowed');
    expect(ask(i, GITHUB, 'time.example.org', 123, 'TCP').verdict).toBe('denied');
  });

  it('allows a port-wide grant to any public address on its port, TCP only', () => {
    expect(ask(i, CRAWLER, 'example.com', 443)).toMatchObject({
      verdict: 'allowed',
      route: 'port-wide',
      direct: { allowed: true },
    });
    expect(ask(i, CRAWLER, 'example.com', 443, 'UDP').verdict).toBe('denied');
    expect(ask(i, CRAWLER, 'example.com', 80).verdict).toBe('denied');
    // A private address is never "public": the port-wide policy does not cover it.
    const c = i.services.find((s) => s.id === CRAWLER)!;
    const policies = networkPolicies(compile(i));
    const pod = { kind: 'pod' as const, namespace: c.namespace, labels: c.selector.matchLabels };
    expect(evaluatePath(policies, pod, { kind: 'address', ip: '10.1.2.3' }, 443, 'TCP').allowed).toBe(false);
    expect(evaluatePath(policies, pod, { kind: 'address', ip: '2001:db8::1' }, 443, 'TCP').allowed).toBe(
      true,
    );
  });

  it('answers "open" for a service in an unenforced namespace, whatever the host', () => {
    expect(ask(i, WEB, 'example.com', 25)).toMatchObject({
      verdict: 'open',
      route: 'unisolated',
      direct: { allowed: true, egress: { isolated: false } },
    });
    // Its name would lead to the gateway, which does not admit it: reported, the verdict stays "open".
    expect(ask(i, WEB, 'github.com', 443)).toMatchObject({ verdict: 'open', toGateway: { allowed: false } });
  });

  it('denies a granted service while its gateway is not ready (DNS does not steer the name)', () => {
    const notReady = { ...input(), readiness: { [gatewayNameFor('api.stripe.com')]: true } };
    expect(ask(notReady, GITHUB, 'github.com', 443)).toMatchObject({
      verdict: 'denied',
      steered: false,
      toGateway: { allowed: true },
    });
    expect(ask(notReady, BILLING, 'api.stripe.com', 443)).toMatchObject({
      verdict: 'allowed',
      steered: true,
    });
  });

  it('denies once the grant is gone (a revoked or expired grant never reaches the compiler)', () => {
    const revoked = input();
    revoked.grants = revoked.grants.filter((g) => !(g.serviceId === GITHUB && g.port === 443));
    expect(ask(revoked, GITHUB, 'github.com', 443).verdict).toBe('denied');
  });

  it('refuses a service that is not in the input', () => {
    expect(() => ask(i, id(99), 'github.com', 443)).toThrow(`no service ${id(99)}`);
  });
});
