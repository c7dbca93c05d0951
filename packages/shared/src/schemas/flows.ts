// Ingest side of denied-flow visibility: the POST /api/v1/flows envelope and its result, and one pure
// normaliser per record format turning a raw record into a DeniedFlow or a reason naming the field.
// The read side (inbox, alert rules, alerts) is in blocked.ts; docs/flows.md lists the fields used.
import { z } from 'zod';

import { normaliseCalico } from './flows-calico.ts';
import { type NormaliseResult, reject } from './flows-common.ts';
import { normaliseGeneric } from './flows-generic.ts';
import { normaliseHubble } from './flows-hubble.ts';

export { MAX_RECORD_COUNT, parseIp, type DeniedFlow, type NormaliseResult } from './flows-common.ts';
export { GenericFlowRecordSchema, type GenericFlowRecord } from './flows-generic.ts';

export const FLOW_FORMATS = ['calico', 'hubble', 'generic'] as const;
export const FlowFormatSchema = z.enum(FLOW_FORMATS, { error: 'must be "calico", "hubble" or "generic"' });
export type FlowFormat = z.infer<typeof FlowFormatSchema>;

export const MAX_FLOW_BATCH = 5000;
/** Reasons listed per response; `rejected` still counts every one. */
export const MAX_FLOW_ERRORS = 100;

export const FlowIngestBodySchema = z.strictObject({
  format: FlowFormatSchema.meta({ description: 'How every record of the batch is written (docs/flows.md).' }),
  records: z
    .array(z.unknown(), { error: 'must be an array of flow records' })
    .min(1, { error: `must hold between 1 and ${MAX_FLOW_BATCH} records` })
    .max(MAX_FLOW_BATCH, { error: `must hold between 1 and ${MAX_FLOW_BATCH} records` }),
});
export type FlowIngestBody = z.input<typeof FlowIngestBodySchema>;

export const FlowIngestErrorSchema = z.object({
  index: z.int().meta({ description: 'Position of the record in `records`.' }),
  reason: z
    .string()
    .meta({ description: 'Names the field, e.g. "records[3].destPort: must be between 1 and 65535".' }),
});
export type FlowIngestError = z.infer<typeof FlowIngestErrorSchema>;

export const FlowIngestResultSchema = z
  .object({
    accepted: z.int().meta({ description: 'Records stored (counted into their window).' }),
    rejected: z.int().meta({ description: 'Records refused; the first reasons are in `errors`.' }),
    unattributed: z.int().meta({ description: 'Accepted records no registered service matched.' }),
    errors: z
      .array(FlowIngestErrorSchema)
      .meta({ description: `The first ${MAX_FLOW_ERRORS} rejected records, in order.` }),
  })
  .meta({ id: 'FlowIngestResult' });
export type FlowIngestResult = z.infer<typeof FlowIngestResultSchema>;

const NORMALISERS: Record<FlowFormat, (raw: unknown, index: number) => NormaliseResult> = {
  calico: normaliseCalico,
  hubble: normaliseHubble,
  generic: normaliseGeneric,
};

/** The times a record may carry: not older than the retention, not ahead of the server's clock (plus skew). */
export interface FlowTimeBounds {
  notBefore: Date;
  notAfter: Date;
}

/** Where each format keeps the time it is judged by (for the reason's field name). */
function timeField(format: FlowFormat, raw: unknown): string {
  if (format === 'calico') return 'end_time';
  const flow = (raw as { flow?: { time?: unknown } } | null)?.flow;
  return format === 'hubble' && typeof flow?.time === 'string' ? 'flow.time' : 'time';
}

function timeProblem(time: Date, bounds: FlowTimeBounds): string | null {
  if (time > bounds.notAfter)
    return `is in the future (after ${bounds.notAfter.toISOString()}); check the collector's clock`;
  if (time < bounds.notBefore)
    return `is older than the retention period (before ${bounds.notBefore.toISOString()})`;
  return null;
}

/**
 * One raw record of the given format → a DeniedFlow, or a reason starting "records[<index>].<field>".
 * With `bounds`, a record whose time falls outside them is rejected too.
 */
export function normaliseFlowRecord(
  format: FlowFormat,
  raw: unknown,
  index: number,
  bounds?: FlowTimeBounds,
): NormaliseResult {
  const result = NORMALISERS[format](raw, index);
  const problem = result.ok && bounds ? timeProblem(result.flow.time, bounds) : null;
  return problem ? reject(index, timeField(format, raw), problem) : result;
}
