import { z } from 'zod';

import { SCOPED_PERMISSIONS } from '../permissions.ts';
import { EmailSchema, PasswordSchema, text, TimestampSchema, UuidSchema } from '../primitives.ts';
import { RoleSchema } from '../roles.ts';
import { PageQuerySchema } from './common.ts';

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

export const UpdateUserBodySchema = z
  .strictObject({
    name: text(200).optional(),
    role: RoleSchema.optional(),
    password: PasswordSchema.optional(),
    disabled: z.boolean({ error: 'must be a boolean' }).optional(),
    reason: text(500).optional().meta({
      description: 'Why: required with a role change, recorded in the audit log.',
    }),
  })
  // A role decides who can approve access: changing one is a deliberate act with a recorded reason.
  .refine((b) => b.role === undefined || b.reason !== undefined, {
    path: ['reason'],
    error: 'is required when the role changes: say why, it is recorded in the audit log',
  });
export type UpdateUserBody = z.input<typeof UpdateUserBodySchema>;

/** A scoped permission a token can be created with (see SCOPED_PERMISSIONS). */
export const TokenScopeSchema = z.enum(SCOPED_PERMISSIONS, {
  error: `must be one of ${SCOPED_PERMISSIONS.join(', ')}`,
});

export const CreateTokenBodySchema = z.strictObject({
  name: text(100),
  role: RoleSchema.optional(),
  expiresAt: TimestampSchema.optional(),
  scopes: z
    .array(TokenScopeSchema)
    .min(1, { error: 'must name at least one scope, or be left out' })
    .max(SCOPED_PERMISSIONS.length)
    .refine((scopes) => new Set(scopes).size === scopes.length, { error: 'must not repeat a scope' })
    .optional()
    .meta({
      description:
        'Makes a scoped token: it holds exactly these permissions and nothing its role would give (e.g. a flow collector\'s "flows.ingest"). Leave out role.',
    }),
});
export type CreateTokenBody = z.input<typeof CreateTokenBodySchema>;

export const TokenSchema = z
  .object({
    id: UuidSchema,
    name: z.string(),
    role: RoleSchema,
    scopes: z.array(TokenScopeSchema).meta({
      description: 'Empty: the token acts with its role. Otherwise it holds only these permissions.',
    }),
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
  scopes: z.array(TokenScopeSchema),
  expiresAt: TimestampSchema.nullable(),
  token: z.string().meta({ description: 'The secret; shown only in this response.' }),
});
export type CreatedToken = z.infer<typeof CreatedTokenSchema>;

export const TokenListQuerySchema = PageQuerySchema.extend({
  all: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .meta({ description: "Every user's tokens (admin)." }),
});
export type TokenListQuery = z.input<typeof TokenListQuerySchema>;
