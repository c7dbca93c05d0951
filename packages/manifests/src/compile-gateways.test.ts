// compileGateways is the scoped compile of a change-scoped reconcile run: for the destinations it is
// given (with their grants and the services those name) it must render exactly the gateway objects a
// full compile renders, whatever else the full input holds.
import { describe, expect, it } from 'vitest';

import { richInput } from '../test/scenarios.ts';
import { compile, compileGateways } from './compile.ts';
import type { CompilerInput } from './types.ts';

/** Only what a scoped read would return for these destinations. */
function scoped(input: CompilerInput, destinationIds: string[]) {
  const ids = new Set(destinationIds);
  const grants = input.grants.filter((g) => g.destinationId !== null && ids.has(g.destinationId));
  const serviceIds = new Set(grants.map((g) => g.serviceId));
  return {
    settings: input.settings,
    destinations: input.destinations.filter((d) => ids.has(d.id)),
    services: input.services.filter((s) => serviceIds.has(s.id)),
    grants,
  };
}

describe('compileGateways', () => {
  it('renders each gateway exactly as the full compile does, alone or with others', () => {
    const input = richInput();
    const full = compile(input);
    const ids = input.destinations.map((d) => d.id);
    expect(ids.length).toBeGreaterThan(1);
    for (const subset of [...ids.map((id) => [id]), ids.slice(0, 2), ids]) {
      const names = new Set(
        input.destinations.filter((d) => subset.includes(d.id)).map((d) => d.gatewayName),
      );
      const expected = full.filter(
        (o) => o.metadata.labels['app.kubernetes.io/component'] === 'gateway' && names.has(o.metadata.name),
      );
      expect(expected.length).toBe(6 * subset.length);
      expect(compileGateways(scoped(input, subset))).toEqual(expected);
    }
  });
});
