import { z } from 'zod';

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
});
export type AuditVerify = z.infer<typeof AuditVerifySchema>;
