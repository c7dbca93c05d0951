// Observe mode (issue 15): the gateway admits every pod of the cluster on the destination's ports;
// enforce (or no mode) admits only the granted services. Only the gateway's NetworkPolicy ingress
// changes, and the output stays deterministic.
import { gatewayNameFor } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { find, policySpec } from '../test/helpers.ts';
import { richInput, uuid } from '../test/scenarios.ts';
import { compile, type CompilerInput, reachability } from './index.ts';

const NS = 'egress-gateways';
const GITHUB = gatewayNameFor('github.com');
const METRICS_RULE = {
  from: [{ namespaceSelector: { matchLabels: { 'egress.example.com/metrics-scraper': 'true' } } }],
  ports: [{ port: 9102, protocol: 'TCP' }],
};

function withMode(mode: 'observe' | 'enforce' | undefined): CompilerInput {
  const input = richInput();
  input.destinations = input.destinations.map((d) =>
    d.id === uuid(1) ? (mode === undefined ? d : { ...d, mode }) : d,
  );
  return input;
}

describe('compile: destination mode', () => {
  it('observe: the gateway admits every pod of the cluster on every destination port, and keeps the metrics rule', () => {
    const spec = policySpec(find(compile(withMode('observe')), 'NetworkPolicy', NS, GITHUB));
    expect(spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: {} }],
        ports: [
          { port: 22, protocol: 'TCP' },
          { port: 443, protocol: 'TCP' },
        ],
      },
      METRICS_RULE,
    ]);
    // No ipBlock peer: addresses outside the cluster stay refused.
    expect(JSON.stringify(spec.ingress)).not.toContain('ipBlock');
  });

  it('enforce and no mode render the same bytes: only granted services are admitted', () => {
    const enforce = compile(withMode('enforce'));
    const absent = compile(withMode(undefined));
    const policy = find(enforce, 'NetworkPolicy', NS, GITHUB);
    expect(policy).toEqual(find(absent, 'NetworkPolicy', NS, GITHUB));
    expect(policySpec(policy).ingress?.[0]?.from).toEqual([
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'payments' } },
        podSelector: { matchLabels: { app: 'service-github' } },
      },
    ]);
  });

  it('changes only the gateway NetworkPolicy of that destination', () => {
    const observe = compile(withMode('observe'));
    const enforce = compile(withMode('enforce'));
    expect(observe.length).toBe(enforce.length);
    const changed = observe
      .filter((o, i) => JSON.stringify(o) !== JSON.stringify(enforce[i]))
      .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(changed).toEqual([`NetworkPolicy/${GITHUB}`]);
  });

  it('is deterministic: the same input in another order gives the same bytes', () => {
    const a = withMode('observe');
    const b = withMode('observe');
    b.destinations.reverse();
    b.services.reverse();
    b.grants.reverse();
    expect(JSON.stringify(compile(b))).toBe(JSON.stringify(compile(a)));
  });

  it('observe without ports opens nothing: no rule without ports', () => {
    const input = withMode('observe');
    const d = input.destinations.find((x) => x.id === uuid(1));
    if (d) d.ports = [];
    const spec = policySpec(find(compile(input), 'NetworkPolicy', NS, GITHUB));
    expect(spec.ingress).toEqual([{ ...METRICS_RULE, ports: spec.ingress?.[0]?.ports }]);
  });

  it("explain (the product's own evaluation) agrees: an ungranted service reaches an observe gateway, not an enforce one", () => {
    // service 12 (billing) holds no grant on github.com.
    const ask = (input: CompilerInput) =>
      reachability(input, compile(input), {
        serviceId: uuid(12),
        host: 'github.com',
        port: 443,
        protocol: 'TCP',
      }).toGateway?.ingress.allowed;
    expect(ask(withMode('observe'))).toBe(true);
    expect(ask(withMode('enforce'))).toBe(false);
  });
});
