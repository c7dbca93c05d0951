// The OIDC part of the configuration: its environment variables (spread into config.ts's schema, which
// stays the only reader of process.env) and the cross-field checks that stop start-up on a half setup.
import { type Role, ROLES } from '@egress/shared';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const OIDC_ENV = {
  EGRESS_OIDC_ISSUER: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  EGRESS_OIDC_CLIENT_ID: z.string().trim().min(1).max(512).optional(),
  EGRESS_OIDC_CLIENT_SECRET: z.string().min(1).max(4096).optional(),
  EGRESS_OIDC_SCOPES: z.string().trim().min(1).max(1024).default('openid email profile'),
  EGRESS_OIDC_ROLE_CLAIM: z.string().trim().min(1).max(200).default('groups'),
  EGRESS_OIDC_ROLE_MAP: z.string().max(8192).optional(),
  EGRESS_OIDC_LABEL: z.string().trim().min(1).max(60).default('Sign in with SSO'),
  EGRESS_OIDC_ALLOW_HTTP: bool.default(false),
};

/** Group value (exactly as the provider sends it) -> role. */
export type RoleMap = ReadonlyMap<string, Role>;

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

type OidcEnv = z.infer<z.ZodObject<typeof OIDC_ENV>>;

export interface OidcConfig {
  /** The issuer identifier exactly as the provider states it (a trailing slash matters). */
  issuer: string;
  clientId: string;
  /** Unset: a public client that authenticates the code exchange with PKCE alone. */
  clientSecret: string | undefined;
  scopes: string;
  roleClaim: string;
  roleMap: RoleMap;
  label: string;
  /** Lets the client talk to an http:// issuer (local tests); never needed for a real provider. */
  allowHttp: boolean;
}

function invalid(message: string): Error {
  return new Error(`invalid configuration: ${message}`);
}

/** All or nothing: issuer, client id and role map together, or none of the OIDC variables. */
export function loadOidcConfig(e: OidcEnv): OidcConfig | null {
  const required = {
    EGRESS_OIDC_ISSUER: e.EGRESS_OIDC_ISSUER,
    EGRESS_OIDC_CLIENT_ID: e.EGRESS_OIDC_CLIENT_ID,
    EGRESS_OIDC_ROLE_MAP: e.EGRESS_OIDC_ROLE_MAP,
  };
  const missing = Object.keys(required).filter((k) => required[k as keyof typeof required] === undefined);
  if (missing.length === 3 && e.EGRESS_OIDC_CLIENT_SECRET === undefined) return null;
  if (missing.length > 0)
    throw invalid(
      `OIDC sign-in also needs ${missing.join(', ')} (set EGRESS_OIDC_ISSUER, EGRESS_OIDC_CLIENT_ID and EGRESS_OIDC_ROLE_MAP together, or none of them)`,
    );
  const {
    EGRESS_OIDC_ISSUER: issuer = '',
    EGRESS_OIDC_CLIENT_ID: clientId = '',
    EGRESS_OIDC_ROLE_MAP: roleMapText = '',
  } = required;
  if (issuer.startsWith('http:') && !e.EGRESS_OIDC_ALLOW_HTTP)
    throw invalid(
      'EGRESS_OIDC_ISSUER: must be an https URL (EGRESS_OIDC_ALLOW_HTTP=true allows http, for local testing only)',
    );
  const scopes = e.EGRESS_OIDC_SCOPES.split(/\s+/);
  if (!scopes.includes('openid')) throw invalid('EGRESS_OIDC_SCOPES: must include "openid"');
  let roleMap: RoleMap;
  try {
    roleMap = parseRoleMap(roleMapText);
  } catch (error) {
    throw invalid(`EGRESS_OIDC_ROLE_MAP: ${(error as Error).message}`);
  }
  return {
    issuer,
    clientId,
    clientSecret: e.EGRESS_OIDC_CLIENT_SECRET,
    scopes: scopes.join(' '),
    roleClaim: e.EGRESS_OIDC_ROLE_CLAIM,
    roleMap,
    label: e.EGRESS_OIDC_LABEL,
    allowHttp: e.EGRESS_OIDC_ALLOW_HTTP,
  };
}
