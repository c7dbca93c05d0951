import { parseCidr, type ParsedCidr, type Settings } from '@egress/shared';

import { shareCanonical } from './canonical.ts';

/**
 * Every range that is not "the public internet" (docs/design.md §6). The one list: each policy that allows
 * "public addresses" is `0.0.0.0/0` and `::/0` minus these, plus the cluster's own pod, service and
 * internal ranges from the settings (see `publicAddressBlocks`).
 *
 * IPv4: "this network", RFC 1918 private, shared CGNAT, loopback, link-local (cloud metadata at
 * 169.254.169.254 lives here), IETF protocol assignments, benchmarking, multicast, reserved/broadcast.
 * IPv6: loopback, unique local, link-local.
 */
export const PUBLIC_EXCEPT = {
  ipv4: [
    '0.0.0.0/8',
    '10.0.0.0/8',
    '100.64.0.0/10',
    '127.0.0.0/8',
    '169.254.0.0/16',
    '172.16.0.0/12',
    '192.0.0.0/24',
    '192.168.0.0/16',
    '198.18.0.0/15',
    '224.0.0.0/4',
    '240.0.0.0/4',
  ],
  ipv6: ['::1/128', 'fc00::/7', 'fe80::/10'],
} as const;

export interface IpBlockPeer {
  ipBlock: { cidr: string; except?: string[] };
}

function parsed(text: string): ParsedCidr {
  const result = parseCidr(text);
  // Settings are validated by CidrSchema; reaching this is a programming error, not bad input.
  if (!result.ok) throw new Error(`invalid CIDR "${text}": ${result.error}`);
  return result.value;
}

function compareCidrs(a: ParsedCidr, b: ParsedCidr): number {
  if (a.family !== b.family) return a.family - b.family;
  for (let i = 0; i < a.bytes.length; i++) {
    const d = (a.bytes[i] ?? 0) - (b.bytes[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.prefix - b.prefix;
}

/** Canonical, de-duplicated CIDRs in address order (IPv4 first). */
export function sortCidrs(cidrs: Iterable<string>): ParsedCidr[] {
  const byText = new Map<string, ParsedCidr>();
  for (const text of cidrs) {
    const cidr = parsed(text);
    byText.set(cidr.text, cidr);
  }
  return [...byText.values()].sort(compareCidrs);
}

/** The ranges settings add to the public-address exceptions: the cluster's pod, service and internal ranges. */
export function clusterRanges(settings: Settings): string[] {
  return [...settings.podCidrs, ...settings.serviceCidrs, ...settings.internalCidrs];
}

/**
 * "Public addresses" as NetworkPolicy peers: `0.0.0.0/0` except every IPv4 entry of `PUBLIC_EXCEPT`
 * and of the cluster ranges, and `::/0` likewise for IPv6.
 */
export function publicAddressBlocks(settings: Settings): IpBlockPeer[] {
  const except = sortCidrs([...PUBLIC_EXCEPT.ipv4, ...PUBLIC_EXCEPT.ipv6, ...clusterRanges(settings)]);
  // Shared by every egress policy of one compile: frozen, and its canonical JSON computed once.
  return shareCanonical([
    { ipBlock: { cidr: '0.0.0.0/0', except: except.filter((c) => c.family === 4).map((c) => c.text) } },
    { ipBlock: { cidr: '::/0', except: except.filter((c) => c.family === 6).map((c) => c.text) } },
  ]);
}

/** Plain ipBlock peers for a list of ranges (resolver, internal ranges), sorted and de-duplicated. */
export function ipBlocks(cidrs: Iterable<string>): IpBlockPeer[] {
  return sortCidrs(cidrs).map((c) => ({ ipBlock: { cidr: c.text } }));
}
