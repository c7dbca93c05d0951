// The CoreDNS rewrite snippet: the DNS hijack that sends clients to their gateway.
import type { Settings } from '@egress/shared';

import { compareKeys } from './canonical.ts';
import { baseLabels, objectMeta } from './meta.ts';
import { DNS_SNIPPET_KEY } from './names.ts';
import type { CompilerDestination, CompilerInput, KubernetesObject } from './types.ts';

const HEADER =
  '# Managed by egress-control: DNS rewrites to egress gateways. Changes here are overwritten.\n';

export function isReady(readiness: CompilerInput['readiness'], gatewayName: string): boolean {
  return readiness === 'all' || readiness[gatewayName] === true;
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

/** The ConfigMap CoreDNS mounts; its Corefile imports the key inside the `.:53` server block. */
export function dnsConfigMap(
  destinations: readonly CompilerDestination[],
  settings: Settings,
  readiness: CompilerInput['readiness'],
): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: objectMeta(
      settings.dnsConfigMap.name,
      settings.dnsConfigMap.namespace,
      baseLabels('egress-control', 'dns-rewrite'),
    ),
    data: { [DNS_SNIPPET_KEY]: rewriteSnippet(destinations, settings, readiness) },
  };
}
