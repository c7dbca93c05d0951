// The compiler is pure: no I/O, no clock, no randomness, no Node built-ins (it also runs in the CLI and
// could run in a browser). Checked on the source text, so a stray import fails here, not in production.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('.', import.meta.url));
const sources = readdirSync(SRC).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

describe('compiler sources', () => {
  it('exist', () => {
    expect(sources).toContain('compile.ts');
  });

  it.each(sources)('%s uses no Node built-in, clock, randomness or environment', (file) => {
    const text = readFileSync(`${SRC}${file}`, 'utf8');
    expect(text).not.toMatch(/from ['"](node:|fs|path|crypto|os|child_process)/);
    expect(text).not.toMatch(
      /\b(Date|Math\.random|performance|process|crypto\.|setTimeout|setInterval|fetch)\b/,
    );
  });
});
