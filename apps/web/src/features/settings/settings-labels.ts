// What the console calls each setting, in one place: the settings form reads it, and any page that
// names a setting (coverage, reconcile, audit) can too. Keys are the form's leaf paths: the setting's key,
// or "key/child" for a setting with parts. The schema's keys stay the API's business.
import type { Settings } from '@egress/shared';

export interface SettingText {
  /** The field's name, as a person would say it. */
  label: string;
  /** One line: what changing it does, and the format it takes. */
  help: string;
}

export const SETTING_TEXT: Record<string, SettingText> = {
  gatewayNamespace: {
    label: 'Gateway namespace',
    help: 'Namespace where every egress gateway runs, e.g. egress-gateways. Changing it moves all gateways.',
  },
  envoyImage: {
    label: 'Envoy image',
    help: 'Image the gateways run, with a tag and ideally a digest (repo:tag@sha256:…). Changing it restarts every gateway.',
  },
  labelDomain: {
    label: 'Label prefix',
    help: 'Domain in front of the labels and annotations written to the cluster, e.g. egress.example.com.',
  },
  enforcementMode: {
    label: 'Enforced namespaces',
    help: 'Which namespaces lose direct internet access: only those listed, or all except those left open.',
  },
  enforcedNamespaces: {
    label: 'Namespaces to enforce',
    help: 'One namespace per line. Used when only the listed namespaces are enforced.',
  },
  excludedNamespaces: {
    label: 'Namespaces left open',
    help: 'One namespace per line. Used when every namespace is enforced; the gateway namespace is always open.',
  },
  podCidrs: {
    label: 'Pod address ranges',
    help: 'One CIDR per line, e.g. 10.244.0.0/16. Enforced namespaces may always reach these.',
  },
  serviceCidrs: {
    label: 'Service address ranges',
    help: 'One CIDR per line (the ClusterIP range), e.g. 10.96.0.0/12. Always reachable from inside.',
  },
  internalCidrs: {
    label: 'Other internal ranges',
    help: 'One CIDR per line: nodes, control plane, node-local DNS. Always reachable, never treated as internet.',
  },
  clusterDomain: {
    label: 'Cluster DNS domain',
    help: 'The domain of in-cluster names, usually cluster.local.',
  },
  'dnsConfigMap/namespace': {
    label: 'CoreDNS namespace',
    help: 'Namespace of the CoreDNS deployment, usually kube-system.',
  },
  'dnsConfigMap/name': {
    label: 'DNS rewrite ConfigMap',
    help: 'Name of the ConfigMap CoreDNS imports the rewrite rules from.',
  },
  'gatewayResolver/cidrs': {
    label: 'Gateway DNS resolvers',
    help: "One address range per line: the resolvers in the gateway nodes' /etc/resolv.conf, e.g. 169.254.169.254/32.",
  },
  'defaultGateway/minReplicas': {
    label: 'Minimum gateway pods',
    help: 'Whole number, 1 to 100: the fewest pods a new destination’s gateway runs.',
  },
  'defaultGateway/maxReplicas': {
    label: 'Maximum gateway pods',
    help: 'Whole number, 1 to 100, at least the minimum: the most pods autoscaling may add.',
  },
  'defaultGateway/targetCPUUtilizationPercentage': {
    label: 'Scale-up CPU target (%)',
    help: 'Percent of the CPU request, 10 to 95: above it the gateway gets more pods.',
  },
  'gatewayResources/requests/cpu': {
    label: 'CPU request per gateway pod',
    help: 'Kubernetes quantity, e.g. 100m (a tenth of a core) or 1.',
  },
  'gatewayResources/requests/memory': {
    label: 'Memory request per gateway pod',
    help: 'Kubernetes quantity, e.g. 64Mi or 1Gi.',
  },
  'gatewayResources/limits/cpu': {
    label: 'CPU limit per gateway pod',
    help: 'Kubernetes quantity, at least the CPU request, e.g. 1.',
  },
  'gatewayResources/limits/memory': {
    label: 'Memory limit per gateway pod',
    help: 'Kubernetes quantity, at least the memory request, e.g. 256Mi.',
  },
  flowDedupWindowSeconds: {
    label: 'Blocked-traffic grouping window (seconds)',
    help: 'Repeats of the same blocked connection within this many seconds are stored once, 10 to 86400.',
  },
  flowRetentionDays: {
    label: 'Keep blocked traffic for (days)',
    help: 'Blocked-traffic records older than this many days are deleted, 1 to 365.',
  },
  newDestinationMode: {
    label: 'Mode of new destinations',
    help: 'Enforce: only granted services reach a new destination. Observe: every pod does, and use without a grant is listed so requests can be filed before enforcing. Sensitive destinations always start enforced.',
  },
  usageRetentionDays: {
    label: 'Keep gateway usage for (days)',
    help: 'Hourly usage older than this many days is deleted, 1 to 730. Also how far back "last used" can see.',
  },
  'unusedGrantPolicy/action': {
    label: 'Unused grants',
    help: 'off, expire (the grant ends) or reapprove (it ends and the same access is requested again for approval).',
  },
  'unusedGrantPolicy/days': {
    label: 'Unused for (days)',
    help: 'Days without a connection, counted from activation for a grant never used; at most the usage retention.',
  },
};

/** Names of the settings made of several fields (each field has its own entry above). */
export const SETTING_GROUP_TEXT: Partial<Record<keyof Settings, SettingText>> = {
  unusedGrantPolicy: {
    label: 'Unused-grant policy',
    help: 'What happens to grants to a destination that no connection used for a while (port-wide grants are never judged).',
  },
  dnsConfigMap: {
    label: 'CoreDNS rewrite',
    help: 'Where the DNS rewrite rules live that steer each destination to its gateway.',
  },
  gatewayResolver: {
    label: 'Gateway DNS',
    help: 'Until this is set, gateways cannot look up their destinations unless the resolver is public.',
  },
  defaultGateway: {
    label: 'Scaling of new gateways',
    help: 'Used for a destination created without its own gateway settings.',
  },
  gatewayResources: {
    label: 'Gateway pod resources',
    help: 'CPU and memory of every gateway pod; the scale-up target is a share of the CPU request.',
  },
};

/** The fields and raw keys a message may name, as the form names them ("maxReplicas" → "Maximum gateway pods"). */
function rawNames(): [RegExp, string][] {
  // Only camelCase keys: plain words such as "name" or "memory" also occur in the messages' prose.
  return Object.entries(SETTING_TEXT)
    .map(([path, { label }]) => [path.split('/').pop() ?? path, label] as const)
    .filter(([key]) => /[A-Z]/.test(key))
    .map(([key, label]) => [new RegExp(`\\b${key}\\b`, 'g'), label.toLowerCase()]);
}

/** Zod's own wording for the checks a schema left without a message, in plain words. */
function plainDefault(message: string): string {
  const small = /^Too small: expected (\w+) to (?:have |be )?>=?(\d+)/.exec(message);
  if (small) return small[1] === 'array' ? `must list at least ${small[2]}` : `must be at least ${small[2]}`;
  const big = /^Too big: expected (\w+) to (?:have |be )?<=?(\d+)/.exec(message);
  if (big) return big[1] === 'array' ? `must list at most ${big[2]}` : `must be at most ${big[2]}`;
  if (/expected (number|int)/i.test(message)) return 'must be a whole number';
  if (/^Invalid/.test(message)) return 'is not valid';
  return message;
}

/**
 * A validation message (from the shared schema, here or on the server) as a sentence that names the
 * field by its label: "Maximum gateway pods must be at least minimum gateway pods". `line` is the
 * 1-based line of a list field the message is about.
 */
export function settingError(path: string, message: string, line?: number): string {
  const label = SETTING_TEXT[path]?.label ?? path;
  let text = plainDefault(message);
  for (const [raw, name] of rawNames()) text = text.replace(raw, name);
  const where = line === undefined ? label : `${label}, line ${line},`;
  // A message that already names the field ("maxReplicas must …") has just been renamed; drop the repeat.
  if (text.toLowerCase().startsWith(label.toLowerCase())) text = text.slice(label.length).trimStart();
  // "must …", "is …" read on from the label; anything else ("the CPU limit …") follows a colon.
  return /^(must|is|are|has|cannot)\b/.test(text)
    ? `${where} ${text}`
    : `${where.replace(/,$/, '')}: ${text}`;
}
