import {
  can,
  type CreatedToken,
  type CreateTokenBodySchema,
  PERMISSIONS,
  type Role,
  roleAtLeast,
  ROLES,
  SCOPED_PERMISSIONS,
  type Token,
  type TokenScope,
} from '@egress/shared';
import type { z } from 'zod';

import type { Actor, AuditLog } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { forbidden, invalid, notFound } from '../../platform/errors.ts';
import { type RequestActor, TOKEN_PREFIX } from '../../platform/identity.ts';
import { type Page, toPage } from '../../platform/pagination.ts';
import { newSecret, sha256 } from '../../platform/secrets.ts';
import type { TokenFilter, TokenRow as Row, TokensRepository } from './tokens.repository.ts';

type Create = z.output<typeof CreateTokenBodySchema>;

function toTokenDto(t: Row): Token {
  return {
    id: t.id,
    name: t.name,
    role: t.role,
    scopes: t.scopes as TokenScope[],
    prefix: t.prefix,
    owner: t.user.email,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
  };
}

interface Ctx {
  user: RequestActor;
  actor: Actor;
  requestId: string;
}

/** The least role that may hold a token: its role, or for a scoped token the role its scopes need. */
function tokenRank(t: { role: Role; scopes: string[] }): Role {
  const needed = t.scopes.map((scope) => PERMISSIONS[scope as TokenScope]).filter(Boolean);
  return needed.reduce<Role>((top, r) => (roleAtLeast(r, top) ? r : top), t.role);
}

/**
 * A token acts within its role: it never sees, revokes or mints tokens above it (a viewer-limited token
 * must not delete its owner's approver token). A session may still clean up its own tokens.
 */
function withinTokenRole(user: RequestActor, t: { role: Role; scopes: string[] }): boolean {
  return user.kind !== 'token' || roleAtLeast(user.role, tokenRank(t));
}

export function createTokensService({
  db,
  repo,
  audit,
  clock,
}: {
  db: Db;
  repo: TokensRepository;
  audit: AuditLog;
  clock: Clock;
}) {
  /**
   * The role stored for the token. A scoped token acts only with its scopes (auth.plugin.ts), so its
   * role is never used: it is stored as the least role, so that nothing could ever read more into it.
   */
  function roleFor(body: Create, user: RequestActor): Role {
    if (body.scopes === undefined) {
      const role = body.role ?? user.role;
      // A token never acts above its creator: checked here, and again at every use (min of both roles).
      if (!roleAtLeast(user.role, role))
        throw forbidden(`a token cannot have a role above yours (${user.role})`);
      return role;
    }
    if (body.role !== undefined)
      throw invalid('body.role', 'must be left out for a scoped token: it acts only with its scopes');
    // Minting a scope needs the least role the role table names for it (flows.ingest: admin), checked
    // again at every use against the owner's current role (identity.ts).
    const refused = body.scopes.find((scope) => !roleAtLeast(user.role, PERMISSIONS[scope]));
    if (refused)
      throw forbidden(
        `a token with the ${refused} scope needs the ${PERMISSIONS[refused]} role; you act as ${user.role}`,
      );
    return 'viewer';
  }

  async function create(body: Create, ctx: Ctx): Promise<CreatedToken> {
    const role = roleFor(body, ctx.user);
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
    if (expiresAt && expiresAt <= clock.now()) throw invalid('body.expiresAt', 'must be in the future');
    const secret = newSecret(TOKEN_PREFIX);
    return db.$transaction(async (tx) => {
      const row = await repo.insert(
        {
          name: body.name,
          role,
          scopes: body.scopes ?? [],
          tokenHash: sha256(secret),
          prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
          userId: ctx.user.userId,
          expiresAt,
        },
        tx,
      );
      await audit.append(tx, {
        actor: ctx.actor,
        action: 'token.created',
        targetType: 'token',
        targetId: row.id,
        after: toTokenDto(row),
        requestId: ctx.requestId,
      });
      return {
        id: row.id,
        name: row.name,
        role: row.role,
        scopes: row.scopes as TokenScope[],
        expiresAt: row.expiresAt?.toISOString() ?? null,
        token: secret,
      };
    });
  }

  async function list(
    user: RequestActor,
    all: boolean,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<Token>> {
    if (all && !can(user.role, 'tokens.manageAll'))
      throw forbidden("listing every user's tokens needs the admin role");
    const filter: TokenFilter = {};
    if (!all) filter.userId = user.userId;
    if (user.kind === 'token') {
      filter.roles = ROLES.filter((r) => roleAtLeast(user.role, r));
      filter.withoutScopes = SCOPED_PERMISSIONS.filter(
        (scope) => !roleAtLeast(user.role, PERMISSIONS[scope]),
      );
    }
    const rows = await repo.list(filter, limit, cursor);
    return toPage(rows, limit, toTokenDto, (r) => [r.createdAt.toISOString(), r.id]);
  }

  async function revoke(id: string, ctx: Ctx): Promise<void> {
    await db.$transaction(async (tx) => {
      const row = await repo.findLive(id, tx);
      // Someone else's token is "not found" to a non-admin: no probing for token ids.
      if (!row || (row.userId !== ctx.user.userId && !can(ctx.user.role, 'tokens.manageAll')))
        throw notFound('token');
      if (!withinTokenRole(ctx.user, row))
        throw forbidden(
          `this API token acts as ${ctx.user.role} and cannot revoke a token above that role; sign in to revoke it`,
        );
      await repo.markRevoked(id, clock.now(), tx);
      await audit.append(tx, {
        actor: ctx.actor,
        action: 'token.revoked',
        targetType: 'token',
        targetId: id,
        before: toTokenDto(row),
        requestId: ctx.requestId,
      });
    });
  }

  return { create, list, revoke };
}

export type TokensService = ReturnType<typeof createTokensService>;
