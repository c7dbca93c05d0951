import { z } from 'zod';

import { NamespaceSchema, SelectorSchema, ServiceNameSchema, text, TimestampSchema, UuidSchema } from '../primitives.ts';
import { PageQuerySchema } from './common.ts';

export const CreateServiceBodySchema = z.strictObject({
  name: ServiceNameSchema,
  namespace: NamespaceSchema,
  selector: SelectorSchema,
  team: text(100).optional(),
  description: text(2000).optional(),
});
export type CreateServiceBody = z.input<typeof CreateServiceBodySchema>;

export const UpdateServiceBodySchema = z.strictObject({
  namespace: NamespaceSchema.optional(),
  selector: SelectorSchema.optional(),
  team: text(100).nullable().optional(),
  description: text(2000).nullable().optional(),
});
export type UpdateServiceBody = z.input<typeof UpdateServiceBodySchema>;

export const ServiceSchema = z
  .object({
    id: UuidSchema,
    name: z.string(),
    namespace: z.string(),
    selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
    team: z.string().nullable(),
    description: z.string().nullable(),
    activeGrants: z.int(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'Service' });
export type Service = z.infer<typeof ServiceSchema>;

export const ServiceListQuerySchema = PageQuerySchema.extend({
  namespace: z.string().max(63).optional(),
  team: z.string().max(100).optional(),
  q: z.string().max(200).optional().meta({ description: 'Substring of the name.' }),
});
export type ServiceListQuery = z.input<typeof ServiceListQuerySchema>;
