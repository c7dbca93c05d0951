import { parseCidr, type ParsedCidr, PUBLIC_EXCEPT, type Settings } from '@egress/shared';

import { shareCanonical } from './canonical.ts';

// The list itself is in @egress/shared: the webhook address guard of the API uses it too.
export { PUBLIC_EXCEPT };

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
