// The CoreDNS snippet: the DNS hijack that sends clients to their gateway. Two formats:
//
// - `hosts` (the kubernetes target, which reads each gateway Service's ClusterIPs from the cluster): one
//   `hosts` block, a name → address map. CoreDNS looks a query up in it once, whatever its size, so
//   cluster DNS costs the same with 3,000 destinations as with none (bench/dns).
// - `rewrite` (the directory target, which cannot know ClusterIPs): one rule per destination naming its
//   gateway Service. CoreDNS tries every rule in turn for every query (rewrite runs before every
//   answering plugin), so each query costs more with each destination: fine for tens, not thousands.
import type { Settings } from '@egress/shared';

import { compareKeys } from './canonical.ts';
import { baseLabels, objectMeta } from './meta.ts';
import { DNS_SNIPPET_KEY } from './names.ts';
import type { CompilerDestination, CompilerInput, GatewayAddresses, KubernetesObject } from './types.ts';

const HEADER =
  '# Managed by egress-control: DNS rewrites to egress gateways. Changes here are overwritten.\n';
const HOSTS_HEADER =
  '# Managed by egress-control: DNS answers for egress gateways (name -> gateway Service ClusterIPs). Changes here are overwritten.\n';

/**
 * TTL of the answers for steered names. Short, so a gateway Service recreated with a new ClusterIP, or a
 * destination removed, reaches clients soon after CoreDNS reloads the snippet; the kubernetes plugin's
 * own default (what the rewrite format's answers carried) is 5 s as well.
 */
export const STEERED_TTL_SECONDS = 5;

export function isReady(readiness: CompilerInput['readiness'], gatewayName: string): boolean {
  return readiness === 'all' || readiness[gatewayName] === true;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const GROUP = /^[0-9a-f]{1,4}$/;

function groups(part: string): number | null {
  if (part === '') return 0;
  const g = part.split(':');
  return g.every((x) => GROUP.test(x)) ? g.length : null;
}

/** IPv6 as hex groups with at most one `::` (no embedded IPv4: the API server never writes one). */
function isIpv6(address: string): boolean {
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const counts = halves.map(groups);
  if (counts.some((n) => n === null)) return false;
  const total = counts.reduce<number>((a, n) => a + (n ?? 0), 0);
  return halves.length === 1 ? total === 8 : total <= 7;
}

/**
 * An address fit for a hosts line: dotted IPv4 or IPv6 in the API server's canonical lower-case form.
 * The addresses come from the cluster; anything else (e.g. "None", or text that could break out of the
 * Corefile block) is dropped rather than written into the cluster's DNS configuration.
 */
export function isServiceAddress(address: string): boolean {
  return IPV4.test(address) || isIpv6(address);
}

/**
 * One rule per destination whose gateway is ready, sorted by host. `name exact` matches the query name
 * only (a subdomain is not rewritten); CoreDNS (1.8.4 or later) always maps the answer of an exact rule
 * back to the asked name, and `answer auto` states that explicitly. Names are written fully qualified.
 */
export function rewriteSnippet(
  destinations: readonly CompilerDestination[],
  settings: Settings,
  readiness: CompilerInput['readiness'],
): string {
  const rules = destinations
    .filter((d) => isReady(readiness, d.gatewayName))
    .map((d) => ({
      host: d.host,
      target: `${d.gatewayName}.${settings.gatewayNamespace}.svc.${settings.clusterDomain}.`,
    }))
    .sort((a, b) => compareKeys(a.host, b.host))
    .map((r) => `rewrite stop {\n  name exact ${r.host}. ${r.target}\n  answer auto\n}\n`);
  return HEADER + rules.join('');
}

/**
 * One `hosts` block: a line per address of each destination whose gateway is ready and whose Service has
 * a known ClusterIP (a gateway without one is not steered: the name resolves as it would without us, and
 * the enforced namespaces' default-deny policy still blocks direct egress). Sorted by host, then address.
 *
 * - `/dev/null` as the file: without a file argument the plugin serves the CoreDNS pod's /etc/hosts too
 *   (localhost, the pod's own name) to the whole cluster. `reload 0`: nothing to re-read.
 * - AAAA (and any other type) for a steered name is answered by this block, never passed on: a gateway
 *   with only an IPv4 ClusterIP gets an empty NOERROR answer for AAAA, so a client never receives the
 *   destination's real IPv6 address from upstream and bypasses its gateway. A dual-stack Service gets
 *   both families, the same answers the rewrite format gave through the kubernetes plugin.
 * - `no_reverse`: PTR queries for the ClusterIPs stay with the kubernetes plugin (the Service's name).
 * - `fallthrough`: every other name goes on to the rest of the server block unchanged.
 * - An exact map: a subdomain of a steered name is not steered.
 */
export function hostsSnippet(
  destinations: readonly CompilerDestination[],
  readiness: CompilerInput['readiness'],
  addresses: GatewayAddresses,
): string {
  const lines = destinations
    .filter((d) => isReady(readiness, d.gatewayName))
    .flatMap((d) =>
      (addresses[d.gatewayName] ?? []).filter(isServiceAddress).map((ip) => ({ host: d.host, ip })),
    )
    .sort((a, b) => compareKeys(a.host, b.host) || compareKeys(a.ip, b.ip))
    .map((l) => `  ${l.ip} ${l.host}\n`);
  return `${HOSTS_HEADER}hosts /dev/null {\n${lines.join('')}  ttl ${STEERED_TTL_SECONDS}\n  reload 0\n  no_reverse\n  fallthrough\n}\n`;
}

/** The snippet for the input: `hosts` where the gateways' addresses are known, else `rewrite` rules. */
export function dnsSnippet(
  destinations: readonly CompilerDestination[],
  settings: Settings,
  readiness: CompilerInput['readiness'],
  addresses: GatewayAddresses | undefined,
): string {
  return addresses === undefined
    ? rewriteSnippet(destinations, settings, readiness)
    : hostsSnippet(destinations, readiness, addresses);
}

/** The ConfigMap CoreDNS mounts; its Corefile imports the key inside the `.:53` server block. */
export function dnsConfigMap(
  destinations: readonly CompilerDestination[],
  settings: Settings,
  readiness: CompilerInput['readiness'],
  addresses?: GatewayAddresses,
): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(
      settings.dnsConfigMap.name,
      settings.dnsConfigMap.namespace,
      baseLabels('egress-control', 'dns-rewrite'),
    ),
    data: { [DNS_SNIPPET_KEY]: dnsSnippet(destinations, settings, readiness, addresses) },
  };
}
