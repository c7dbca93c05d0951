import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseHostname } from './hostname.ts';

/** Property tests run thousands of cases: allow for a loaded CI machine. */
const SLOW = { timeout: 30_000 };

// ---------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const alnum = fc.constantFrom(...ALNUM);
const inner = (size: 'small' | 'max') =>
  fc.string({ unit: fc.constantFrom(...ALNUM, '-'), maxLength: 61, size });

/** A DNS label: [a-z0-9], inner hyphens, 1 to 63 characters; short ones mostly, full-length ones too. */
const label = fc
  .oneof(
    alnum,
    fc.tuple(alnum, inner('small'), alnum).map(([a, b, c]) => a + b + c),
    fc.tuple(alnum, inner('max'), alnum).map(([a, b, c]) => a + b + c),
  )
  // An "xn--" label must be valid punycode; that rule has its own examples below.
  .filter((l) => !l.startsWith('xn--'));

/** Suffixes of the ICANN section of the Public Suffix List: one, two and three labels, generic and country. */
const PUBLIC_SUFFIXES = [
  'com',
  'org',
  'net',
  'io',
  'dev',
  'de',
  'fr',
  'ch',
  'co.uk',
  'com.au',
  'gov.uk',
  'xn--p1ai',
  'k12.ca.us',
];
const tld = fc.constantFrom(...PUBLIC_SUFFIXES);

/**
 * Names that resolve only inside some private resolver (Kubernetes namespaces, split-horizon corporate
 * zones, home routers): no registry delegates them, so they are refused whatever comes before them.
 */
const PRIVATE_NAMES = [
  'default',
  'corp',
  'lan',
  'intranet',
  'cluster',
  'private',
  'home',
  'zz',
  'kube-system',
];
const privateTld = fc.constantFrom(...PRIVATE_NAMES);

/** A valid public host of 2 to 8 labels (ending in a public suffix), at most 253 characters. */
const validHost = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 5 }), tld)
  .map(([labels, top]) => [...labels, top].join('.'))
  .filter((h) => h.length <= 253);

/** Inserts `piece` at a generated position of a valid host. */
const withInserted = (piece: fc.Arbitrary<string>) =>
  fc.tuple(validHost, piece, fc.nat()).map(([host, p, at]) => {
    const i = at % (host.length + 1);
    return host.slice(0, i) + p + host.slice(i);
  });

const WHITESPACE = [' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u2003', '\u3000'];

/** Strings made of the characters host names and typos are made of, so a fair share is accepted. */
const hostish = fc.string({
  unit: fc.constantFrom(...'abxn09-.'.split(''), 'A', 'Z', 'ü', 'ß', '。', '．', '_', '%', '\u200b'),
  maxLength: 40,
});

const anyUtf16 = fc.string({
  unit: fc.nat({ max: 0xffff }).map((c) => String.fromCharCode(c)),
  maxLength: 80,
});

function value(raw: string): string {
  const r = parseHostname(raw);
  if (!r.ok) throw new Error(`expected "${raw}" to be accepted, got: ${r.error}`);
  return r.value;
}

// ---------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------

describe('parseHostname: valid hosts', SLOW, () => {
  it('accepts them unchanged, idempotently', () => {
    fc.assert(
      fc.property(validHost, (host) => {
        const once = parseHostname(host);
        expect(once).toEqual({ ok: true, value: host });
        expect(parseHostname(value(host))).toEqual(once);
      }),
      { numRuns: 500 },
    );
  });

  it('ignores case', () => {
    fc.assert(
      fc.property(validHost, fc.func(fc.boolean()), (host, upper) => {
        const mixed = host
          .split('')
          .map((c, i) => (upper(i) ? c.toUpperCase() : c))
          .join('');
        expect(parseHostname(host.toUpperCase())).toEqual(parseHostname(host));
        expect(parseHostname(mixed)).toEqual(parseHostname(host));
      }),
    );
  });

  it('accepts any public suffix of the ICANN section under any labels, and nothing under a private name', () => {
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), tld, privateTld, (labels, pub, priv) => {
        expect(parseHostname([...labels, pub].join('.')).ok).toBe(true);
        expect(parseHostname([...labels, priv].join('.'))).toEqual({
          ok: false,
          error: `must end in a public suffix (ICANN section of the Public Suffix List); "${priv}" is not one`,
        });
      }),
    );
  });

  it('ignores one trailing dot', () => {
    fc.assert(
      fc.property(validHost, (host) => {
        expect(parseHostname(`${host}.`)).toEqual(parseHostname(host));
      }),
    );
  });
});

describe('parseHostname: rejected shapes', SLOW, () => {
  const rejects = (arb: fc.Arbitrary<string>) =>
    fc.assert(
      fc.property(arb, (raw) => {
        expect(parseHostname(raw).ok, raw).toBe(false);
      }),
      { numRuns: 300 },
    );

  it('rejects a scheme anywhere', () => rejects(withInserted(fc.constantFrom('://', 'https://', 'http://'))));
  it('rejects whitespace anywhere', () => rejects(withInserted(fc.constantFrom(...WHITESPACE))));
  it('rejects "/", "@", "*" and ":" anywhere', () =>
    rejects(withInserted(fc.constantFrom('/', '@', '*', ':'))));

  it('rejects an empty label (leading dot, two dots in a row, two trailing dots)', () => {
    const emptyLabel = fc.tuple(validHost, fc.nat()).chain(([host, n]) => {
      const dots = [...host.matchAll(/\./g)].map((m) => m.index);
      const doubled = dots.map((i) => `${host.slice(0, i)}.${host.slice(i)}`);
      return fc.constantFrom(`.${host}`, `${host}..`, doubled[n % doubled.length] ?? `.${host}`);
    });
    rejects(emptyLabel);
  });

  it('rejects a label longer than 63 characters', () => {
    const longLabel = fc.string({ unit: alnum, minLength: 64, maxLength: 120 });
    const host = fc
      .tuple(fc.array(label, { maxLength: 2 }), longLabel, tld)
      .map(([before, long, top]) => [...before, long, top].join('.'));
    rejects(host);
  });

  it('rejects a name longer than 253 characters, trailing dot or not', () => {
    const longLabel = fc.tuple(alnum, inner('max'), alnum).map(([a, b, c]) => a + b + c);
    const long = fc
      .array(fc.oneof(label, longLabel), { minLength: 4, maxLength: 12 })
      .map((labels) => labels.join('.'))
      .filter((h) => h.length > 249)
      .map((h) => `${h}.com`);
    rejects(long);
    rejects(long.map((h) => `${h}.`));
  });
});

describe('parseHostname: every accepted value', SLOW, () => {
  it('is lower-case ASCII, at least two labels, no hyphen at a label edge, at most 253 characters', () => {
    const check = (raw: string) => {
      const r = parseHostname(raw);
      if (!r.ok) return;
      expect(r.value).toMatch(/^[a-z0-9.-]+$/);
      expect(r.value.length).toBeLessThanOrEqual(253);
      const labels = r.value.split('.');
      expect(labels.length).toBeGreaterThanOrEqual(2);
      for (const l of labels) {
        expect(l.length).toBeGreaterThanOrEqual(1);
        expect(l.length).toBeLessThanOrEqual(63);
        expect(l.startsWith('-') || l.endsWith('-'), l).toBe(false);
      }
    };
    fc.assert(fc.property(fc.oneof(validHost, hostish, withInserted(hostish)), check), { numRuns: 2000 });
  });

  it('is a fixed point: parsing it again gives it back', () => {
    fc.assert(
      fc.property(fc.oneof(hostish, validHost), (raw) => {
        const r = parseHostname(raw);
        if (r.ok) expect(parseHostname(r.value)).toEqual(r);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseHostname: any string', SLOW, () => {
  it('never throws and explains a refusal in a sentence', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 80 }),
          fc.string({ unit: 'grapheme', maxLength: 40 }),
          anyUtf16,
          hostish,
        ),
        (raw) => {
          const r = parseHostname(raw);
          if (r.ok) return;
          expect(r.error).toMatch(/^[a-z][^\n]{9,199}$/);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Examples: one per rule of docs/api.md, with the message a user sees
// ---------------------------------------------------------------------------------------------------

const IP = 'must be a DNS name, not an IP address';
const EMPTY_LABEL = 'must not contain an empty label (two dots in a row, or a leading dot)';
const TWO_LABELS = 'must be a fully qualified name with at least two labels (e.g. api.example.com)';
const TOO_LONG = 'must be at most 253 characters';
/** Three 63-character labels, a 57-character label and ".com": exactly 253 characters. */
const HOST_253 = `${`${'a'.repeat(63)}.`.repeat(3)}${'b'.repeat(57)}.com`;
const internal = (suffix: string) =>
  `must be a public name: ".${suffix}" names are cluster-internal or reserved`;
const notPublic = (suffix: string) =>
  `must end in a public suffix (ICANN section of the Public Suffix List); "${suffix}" is not one`;

describe('parseHostname: examples', SLOW, () => {
  it.each([
    ['scheme', 'https://github.com', 'must be a bare host name without a scheme (remove "https://")'],
    [
      'scheme, other',
      'ftp://files.example.org',
      'must be a bare host name without a scheme (remove "https://")',
    ],
    ['port', 'github.com:443', 'must not contain a port (ports are listed separately)'],
    ['path', 'github.com/org/repo', 'must not contain a path'],
    ['user information', 'git@github.com', 'must not contain user information'],
    ['IPv4 literal', '10.0.0.1', IP],
    ['IPv4 literal, trailing dot', '192.168.1.1.', IP],
    ['IPv6 literal', '2001:db8::1', IP],
    ['IPv6 loopback', '::1', IP],
    ['IPv6 in brackets', '[2001:db8::1]', IP],
    ['IPv6 in brackets with port', '[::1]:443', IP],
    ['wildcard', '*.github.com', 'must not be a wildcard'],
    ['space', 'git hub.com', 'must not contain spaces'],
    ['tab at the end', 'github.com\t', 'must not contain spaces'],
    ['empty', '', 'must not be empty'],
    ['empty label', 'api..github.com', EMPTY_LABEL],
    ['leading dot', '.github.com', EMPTY_LABEL],
    [
      'label over 63 characters',
      `${'a'.repeat(64)}.com`,
      'must not contain a label longer than 63 characters',
    ],
    ['name over 253 characters', `${`${'a'.repeat(62)}.`.repeat(4)}com`, TOO_LONG],
    ['absurdly long input', 'a'.repeat(5000), TOO_LONG],
    ['leading hyphen', '-github.com', 'labels may contain only letters, digits and inner hyphens'],
    ['underscore', 'my_host.example.com', 'labels may contain only letters, digits and inner hyphens'],
    ['.local', 'printer.local', internal('local')],
    ['.cluster.local', 'api.payments.svc.cluster.local', internal('local')],
    ['.svc', 'api.payments.svc', internal('svc')],
    ['localhost', 'localhost', TWO_LABELS],
    ['.localhost', 'app.localhost', internal('localhost')],
    ['.internal', 'metadata.google.internal', internal('internal')],
    ['.internal, short', 'db.internal', internal('internal')],
    ['a Service by namespace', 'kubernetes.default', notPublic('default')],
    ['a Service in kube-system', 'kube-dns.kube-system', notPublic('kube-system')],
    ['a corporate zone', 'foo.corp', notPublic('corp')],
    ['a home network (.home.arpa, RFC 8375)', 'x.home.arpa', internal('arpa')],
    ['a reverse-DNS name', '1.0.0.10.in-addr.arpa', internal('arpa')],
    ['a Tor name (in the list, but special-use)', 'abc.onion', internal('onion')],
    ['the documentation TLD (RFC 2606)', 'api.example', notPublic('example')],
    ['the private section only (no ICANN suffix)', 'foo.blogspot', notPublic('blogspot')],
    ['an undelegated TLD', 'service.zz', notPublic('zz')],
    ['single label', 'github', TWO_LABELS],
    ['numeric TLD', 'example.123', 'must end in a top-level domain, not a number'],
    ['broken punycode', 'xn--zz.com', 'contains an invalid internationalised label "xn--zz"'],
    ['a zero-width space', 'git\u200bhub.com', 'must not contain invisible characters (U+200B)'],
    ['a zero-width joiner', 'git\u200dhub.com', 'must not contain invisible characters (U+200D)'],
    ['a soft hyphen', 'git\u00adhub.com', 'must not contain invisible characters (U+00AD)'],
    ['a byte order mark', '\ufeffgithub.com', 'must not contain invisible characters (U+FEFF)'],
    ['a right-to-left override', 'github.com\u202e', 'must not contain invisible characters (U+202E)'],
    ['a fullwidth slash (a path once mapped)', 'github.com／x', 'must not contain a path'],
    [
      'a fullwidth colon (a port once mapped)',
      'github.com：443',
      'must not contain a port (ports are listed separately)',
    ],
  ])('refuses %s: %j', (_rule, raw, error) => {
    expect(parseHostname(raw)).toEqual({ ok: false, error });
  });

  it.each([
    ['lower-cases', 'API.GitHub.COM', 'api.github.com'],
    ['drops one trailing dot', 'github.com.', 'github.com'],
    ['keeps digits and inner hyphens', '1password.my-company.io', '1password.my-company.io'],
    ['accepts a 63-character label', `${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
    ['accepts 253 characters', HOST_253, HOST_253],
    ['IDN to punycode', 'bücher.de', 'xn--bcher-kva.de'],
    ['an IDN public suffix', 'пример.рф', 'xn--e1afmkfd.xn--p1ai'],
    ['a two-label public suffix', 'www.example.co.uk', 'www.example.co.uk'],
    ['a name under a private-section suffix, by its ICANN suffix', 'org.github.io', 'org.github.io'],
    ['IDN upper case to lower-case punycode', 'MÜNCHEN.de', 'xn--mnchen-3ya.de'],
    ['ideographic full stop as a dot', 'github。com', 'github.com'],
    ['fullwidth full stop as a dot', 'github．com', 'github.com'],
    ['halfwidth ideographic full stop as a dot', 'github｡com', 'github.com'],
    ['punycode as given', 'xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['fullwidth letters to their ASCII form', 'ｇｉｔｈｕｂ．ｃｏｍ', 'github.com'],
    ['fullwidth upper case to lower case', 'ＧｉｔＨｕｂ.com', 'github.com'],
    ['composed and decomposed forms alike', 'bu\u0308cher.de', 'xn--bcher-kva.de'],
  ])('%s: %j', (_what, raw, expected) => {
    expect(parseHostname(raw)).toEqual({ ok: true, value: expected });
  });

  it('counts 253 characters without the trailing dot', () => {
    expect(HOST_253).toHaveLength(253);
    expect(parseHostname(`${HOST_253}.`)).toEqual({ ok: true, value: HOST_253 });
    expect(parseHostname(`${HOST_253}b`)).toEqual({ ok: false, error: TOO_LONG });
  });
});
