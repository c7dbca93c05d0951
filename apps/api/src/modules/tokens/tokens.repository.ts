// Every statement on API tokens (read with the owner's email). Each method takes an optional transaction.
import type { Role } from '@egress/shared';

import type { Db, Prisma, Tx } from '../../platform/db.ts';
import { keysetWhere } from '../../platform/pagination.ts';

const INCLUDE = { user: { select: { email: true } } } as const;
export type TokenRow = Prisma.ApiTokenGetPayload<{ include: typeof INCLUDE }>;

export interface TokenFilter {
  /** Only this user's tokens; all users' when undefined. */
  userId?: string | undefined;
  /** Only tokens with one of these roles. */
  roles?: Role[] | undefined;
  /** Leave out tokens holding any of these scopes. */
  withoutScopes?: string[] | undefined;
}

export function createTokensRepository(db: Db) {
  return {
    insert(data: Prisma.ApiTokenUncheckedCreateInput, tx: Tx | Db = db): Promise<TokenRow> {
      return tx.apiToken.create({ data, include: INCLUDE });
    },

    findLive(id: string, tx: Tx | Db = db): Promise<TokenRow | null> {
      return tx.apiToken.findFirst({ where: { id, revokedAt: null }, include: INCLUDE });
    },

    async markRevoked(id: string, at: Date, tx: Tx | Db = db): Promise<void> {
      await tx.apiToken.update({ where: { id }, data: { revokedAt: at } });
    },

    /** One keyset page of unrevoked tokens, newest first (limit + 1 rows, for toPage). */
    list(f: TokenFilter, limit: number, cursor: string | undefined, tx: Tx | Db = db): Promise<TokenRow[]> {
      const where: Prisma.ApiTokenWhereInput = {
        revokedAt: null,
        ...keysetWhere('createdAt', cursor, 'desc', (k) => new Date(k)),
      };
      if (f.userId !== undefined) where.userId = f.userId;
      if (f.roles !== undefined) where.role = { in: f.roles };
      if (f.withoutScopes !== undefined && f.withoutScopes.length > 0)
        where.NOT = { scopes: { hasSome: f.withoutScopes } };
      return tx.apiToken.findMany({
        where,
        include: INCLUDE,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit + 1,
      });
    },
  };
}

export type TokensRepository = ReturnType<typeof createTokensRepository>;
