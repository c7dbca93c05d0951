import { z } from 'zod';

import {
  NamespaceSchema,
  SelectorSchema,
  ServiceAccountNameSchema,
  ServiceNameSchema,
  TeamNameSchema,
  text,
  TimestampSchema,
  UuidSchema,
} from '../primitives.ts';
import { PageQuerySchema } from './common.ts';

export const CreateServiceBodySchema = z.strictObject({
  name: ServiceNameSchema,
  namespace: NamespaceSchema,
  selector: SelectorSchema,
  /** The ServiceAccount the service's pods must run as; omitted or null: unbound (any pod with the labels). */
  serviceAccount: ServiceAccountNameSchema.nullable().optional(),
  team: TeamNameSchema.optional(),
  description: text(2000).optional(),
});
export type CreateServiceBody = z.input<typeof CreateServiceBodySchema>;

export const UpdateServiceBodySchema = z.strictObject({
  namespace: NamespaceSchema.optional(),
  selector: SelectorSchema.optional(),
  /** null is accepted only for a service that is still unbound: a bound service cannot be unbound. */
  serviceAccount: ServiceAccountNameSchema.nullable().optional(),
  team: TeamNameSchema.nullable().optional(),
  description: text(2000).nullable().optional(),
});
export type UpdateServiceBody = z.input<typeof UpdateServiceBodySchema>;

export const ServiceSchema = z
  .object({
    id: UuidSchema,
    name: z.string(),
    namespace: z.string(),
    selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
    serviceAccount: z.string().nullable().meta({
      description:
        'ServiceAccount its pods must run as (enforced by admission); null: unbound, any pod with the labels gets the access.',
    }),
    team: z.string().nullable(),
    description: z.string().nullable(),
    activeGrants: z.int(),
    pendingGrants: z.int().meta({
      description:
        'Pending grant requests. With any pending or active grant, namespace, selector and serviceAccount are locked (see docs/decisions.md).',
    }),
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
