import { z } from 'zod';

import {
  HostnameSchema,
  PortSchema,
  ProtocolSchema,
  text,
  TimestampSchema,
  UuidSchema,
} from '../primitives.ts';
import { PageQuerySchema } from './common.ts';

export const SensitivitySchema = z.enum(['standard', 'sensitive'], {
  error: 'must be "standard" or "sensitive"',
});
export type Sensitivity = z.infer<typeof SensitivitySchema>;

/**
 * `enforce`: the gateway admits only the pods of services holding an active grant. `observe`: it admits
 * every pod of the cluster on the destination's ports, and use without a grant is recorded (the "would be
 * refused" list) so a destination can be switched to `enforce` without breaking what already uses it.
 */
export const DestinationModeSchema = z.enum(['observe', 'enforce'], {
  error: 'must be "observe" or "enforce"',
});
export type DestinationMode = z.infer<typeof DestinationModeSchema>;

export const DestinationPortSchema = z.strictObject({
  port: PortSchema,
  protocol: ProtocolSchema.default('TCP'),
});
export type DestinationPort = z.infer<typeof DestinationPortSchema>;

export const PortListSchema = z
  .array(DestinationPortSchema, { error: 'must be a list of {port, protocol}' })
  .min(1, { error: 'must list at least one port' })
  .max(32, { error: 'must list at most 32 ports' })
  .superRefine((ports, ctx) => {
    const seen = new Set<string>();
    ports.forEach((p, index) => {
      const key = `${p.port}/${p.protocol}`;
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', message: `duplicate port ${key}`, path: [index, 'port'] });
      seen.add(key);
    });
  });

const ReplicasSchema = z
  .int({ error: 'must be an integer' })
  .min(1, { error: 'must be at least 1' })
  .max(100, { error: 'must be at most 100' });

export const GatewaySettingsInputSchema = z
  .strictObject({
    minReplicas: ReplicasSchema.optional(),
    maxReplicas: ReplicasSchema.optional(),
    targetCPUUtilizationPercentage: z
      .int({ error: 'must be an integer' })
      .min(10, { error: 'must be between 10 and 95' })
      .max(95, { error: 'must be between 10 and 95' })
      .optional(),
  })
  .refine(
    (g) => g.minReplicas === undefined || g.maxReplicas === undefined || g.maxReplicas >= g.minReplicas,
    {
      error: 'maxReplicas must be at least minReplicas',
      path: ['maxReplicas'],
    },
  );

export const CreateDestinationBodySchema = z.strictObject({
  host: HostnameSchema,
  ports: PortListSchema,
  sensitivity: SensitivitySchema,
  description: text(2000).optional(),
  gateway: GatewaySettingsInputSchema.optional(),
  mode: DestinationModeSchema.optional().meta({
    description:
      'Absent: the newDestinationMode setting (default "enforce"). "observe" needs the approver role, and the admin role for a sensitive destination.',
  }),
});
export type CreateDestinationBody = z.input<typeof CreateDestinationBodySchema>;

export const UpdateDestinationBodySchema = z.strictObject({
  ports: PortListSchema.optional(),
  sensitivity: SensitivitySchema.optional(),
  description: text(2000).nullable().optional(),
  gateway: GatewaySettingsInputSchema.optional(),
  mode: DestinationModeSchema.optional().meta({
    description:
      'Switching to "observe" loosens access (every pod of the cluster reaches the destination): approver, and admin for a sensitive destination. Audited as destination.mode_changed. Preview a switch to "enforce" with GET /api/v1/impact?kind=destination-enforce.',
  }),
});
export type UpdateDestinationBody = z.input<typeof UpdateDestinationBodySchema>;

export const GatewaySettingsSchema = z.object({
  minReplicas: z.int(),
  maxReplicas: z.int(),
  targetCPUUtilizationPercentage: z.int(),
});
export type GatewaySettings = z.infer<typeof GatewaySettingsSchema>;

export const DestinationSchema = z
  .object({
    id: UuidSchema,
    host: z.string(),
    ports: z.array(z.object({ port: z.int(), protocol: ProtocolSchema })),
    sensitivity: SensitivitySchema,
    description: z.string().nullable(),
    gateway: GatewaySettingsSchema,
    gatewayName: z.string(),
    hostProblem: z.string().nullable().meta({
      description:
        'Null for a valid host. Otherwise why the host would be refused today: the destination was registered before the rule (public suffixes only). It keeps working as it is; it takes no new grants and no new ports.',
    }),
    activeGrants: z.int(),
    mode: DestinationModeSchema,
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'Destination' });
export type Destination = z.infer<typeof DestinationSchema>;

export const DestinationListQuerySchema = PageQuerySchema.extend({
  sensitivity: SensitivitySchema.optional(),
  q: z.string().max(253).optional().meta({ description: 'Substring of the host.' }),
  host: z
    .string()
    .max(253)
    .optional()
    .meta({ description: 'Exactly this host (case-insensitive): at most one live destination.' }),
});
export type DestinationListQuery = z.input<typeof DestinationListQuerySchema>;

export const DeleteDestinationQuerySchema = z.object({
  force: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});
