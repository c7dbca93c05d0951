// Turns a session cookie or a bearer token into the request's actor. Who may do what is decided
// against the shared role table (platform/route-policy.ts); this file only establishes identity.
import {
  minRole,
  PERMISSIONS,
  type Role,
  roleAtLeast,
  SCOPED_PERMISSIONS,
  type TokenScope,
} from '@egress/shared';

import type { Clock } from './clock.ts';
import type { Db } from './db.ts';
import { sameHash, sha256 } from './secrets.ts';

export const SESSION_COOKIE = 'egress_session';
export const CSRF_HEADER = 'x-csrf-token';
export const TOKEN_PREFIX = 'egc_';

export interface RequestActor {
  kind: 'session' | 'token';
  userId: string;
  email: string;
  name: string;
  /** The role this request acts with: for tokens, the lesser of the token's and its owner's role. */
  role: Role;
  /**
   * Non-empty only for a scoped token: it holds exactly these scoped permissions and nothing its role
   * would give (the auth plugin enforces both). Empty for sessions and ordinary tokens.
   */
  scopes: TokenScope[];
  sessionId: string | null;
  tokenId: string | null;
  csrfTokenHash: string | null;
}

interface TokenRow {
  id: string;
  token_role: Role;
  scopes: string[];
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  user_id: string;
  email: string;
  name: string;
  user_role: Role;
  disabled_at: Date | null;
}

function isTokenScope(scope: string): scope is TokenScope {
  return (SCOPED_PERMISSIONS as readonly string[]).includes(scope);
}

export type IdentityResult = { ok: true; actor: RequestActor } | { ok: false; reason: string };

// last_used_at is a hint for humans; writing it at most once a minute keeps token requests read-only.
const LAST_USED_GRANULARITY_MS = 60_000;

export function createIdentity({ db, clock }: { db: Db; clock: Clock }) {
  async function fromToken(token: string): Promise<IdentityResult> {
    // One statement (token joined to its owner): this runs on every automation request.
    const rows = await db.$queryRaw<TokenRow[]>`
      SELECT t.id, t.role::text AS token_role, t.scopes, t.expires_at, t.revoked_at, t.last_used_at,
             u.id AS user_id, u.email, u.name, u.role::text AS user_role, u.disabled_at
      FROM api_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = ${sha256(token)}`;
    const row = rows[0];
    const now = clock.now();
    if (!row || row.revoked_at) return { ok: false, reason: 'the API token is not valid' };
    if (row.expires_at && row.expires_at <= now) return { ok: false, reason: 'the API token has expired' };
    if (row.disabled_at) return { ok: false, reason: 'the API token belongs to a disabled user' };
    const scopes = row.scopes.filter(isTokenScope);
    // A scope this version does not know must not turn the token into an ordinary (role) token.
    if (scopes.length !== row.scopes.length)
      return { ok: false, reason: 'the API token has a scope this server does not know' };
    // Like a role, a scope never outlives its creator's right to grant it: a demoted owner's scoped
    // token stops working (it has no other use, so it is refused outright rather than reduced).
    const lapsed = scopes.find((scope) => !roleAtLeast(row.user_role, PERMISSIONS[scope]));
    if (lapsed)
      return {
        ok: false,
        reason: `the API token's owner no longer holds the ${PERMISSIONS[lapsed]} role its ${lapsed} scope needs`,
      };
    if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > LAST_USED_GRANULARITY_MS) {
      await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
    }
    return {
      ok: true,
      actor: {
        kind: 'token',
        userId: row.user_id,
        email: row.email,
        name: row.name,
        role: minRole(row.token_role, row.user_role),
        scopes,
        sessionId: null,
        tokenId: row.id,
        csrfTokenHash: null,
      },
    };
  }

  async function fromSession(cookie: string): Promise<IdentityResult> {
    const row = await db.session.findUnique({
      where: { tokenHash: sha256(cookie) },
      include: { user: true },
    });
    if (!row || row.expiresAt <= clock.now())
      return { ok: false, reason: 'the session has expired; sign in again' };
    if (row.user.disabledAt) return { ok: false, reason: 'this account is disabled' };
    return {
      ok: true,
      actor: {
        kind: 'session',
        userId: row.user.id,
        email: row.user.email,
        name: row.user.name,
        role: row.user.role,
        scopes: [],
        sessionId: row.id,
        tokenId: null,
        csrfTokenHash: row.csrfTokenHash,
      },
    };
  }

  function csrfOk(actor: RequestActor, header: string | undefined): boolean {
    return (
      actor.csrfTokenHash !== null && header !== undefined && sameHash(sha256(header), actor.csrfTokenHash)
    );
  }

  return { fromToken, fromSession, csrfOk };
}

export type Identity = ReturnType<typeof createIdentity>;
