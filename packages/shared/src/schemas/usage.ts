// Gateway connection ingest (POST /api/v1/gateway-connections): the access-log line of format version 1
// as the gateways write it (docs/kubernetes.md, "Access log"), the batch limits and the result; and the
// usage figures a grant carries.
import { z } from 'zod';

import { parseIp } from './flows-common.ts';

/** Lines per request: Vector's sink sends 1,000; a larger collector batch is split by the collector. */
export const MAX_CONNECTION_BATCH = 10_000;
/** Reasons listed per response; `rejected` still counts every one. */
export const MAX_CONNECTION_ERRORS = 100;
/** Request body size: 10,000 lines of about 450 bytes each, with room to spare. */
export const MAX_CONNECTION_BODY_BYTES = 16 * 1024 * 1024;

const count = z
  .int({ error: 'must be a whole number' })
  .min(0, { error: 'must be 0 or more' })
  .max(Number.MAX_SAFE_INTEGER, { error: 'is too large' });
/** Envoy writes "-" or null for a value it does not have. */
const optionalText = z.string({ error: 'must be a string or null' }).max(1024).nullish();

/**
 * One line, format version 1. Not strict: a field added to v1 later (adding keeps the version) is
 * ignored by this version of the API. Only what the ingest uses is checked closely.
 */
export const ConnectionLineSchema = z.object({
  v: z.literal('1', { error: 'must be "1" (this API reads access-log format version 1)' }),
  start_time: z.iso.datetime({ offset: true, error: 'must be an RFC 3339 timestamp' }),
  duration_ms: count,
  gateway: z
    .string({ error: 'must be a string' })
    .min(1, { error: 'must not be empty' })
    .max(63, { error: 'must be at most 63 characters' }),
  destination: z.string({ error: 'must be a string' }).max(253, { error: 'must be at most 253 characters' }),
  protocol: z.enum(['TCP', 'UDP'], { error: 'must be "TCP" or "UDP"' }),
  listener_port: z
    .int({ error: 'must be an integer' })
    .min(1, { error: 'must be between 1 and 65535' })
    .max(65535, { error: 'must be between 1 and 65535' }),
  source_address: z
    .string({ error: 'must be a string' })
    .max(64, { error: 'must be an IPv4 or IPv6 address' })
    .refine((s) => parseIp(s) !== null, { error: 'must be an IPv4 or IPv6 address (without a port)' }),
  source_port: z
    .int({ error: 'must be an integer' })
    .min(0, { error: 'must be between 0 and 65535' })
    .max(65535, { error: 'must be between 0 and 65535' }),
  upstream_host: optionalText,
  bytes_sent: count,
  bytes_received: count,
  response_flags: z.string({ error: 'must be a string' }).max(256),
  upstream_transport_failure_reason: optionalText,
  connection_termination_details: optionalText,
});
export type ConnectionLine = z.infer<typeof ConnectionLineSchema>;

/** The body: a JSON array of lines exactly as the gateways wrote them (what deploy/collectors sends). */
export const ConnectionBatchSchema = z
  .array(z.unknown(), { error: 'must be a JSON array of access-log lines' })
  .min(1, { error: 'must hold at least one line' })
  .meta({
    description: `Access-log lines, format version 1 (docs/kubernetes.md), at most ${MAX_CONNECTION_BATCH} per request.`,
  });

export const ConnectionIngestErrorSchema = z.object({
  index: z.int().meta({ description: 'Position of the line in the array.' }),
  field: z.string().meta({ description: 'The field, e.g. "body[3].source_port".' }),
  reason: z.string().meta({ description: 'What is wrong with it.' }),
});
export type ConnectionIngestError = z.infer<typeof ConnectionIngestErrorSchema>;

export const ConnectionIngestResultSchema = z
  .object({
    accepted: z.int().meta({ description: 'Lines counted (new connections).' }),
    duplicates: z.int().meta({
      description:
        'Well-formed lines already counted by an earlier delivery (same gateway, protocol, port, source address and port, start time); not counted again.',
    }),
    rejected: z
      .int()
      .meta({ description: 'Lines refused; the first reasons are in `errors`. Nothing of them was stored.' }),
    unattributed: z.int().meta({
      description:
        'Accepted lines whose source address no registered service matched (kept as ip:<address>).',
    }),
    errors: z
      .array(ConnectionIngestErrorSchema)
      .meta({ description: `The first ${MAX_CONNECTION_ERRORS} rejected lines, in order.` }),
  })
  .meta({ id: 'ConnectionIngestResult' });
export type ConnectionIngestResult = z.infer<typeof ConnectionIngestResultSchema>;

const Traffic = z.object({
  connections: z.int().meta({ description: 'Connections through the gateway.' }),
  bytes: z.int().meta({ description: 'Bytes both ways.' }),
});

/** What a grant has been used for, from the gateways' connection logs (rolled up per hour). */
export const GrantUsageSchema = z
  .object({
    last24h: Traffic.meta({ description: 'The last 24 hours (whole hours: the rows are hourly).' }),
    last30d: Traffic.meta({ description: 'The last 30 days (within the usage retention).' }),
  })
  .meta({ id: 'GrantUsage' });
export type GrantUsage = z.infer<typeof GrantUsageSchema>;

export const UNUSED_GRANT_ACTIONS = ['off', 'reapprove', 'expire'] as const;
