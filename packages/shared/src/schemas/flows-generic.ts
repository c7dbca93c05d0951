// The generic denied-flow record, for collectors that are neither Calico nor Hubble (a script reading
// iptables/nftables logs, a cloud flow log forwarder): every record is a denied egress attempt.
import { z } from 'zod';

import { LabelKeySchema, LabelValueSchema, NamespaceSchema } from '../primitives.ts';
import {
  type DeniedFlow,
  isProblem,
  MAX_LABELS,
  MAX_RECORD_COUNT,
  type NormaliseResult,
  parseHostnameCached,
  parseIp,
  parseTimestamp,
  type Problem,
  reject,
  zodReason,
} from './flows-common.ts';

export const GenericFlowRecordSchema = z.strictObject(
  {
    time: z
      .string({ error: 'must be an RFC 3339 timestamp' })
      .max(64)
      .meta({ description: 'When the flow was denied (RFC 3339).' }),
    sourceNamespace: NamespaceSchema,
    sourceLabels: z
      .record(LabelKeySchema, LabelValueSchema)
      .refine((labels) => Object.keys(labels).length <= MAX_LABELS, {
        error: `must hold at most ${MAX_LABELS} labels`,
      })
      .optional()
      .meta({ description: "The source pod's labels; matched against services' selectors." }),
    sourcePod: z
      .string({ error: 'must be a string' })
      .trim()
      .min(1, { error: 'must not be empty' })
      .max(253)
      .optional(),
    destIP: z.string({ error: 'must be an IPv4 or IPv6 address' }).max(64),
    destPort: z
      .int({ error: 'must be an integer' })
      .min(1, { error: 'must be between 1 and 65535' })
      .max(65535, { error: 'must be between 1 and 65535' }),
    protocol: z.string({ error: 'must be "TCP" or "UDP"' }).max(8),
    destName: z
      .string({ error: 'must be a string' })
      .max(1024)
      .optional()
      .meta({ description: 'The name the source resolved, if the collector knows it.' }),
    count: z
      .int({ error: 'must be an integer' })
      .min(1, { error: `must be between 1 and ${MAX_RECORD_COUNT}` })
      .max(MAX_RECORD_COUNT, { error: `must be between 1 and ${MAX_RECORD_COUNT}` })
      .optional()
      .meta({ description: 'Denied flows this record stands for (default 1).' }),
  },
  {
    error:
      'must be an object {time, sourceNamespace, sourceLabels | sourcePod, destIP, destPort, protocol, destName?, count?}',
  },
);
export type GenericFlowRecord = z.input<typeof GenericFlowRecordSchema>;

type Parsed = z.output<typeof GenericFlowRecordSchema>;

function destName(r: Parsed): Problem | string | null {
  if (r.destName === undefined) return null;
  const host = parseHostnameCached(r.destName);
  return host.ok ? host.value : ['destName', host.error];
}

function read(r: Parsed): Problem | DeniedFlow {
  const time = parseTimestamp(r.time);
  if (!time) return ['time', 'must be an RFC 3339 timestamp'];
  const labels = r.sourceLabels ?? {};
  if (Object.keys(labels).length === 0 && r.sourcePod === undefined)
    return ['sourceLabels', 'give sourceLabels or sourcePod to say which pod it was'];
  const protocol = r.protocol.toUpperCase();
  if (protocol !== 'TCP' && protocol !== 'UDP') return ['protocol', 'must be "TCP" or "UDP"'];
  const destIp = parseIp(r.destIP);
  if (!destIp) return ['destIP', 'must be an IPv4 or IPv6 address'];
  const name = destName(r);
  if (isProblem(name)) return name;
  return {
    time,
    sourceNamespace: r.sourceNamespace,
    sourceLabels: labels,
    sourcePod: r.sourcePod ?? null,
    destIp,
    destName: name,
    destPort: r.destPort,
    protocol,
    count: r.count ?? 1,
    reporter: 'generic',
  };
}

export function normaliseGeneric(raw: unknown, index: number): NormaliseResult {
  const parsed = GenericFlowRecordSchema.safeParse(raw);
  if (!parsed.success) return zodReason(index, parsed.error);
  const flow = read(parsed.data);
  return isProblem(flow) ? reject(index, ...flow) : { ok: true, flow };
}
