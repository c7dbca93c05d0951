// Role mapping for OIDC sign-in, pure: the configured "group=role" list and the role a set of claims earns.
import { ROLES, roleRank, type Role } from '@egress/shared';

/** Group value (exactly as the provider sends it) -> role. */
export type RoleMap = ReadonlyMap<string, Role>;

const MAX_GROUPS_KEPT = 20;

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * Parses EGRESS_OIDC_ROLE_MAP, e.g. "egress-admins=admin,security=approver". The last "=" splits an
 * entry, so group values may contain "=" (none may contain ","). Throws a message naming the bad entry.
 */
export function parseRoleMap(text: string): RoleMap {
  const map = new Map<string, Role>();
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (entries.length === 0) throw new Error('must list at least one group=role entry');
  for (const entry of entries) {
    const at = entry.lastIndexOf('=');
    const group = entry.slice(0, at).trim();
    const role = entry.slice(at + 1).trim();
    if (at < 0 || group === '') throw new Error(`entry "${entry}" must be group=role`);
    if (!isRole(role))
      throw new Error(`entry "${entry}": unknown role "${role}" (expected one of ${ROLES.join(', ')})`);
    const earlier = map.get(group);
    if (earlier && earlier !== role)
      throw new Error(`group "${group}" is mapped twice (${earlier} and ${role})`);
    map.set(group, role);
  }
  return map;
}

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
