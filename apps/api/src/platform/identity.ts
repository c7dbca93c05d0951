// Turns a session cookie or a bearer token into the request's actor. Who may do what is decided
// against the shared role table (platform/route-policy.ts); this file only establishes identity.
import { minRole, type Role } from '@egress/shared';

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
  sessionId: string | null;
  tokenId: string | null;
  csrfTokenHash: string | null;
}

export type IdentityResult = { ok: true; actor: RequestActor } | { ok: false; reason: string };

// last_used_at is a hint for humans; writing it at most once a minute keeps token requests read-only.
const LAST_USED_GRANULARITY_MS = 60_000;

export function createIdentity({ db, clock }: { db: Db; clock: Clock }) {
  async function fromToken(token: string): Promise<IdentityResult> {
    const row = await db.apiToken.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } });
    const now = clock.now();
    if (!row || row.revokedAt) return { ok: false, reason: 'the API token is not valid' };
    if (row.expiresAt && row.expiresAt <= now) return { ok: false, reason: 'the API token has expired' };
    if (row.user.disabledAt) return { ok: false, reason: 'the API token belongs to a disabled user' };
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
      await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
    }
    return {
      ok: true,
      actor: {
        kind: 'token',
        userId: row.user.id,
        email: row.user.email,
        name: row.user.name,
        role: minRole(row.role, row.user.role),
        sessionId: null,
        tokenId: row.id,
        csrfTokenHash: null,
      },
    };
  }

  async function fromSession(cookie: string): Promise<IdentityResult> {
    const row = await db.session.findUnique({ where: { tokenHash: sha256(cookie) }, include: { user: true } });
    if (!row || row.expiresAt <= clock.now()) return { ok: false, reason: 'the session has expired; sign in again' };
    if (row.user.disabledAt) return { ok: false, reason: 'this account is disabled' };
    return {
      ok: true,
      actor: {
        kind: 'session',
        userId: row.user.id,
        email: row.user.email,
        name: row.user.name,
        role: row.user.role,
        sessionId: row.id,
        tokenId: null,
        csrfTokenHash: row.csrfTokenHash,
      },
    };
  }

  function csrfOk(actor: RequestActor, header: string | undefined): boolean {
    return actor.csrfTokenHash !== null && header !== undefined && sameHash(sha256(header), actor.csrfTokenHash);
  }

  return { fromToken, fromSession, csrfOk };
}

export type Identity = ReturnType<typeof createIdentity>;
