import { z } from 'zod';

import { SettingsSchema } from './settings.ts';

/**
 * A partial settings update. Built from SettingsSchema's own field schemas with their defaults removed,
 * so that a field left out of a PATCH keeps its stored value instead of being reset to the default.
 */
export const SettingsPatchSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(SettingsSchema.shape).map(([key, schema]) => {
      const inner = schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : (schema as z.ZodType);
      return [key, inner.optional()];
    }),
  ) as {
    [K in keyof typeof SettingsSchema.shape]: z.ZodOptional<
      z.ZodType<z.output<(typeof SettingsSchema.shape)[K]>>
    >;
  },
);
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;
