// The SSRF guard: unless EGRESS_WEBHOOK_ALLOW_PRIVATE is on, a webhook may only reach public addresses,
// with "public" meaning what it means for gateways (docs/design.md §6, PUBLIC_EXCEPT): no loopback, private,
// CGNAT, link-local (cloud metadata) or reserved ranges. Checked on the address actually connected to.
import { isIP } from 'node:net';

import { cidrContains, parseCidr, type ParsedCidr, PUBLIC_EXCEPT } from '@egress/shared';

// Beyond PUBLIC_EXCEPT, which lists what a NetworkPolicy needs: "::" and IPv4-compatible addresses
// (::/96) and multicast can never be a webhook receiver either.
const EXTRA_V6 = ['::/96', 'ff00::/8'];

function cidr(text: string): ParsedCidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(`invalid CIDR "${text}": ${parsed.error}`);
  return parsed.value;
}

const NOT_PUBLIC: ParsedCidr[] = [...PUBLIC_EXCEPT.ipv4, ...PUBLIC_EXCEPT.ipv6, ...EXTRA_V6].map(cidr);

function hostCidr(ip: string): ParsedCidr | null {
  const family = isIP(ip);
  if (family === 0) return null;
  const parsed = parseCidr(`${ip}/${family === 4 ? 32 : 128}`);
  if (!parsed.ok) return null;
  const b = parsed.value.bytes;
  // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) reaches the IPv4 address: judge that one.
  const mapped = b.length === 16 && b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  return mapped ? { family: 4, bytes: b.slice(12), prefix: 32, text: b.slice(12).join('.') } : parsed.value;
}

/** Whether `ip` is a public unicast address; anything unparseable counts as not public. */
export function isPublicAddress(ip: string): boolean {
  const host = hostCidr(ip);
  return host !== null && !NOT_PUBLIC.some((range) => cidrContains(range, host));
}

/** A URL's host without IPv6 brackets. */
export function urlHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * What can be judged from the URL alone, at create/update time: a literal non-public IP or a
 * localhost name. Names are judged again on every delivery, on the addresses they resolve to.
 */
export function urlAddressProblem(rawUrl: string): string | null {
  const host = urlHost(new URL(rawUrl)).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point at localhost';
  if (isIP(host) !== 0 && !isPublicAddress(host))
    return `must not point at a private, loopback or link-local address (${host})`;
  return null;
}
