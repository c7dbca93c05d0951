// The hand-written CIDR parser of packages/shared/src/schemas/settings.ts as it stood before ipaddr.js
// replaced its address parsing (commit 77afd2a), kept here only so bench/libs/run.ts can measure the two
// side by side. Not imported by any package.

export interface ParsedCidr {
  family: 4 | 6;
  /** Network address bytes: 4 for IPv4, 16 for IPv6. */
  bytes: number[];
  prefix: number;
  /** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run compressed). */
  text: string;
}

const V4_OCTET = /^(0|[1-9][0-9]{0,2})$/;

function parseV4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((p) => (V4_OCTET.test(p) ? Number(p) : 256));
  return bytes.every((b) => b <= 255) ? bytes : null;
}

function parseHexGroups(text: string): number[] | null {
  if (text === '') return [];
  const groups = text.split(':');
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16));
}

/** Replaces a trailing dotted quad by two hex groups ("::ffff:192.0.2.1" → "::ffff:c000:201"). */
function withoutDottedQuad(text: string): string | null {
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (!last.includes('.')) return text;
  const v4 = parseV4(last);
  if (!v4) return null;
  const [a = 0, b = 0, c = 0, d = 0] = v4;
  return `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

/** Eight 16-bit groups from IPv6 text, with "::" and a trailing dotted quad allowed. */
function parseV6Groups(raw: string): number[] | null {
  // A malformed dotted quad becomes ":::", which never parses.
  const halves = (withoutDottedQuad(raw) ?? ':::').split('::');
  if (halves.length > 2) return null;
  const [head, tail] = halves.map(parseHexGroups);
  if (!head || tail === null) return null;
  if (tail === undefined) return head.length === 8 ? head : null;
  const explicit = head.length + tail.length;
  return explicit > 7 ? null : [...head, ...new Array<number>(8 - explicit).fill(0), ...tail];
}

function v6Text(bytes: readonly number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // RFC 5952: compress the longest run of two or more zero groups (the first one on a tie).
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function hostBitsSet(bytes: readonly number[], prefix: number): boolean {
  return bytes.some((b, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return (b & (0xff >> keep)) !== 0;
  });
}

export type CidrResult = { ok: true; value: ParsedCidr } | { ok: false; error: string };

/**
 * Parses "address/prefix" (IPv4 or IPv6). Refuses an address with host bits set, because Kubernetes
 * and every reader of a policy take a CIDR to mean its network: `10.244.0.1/16` is an error that names
 * `10.244.0.0/16`.
 */
export function parseCidr(raw: string): CidrResult {
  const slash = raw.indexOf('/');
  const prefixText = raw.slice(slash + 1);
  if (slash < 0 || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) {
    return { ok: false, error: 'must be a CIDR such as 10.0.0.0/8 or fd00::/8' };
  }
  const address = raw.slice(0, slash);
  const family = address.includes(':') ? 6 : 4;
  const bytes = family === 4 ? parseV4(address) : groupsToBytes(parseV6Groups(address));
  const prefix = Number(prefixText);
  if (!bytes) return { ok: false, error: `"${address}" is not an IPv${family} address` };
  if (prefix > bytes.length * 8)
    return { ok: false, error: `an IPv${family} prefix length must be at most ${bytes.length * 8}` };
  const text = family === 4 ? bytes.join('.') : v6Text(bytes);
  if (hostBitsSet(bytes, prefix)) {
    const network = bytes.map((b, i) => b & (0xff << (8 - Math.max(0, Math.min(8, prefix - i * 8)))) & 0xff);
    const networkText = family === 4 ? network.join('.') : v6Text(network);
    return { ok: false, error: `must be the network address of the range: ${networkText}/${prefix}` };
  }
  return { ok: true, value: { family, bytes, prefix, text: `${text}/${prefix}` } };
}

function groupsToBytes(groups: number[] | null): number[] | null {
  return groups ? groups.flatMap((g) => [g >> 8, g & 0xff]) : null;
}

/** True when `outer` contains every address of `inner` (same family, shorter or equal prefix). */
export function cidrContains(outer: ParsedCidr, inner: ParsedCidr): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  return !outer.bytes.some((b, i) => {
    const keep = Math.max(0, Math.min(8, outer.prefix - i * 8));
    const mask = (0xff << (8 - keep)) & 0xff;
    return (b & mask) !== ((inner.bytes[i] ?? 0) & mask);
  });
}
