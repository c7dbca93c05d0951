import { z } from 'zod';

/** Roles in increasing order of power: each role can do everything the roles before it can. */
export const ROLES = ['viewer', 'engineer', 'approver', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export function roleRank(role: Role): number {
  return ROLES.indexOf(role);
}

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return roleRank(role) >= roleRank(minimum);
}

/** The weaker of two roles: a token acts as min(its role, its creator's current role). */
export function minRole(a: Role, b: Role): Role {
  return roleRank(a) <= roleRank(b) ? a : b;
}
