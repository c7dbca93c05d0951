// Every statement on destinations and their ports, plus the grant counts and updates a destination change
// needs (a removed port still granted, a destination that becomes sensitive). Each method takes an
// optional transaction.
import type { Db, Prisma, Tx } from '../../platform/db.ts';
import { keysetWhere } from '../../platform/pagination.ts';
import { readSettings } from '../../platform/settings.ts';

const INCLUDE = {
  ports: { orderBy: [{ port: 'asc' }, { protocol: 'asc' }] },
  _count: { select: { grants: { where: { state: 'active' } } } },
} as const satisfies Prisma.DestinationInclude;
/** A live destination with its ports (sorted) and its number of active grants. */
export type DestinationRow = Prisma.DestinationGetPayload<{ include: typeof INCLUDE }>;

export interface NewDestination {
  host: string;
  gatewayName: string;
  sensitivity: DestinationRow['sensitivity'];
  description: string | null;
  minReplicas: number;
  maxReplicas: number;
  targetCPUUtilizationPercentage: number;
  mode: DestinationRow['mode'];
  ports: { port: number; protocol: DestinationRow['ports'][number]['protocol'] }[];
}

export interface DestinationFilter {
  sensitivity?: DestinationRow['sensitivity'] | undefined;
  /** Substring of the host, lower-cased by the caller. */
  q?: string | undefined;
  /** Exact host, normalised by the caller. */
  host?: string | undefined;
}

export function createDestinationsRepository(db: Db) {
  return {
    /** The stored settings (newDestinationMode: the mode a destination registered without one starts in). */
    settings: (tx: Tx | Db = db) => readSettings(tx),

    findLive(id: string, tx: Tx | Db = db): Promise<DestinationRow | null> {
      return tx.destination.findFirst({ where: { id, deletedAt: null }, include: INCLUDE });
    },

    findLiveByGatewayName(gatewayName: string, tx: Tx | Db = db) {
      return tx.destination.findFirst({ where: { gatewayName, deletedAt: null } });
    },

    insert(d: NewDestination, tx: Tx | Db = db): Promise<DestinationRow> {
      const { ports, ...data } = d;
      return tx.destination.create({
        data: { ...data, ports: { create: ports.map((p) => ({ port: p.port, protocol: p.protocol })) } },
        include: INCLUDE,
      });
    },

    /** Updates the row; `ports`, when given, replaces every port. */
    async update(
      id: string,
      data: Omit<Prisma.DestinationUpdateInput, 'ports'>,
      ports: NewDestination['ports'] | undefined,
      tx: Tx | Db = db,
    ): Promise<void> {
      const input: Prisma.DestinationUpdateInput = { ...data };
      if (ports !== undefined) {
        await tx.destinationPort.deleteMany({ where: { destinationId: id } });
        input.ports = { create: ports.map((p) => ({ port: p.port, protocol: p.protocol })) };
      }
      await tx.destination.update({ where: { id }, data: input });
    },

    async markDeleted(id: string, at: Date, tx: Tx | Db = db): Promise<void> {
      await tx.destination.update({ where: { id }, data: { deletedAt: at } });
    },

    /** Pending requests on the destination now need `required` approvals. */
    async raisePendingApprovals(destinationId: string, required: number, tx: Tx | Db = db): Promise<void> {
      await tx.grant.updateMany({
        where: { destinationId, state: 'pending' },
        data: { requiredApprovals: required },
      });
    },

    countOpenGrantsOnPorts(destinationId: string, ports: number[], tx: Tx | Db = db): Promise<number> {
      return tx.grant.count({
        where: { destinationId, state: { in: ['pending', 'active'] }, port: { in: ports } },
      });
    },

    countActiveGrants(destinationId: string, tx: Tx | Db = db): Promise<number> {
      return tx.grant.count({ where: { destinationId, state: 'active' } });
    },

    /** One keyset page by host (limit + 1 rows, for toPage). */
    list(
      f: DestinationFilter,
      limit: number,
      cursor: string | undefined,
      tx: Tx | Db = db,
    ): Promise<DestinationRow[]> {
      const where: Prisma.DestinationWhereInput = {
        deletedAt: null,
        ...keysetWhere('host', cursor, 'asc', String),
      };
      if (f.sensitivity) where.sensitivity = f.sensitivity;
      if (f.q) where.host = { contains: f.q };
      if (f.host !== undefined) where.AND = [{ host: f.host }];
      return tx.destination.findMany({
        where,
        include: INCLUDE,
        orderBy: [{ host: 'asc' }, { id: 'asc' }],
        take: limit + 1,
      });
    },
  };
}

export type DestinationsRepository = ReturnType<typeof createDestinationsRepository>;
