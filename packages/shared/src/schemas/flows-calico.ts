// Calico (Enterprise / Cloud) flow logs, one JSON object per record as Felix writes them for
// Elasticsearch (felix/collector/flowlog JSONOutput). Fields used: end_time (the time of the record),
// action, reporter, source_type, source_namespace, source_name / source_name_aggr, source_labels.labels,
// dest_ip, dest_domains, dest_port, proto, num_flows. Everything else is ignored.
import { z } from 'zod';

import {
  type DeniedFlow,
  firstPublicName,
  isProblem,
  labelsFromPairs,
  MAX_LABELS,
  MAX_RECORD_COUNT,
  type NormaliseResult,
  parseIp,
  parseTimestamp,
  portProblem,
  type Problem,
  reject,
  verdictFirst,
  zodReason,
} from './flows-common.ts';

const CalicoTimeSchema = z.union([z.int().min(0), z.string().max(64)], {
  error: 'must be a UNIX time in seconds or an RFC 3339 timestamp',
});

const CalicoRecordSchema = z.object(
  {
    end_time: CalicoTimeSchema,
    action: z.string({ error: 'must be "deny"' }),
    reporter: z.string().max(16).nullish(),
    source_type: z.string().max(16).nullish(),
    source_namespace: z.string({ error: 'must be the namespace of the source pod' }).max(63),
    source_name: z.string().max(253).nullish(),
    source_name_aggr: z.string().max(253).nullish(),
    source_labels: z
      .object({
        labels: z
          .array(z.string().max(400))
          .max(MAX_LABELS, { error: `must hold at most ${MAX_LABELS} labels` })
          .nullish(),
      })
      .nullish(),
    dest_ip: z.string().max(64).nullish(),
    dest_domains: z.array(z.string().max(1024)).max(64).nullish(),
    dest_port: z.unknown().optional(),
    proto: z.union([z.string().max(16), z.int()], { error: 'must be "tcp" or "udp"' }),
    num_flows: z
      .int({ error: 'must be an integer' })
      .min(0, { error: 'must not be negative' })
      .max(MAX_RECORD_COUNT, { error: `must be at most ${MAX_RECORD_COUNT}` })
      .nullish(),
  },
  { error: 'must be a Calico flow log object' },
);
type CalicoRecord = z.infer<typeof CalicoRecordSchema>;

const PROTOCOLS: Record<string, 'TCP' | 'UDP'> = { tcp: 'TCP', udp: 'UDP', '6': 'TCP', '17': 'UDP' };
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function calicoTime(value: number | string): Date | null {
  return typeof value === 'number' ? new Date(value * 1000) : parseTimestamp(value);
}

/** The checks that make a record a denied egress attempt by a pod, before its fields are read. */
function egressProblem(r: CalicoRecord): Problem | null {
  if (r.action !== 'deny') return ['action', `only denied flows are counted: "deny" (got "${r.action}")`];
  // A flow denied at its destination ("dst") is ingress to that pod, not egress from the source.
  if (r.reporter != null && r.reporter !== 'src')
    return ['reporter', `only flows reported by the source ("src") are egress (got "${r.reporter}")`];
  if (r.source_type != null && r.source_type !== 'wep')
    return ['source_type', `the source must be a workload endpoint ("wep"), not "${r.source_type}"`];
  if (r.source_namespace === '-' || !NAMESPACE.test(r.source_namespace))
    return ['source_namespace', 'must be the namespace of the source pod'];
  return null;
}

/** Protocol and port: TCP or UDP to a port (ICMP carries none). */
function transport(r: CalicoRecord): Problem | { protocol: 'TCP' | 'UDP'; destPort: number } {
  const protocol = PROTOCOLS[String(r.proto).toLowerCase()];
  if (!protocol) return ['proto', `only TCP and UDP flows are counted (got "${r.proto}")`];
  const portError = portProblem(r.dest_port);
  return portError ? ['dest_port', portError] : { protocol, destPort: r.dest_port as number };
}

/** The address and, when Calico saw the DNS lookup (dest_domains), the first public name. */
function destination(r: CalicoRecord): Problem | { destIp: string | null; destName: string | null } {
  const destIp = r.dest_ip == null ? null : parseIp(r.dest_ip);
  if (r.dest_ip != null && destIp === null) return ['dest_ip', 'must be an IPv4 or IPv6 address'];
  const destName = firstPublicName(r.dest_domains);
  if (destIp === null && destName === null)
    return ['dest_ip', 'required when dest_domains names no public host'];
  return { destIp, destName };
}

/** source_name is "-" when Calico aggregated over pods; the aggregated name ("web-7d4b9c-*") is the sample then. */
function samplePod(r: CalicoRecord): string | null {
  const pod = r.source_name != null && r.source_name !== '-' ? r.source_name : r.source_name_aggr;
  return pod == null || pod === '-' || pod === '' ? null : pod;
}

function read(r: CalicoRecord): Problem | DeniedFlow {
  const problem = egressProblem(r);
  if (problem) return problem;
  const time = calicoTime(r.end_time);
  if (!time) return ['end_time', 'must be a UNIX time in seconds or an RFC 3339 timestamp'];
  const l4 = transport(r);
  if (isProblem(l4)) return l4;
  const dest = destination(r);
  if (isProblem(dest)) return dest;
  return {
    time,
    sourceNamespace: r.source_namespace,
    sourceLabels: labelsFromPairs(r.source_labels?.labels ?? []),
    sourcePod: samplePod(r),
    ...dest,
    ...l4,
    // A record exists because at least one flow was denied, whatever num_flows says.
    count: Math.max(1, r.num_flows ?? 1),
    reporter: 'calico',
  };
}

export function normaliseCalico(raw: unknown, index: number): NormaliseResult {
  // The verdict first: a collector that ships every flow should hear "not denied", not a field problem.
  const notDenied = verdictFirst(raw, 'action', ['deny'], index);
  if (notDenied) return notDenied;
  const parsed = CalicoRecordSchema.safeParse(raw);
  if (!parsed.success) return zodReason(index, parsed.error);
  const flow = read(parsed.data);
  return isProblem(flow) ? reject(index, ...flow) : { ok: true, flow };
}
