// OIDC sign-in, start to finish: begin() records the flow and names the provider URL; complete() checks
// the callback against the flow, exchanges the code, maps the role claim, finds or provisions the user
// and opens a session exactly as password sign-in does. Every refusal at the callback is audited as
// auth.login_failed with its reason and leaves no session.
import { EmailSchema, type OidcErrorCode, type Role, safeReturnPath } from '@egress/shared';
import type { FastifyBaseLogger } from 'fastify';

import type { AuditInput, AuditLog } from '../../platform/audit.ts';
import { type Db, isUniqueViolation } from '../../platform/db.ts';
import type { OidcConfig } from '../../platform/oidc-config.ts';
import { newSecret } from '../../platform/secrets.ts';
import type { AccountRefusal, OidcAccounts, OidcIdentity } from './oidc-accounts.ts';
import { type OidcClient, OidcProviderError } from './oidc-client.ts';
import type { createOidcLogins } from './oidc-logins.ts';
import { claimAt, groupsForAudit, groupsOf, mappedRole } from './oidc-roles.ts';
import type { LoginContext, OpenedSession, Sessions } from './sessions.ts';

type Refusal =
  | AccountRefusal
  | 'no_mapped_group'
  | 'unknown_state'
  | 'expired_state'
  | 'binding_mismatch'
  | 'replayed_state'
  | `provider_${OidcProviderError['kind']}`;

const CODE_FOR: Record<Refusal, OidcErrorCode> = {
  unknown_state: 'sso_invalid_state',
  expired_state: 'sso_invalid_state',
  binding_mismatch: 'sso_invalid_state',
  replayed_state: 'sso_invalid_state',
  provider_unavailable: 'sso_unavailable',
  provider_denied: 'sso_denied',
  provider_failed: 'sso_failed',
  no_mapped_group: 'sso_no_role',
  no_email: 'sso_no_email',
  email_in_use: 'sso_account_conflict',
  disabled: 'sso_disabled',
};

// A binding cookie we issued: newSecret()'s 32 random bytes in base64url. Anything else is replaced.
const BINDING_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export type BeginResult =
  { ok: true; location: string; binding: string } | { ok: false; code: OidcErrorCode };
export type CompleteResult =
  { ok: true; session: OpenedSession; returnTo: string } | { ok: false; code: OidcErrorCode };

interface Failure {
  reason: Refusal;
  identity?: Partial<OidcIdentity>;
  groups?: string[];
  userId?: string | null;
  detail?: string;
}

/** A verified identity whose groups map to a role. */
interface Mapped {
  identity: OidcIdentity;
  role: Role;
  groups: string[];
}

interface Deps {
  db: Db;
  audit: AuditLog;
  sessions: Sessions;
  logins: ReturnType<typeof createOidcLogins>;
  accounts: OidcAccounts;
  client: OidcClient;
  oidc: OidcConfig;
  log: FastifyBaseLogger;
}

function identityOf(claims: Record<string, unknown>): OidcIdentity {
  const email = EmailSchema.safeParse(claims.email);
  const name = [claims.name, claims.preferred_username].find(
    (v): v is string => typeof v === 'string' && v.trim() !== '',
  );
  return {
    issuer: String(claims.iss),
    subject: String(claims.sub),
    email: email.success ? email.data : null,
    emailVerified: claims.email_verified === true,
    name: (name ?? (email.success ? email.data : String(claims.sub))).trim().slice(0, 200),
  };
}

export function createOidcService({ db, audit, sessions, logins, accounts, client, oidc, log }: Deps) {
  async function begin(returnTo: string | undefined, binding: string | undefined): Promise<BeginResult> {
    try {
      const { url, secrets } = await client.authorizationUrl();
      // One binding per browser: a second tab's sign-in must not break the first one's.
      const value = binding !== undefined && BINDING_SHAPE.test(binding) ? binding : newSecret();
      await logins.save(secrets, value, safeReturnPath(returnTo));
      return { ok: true, location: url.href, binding: value };
    } catch (error) {
      if (!(error instanceof OidcProviderError)) throw error;
      return { ok: false, code: 'sso_unavailable' };
    }
  }

  function failureEvent(f: Failure, ctx: LoginContext): AuditInput {
    const { identity = {} } = f;
    const label = identity.email ?? identity.subject ?? 'anonymous';
    const after = {
      method: 'oidc',
      reason: f.reason,
      ip: ctx.ip,
      issuer: identity.issuer,
      subject: identity.subject,
      email: identity.email ?? undefined,
      groups: f.groups,
      detail: f.detail?.slice(0, 500),
    };
    return {
      actor: { type: 'anonymous', id: null, label },
      action: 'auth.login_failed',
      targetType: 'user',
      targetId: f.userId ?? null,
      after,
      requestId: ctx.requestId,
    };
  }

  async function refuse(f: Failure, ctx: LoginContext): Promise<CompleteResult> {
    await db.$transaction((tx) => audit.append(tx, failureEvent(f, ctx)));
    return { ok: false, code: CODE_FOR[f.reason] };
  }

  /** Account, role and session in one transaction; a concurrent first sign-in of the same person retries once. */
  async function signIn(
    mapped: Mapped,
    returnTo: string,
    ctx: LoginContext,
    attempt = 1,
  ): Promise<CompleteResult> {
    const { identity, role, groups } = mapped;
    try {
      const outcome = await db.$transaction(async (tx) => {
        const account = await accounts.resolveAccount(tx, identity, role, ctx.requestId);
        if (!account.ok) return account;
        return {
          ok: true as const,
          userId: account.user.id,
          session: await sessions.open(tx, account.user, ctx, 'oidc', account.events),
        };
      });
      if (!outcome.ok)
        return await refuse({ reason: outcome.reason, identity, groups, userId: outcome.userId }, ctx);
      await sessions.pruneExpired(outcome.userId);
      return { ok: true, session: outcome.session, returnTo };
    } catch (error) {
      if (attempt === 1 && isUniqueViolation(error)) return signIn(mapped, returnTo, ctx, 2);
      throw error;
    }
  }

  async function complete(
    query: Record<string, unknown>,
    rawQuery: string,
    binding: string | undefined,
    ctx: LoginContext,
  ): Promise<CompleteResult> {
    const flow = await logins.consume(typeof query.state === 'string' ? query.state : undefined, binding);
    if (!flow.ok) return refuse({ reason: flow.reason }, ctx);
    let claims: Record<string, unknown>;
    try {
      claims = await client.exchange(rawQuery, flow.secrets);
    } catch (error) {
      if (!(error instanceof OidcProviderError)) throw error;
      log.warn({ err: error, issuer: oidc.issuer }, 'OIDC sign-in failed at the provider');
      return refuse({ reason: `provider_${error.kind}`, detail: error.message }, ctx);
    }
    const identity = identityOf(claims);
    const groups = groupsOf(claimAt(claims, oidc.roleClaim));
    const role = mappedRole(groups, oidc.roleMap);
    if (role === null)
      return refuse({ reason: 'no_mapped_group', identity, groups: groupsForAudit(groups) }, ctx);
    return signIn({ identity, role, groups: groupsForAudit(groups) }, flow.returnTo, ctx);
  }

  return { begin, complete };
}

export type OidcService = ReturnType<typeof createOidcService>;
