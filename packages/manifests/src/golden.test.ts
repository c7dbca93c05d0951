// The seed scenario compiled to YAML, compared byte for byte with test/golden/seed.yaml.
// After an intended change: UPDATE_GOLDEN=1 npx vitest run src/golden.test.ts, then review the diff.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { seedInput } from '../test/seed-input.ts';
import { compile, toYaml } from './index.ts';

const GOLDEN = fileURLToPath(new URL('../test/golden/seed.yaml', import.meta.url));

describe('golden: seed scenario', () => {
  it('compiles to test/golden/seed.yaml exactly', () => {
    const actual = toYaml(compile(seedInput()));
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, actual);
    expect(actual).toBe(readFileSync(GOLDEN, 'utf8'));
  });
});
