import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { sha256Hex } from './sha256.ts';

/** Property tests run thousands of cases: allow for a loaded CI machine. */
const SLOW = { timeout: 30_000 };

// The reference is Node's OpenSSL SHA-256. This package compiles without Node's typings (tsconfig
// "types": []) so that its library code cannot use a Node built-in unnoticed; loading @types/node for
// one test file would lift that guard for the whole program. So node:crypto is imported at run time
// (from a specifier typed `string`, which TypeScript does not resolve) and typed by the little this
// test uses.
interface NodeHash {
  update(data: string, encoding: 'utf8'): NodeHash;
  digest(encoding: 'hex'): string;
}
const NODE_CRYPTO: string = 'node:crypto';
const nodeCrypto = (await import(NODE_CRYPTO)) as { createHash(algorithm: 'sha256'): NodeHash };
const reference = (input: string) => nodeCrypto.createHash('sha256').update(input, 'utf8').digest('hex');

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

describe('sha256Hex', SLOW, () => {
  it('matches the published test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  // 55 bytes is the most that fits one block with its padding; 56 to 63 spill into a second block;
  // 64 fills a block exactly; 119/120 and 127/128 are the same edges one block later.
  it.each([0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000])(
    'matches node:crypto for %i ASCII bytes',
    (n) => {
      const input = 'x'.repeat(n);
      expect(sha256Hex(input)).toBe(reference(input));
    },
  );

  it.each([55, 56, 63, 64, 65])('matches node:crypto for %i bytes of multi-byte UTF-8', (n) => {
    // "é" is two bytes, "€" three, "😀" four (a surrogate pair in JavaScript): pad with ASCII to n bytes.
    const core = 'é€😀';
    const input = core + 'a'.repeat(n - utf8Length(core));
    expect(utf8Length(input)).toBe(n);
    expect(sha256Hex(input)).toBe(reference(input));
  });

  it.each([
    ['ASCII', 'The quick brown fox jumps over the lazy dog. '],
    ['multi-byte', 'Grüße, €uro 😀 '],
  ])('matches node:crypto for 1 MB of %s text', (_kind, sentence) => {
    const input = sentence.repeat(Math.ceil((1 << 20) / utf8Length(sentence)));
    expect(utf8Length(input)).toBeGreaterThanOrEqual(1 << 20);
    expect(sha256Hex(input)).toBe(reference(input));
  });

  it('carries nothing from one call into the next', () => {
    // Long and short inputs in a row: no state (such as a reused buffer) may leak between calls.
    for (const input of ['€'.repeat(5000), 'x'.repeat(300), 'é'.repeat(40), '', 'a', '😀'.repeat(70)]) {
      expect(sha256Hex(input)).toBe(reference(input));
    }
  });

  it('matches node:crypto for any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.string({ unit: 'grapheme', maxLength: 100 }),
        ),
        (input) => {
          expect(sha256Hex(input)).toBe(reference(input));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('encodes lone surrogates as U+FFFD, as node:crypto does', () => {
    const units = fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      maxLength: 100,
    });
    fc.assert(
      fc.property(units, (input) => {
        expect(sha256Hex(input)).toBe(reference(input));
      }),
      { numRuns: 500 },
    );
    expect(sha256Hex('\ud800')).toBe(sha256Hex('\ufffd'));
  });
});
