// The seed scenario compiled to YAML, compared byte for byte with test/golden/seed.yaml.
// After an intended change: UPDATE_GOLDEN=1 npx vitest run src/golden.test.ts, then review the diff.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { seedInput } from '../test/seed-input.ts';
import { compile, type GatewayAddresses, toYaml } from './index.ts';

const GOLDEN = fileURLToPath(new URL('../test/golden/seed.yaml', import.meta.url));
const GOLDEN_HOSTS = fileURLToPath(new URL('../test/golden/seed-dns-hosts.yaml', import.meta.url));

describe('golden: seed scenario', () => {
  it('compiles to test/golden/seed.yaml exactly', () => {
    const actual = toYaml(compile(seedInput()));
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, actual);
    expect(actual).toBe(readFileSync(GOLDEN, 'utf8'));
  });
});

describe('golden: seed scenario, DNS ConfigMap in the hosts format (kubernetes target)', () => {
  it('compiles to test/golden/seed-dns-hosts.yaml exactly', () => {
    const input = seedInput();
    // One IPv4 Service, one dual-stack Service, one without a known address (not steered).
    const names = input.destinations.map((d) => d.gatewayName).sort();
    const addresses: GatewayAddresses = Object.fromEntries(
      names.slice(0, 2).map((name, i) => [name, i === 0 ? ['10.96.12.7'] : ['10.96.40.2', 'fd00:10:96::2a']]),
    );
    const dns = compile({ ...input, gatewayAddresses: addresses }).filter(
      (o) => o.kind === 'ConfigMap' && o.metadata.name === 'egress-control-dns',
    );
    const actual = toYaml(dns);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN_HOSTS, actual);
    expect(actual).toBe(readFileSync(GOLDEN_HOSTS, 'utf8'));
  });
});
