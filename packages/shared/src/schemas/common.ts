import { z } from 'zod';

import { UuidSchema } from '../primitives.ts';

export const IdParamsSchema = z.object({ id: UuidSchema });

export const LimitSchema = z.coerce
  .number({ error: 'must be a number' })
  .int({ error: 'must be an integer' })
  .min(1, { error: 'must be between 1 and 500' })
  .max(500, { error: 'must be between 1 and 500' })
  .default(50);

export const CursorSchema = z.string().max(512).optional();

export const PageQuerySchema = z.object({ limit: LimitSchema, cursor: CursorSchema });

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const HealthSchema = z.object({ status: z.string() });
