// The requester's decision notifications (issue 18) read from the audit log: every decision row on a
// grant the user requested, made by someone else (or the system). The audit log is the record of
// decisions already; a second table would be a copy that could disagree with it.
import { type Db, Prisma, type Tx } from '../../platform/db.ts';

const sql = Prisma.sql;

/** The audit actions that are decisions on a request or grant (its requester's own are left out). */
export const DECISION_ACTIONS = [
  'grant.approved',
  'grant.rejected',
  'grant.revoked',
  'grant.expired',
  'grant.cancelled',
  'grant.renewed',
] as const;

export interface DecisionRow {
  id: string;
  at: Date;
  action: string;
  actor: string;
  grant_id: string;
  after: unknown;
}

function decisionsOf(userId: string): Prisma.Sql {
  const actions = Prisma.join(DECISION_ACTIONS.map((a) => sql`${a}`));
  return sql`FROM grants g
    JOIN audit_events a ON a.target_type = 'grant' AND a.target_id = g.id::text
    WHERE g.requested_by_id = ${userId}::uuid AND a.action IN (${actions})
      AND a.actor_id IS DISTINCT FROM ${userId}`;
}

export function createNotificationsRepository(db: Db) {
  return {
    /** The newest decisions on the user's requests, newest first. */
    decisions(userId: string, limit: number, tx: Tx | Db = db): Promise<DecisionRow[]> {
      return tx.$queryRaw<DecisionRow[]>`
        SELECT a.id, a.at, a.action, a.actor, g.id AS grant_id, a.after
        ${decisionsOf(userId)}
        ORDER BY a.seq DESC LIMIT ${limit}`;
    },

    /** How many decisions came after `since` (counted up to `cap`). */
    async countAfter(userId: string, since: Date | null, cap: number, tx: Tx | Db = db): Promise<number> {
      const after = since ? sql`AND a.at > ${since}` : sql``;
      const rows = await tx.$queryRaw<{ n: bigint }[]>`
        SELECT count(*) AS n FROM (SELECT 1 ${decisionsOf(userId)} ${after} LIMIT ${cap}) t`;
      return Number(rows[0]?.n ?? 0);
    },

    async seenAt(userId: string, tx: Tx | Db = db): Promise<Date | null> {
      const user = await tx.user.findUnique({ where: { id: userId }, select: { notificationsSeenAt: true } });
      return user?.notificationsSeenAt ?? null;
    },

    /** Moves the user's mark forward to `at` (never back: two tabs marking at once keep the later). */
    async markSeen(userId: string, at: Date, tx: Tx | Db = db): Promise<void> {
      await tx.$executeRaw`UPDATE users
        SET notifications_seen_at = GREATEST(COALESCE(notifications_seen_at, ${at}), ${at})
        WHERE id = ${userId}::uuid`;
    },
  };
}

export type NotificationsRepository = ReturnType<typeof createNotificationsRepository>;
