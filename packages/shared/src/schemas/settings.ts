// Cluster settings read by the desired-state compiler (packages/manifests) and edited by admins in the
// console. Every field has a default, so `SettingsSchema.parse({})` is a working configuration for a
// stock cluster (kubeadm/kind address ranges) except for `gatewayResolver`, which must name the resolver
// the gateway nodes use before gateways can resolve their destinations (see its description).
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

import { NamespaceSchema } from '../primitives.ts';

// ---------------------------------------------------------------------------------------------------
// CIDR parsing: ipaddr.js reads and prints the addresses (it has no Node built-ins, so this package stays
// isomorphic); this file decides which text forms a setting accepts and what the errors say.

export interface ParsedCidr {
  family: 4 | 6;
  /** Network address bytes: 4 for IPv4, 16 for IPv6. */
  bytes: number[];
  prefix: number;
  /** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run compressed). */
  text: string;
}

// ipaddr.js also reads forms no Kubernetes object or reader of a policy would: IPv4 as "10.1" or with
// octal and hex octets ("010.0.0.1", "0xa.0.0.1"), IPv6 with a zone index ("fe80::1%eth0"), groups of
// more than four digits, and such octets in an embedded IPv4 ("::ffff:010.0.0.1"). Those are refused
// here before it sees them: IPv4 only as four decimal octets without leading zeros (as before), IPv6
// only from hex digits, colons and an embedded dotted quad of the same form.
const IPV6_TEXT = /^[0-9a-fA-F:.]+$/;
const LONG_GROUP = /[0-9a-fA-F]{5}/;

function parseV4(text: string): ipaddr.IPv4 | null {
  return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : null;
}

/**
 * An embedded dotted quad is turned into two hex groups before ipaddr.js reads the text: it reads
 * "::a.b.c.d" (RFC 4291's deprecated IPv4-compatible form, ::0:a.b.c.d) as IPv4-mapped
 * (::ffff:a.b.c.d), which is a different address.
 */
function parseV6(text: string): ipaddr.IPv6 | null {
  if (!IPV6_TEXT.test(text) || LONG_GROUP.test(text)) return null;
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  let hex = text;
  if (last.includes('.')) {
    const octets = parseV4(last)?.octets;
    if (!octets) return null;
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    hex = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  return ipaddr.IPv6.isValid(hex) ? ipaddr.IPv6.parse(hex) : null;
}

/** The address with every bit after the first `prefix` cleared. */
function networkBytes(bytes: readonly number[], prefix: number): number[] {
  return bytes.map((b, i) => b & (0xff << (8 - Math.max(0, Math.min(8, prefix - i * 8)))) & 0xff);
}

/** Dotted quad for IPv4, RFC 5952 for IPv6 (an embedded IPv4 printed as two hex groups). */
function addressText(bytes: readonly number[]): string {
  const address = ipaddr.fromByteArray([...bytes]);
  return address.kind() === 'ipv6' ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
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
  const bytes = (family === 4 ? parseV4(address) : parseV6(address))?.toByteArray();
  const prefix = Number(prefixText);
  if (!bytes) return { ok: false, error: `"${address}" is not an IPv${family} address` };
  if (prefix > bytes.length * 8)
    return { ok: false, error: `an IPv${family} prefix length must be at most ${bytes.length * 8}` };
  const network = networkBytes(bytes, prefix);
  if (network.some((b, i) => b !== bytes[i])) {
    return {
      ok: false,
      error: `must be the network address of the range: ${addressText(network)}/${prefix}`,
    };
  }
  return { ok: true, value: { family, bytes, prefix, text: `${addressText(bytes)}/${prefix}` } };
}

/** True when `outer` contains every address of `inner` (same family, shorter or equal prefix). */
export function cidrContains(outer: ParsedCidr, inner: ParsedCidr): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  return ipaddr.fromByteArray(inner.bytes).match(ipaddr.fromByteArray(outer.bytes), outer.prefix);
}

/** An IPv4 or IPv6 CIDR, returned in canonical text; the address must be the network address. */
export const CidrSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .max(64, { error: 'must be at most 64 characters' })
  .superRefine((value, ctx) => {
    const result = parseCidr(value);
    if (!result.ok) ctx.addIssue({ code: 'custom', message: result.error, input: value });
  })
  // overwrite (not transform): the schema also serialises responses, and a transform cannot encode.
  .overwrite((value) => {
    const result = parseCidr(value);
    return result.ok ? result.value.text : value;
  })
  .meta({
    description: 'An IPv4 or IPv6 CIDR (network address), e.g. 10.0.0.0/8 or fd00::/8.',
    example: '10.244.0.0/16',
  });

// A /0 would make an `except` list invalid and a default-deny policy allow everything.
const RangeSchema = CidrSchema.refine((cidr) => !cidr.endsWith('/0'), {
  error: 'must not be a /0 (the whole address space)',
});
const RangeListSchema = z.array(RangeSchema).max(64, { error: 'must list at most 64 ranges' });

/** Cloud instance metadata endpoints (AWS, GCP, Azure, ...; AWS's IPv6 one): never reachable from workloads. */
export const METADATA_ADDRESSES = ['169.254.169.254/32', 'fd00:ec2::254/128'] as const;

function coversMetadata(cidr: string): boolean {
  const range = parseCidr(cidr);
  return (
    range.ok &&
    METADATA_ADDRESSES.some((address) => {
      const metadata = parseCidr(address);
      return metadata.ok && cidrContains(range.value, metadata.value);
    })
  );
}

// Ranges that workloads in enforced namespaces may reach on every port: the metadata endpoint is refused.
const ReachableRangeListSchema = z
  .array(
    RangeSchema.refine((cidr) => !coversMetadata(cidr), {
      error: 'must not contain the cloud metadata address (169.254.169.254 or fd00:ec2::254)',
    }),
  )
  .max(64, { error: 'must list at most 64 ranges' });

// ---------------------------------------------------------------------------------------------------
// Other field types.

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const DnsSubdomainSchema = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(253, { error: 'must be at most 253 characters' })
  .regex(DNS_SUBDOMAIN, {
    error: 'must be a DNS subdomain: lower-case letters, digits, inner hyphens and dots',
  });

// Docker reference: [registry[:port]/]path[:tag][@sha256:digest], lower-case path.
const IMAGE =
  /^([a-z0-9.-]+(:[0-9]+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[0-9a-f]{64})?$/;

const ImageSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .max(512)
  .regex(IMAGE, {
    error: 'must be an image reference such as docker.io/envoyproxy/envoy:v1.36.13[@sha256:...]',
  })
  .refine((image) => /:[^/]+$/.test(image.split('@')[0] ?? '') || image.includes('@sha256:'), {
    error: 'must pin a tag or a digest (":latest" by omission is refused)',
  });

const QUANTITY = /^([0-9]+(\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const QUANTITY_FACTOR: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The numeric value of a Kubernetes quantity ("100m" → 0.1, "64Mi" → 67108864), or NaN. */
export function quantityValue(quantity: string): number {
  const m = QUANTITY.exec(quantity);
  return m ? Number(m[1]) * (QUANTITY_FACTOR[m[3] ?? ''] ?? NaN) : NaN;
}

const QuantitySchema = z
  .string({ error: 'must be a string' })
  .trim()
  .max(32)
  .regex(QUANTITY, { error: 'must be a Kubernetes quantity such as 100m, 1, 64Mi or 1Gi' })
  .refine((q) => quantityValue(q) > 0, { error: 'must be greater than zero' });

const ReplicasSchema = z
  .int({ error: 'must be an integer' })
  .min(1, { error: 'must be at least 1' })
  .max(100, { error: 'must be at most 100' });

const ResourceListSchema = z.strictObject({ cpu: QuantitySchema, memory: QuantitySchema });

export const ENFORCEMENT_MODES = ['listed', 'all'] as const;
export const EnforcementModeSchema = z.enum(ENFORCEMENT_MODES, { error: 'must be "listed" or "all"' });
export type EnforcementMode = z.infer<typeof EnforcementModeSchema>;

/** Kubernetes' own namespaces: left open in mode "all" unless an admin removes them from the list. */
export const DEFAULT_EXCLUDED_NAMESPACES = ['kube-node-lease', 'kube-public', 'kube-system'] as const;

// ---------------------------------------------------------------------------------------------------
// The fields; SettingsSchema adds the defaults (settings-patch.ts derives the PATCH body from it).

const fields = {
  gatewayNamespace: NamespaceSchema.meta({
    description: 'Namespace holding every gateway (Deployment, Service, ConfigMap, HPA, PDB, NetworkPolicy).',
  }),
  envoyImage: ImageSchema.meta({
    description:
      'Envoy image of the gateways; pin a tag and, ideally, its digest (repo:tag@sha256:...). Changing it rolls every gateway.',
  }),
  labelDomain: DnsSubdomainSchema.refine((d) => !/(^|\.)(kubernetes\.io|k8s\.io)$/.test(d), {
    error: 'must not be under kubernetes.io or k8s.io (reserved for Kubernetes)',
  }).meta({
    description:
      'Prefix of the label and annotation keys the compiler writes, e.g. <labelDomain>/gateway and <labelDomain>/content-hash.',
  }),
  enforcementMode: EnforcementModeSchema.meta({
    description:
      'Which namespaces get the default-deny-internet egress policy. "listed": exactly enforcedNamespaces. "all": every namespace of the cluster, including ones created later, except excludedNamespaces, the gateway namespace and the namespace egress control runs in.',
  }),
  newDestinationMode: z.enum(['observe', 'enforce'], { error: 'must be "observe" or "enforce"' }).meta({
    description:
      'The mode a destination registered without one starts in: "enforce" (only granted services reach it) or "observe" (every pod of the cluster reaches it, and use without a grant is recorded). Changing it changes no existing destination.',
  }),
  enforcedNamespaces: z.array(NamespaceSchema).max(1000).meta({
    description:
      'With enforcementMode "listed": the workload namespaces that get the default-deny-internet egress policy. Explicit on purpose: namespaces of services with grants are not enforced automatically. Ignored in mode "all".',
  }),
  excludedNamespaces: z.array(NamespaceSchema).max(1000).meta({
    description:
      'With enforcementMode "all": namespaces left open (system namespaces whose pods need the internet, such as CoreDNS forwarding to public resolvers). The gateway namespace and the namespace egress control runs in are always left open. Ignored in mode "listed".',
  }),
  podCidrs: ReachableRangeListSchema.meta({
    description: 'Pod address ranges of the cluster: never "public", and reachable from enforced namespaces.',
  }),
  serviceCidrs: ReachableRangeListSchema.meta({
    description:
      'Service (ClusterIP) ranges of the cluster: never "public", and reachable from enforced namespaces.',
  }),
  internalCidrs: ReachableRangeListSchema.meta({
    description:
      'Node, control-plane and other in-house ranges (API server endpoint, node-local DNS cache) that enforced namespaces may reach; also excluded from "public".',
  }),
  clusterDomain: DnsSubdomainSchema.meta({
    description: 'The cluster DNS domain, as in <service>.<namespace>.svc.<clusterDomain>.',
  }),
  dnsConfigMap: z
    .strictObject({
      namespace: NamespaceSchema.meta({ description: 'Namespace of the CoreDNS deployment.' }),
      name: DnsSubdomainSchema.meta({ description: 'Name of the ConfigMap holding the rewrite snippet.' }),
    })
    .meta({
      description:
        'The ConfigMap with the CoreDNS rewrite snippet (key egress-control.override), mounted into CoreDNS and imported by its Corefile.',
    }),
  gatewayResolver: z
    .strictObject({
      cidrs: RangeListSchema.meta({
        description: "Addresses of the resolver(s) in the gateway nodes' /etc/resolv.conf.",
      }),
    })
    .meta({
      description:
        "The DNS resolver the gateways use (dnsPolicy Default: the node's resolver, often a private or link-local address such as a cloud VPC resolver, or 169.254.169.254 on GCE). Allowed to the gateways on port 53 UDP/TCP only. Empty by default: until it is set, gateways cannot resolve their destinations unless the resolver happens to be public.",
    }),
  defaultGateway: z
    .strictObject({
      minReplicas: ReplicasSchema.meta({ description: 'Minimum gateway pods of a new destination.' }),
      maxReplicas: ReplicasSchema.meta({ description: 'Maximum gateway pods of a new destination.' }),
      targetCPUUtilizationPercentage: z
        .int()
        .min(10)
        .max(95)
        .meta({ description: 'HPA CPU target of a new destination, in percent of the request.' }),
    })
    .refine((g) => g.maxReplicas >= g.minReplicas, {
      error: 'maxReplicas must be at least minReplicas',
      path: ['maxReplicas'],
    })
    .meta({ description: 'Scaling given to a destination created without its own gateway settings.' }),
  gatewayResources: z
    .strictObject({
      requests: ResourceListSchema.meta({
        description:
          'Requested CPU and memory per gateway pod (the HPA target is a share of the CPU request).',
      }),
      limits: ResourceListSchema.meta({ description: 'CPU and memory limits per gateway pod.' }),
    })
    .refine((r) => quantityValue(r.limits.cpu) >= quantityValue(r.requests.cpu), {
      error: 'the CPU limit must be at least the request',
      path: ['limits', 'cpu'],
    })
    .refine((r) => quantityValue(r.limits.memory) >= quantityValue(r.requests.memory), {
      error: 'the memory limit must be at least the request',
      path: ['limits', 'memory'],
    })
    .meta({ description: 'Resources of every gateway pod.' }),
  // Denied-flow visibility (POST /api/v1/flows); not read by the compiler.
  flowDedupWindowSeconds: z
    .int({ error: 'must be an integer' })
    .min(10, { error: 'must be between 10 and 86400' })
    .max(86_400, { error: 'must be between 10 and 86400' })
    .meta({
      description:
        'Denied flows of one source (service, or namespace when no service matched) to one destination, port and protocol within one window of this many seconds are stored once, with a count. Smaller windows show timing more precisely and store more rows.',
    }),
  flowRetentionDays: z
    .int({ error: 'must be an integer' })
    .min(1, { error: 'must be between 1 and 365' })
    .max(365, { error: 'must be between 1 and 365' })
    .meta({
      description:
        'Denied-flow rows last seen longer ago than this many days are deleted, and records older than that are refused at ingest.',
    }),
  // Gateway usage (POST /api/v1/gateway-connections); not read by the compiler.
  usageRetentionDays: z
    .int({ error: 'must be an integer' })
    .min(1, { error: 'must be between 1 and 730' })
    .max(730, { error: 'must be between 1 and 730' })
    .meta({
      description:
        'Hourly gateway usage rows older than this many days are deleted. Bounds "last used" and the unused-grant policy: a grant is only known unused for as long as usage is kept.',
    }),
  unusedGrantPolicy: z
    .strictObject({
      action: z
        .enum(['off', 'reapprove', 'expire'], { error: 'must be "off", "reapprove" or "expire"' })
        .meta({
          description:
            '"off": nothing happens. "expire": an active grant no connection used for `days` days (counted from activation when never used) is expired. "reapprove": it is expired and the same access is requested again in its requester\'s name, to be approved as usual.',
        }),
      days: z
        .int({ error: 'must be an integer' })
        .min(1, { error: 'must be between 1 and 730' })
        .max(730, { error: 'must be between 1 and 730' }),
    })
    .meta({
      description:
        'What happens to grants to a destination that go unused (port-wide grants use no gateway and are never judged). Audited as the system, announced through the webhooks (grant.expired, grant.requested).',
    }),
};

/**
 * Pinned to the newest 1.36 patch published when this was written (1.36.13, 12 October 2026, per the
 * Envoy version history). No digest: it could not be read from the registry here; admins should pin one.
 */
export const DEFAULT_ENVOY_IMAGE = 'docker.io/envoyproxy/envoy:v1.36.13';

/**
 * Cluster settings. Unknown keys are dropped (not refused) so a stored value from an older version still
 * parses; input is validated by `SettingsPatchSchema`, which refuses unknown keys.
 */
export const SettingsSchema = z
  .object({
    gatewayNamespace: fields.gatewayNamespace.default('egress-gateways'),
    envoyImage: fields.envoyImage.default(DEFAULT_ENVOY_IMAGE),
    labelDomain: fields.labelDomain.default('egress.example.com'),
    // "listed" keeps an upgraded installation exactly as it was (docs/decisions.md).
    enforcementMode: fields.enforcementMode.default('listed'),
    enforcedNamespaces: fields.enforcedNamespaces.default(() => []),
    excludedNamespaces: fields.excludedNamespaces.default(() => [...DEFAULT_EXCLUDED_NAMESPACES]),
    podCidrs: fields.podCidrs.default(() => ['10.244.0.0/16']),
    serviceCidrs: fields.serviceCidrs.default(() => ['10.96.0.0/12']),
    internalCidrs: fields.internalCidrs.default(() => []),
    clusterDomain: fields.clusterDomain.default('cluster.local'),
    dnsConfigMap: fields.dnsConfigMap.default(() => ({
      namespace: 'kube-system',
      name: 'egress-control-dns',
    })),
    gatewayResolver: fields.gatewayResolver.default(() => ({ cidrs: [] })),
    defaultGateway: fields.defaultGateway.default(() => ({
      minReplicas: 2,
      maxReplicas: 5,
      targetCPUUtilizationPercentage: 70,
    })),
    gatewayResources: fields.gatewayResources.default(() => ({
      requests: { cpu: '100m', memory: '64Mi' },
      limits: { cpu: '1', memory: '256Mi' },
    })),
    flowDedupWindowSeconds: fields.flowDedupWindowSeconds.default(300),
    flowRetentionDays: fields.flowRetentionDays.default(30),
    // "enforce": a new destination refuses ungranted pods, as before issue 15 (docs/decisions.md).
    newDestinationMode: fields.newDestinationMode.default('enforce'),
    usageRetentionDays: fields.usageRetentionDays.default(90),
    unusedGrantPolicy: fields.unusedGrantPolicy.default(() => ({ action: 'off' as const, days: 90 })),
  })
  // Usage older than the retention is gone: a longer policy would call a grant used in between unused.
  .refine((s) => s.unusedGrantPolicy.days <= s.usageRetentionDays, {
    error: 'must be at most usageRetentionDays (usage older than that is not kept)',
    path: ['unusedGrantPolicy', 'days'],
  })
  .meta({ id: 'Settings' });
export type Settings = z.infer<typeof SettingsSchema>;
