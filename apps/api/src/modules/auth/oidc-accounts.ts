// Which local user an OIDC identity signs in as. Users are found by (issuer, subject), never by email
// alone; an email match links an existing account only under the conservative rule in linkable().
// Everything runs inside the caller's transaction and returns the audit events for the caller to append.
import type { Role } from '@egress/shared';

import type { Actor, AuditInput } from '../../platform/audit.ts';
import type { Tx } from '../../platform/db.ts';
import type { AuthRepository } from './auth.repository.ts';

export interface OidcIdentity {
  issuer: string;
  subject: string;
  /** Lower-cased; null when the provider shared none (or not a valid address). */
  email: string | null;
  /** Only `email_verified: true` counts; absent is not verified. */
  emailVerified: boolean;
  name: string;
}

export type AccountRefusal = 'no_email' | 'email_in_use' | 'disabled';

export type AccountResult =
  | { ok: true; user: { id: string; email: string }; events: AuditInput[] }
  | { ok: false; reason: AccountRefusal; userId: string | null };

// The role and identity changes below are made on the provider's word, not by a person in the console.
const OIDC_ACTOR: Actor = { type: 'system', id: null, label: 'oidc' };

interface UserRow {
  id: string;
  email: string;
  role: Role;
  passwordHash: string | null;
  disabledAt: Date | null;
  oidcIssuer: string | null;
}

/**
 * An existing account found by email is linked to the signing-in identity only when the provider says
 * the address is verified, the account has no password (so linking takes nothing over from someone who
 * signs in locally), and it is not bound to another subject of this same issuer (a reassigned address).
 * An account bound to a different issuer (the provider was replaced) can move to this one.
 */
function linkable(user: UserRow, identity: OidcIdentity): boolean {
  return identity.emailVerified && user.passwordHash === null && user.oidcIssuer !== identity.issuer;
}

/** Which user an identity signs in as, and the account changes that takes (oidc.service.ts, in its transaction). */
export function createOidcAccounts(repo: AuthRepository) {
  /** Sets the mapped role; a concurrent sign-in that already did so makes this a no-op without an event. */
  async function applyRole(tx: Tx, user: UserRow, role: Role, requestId: string): Promise<AuditInput[]> {
    if (user.role === role) return [];
    if (!(await repo.setRoleIfUnchanged(user.id, user.role, role, tx))) return [];
    return [
      {
        actor: OIDC_ACTOR,
        action: 'user.updated',
        targetType: 'user',
        targetId: user.id,
        before: { role: user.role },
        after: { role, source: 'oidc role mapping' },
        requestId,
      },
    ];
  }

  async function link(
    tx: Tx,
    user: UserRow,
    identity: OidcIdentity,
    role: Role,
    requestId: string,
  ): Promise<AccountResult> {
    if (user.disabledAt) return { ok: false, reason: 'disabled', userId: user.id };
    await repo.linkOidc(user.id, identity.issuer, identity.subject, tx);
    const linked: AuditInput = {
      actor: OIDC_ACTOR,
      action: 'user.updated',
      targetType: 'user',
      targetId: user.id,
      before: { oidcIssuer: user.oidcIssuer },
      after: { oidcIssuer: identity.issuer, oidcSubject: identity.subject, source: 'oidc account link' },
      requestId,
    };
    return { ok: true, user, events: [linked, ...(await applyRole(tx, user, role, requestId))] };
  }

  async function provision(
    tx: Tx,
    identity: OidcIdentity & { email: string },
    role: Role,
    requestId: string,
  ): Promise<AccountResult> {
    const user = await repo.insertUser(
      {
        email: identity.email,
        name: identity.name,
        role,
        passwordHash: null,
        oidcIssuer: identity.issuer,
        oidcSubject: identity.subject,
      },
      tx,
    );
    const event: AuditInput = {
      actor: OIDC_ACTOR,
      action: 'user.provisioned',
      targetType: 'user',
      targetId: user.id,
      after: {
        email: user.email,
        name: user.name,
        role,
        oidcIssuer: identity.issuer,
        oidcSubject: identity.subject,
      },
      requestId,
    };
    return { ok: true, user, events: [event] };
  }

  /** The user this identity signs in as, with its role set to `role` (the provider is the source of truth). */
  async function resolveAccount(
    tx: Tx,
    identity: OidcIdentity,
    role: Role,
    requestId: string,
  ): Promise<AccountResult> {
    const bound = await repo.findUserByOidc(identity.issuer, identity.subject, tx);
    if (bound) {
      if (bound.disabledAt) return { ok: false, reason: 'disabled', userId: bound.id };
      return { ok: true, user: bound, events: await applyRole(tx, bound, role, requestId) };
    }
    if (identity.email === null) return { ok: false, reason: 'no_email', userId: null };
    const sameEmail = await repo.findUserByEmail(identity.email, tx);
    if (!sameEmail) return provision(tx, { ...identity, email: identity.email }, role, requestId);
    if (!linkable(sameEmail, identity)) return { ok: false, reason: 'email_in_use', userId: sameEmail.id };
    return link(tx, sameEmail, identity, role, requestId);
  }

  return { resolveAccount };
}

export type OidcAccounts = ReturnType<typeof createOidcAccounts>;
