// The coverage page's reads: the settings row and the live services' namespaces. Each method takes an
// optional transaction.
import type { Db, Tx } from '../../platform/db.ts';
import { readSettings } from '../../platform/settings.ts';

export function createCoverageRepository(db: Db) {
  return {
    settings: (tx: Tx | Db = db) => readSettings(tx),

    /** Live services, by name. */
    services(tx: Tx | Db = db): Promise<{ id: string; name: string; namespace: string }[]> {
      return tx.service.findMany({
        where: { deletedAt: null },
        select: { id: true, name: true, namespace: true },
        orderBy: { name: 'asc' },
      });
    },
  };
}

export type CoverageRepository = ReturnType<typeof createCoverageRepository>;
