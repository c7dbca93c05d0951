/// <reference path="./ambient.d.ts" />
import { toASCII, toUnicode } from 'punycode/punycode.es6.js';
import { parse as parseDomain } from 'tldts';

export type HostnameResult = { ok: true; value: string } | { ok: false; error: string };

const MAX_RAW_LENGTH = 1024;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Suffixes that only mean something inside a cluster or a private network. A destination is a public
 * name, so these are refused (docs/api.md names .local, .cluster.local, .svc and localhost; the rest are
 * reserved special-use names, RFC 6761 / 6762 / 8375 / 9476). Most of them are refused by the Public
 * Suffix List rule below as well; they are named here for the clearer message. "arpa" and "onion" are
 * in the list's ICANN section (infrastructure and Tor names), so only this list keeps them out.
 */
export const INTERNAL_SUFFIXES = [
  'local',
  'localhost',
  'svc',
  'internal',
  'arpa',
  'invalid',
  'test',
  'onion',
  'alt',
] as const;

function fail(error: string): HostnameResult {
  return { ok: false, error };
}

/** Reasons a raw string cannot be a bare host name, checked in order before any normalisation. */
const SHAPE_RULES: readonly [(raw: string) => boolean, string][] = [
  [(r) => r.length === 0, 'must not be empty'],
  [(r) => r.length > MAX_RAW_LENGTH, 'must be at most 253 characters'],
  [(r) => r.includes('://'), 'must be a bare host name without a scheme (remove "https://")'],
  [(r) => /\s/u.test(r), 'must not contain spaces'],
  [(r) => r.includes('/'), 'must not contain a path'],
  [(r) => r.includes('@'), 'must not contain user information'],
  [(r) => r.startsWith('[') || (r.match(/:/g)?.length ?? 0) > 1, 'must be a DNS name, not an IP address'],
  [(r) => r.includes(':'), 'must not contain a port (ports are listed separately)'],
  [(r) => r.includes('*'), 'must not be a wildcard'],
];

/**
 * Characters that render as nothing (zero-width space and joiners, soft hyphen, word joiner, BOM,
 * variation selectors, bidi controls). UTS #46 would silently drop some of them, which makes
 * "git\u200bhub.com" look like github.com on a review screen while the stored name is either that or a
 * different punycode name depending on the mapper. A security tool refuses them and says so.
 */
const INVISIBLE_RANGES: readonly (readonly [number, number])[] = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
];

function invisibleProblem(raw: string): string | null {
  for (const char of raw) {
    const code = char.codePointAt(0) ?? 0;
    if (INVISIBLE_RANGES.some(([from, to]) => code >= from && code <= to)) {
      return `must not contain invisible characters (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
    }
  }
  return null;
}

function shapeProblem(raw: string): string | null {
  return SHAPE_RULES.find(([broken]) => broken(raw))?.[1] ?? null;
}

function toAscii(lower: string): string | null {
  try {
    return toASCII(lower);
  } catch {
    return null;
  }
}

function labelProblem(label: string): string | null {
  if (label.length === 0) return 'must not contain an empty label (two dots in a row, or a leading dot)';
  if (label.length > 63) return 'must not contain a label longer than 63 characters';
  if (!LABEL.test(label)) {
    return 'labels may contain only letters, digits and inner hyphens';
  }
  if (label.startsWith('xn--')) {
    try {
      toUnicode(label);
    } catch {
      return `contains an invalid internationalised label "${label}"`;
    }
  }
  return null;
}

function suffixProblem(labels: readonly string[]): string | null {
  const tld = labels[labels.length - 1] ?? '';
  if (labels.every((l) => /^[0-9]+$/.test(l))) return 'must be a DNS name, not an IP address';
  if (/^[0-9]+$/.test(tld)) return 'must end in a top-level domain, not a number';
  if ((INTERNAL_SUFFIXES as readonly string[]).includes(tld)) {
    return `must be a public name: ".${tld}" names are cluster-internal or reserved`;
  }
  return publicSuffixProblem(labels.join('.'), tld);
}

/**
 * An allow-list, not a deny-list: the name must end in a suffix of the ICANN section of the Public
 * Suffix List (tldts ships it; its private section, e.g. github.io, is not consulted). Anything else
 * (kubernetes.default, foo.corp, a search-domain short name) can only resolve inside some private
 * resolver, and the DNS snippet would rewrite it for the whole cluster.
 */
function publicSuffixProblem(ascii: string, tld: string): string | null {
  const parsed = parseDomain(ascii, {
    allowPrivateDomains: false,
    extractHostname: false,
    detectIp: false,
    validateHostname: false,
    mixedInputs: false,
  });
  if (parsed.isIcann === true) return null;
  return `must end in a public suffix (ICANN section of the Public Suffix List); "${parsed.publicSuffix ?? tld}" is not one`;
}

/**
 * Validates and normalises a destination host name: compatibility forms mapped (NFKC), lower case, one
 * trailing dot dropped, IDN labels converted to punycode; invisible characters refused. The result is a
 * public, fully qualified name of at least two labels that ends in a public suffix of the ICANN section
 * of the Public Suffix List.
 */
export function parseHostname(raw: string): HostnameResult {
  if (raw.length > MAX_RAW_LENGTH) return fail('must be at most 253 characters');
  const invisible = invisibleProblem(raw);
  if (invisible) return fail(invisible);
  // NFKC is the compatibility mapping of UTS #46: fullwidth "ｇｉｔｈｕｂ．ｃｏｍ" is the name clients
  // resolve as github.com, so it is stored as that. The shape rules run on the mapped text, so a
  // fullwidth "／" or "：" is refused like its ASCII form.
  const mapped = raw.normalize('NFKC');
  const shape = shapeProblem(mapped);
  if (shape) return fail(shape);
  const withoutDot = mapped.endsWith('.') ? mapped.slice(0, -1) : mapped;
  const ascii = toAscii(withoutDot.toLowerCase());
  if (ascii === null)
    return fail('contains characters that cannot be converted to an internationalised name');
  if (ascii.length > 253) return fail('must be at most 253 characters');
  const labels = ascii.split('.');
  for (const label of labels) {
    const problem = labelProblem(label);
    if (problem) return fail(problem);
  }
  if (labels.length < 2)
    return fail('must be a fully qualified name with at least two labels (e.g. api.example.com)');
  const suffix = suffixProblem(labels);
  if (suffix) return fail(suffix);
  return { ok: true, value: ascii };
}
