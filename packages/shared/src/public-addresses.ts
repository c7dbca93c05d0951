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
