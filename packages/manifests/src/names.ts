import { sha256Hex } from '@egress/shared';

const MAX = 63;
const SUFFIX_HEX = 10;

/**
 * The name of the port-wide egress policy of a service (DNS-1123 label, at most 63 characters):
 * `egress-port-<port>-<service>`, the service name encoded as gateway names are ("-" → "--",
 * "." → "-"), so the mapping is injective. A name that would be longer is cut and given "---" and ten
 * hex digits of SHA-256 over "<service>:<port>". In a plain name every run of hyphens is one long (a
 * dot) or even (hyphens; a dot is never next to a hyphen in a service name), while a cut name has a run
 * of exactly three before its suffix: a cut name never equals an uncut one.
 */
export function portPolicyName(serviceName: string, port: number): string {
  const name = `egress-port-${port}-${serviceName.replaceAll('-', '--').replaceAll('.', '-')}`;
  if (name.length <= MAX) return name;
  const head = name.slice(0, MAX - SUFFIX_HEX - 3).replace(/-+$/, '');
  return `${head}---${sha256Hex(`${serviceName}:${port}`).slice(0, SUFFIX_HEX)}`;
}

/** Name of the default-deny-internet policy written into each enforced namespace. */
export const DEFAULT_DENY_NAME = 'egress-control-default-deny-internet';

/**
 * Name of the ValidatingAdmissionPolicy (and of its binding) guarding pod identity in one namespace.
 * Cluster-scoped, so a DNS-1123 subdomain of up to 253 characters: the namespace (at most 63) fits whole.
 */
export function podIdentityPolicyName(namespace: string): string {
  return `egress-control-pod-identity-${namespace}`;
}

/** Data key of the CoreDNS snippet inside the DNS ConfigMap. */
export const DNS_SNIPPET_KEY = 'egress-control.override';
