// Same input in any order → byte-identical YAML. Shuffles every list the compiler reads (destinations,
// their ports, services, selector keys, grants, enforced namespaces, CIDR lists, readiness keys).
import { gatewayNameFor, SettingsSchema } from '@egress/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { richInput, uuid } from '../test/scenarios.ts';
import { compile, type CompilerInput, toYaml } from './index.ts';

function permutation<T>(items: readonly T[]): fc.Arbitrary<T[]> {
  return fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
}

function reorderKeys(record: Record<string, string>): fc.Arbitrary<Record<string, string>> {
  return permutation(Object.entries(record)).map((entries) => Object.fromEntries(entries));
}

/** The same input with every list and map in a random order. */
function shuffled(input: CompilerInput): fc.Arbitrary<CompilerInput> {
  const s = input.settings;
  return fc.record({
    settings: fc
      .record({
        enforcedNamespaces: permutation(s.enforcedNamespaces),
        podCidrs: permutation(s.podCidrs),
        serviceCidrs: permutation(s.serviceCidrs),
        internalCidrs: permutation(s.internalCidrs),
        resolver: permutation(s.gatewayResolver.cidrs),
      })
      .map(({ resolver, ...lists }) => ({ ...s, ...lists, gatewayResolver: { cidrs: resolver } })),
    destinations: fc
      .tuple(...input.destinations.map((d) => permutation(d.ports).map((ports) => ({ ...d, ports }))))
      .chain((ds) => permutation(ds)),
    services: fc
      .tuple(
        ...input.services.map((svc) =>
          reorderKeys(svc.selector.matchLabels).map((matchLabels) => ({ ...svc, selector: { matchLabels } })),
        ),
      )
      .chain((ss) => permutation(ss)),
    grants: permutation(input.grants),
    readiness:
      input.readiness === 'all'
        ? fc.constant('all' as const)
        : reorderKeys(input.readiness as unknown as Record<string, string>).map(
            (r) => r as unknown as Record<string, boolean>,
          ),
  });
}

const label = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);

/** Small random clusters: up to 5 destinations, 6 services and 12 grants, with repeats allowed. */
const randomInput: fc.Arbitrary<CompilerInput> = fc
  .record({
    hosts: fc.uniqueArray(
      label.map((l) => `${l}.example.com`),
      { maxLength: 5 },
    ),
    ports: fc.array(
      fc.uniqueArray(
        fc.record({
          port: fc.integer({ min: 1, max: 10000 }),
          protocol: fc.constantFrom('TCP' as const, 'UDP' as const),
        }),
        { minLength: 1, maxLength: 4, selector: (p) => `${p.port}/${p.protocol}` },
      ),
      { minLength: 5, maxLength: 5 },
    ),
    services: fc.array(
      fc.record({
        ns: fc.constantFrom('a', 'b', 'c'),
        labels: fc.dictionary(label, label, { minKeys: 1, maxKeys: 4 }),
      }),
      { maxLength: 6 },
    ),
    grants: fc.array(
      fc.record({ s: fc.nat(5), d: fc.option(fc.nat(4)), port: fc.constantFrom(22, 53, 443, 8080) }),
      { maxLength: 12 },
    ),
    enforced: fc.subarray(['a', 'b', 'c']),
    ready: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
  })
  .map(({ hosts, ports, services, grants, enforced, ready }) => ({
    settings: SettingsSchema.parse({
      enforcedNamespaces: enforced,
      gatewayResolver: { cidrs: ['10.0.0.10/32', '10.0.0.2/32'] },
    }),
    destinations: hosts.map((host, i) => ({
      id: uuid(i + 1),
      host,
      gatewayName: gatewayNameFor(host),
      sensitivity: 'standard' as const,
      ports: ports[i] ?? [],
      gateway: { minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 50 },
    })),
    services: services.map((svc, i) => ({
      id: uuid(100 + i),
      name: `svc-${i}.team`,
      namespace: svc.ns,
      selector: { matchLabels: svc.labels },
    })),
    grants: grants.map((g, i) => ({
      id: uuid(1000 + i),
      serviceId: uuid(100 + g.s),
      destinationId: g.d === null ? null : uuid(g.d + 1),
      port: g.port,
    })),
    readiness: Object.fromEntries(hosts.map((host, i) => [gatewayNameFor(host), ready[i] ?? false])),
  }));

describe('determinism', () => {
  it('gives byte-identical YAML for the rich scenario in any order', () => {
    const expected = toYaml(compile(richInput()));
    fc.assert(
      fc.property(shuffled(richInput()), (input) => {
        expect(toYaml(compile(input))).toBe(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('gives byte-identical YAML for random clusters in any order', () => {
    fc.assert(
      fc.property(
        randomInput.chain((input) => fc.tuple(fc.constant(input), shuffled(input))),
        ([input, reordered]) => {
          expect(toYaml(compile(reordered))).toBe(toYaml(compile(input)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('does not change its input', () => {
    const input = richInput();
    const before = structuredClone(input);
    compile(input);
    expect(input).toEqual(before);
  });
});
