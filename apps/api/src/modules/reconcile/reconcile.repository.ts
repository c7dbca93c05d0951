// The HTTP side's reads of reconcile runs (the engine's own statements on them are in
// reconcile/run-queue.ts). Each method takes an optional transaction.
import type { Db, Prisma, Tx } from '../../platform/db.ts';
import { keysetWhere } from '../../platform/pagination.ts';

export type RunRow = Prisma.ReconcileRunGetPayload<object>;

export function createReconcileRepository(db: Db) {
  return {
    /** The latest finished run that applied (not a dry run). */
    lastFinished(tx: Tx | Db = db): Promise<RunRow | null> {
      return tx.reconcileRun.findFirst({
        where: { dryRun: false, status: { in: ['succeeded', 'failed'] } },
        orderBy: [{ finishedAt: 'desc' }, { id: 'desc' }],
      });
    },

    /** One keyset page, newest first (limit + 1 rows, for toPage). */
    list(
      status: string | undefined,
      limit: number,
      cursor: string | undefined,
      tx: Tx | Db = db,
    ): Promise<RunRow[]> {
      const where: Prisma.ReconcileRunWhereInput = {
        ...(status ? { status } : {}),
        ...keysetWhere('startedAt', cursor, 'desc', (k) => new Date(k)),
      };
      return tx.reconcileRun.findMany({
        where,
        orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
        take: limit + 1,
      });
    },

    findById(id: string, tx: Tx | Db = db): Promise<RunRow | null> {
      return tx.reconcileRun.findUnique({ where: { id } });
    },
  };
}

export type ReconcileRepository = ReturnType<typeof createReconcileRepository>;
