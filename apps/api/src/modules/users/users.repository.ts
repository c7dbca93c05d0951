// Every statement on users, and the sign-out of a user's sessions that a user change may need. Each
// method takes an optional transaction.
import type { Db, Prisma, Tx } from '../../platform/db.ts';
import { keysetWhere } from '../../platform/pagination.ts';

export type UserRow = Prisma.UserGetPayload<object>;

export function createUsersRepository(db: Db) {
  return {
    findById(id: string, tx: Tx | Db = db): Promise<UserRow | null> {
      return tx.user.findUnique({ where: { id } });
    },

    insert(data: Prisma.UserCreateInput, tx: Tx | Db = db): Promise<UserRow> {
      return tx.user.create({ data });
    },

    update(id: string, data: Prisma.UserUpdateInput, tx: Tx | Db = db): Promise<UserRow> {
      return tx.user.update({ where: { id }, data });
    },

    /** Enabled admins other than `exceptId`. */
    countOtherEnabledAdmins(exceptId: string, tx: Tx | Db = db): Promise<number> {
      return tx.user.count({ where: { role: 'admin', disabledAt: null, id: { not: exceptId } } });
    },

    /** Signs the user out everywhere. */
    async deleteSessions(userId: string, tx: Tx | Db = db): Promise<void> {
      await tx.session.deleteMany({ where: { userId } });
    },

    /** One keyset page by email (limit + 1 rows, for toPage). */
    list(limit: number, cursor: string | undefined, tx: Tx | Db = db): Promise<UserRow[]> {
      return tx.user.findMany({
        where: keysetWhere('email', cursor, 'asc', String),
        orderBy: [{ email: 'asc' }, { id: 'asc' }],
        take: limit + 1,
      });
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
