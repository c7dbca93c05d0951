import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { canonicalJson, shareCanonical, shareCanonicalText } from './canonical-json.ts';

// The obvious definition, written independently: the fast writer must agree with it on every value.
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s: unknown = JSON.stringify(value);
    return typeof s === 'string' ? s : 'null';
  }
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : reference(v))).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
}

const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.double(),
    fc.string({ unit: 'binary' }),
    fc.string({ minLength: 65, maxLength: 80 }),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('any'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('any'), { maxKeys: 6 }),
  ),
})).any;

describe('canonicalJson', () => {
  it('agrees with the plain definition on any value (keys sorted, undefined dropped, dates as ISO)', () => {
    fc.assert(
      fc.property(value, (v) => canonicalJson(v) === reference(v)),
      { numRuns: 500 },
    );
  });

  it('gives the same text however the keys were inserted', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,null]},"b":1}',
    );
    expect(canonicalJson({ a: { c: 'x', d: [1, undefined] }, b: 1 })).toBe(
      '{"a":{"c":"x","d":[1,null]},"b":1}',
    );
  });

  it('writes a Date as JSON.stringify does and a jsonb read-back of it gives the same text', () => {
    const at = new Date('2026-12-07T08:00:00.000Z');
    expect(canonicalJson({ at })).toBe('{"at":"2026-12-07T08:00:00.000Z"}');
    expect(canonicalJson({ at })).toBe(canonicalJson(JSON.parse(JSON.stringify({ at }))));
  });

  it('orders keys by code unit, not by locale', () => {
    expect(canonicalJson({ b: 1, B: 2, é: 3, a: 4 })).toBe('{"B":2,"a":4,"b":1,"é":3}');
  });

  it('reuses the text of a shared value, which is frozen', () => {
    const peer = shareCanonical({ z: 1, a: [2] });
    expect(Object.isFrozen(peer)).toBe(true);
    expect(canonicalJson({ peer })).toBe('{"peer":{"a":[2],"z":1}}');
    const given = shareCanonicalText({ k: 'v' }, '{"k":"v"}');
    expect(canonicalJson([given, given])).toBe('[{"k":"v"},{"k":"v"}]');
  });
});
