import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { gatewayNameFor } from './gateway-name.ts';
import { parseHostname } from './hostname.ts';

/** Property tests run thousands of cases: allow for a loaded CI machine. */
const SLOW = { timeout: 30_000 };

/** A Kubernetes Service name: a DNS-1123 label that starts with a letter (RFC 1035). */
const SERVICE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const alnum = fc.constantFrom(...ALNUM);
const label = fc.oneof(
  alnum,
  fc
    .tuple(alnum, fc.string({ unit: fc.constantFrom(...ALNUM, '-'), maxLength: 61 }), alnum)
    .map(([a, b, c]) => a + b + c),
  fc
    .tuple(alnum, fc.string({ unit: fc.constantFrom(...ALNUM, '-'), maxLength: 61, size: 'max' }), alnum)
    .map(([a, b, c]) => a + b + c),
);

/** Public suffixes (destinations must end in one), so generated hosts are ones a user can register. */
const suffix = fc.constantFrom('com', 'io', 'de', 'co.uk', 'a.se', 'k12.ca.us');

/** Normalised hosts as parseHostname returns them (the only input gatewayNameFor is given). */
const host = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 5 }), suffix)
  .map(([labels, end]) => `${labels.join('.')}.${end}`)
  .filter((h) => {
    const r = parseHostname(h);
    return r.ok && r.value === h;
  });

/** Hosts over a tiny alphabet, so that hosts differing only in where the dots and hyphens are abound. */
const confusable = fc
  .tuple(fc.string({ unit: fc.constantFrom('a', 'b', '1', '-', '.'), minLength: 1, maxLength: 12 }), suffix)
  .map(([head, end]) => `${head}.${end}`)
  .filter((h) => {
    const r = parseHostname(h);
    return r.ok && r.value === h;
  });

/** Long hosts: well over 63 characters once encoded, up to the 253-character limit. */
const longHost = fc
  .array(
    fc
      .tuple(alnum, fc.string({ unit: fc.constantFrom(...ALNUM, '-'), minLength: 20, maxLength: 61 }), alnum)
      .map(([a, b, c]) => a + b + c),
    { minLength: 2, maxLength: 4 },
  )
  .map((labels) => `${labels.join('.')}.com`)
  .filter((h) => h.length > 63 && h.length <= 253 && parseHostname(h).ok);

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Reads a gateway name back as a host ("--" is a hyphen, "-" a dot); null when that is no well-formed
 * name. Shape only, not parseHostname: the public-suffix rule happens to refuse most spelled-out names
 * (their last label is hex), and the encoding must be injective without leaning on that.
 */
function hostSpelledBy(name: string): string | null {
  const spelled = name
    .replace(/^gw---/, '')
    .replaceAll('--', '\0')
    .replaceAll('-', '.')
    .replaceAll('\0', '-');
  const labels = spelled.split('.');
  return labels.length >= 2 && labels.every((l) => DNS_LABEL.test(l)) ? spelled : null;
}

function expectDistinctNames(hosts: readonly string[]): void {
  const owner = new Map<string, string>();
  for (const h of hosts) {
    const name = gatewayNameFor(h);
    const previous = owner.get(name);
    if (previous !== undefined && previous !== h)
      throw new Error(`"${previous}" and "${h}" share the gateway name ${name}`);
    owner.set(name, h);
  }
}

describe('gatewayNameFor', SLOW, () => {
  it.each([
    ['github.com', 'github-com'],
    ['api.stripe.com', 'api-stripe-com'],
    ['a-b.com', 'a--b-com'],
    ['a.b-com', 'a-b--com'],
    ['1password.com', 'gw---1password-com'],
    ['gw.1password.com', 'gw-1password-com'],
  ])('%s -> %s', (h, name) => {
    expect(gatewayNameFor(h)).toBe(name);
  });

  it('is a Service name of at most 63 characters for any host', () => {
    fc.assert(
      fc.property(fc.oneof(host, longHost, confusable), (h) => {
        const name = gatewayNameFor(h);
        expect(name).toMatch(SERVICE_NAME);
        expect(name.length).toBeLessThanOrEqual(63);
      }),
      { numRuns: 2000 },
    );
  });

  it('is stable: names already given to gateways in a cluster do not change', () => {
    // Changing the derivation would orphan every gateway already applied; a change here needs a migration.
    const long = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.example.com`;
    expect(gatewayNameFor(long)).toBe('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa---5ef92fe8a5');
    expect(gatewayNameFor(`1${long}`)).toBe(
      'gw---1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa---ef1459a878',
    );
  });

  it('gives different hosts different names (generated sets, adversarial spellings)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.oneof(host, confusable, longHost), { minLength: 100, maxLength: 400 }),
        (hosts) => {
          expectDistinctNames(hosts);
        },
      ),
      { numRuns: 100 },
    );
    // One large set too: 20,000 hosts, with a fixed seed so a failure can be replayed.
    expectDistinctNames([
      ...new Set(fc.sample(fc.oneof(host, confusable, longHost), { numRuns: 20_000, seed: 1123 })),
    ]);
    expectDistinctNames([
      'a-b.com',
      'a.b-com',
      'a--b.com',
      'a.b.com',
      'ab.com',
      '1password.com',
      'gw.1password.com',
      'gw-1password.com',
      'gw--1password.com',
    ]);
  });

  it('gives different names to every small host over {a, g, w, 1, -, .} (exhaustive up to 7 characters, then ".com")', () => {
    const alphabet = ['a', 'g', 'w', '1', '-', '.'];
    let level = [''];
    const hosts: string[] = [];
    for (let length = 1; length <= 7; length++) {
      level = level.flatMap((prefix) => alphabet.map((c) => prefix + c));
      for (const head of level) {
        const h = `${head}.com`;
        const r = parseHostname(h);
        if (r.ok && r.value === h) hosts.push(h);
      }
    }
    expect(hosts.length).toBeGreaterThan(10_000);
    expectDistinctNames(hosts);
  });

  it('cuts long hosts to 63 characters with a hash suffix, keeping them distinct', () => {
    const shared = `${'x'.repeat(30)}.${'y'.repeat(29)}`;
    const [a, b] = [`${shared}.first-service.example.com`, `${shared}.second-service.example.com`];
    expect(a.slice(0, 60)).toBe(b.slice(0, 60));
    const [na, nb] = [gatewayNameFor(a), gatewayNameFor(b)];
    expect(na).toHaveLength(63);
    expect(na).not.toBe(nb);
    expect(na).toMatch(/[0-9a-f]{10}$/);
    const twoHundred = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.example.io`;
    expect(twoHundred.length).toBeGreaterThan(200);
    expect(gatewayNameFor(twoHundred)).toMatch(SERVICE_NAME);
    expect(gatewayNameFor(twoHundred).length).toBeLessThanOrEqual(63);
  });

  it('never gives a long host the name a short host spells out', () => {
    // The cut name of a long host must not be the plain encoding of some other, short host; otherwise
    // registering that short host first would take (or later share) the long host's gateway.
    const long = `${'a'.repeat(22)}.${'a'.repeat(37)}.com`;
    // (Its last label is hex, no public suffix, so parseHostname refuses it today; the encoding must
    // keep the two apart all the same.)
    const impostor = `${'a'.repeat(22)}.${'a'.repeat(29)}.${gatewayNameFor(long).slice(-10)}`;
    expect(hostSpelledBy(`${'a'.repeat(22)}-${'a'.repeat(29)}-${gatewayNameFor(long).slice(-10)}`)).toBe(
      impostor,
    );
    expect(gatewayNameFor(impostor)).not.toBe(gatewayNameFor(long));
    fc.assert(
      fc.property(longHost, (h) => {
        const spelled = hostSpelledBy(gatewayNameFor(h));
        if (spelled !== null && spelled !== h) expect(gatewayNameFor(spelled)).not.toBe(gatewayNameFor(h));
      }),
      { numRuns: 500 },
    );
  });
});
