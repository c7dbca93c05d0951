// Cilium / Hubble flows as `hubble observe -o json` prints them (one GetFlowsResponse per line:
// {"flow": {...}, "node_name": ..., "time": ...}) or a bare Flow object (Hubble exporter files, Relay
// clients). Flow fields used: time, verdict, drop_reason_desc (or the numeric drop_reason),
// traffic_direction, IP.destination, l4.TCP/UDP.destination_port, source.namespace, source.labels
// ("k8s:key=value"), source.pod_name, destination_names.
//
// Verdicts: DROPPED counts when the drop was a policy decision (POLICY_DENIED, or POLICY_DENY for an
// explicit deny rule). AUDIT counts too: Cilium's policy audit mode lets the flow through but reports
// the policy would have denied it, which is what a team rolling out default-deny needs to see before
// enforcing; such records are stored with reporter "hubble-audit" so the two can be told apart.
import { z } from 'zod';

import {
  type DeniedFlow,
  firstPublicName,
  isProblem,
  labelsFromPairs,
  MAX_LABELS,
  type NormaliseResult,
  parseIp,
  parseTimestamp,
  portProblem,
  type Problem,
  reject,
  verdictFirst,
  zodReason,
} from './flows-common.ts';

const PortsSchema = z.object({ destination_port: z.unknown().optional() });

const HubbleFlowSchema = z.object(
  {
    time: z.string().max(64).optional(),
    verdict: z.string({ error: 'must be "DROPPED" or "AUDIT"' }),
    drop_reason: z.int().nullish(),
    drop_reason_desc: z.string().max(64).nullish(),
    traffic_direction: z.string().max(32).nullish(),
    IP: z.object(
      { destination: z.string({ error: 'must be an IP address' }).max(64) },
      { error: 'must be an object with the destination address' },
    ),
    l4: z.object(
      { TCP: PortsSchema.nullish(), UDP: PortsSchema.nullish() },
      { error: 'must be an object with TCP or UDP ports' },
    ),
    source: z.object(
      {
        namespace: z.string({ error: 'must be the namespace of the source pod' }).max(63),
        labels: z
          .array(z.string().max(400))
          .max(MAX_LABELS, { error: `must hold at most ${MAX_LABELS} labels` })
          .nullish(),
        pod_name: z.string().max(253).nullish(),
      },
      { error: 'must be an object naming the source pod' },
    ),
    destination_names: z.array(z.string().max(1024)).max(64).nullish(),
  },
  { error: 'must be a Hubble flow object' },
);
type HubbleFlow = z.infer<typeof HubbleFlowSchema>;

// Policy drop reasons (cilium/api/v1/flow DropReason): POLICY_DENIED = 133, POLICY_DENY = 181.
const POLICY_DROP_DESCRIPTIONS = new Set(['POLICY_DENIED', 'POLICY_DENY']);
const POLICY_DROP_CODES = new Set([133, 181]);
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The flow and the path prefix its fields are reported under ("flow." when it came wrapped). */
function unwrap(raw: unknown): { flow: unknown; prefix: string; outerTime: unknown } {
  if (typeof raw === 'object' && raw !== null && 'flow' in raw) {
    const wrapper = raw as { flow: unknown; time?: unknown };
    return { flow: wrapper.flow, prefix: 'flow.', outerTime: wrapper.time };
  }
  return { flow: raw, prefix: '', outerTime: undefined };
}

function verdictProblem(f: HubbleFlow): Problem | null {
  if (f.verdict === 'AUDIT') return null;
  if (f.drop_reason_desc != null && !POLICY_DROP_DESCRIPTIONS.has(f.drop_reason_desc)) {
    return ['drop_reason_desc', `only drops by network policy are counted (got "${f.drop_reason_desc}")`];
  }
  if (f.drop_reason_desc == null && f.drop_reason != null && !POLICY_DROP_CODES.has(f.drop_reason)) {
    return ['drop_reason', `only drops by network policy (133, 181) are counted (got ${f.drop_reason})`];
  }
  return null;
}

function egressProblem(f: HubbleFlow): Problem | null {
  // An INGRESS drop is the destination pod refusing traffic: not egress from the source.
  if (
    f.traffic_direction != null &&
    f.traffic_direction !== 'EGRESS' &&
    f.traffic_direction !== 'TRAFFIC_DIRECTION_UNKNOWN'
  ) {
    return ['traffic_direction', `only EGRESS flows are counted (got "${f.traffic_direction}")`];
  }
  if (!NAMESPACE.test(f.source.namespace))
    return ['source.namespace', 'must be the namespace of the source pod'];
  return null;
}

/** Protocol and port: TCP or UDP to a port (ICMP and SCTP flows are not counted). */
function transport(f: HubbleFlow): Problem | { protocol: 'TCP' | 'UDP'; destPort: number } {
  const [protocol, ports] = f.l4.TCP
    ? (['TCP', f.l4.TCP] as const)
    : f.l4.UDP
      ? (['UDP', f.l4.UDP] as const)
      : [null, null];
  if (!protocol) return ['l4', 'only TCP and UDP flows are counted'];
  const portError = portProblem(ports.destination_port);
  return portError
    ? [`l4.${protocol}.destination_port`, portError]
    : { protocol, destPort: ports.destination_port as number };
}

/** Hubble prefixes each label with its source ("k8s:app=web", "reserved:world"); pods' own are "k8s:". */
function podLabels(labels: readonly string[]): Record<string, string> {
  return labelsFromPairs(labels.filter((l) => l.startsWith('k8s:')).map((l) => l.slice(4)));
}

function read(f: HubbleFlow, outerTime: unknown): Problem | DeniedFlow {
  const problem = verdictProblem(f) ?? egressProblem(f);
  if (problem) return problem;
  const timeText = f.time ?? (typeof outerTime === 'string' ? outerTime : '');
  const time = parseTimestamp(timeText);
  if (!time) return ['time', 'must be an RFC 3339 timestamp'];
  const l4 = transport(f);
  if (isProblem(l4)) return l4;
  const destIp = parseIp(f.IP.destination);
  if (!destIp) return ['IP.destination', 'must be an IPv4 or IPv6 address'];
  return {
    time,
    sourceNamespace: f.source.namespace,
    sourceLabels: podLabels(f.source.labels ?? []),
    sourcePod: f.source.pod_name || null,
    destIp,
    destName: firstPublicName(f.destination_names),
    ...l4,
    count: 1,
    reporter: f.verdict === 'AUDIT' ? 'hubble-audit' : 'hubble',
  };
}

export function normaliseHubble(raw: unknown, index: number): NormaliseResult {
  const { flow, prefix, outerTime } = unwrap(raw);
  // The verdict first: a collector that ships every flow should hear "not denied", not a field problem.
  const notDenied = verdictFirst(flow, 'verdict', ['DROPPED', 'AUDIT'], index, prefix);
  if (notDenied) return notDenied;
  const parsed = HubbleFlowSchema.safeParse(flow);
  if (!parsed.success) return zodReason(index, parsed.error, prefix);
  const result = read(parsed.data, outerTime);
  return isProblem(result) ? reject(index, `${prefix}${result[0]}`, result[1]) : { ok: true, flow: result };
}
