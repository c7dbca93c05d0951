import { z } from 'zod';

import { AuditCheckpointSchema } from '../audit-chain.ts';
import { TimestampSchema, UuidSchema } from '../primitives.ts';
import { PageQuerySchema } from './common.ts';

export const AuditEventSchema = z
  .object({
    seq: z.int(),
    id: UuidSchema,
    at: TimestampSchema,
    actorType: z.string(),
    actorId: z.string().nullable(),
    actor: z.string(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string().nullable(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    requestId: z.string().nullable(),
    prevHash: z.string(),
    hash: z.string(),
    // Added after the rest: read at list time, not part of the hashed row (absent from the CSV export).
    targetName: z.string().nullable().optional().meta({
      description:
        "The target's current display name (service name, destination host, grant as service → host:port, person, token, webhook or rule name); null when the target has been deleted or has no name (settings, system). Not part of the hashed row.",
    }),
  })
  .meta({ id: 'AuditEvent' });
export type AuditEvent = z.infer<typeof AuditEventSchema>;

export const AuditListQuerySchema = PageQuerySchema.extend({
  actor: z.string().max(254).optional(),
  action: z.string().max(64).optional(),
  targetType: z.string().max(32).optional(),
  targetId: z.string().max(64).optional(),
  from: TimestampSchema.optional(),
  to: TimestampSchema.optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type AuditListQuery = z.input<typeof AuditListQuerySchema>;

export const AuditVerifySchema = z.object({
  valid: z.boolean(),
  checked: z.int(),
  firstInvalidSeq: z.int().nullable(),
  reason: z
    .string()
    .nullable()
    .optional()
    .meta({ description: 'Why the chain is invalid, in one sentence.' }),
  sealedThrough: z.int().nullable().optional().meta({
    description: 'The highest row a signed checkpoint vouches for; later rows are proven by the chain alone.',
  }),
  checkpoint: AuditCheckpointSchema.omit({ fromSeq: true, rowHashes: true })
    .nullable()
    .optional()
    .meta({ description: 'The newest checkpoint verified against.' }),
});
export type AuditVerify = z.infer<typeof AuditVerifySchema>;

export const AuditVerifyBodySchema = z.strictObject({
  checkpoint: z
    .string({ error: 'must be a string' })
    .min(1, { error: 'must not be empty' })
    .max(8 * 1024 * 1024)
    .meta({
      description:
        "A checkpoint as text: one JSON object, or the file target's JSON lines (the last is the newest).",
    }),
});
export type AuditVerifyBody = z.input<typeof AuditVerifyBodySchema>;

export const AuditCheckpointListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: 'Only checkpoints of rows below this seq (the next page).' }),
});

export const AuditCheckpointListSchema = z.object({
  items: z.array(AuditCheckpointSchema),
  publicKey: z
    .string()
    .nullable()
    .meta({ description: "This server's checkpoint public key (base64), to pin in offline verification." }),
  keyId: z.string().nullable(),
});
