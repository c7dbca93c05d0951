import { z } from 'zod';

import { RoleSchema } from '../roles.ts';
import { EmailSchema, PasswordSchema, text, TimestampSchema, UuidSchema } from '../primitives.ts';

export const LoginBodySchema = z.strictObject({
  email: EmailSchema,
  // Login accepts any length up to the maximum: the policy applies when passwords are set.
  password: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(256),
});
export type LoginBody = z.input<typeof LoginBodySchema>;

export const UserSchema = z
  .object({
    id: UuidSchema,
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    disabled: z.boolean(),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof UserSchema>;

export const MeSchema = z.object({ id: UuidSchema, email: z.string(), name: z.string(), role: RoleSchema });
export type Me = z.infer<typeof MeSchema>;

export const LoginResponseSchema = z.object({ user: MeSchema, csrfToken: z.string() });
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

export const CreateUserBodySchema = z.strictObject({
  email: EmailSchema,
  name: text(200),
  role: RoleSchema,
  password: PasswordSchema,
});
export type CreateUserBody = z.input<typeof CreateUserBodySchema>;

export const UpdateUserBodySchema = z.strictObject({
  name: text(200).optional(),
  role: RoleSchema.optional(),
  password: PasswordSchema.optional(),
  disabled: z.boolean({ error: 'must be a boolean' }).optional(),
});
export type UpdateUserBody = z.input<typeof UpdateUserBodySchema>;

export const CreateTokenBodySchema = z.strictObject({
  name: text(100),
  role: RoleSchema.optional(),
  expiresAt: TimestampSchema.optional(),
});
export type CreateTokenBody = z.input<typeof CreateTokenBodySchema>;

export const TokenSchema = z
  .object({
    id: UuidSchema,
    name: z.string(),
    role: RoleSchema,
    prefix: z.string(),
    owner: z.string(),
    expiresAt: TimestampSchema.nullable(),
    lastUsedAt: TimestampSchema.nullable(),
    createdAt: TimestampSchema,
  })
  .meta({ id: 'ApiToken' });
export type Token = z.infer<typeof TokenSchema>;

export const CreatedTokenSchema = z.object({
  id: UuidSchema,
  name: z.string(),
  role: RoleSchema,
  expiresAt: TimestampSchema.nullable(),
  token: z.string().meta({ description: 'The secret; shown only in this response.' }),
});
export type CreatedToken = z.infer<typeof CreatedTokenSchema>;
