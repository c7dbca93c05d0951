// The gateway cache is an optimisation only: compiling with it, across a sequence of changed inputs,
// must give exactly what compiling without it gives.
import { describe, expect, it } from 'vitest';

import { richInput, uuid } from '../test/scenarios.ts';
import { compile, createGatewayCache } from './compile.ts';
import type { CompilerInput } from './types.ts';

type Step = [string, (i: CompilerInput) => CompilerInput];

const steps: Step[] = [
  ['first compile', (i) => i],
  ['the same input again', (i) => i],
  [
    'a grant added',
    (i) => ({
      ...i,
      grants: [...i.grants, { id: uuid(900), serviceId: uuid(13), destinationId: uuid(2), port: 443 }],
    }),
  ],
  [
    'a service selector changed',
    (i) => ({
      ...i,
      services: i.services.map((s) =>
        s.id === uuid(11) ? { ...s, selector: { matchLabels: { app: 'renamed' } } } : s,
      ),
    }),
  ],
  [
    'a destination scaled',
    (i) => ({
      ...i,
      destinations: i.destinations.map((d) =>
        d.id === uuid(2) ? { ...d, gateway: { ...d.gateway, maxReplicas: d.gateway.maxReplicas + 2 } } : d,
      ),
    }),
  ],
  [
    'the settings changed',
    (i) => ({ ...i, settings: { ...i.settings, gatewayNamespace: 'egress-elsewhere' } }),
  ],
  ['a grant revoked', (i) => ({ ...i, grants: i.grants.slice(1) })],
  ['a destination deleted', (i) => ({ ...i, destinations: i.destinations.slice(1) })],
];

describe('gateway cache', () => {
  it('gives the same objects as a compile without it, while grants, services, destinations and settings change', () => {
    const cache = createGatewayCache();
    let input = richInput();
    for (const [what, step] of steps) {
      input = step(input);
      expect(compile(input, { gatewayCache: cache }), what).toEqual(compile(input));
    }
    // Only the gateways of the last compile are kept.
    expect(cache.entries.size).toBe(input.destinations.length);
  });
});
