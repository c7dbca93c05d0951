import { z } from 'zod';

import { TimestampSchema } from '../primitives.ts';

export const StatsSummarySchema = z
  .object({
    pendingGrants: z.int(),
    oldestPendingAt: TimestampSchema.nullable(),
    activeGrants: z.int(),
    destinations: z.int(),
    sensitiveDestinations: z.int(),
    services: z.int(),
    openAlerts: z.int().meta({ description: 'Blocked-egress alerts not acknowledged yet.' }),
    blockedFlows24h: z
      .int()
      .meta({ description: 'Denied flows last seen in the past 24 hours (the sum of their counts).' }),
  })
  .meta({ id: 'StatsSummary' });
export type StatsSummary = z.infer<typeof StatsSummarySchema>;

export const GrantActivityQuerySchema = z.object({
  days: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be an integer' })
    .min(1, { error: 'must be between 1 and 90' })
    .max(90, { error: 'must be between 1 and 90' })
    .default(30),
});

export const GrantActivitySchema = z
  .object({
    days: z.array(
      z.object({
        date: z.string().meta({ description: 'UTC day, YYYY-MM-DD' }),
        requested: z.int(),
        approved: z.int(),
        rejected: z.int(),
      }),
    ),
  })
  .meta({
    id: 'GrantActivity',
    description: 'Requests and decisions per UTC day, oldest first (approved = became active).',
  });
export type GrantActivity = z.infer<typeof GrantActivitySchema>;
