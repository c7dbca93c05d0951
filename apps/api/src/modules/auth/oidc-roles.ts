// Role mapping for OIDC sign-in, pure: the role a set of claims earns under the configured "group=role"
// list (parsed with the rest of the configuration, platform/oidc-config.ts).
import { type Role, roleRank } from '@egress/shared';

import type { RoleMap } from '../../platform/oidc-config.ts';

const MAX_GROUPS_KEPT = 20;

/**
 * The claim's value at `name`: a top-level claim of that exact name first (names like
 * "https://example.com/groups" contain dots), else a dotted path into nested objects (Keycloak's
 * "realm_access.roles").
 */
export function claimAt(claims: Readonly<Record<string, unknown>>, name: string): unknown {
  if (name in claims) return claims[name];
  let value: unknown = claims;
  for (const key of name.split('.')) {
    if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A claim value as a list of group names: a string array, or a single string; anything else is none. */
export function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  return value.filter((v): v is string => typeof v === 'string');
}

/** The highest role any of the groups maps to, or null when none is mapped. */
export function mappedRole(groups: readonly string[], map: RoleMap): Role | null {
  let best: Role | null = null;
  for (const group of groups) {
    const role = map.get(group);
    if (role && (best === null || roleRank(role) > roleRank(best))) best = role;
  }
  return best;
}

/** Groups for the audit log: enough to see why a mapping failed, bounded for providers with hundreds. */
export function groupsForAudit(groups: readonly string[]): string[] {
  return groups.slice(0, MAX_GROUPS_KEPT).map((g) => g.slice(0, 200));
}
