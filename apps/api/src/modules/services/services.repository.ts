// Every statement on services: the row lock and the per-namespace identity lock, the reads with the
// service's live grant states, and the lookups the rule-file sync needs. Each method takes an optional
// transaction.
import type { Db, Prisma, Tx } from '../../platform/db.ts';
import { keysetWhere } from '../../platform/pagination.ts';

const INCLUDE = {
  grants: { where: { state: { in: ['active', 'pending'] } }, select: { state: true } },
} as const satisfies Prisma.ServiceInclude;
/** A live service with the states of its pending and active grants. */
export type ServiceRow = Prisma.ServiceGetPayload<{ include: typeof INCLUDE }>;

export interface NewService {
  name: string;
  namespace: string;
  selector: Prisma.InputJsonValue;
  serviceAccount: string | null;
  team: string | null;
  description: string | null;
  createdById: string;
}

export interface ServiceFilter {
  namespace?: string | undefined;
  team?: string | undefined;
  /** Substring of the name, lower-cased by the caller. */
  q?: string | undefined;
}

export function createServicesRepository(db: Db) {
  return {
    /** Row lock on a live service; false when there is none. */
    async lock(id: string, tx: Tx): Promise<boolean> {
      const rows = await tx.$queryRaw<
        { id: string }[]
      >`SELECT id FROM services WHERE id = ${id}::uuid AND deleted_at IS NULL FOR UPDATE`;
      return rows.length > 0;
    },

    /** Serialises identity checks within one namespace until the transaction ends. */
    async lockNamespaceIdentity(namespace: string, tx: Tx): Promise<void> {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`egress-service-identity:${namespace}`}))`;
    },

    /** Live services of the namespace bound to a ServiceAccount other than `serviceAccount` (and not `exceptId`), by name. */
    findBoundOthers(namespace: string, serviceAccount: string, exceptId: string | null, tx: Tx | Db = db) {
      return tx.service.findMany({
        where: {
          namespace,
          deletedAt: null,
          serviceAccount: { not: null },
          NOT: [{ serviceAccount }, ...(exceptId ? [{ id: exceptId }] : [])],
        },
        select: { name: true, selector: true, serviceAccount: true },
        orderBy: { name: 'asc' },
      });
    },

    findLive(id: string, tx: Tx | Db = db): Promise<ServiceRow | null> {
      return tx.service.findFirst({ where: { id, deletedAt: null }, include: INCLUDE });
    },

    /** The live service's name, or null (the rule-file sync). */
    async findLiveName(id: string, tx: Tx | Db = db): Promise<string | null> {
      const row = await tx.service.findFirst({ where: { id, deletedAt: null }, select: { name: true } });
      return row?.name ?? null;
    },

    /** Whether a live destination has this host (the rule-file sync). */
    async destinationExists(host: string, tx: Tx | Db = db): Promise<boolean> {
      return (await tx.destination.count({ where: { host, deletedAt: null } })) > 0;
    },

    insert(s: NewService, tx: Tx | Db = db): Promise<ServiceRow> {
      return tx.service.create({ data: s, include: INCLUDE });
    },

    async update(id: string, data: Prisma.ServiceUpdateInput, tx: Tx | Db = db): Promise<void> {
      await tx.service.update({ where: { id }, data });
    },

    async markDeleted(id: string, at: Date, tx: Tx | Db = db): Promise<void> {
      await tx.service.update({ where: { id }, data: { deletedAt: at } });
    },

    /** One keyset page by name (limit + 1 rows, for toPage). */
    list(
      f: ServiceFilter,
      limit: number,
      cursor: string | undefined,
      tx: Tx | Db = db,
    ): Promise<ServiceRow[]> {
      const where: Prisma.ServiceWhereInput = {
        deletedAt: null,
        ...keysetWhere('name', cursor, 'asc', String),
      };
      if (f.namespace) where.namespace = f.namespace;
      if (f.team) where.team = f.team;
      if (f.q) where.name = { contains: f.q };
      return tx.service.findMany({
        where,
        include: INCLUDE,
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        take: limit + 1,
      });
    },
  };
}

export type ServicesRepository = ReturnType<typeof createServicesRepository>;
