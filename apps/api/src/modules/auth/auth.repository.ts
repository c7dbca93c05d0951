// Every statement of sign-in: users looked up by email or by OIDC identity, the first admin's
// bootstrap, sessions, OIDC account links and role updates, and the authorization-code flows in
// progress (oidc_logins). Each method takes an optional transaction.
import type { Role } from '@egress/shared';

import type { Db, Prisma, Tx } from '../../platform/db.ts';

export type UserRow = Prisma.UserGetPayload<object>;
export type OidcLoginRow = Prisma.OidcLoginGetPayload<object>;

export function createAuthRepository(db: Db) {
  return {
    findUserByEmail(email: string, tx: Tx | Db = db): Promise<UserRow | null> {
      return tx.user.findUnique({ where: { email } });
    },

    findUserByOidc(issuer: string, subject: string, tx: Tx | Db = db): Promise<UserRow | null> {
      return tx.user.findFirst({ where: { oidcIssuer: issuer, oidcSubject: subject } });
    },

    countUsers: (tx: Tx | Db = db): Promise<number> => tx.user.count(),

    /** Held until the transaction ends: two replicas bootstrapping at once see each other's admin. */
    async lockUsersTable(tx: Tx): Promise<void> {
      await tx.$executeRaw`LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`;
    },

    insertUser(data: Prisma.UserCreateInput, tx: Tx | Db = db): Promise<UserRow> {
      return tx.user.create({ data });
    },

    /** Sets the role only if it is still `from`; false when a concurrent sign-in changed it first. */
    async setRoleIfUnchanged(userId: string, from: Role, to: Role, tx: Tx | Db = db): Promise<boolean> {
      const { count } = await tx.user.updateMany({ where: { id: userId, role: from }, data: { role: to } });
      return count > 0;
    },

    async linkOidc(userId: string, issuer: string, subject: string, tx: Tx | Db = db): Promise<void> {
      await tx.user.update({ where: { id: userId }, data: { oidcIssuer: issuer, oidcSubject: subject } });
    },

    insertSession(data: Prisma.SessionUncheckedCreateInput, tx: Tx | Db = db): Promise<{ id: string }> {
      return tx.session.create({ data, select: { id: true } });
    },

    async deleteSession(id: string, tx: Tx | Db = db): Promise<void> {
      await tx.session.deleteMany({ where: { id } });
    },

    async deleteExpiredSessions(userId: string, now: Date, tx: Tx | Db = db): Promise<void> {
      await tx.session.deleteMany({ where: { userId, expiresAt: { lt: now } } });
    },

    async deleteExpiredLogins(now: Date, tx: Tx | Db = db): Promise<void> {
      await tx.oidcLogin.deleteMany({ where: { expiresAt: { lt: now } } });
    },

    async insertLogin(data: Prisma.OidcLoginCreateInput, tx: Tx | Db = db): Promise<void> {
      await tx.oidcLogin.create({ data });
    },

    findLogin(stateHash: string, tx: Tx | Db = db): Promise<OidcLoginRow | null> {
      return tx.oidcLogin.findUnique({ where: { stateHash } });
    },

    /** False when no row was there to delete (another callback consumed it). */
    async deleteLogin(stateHash: string, tx: Tx | Db = db): Promise<boolean> {
      const { count } = await tx.oidcLogin.deleteMany({ where: { stateHash } });
      return count > 0;
    },
  };
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;
