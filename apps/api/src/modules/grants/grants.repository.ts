import type { Grant as GrantDto, GrantState } from '@egress/shared';

import type { Db, Prisma, Tx } from '../../platform/db.ts';
import { decodeCursor, toPage, type Page } from '../../platform/pagination.ts';

export const GRANT_INCLUDE = {
  service: { select: { name: true } },
  destination: { select: { host: true } },
  requestedBy: { select: { email: true } },
  decidedBy: { select: { email: true } },
  approvals: { orderBy: { at: 'asc' }, include: { approver: { select: { email: true } } } },
} as const satisfies Prisma.GrantInclude;

export type GrantRow = Prisma.GrantGetPayload<{ include: typeof GRANT_INCLUDE }>;

export function toGrantDto(g: GrantRow): GrantDto {
  return {
    id: g.id,
    service: g.service.name,
    serviceId: g.serviceId,
    destination: g.destination?.host ?? null,
    destinationId: g.destinationId,
    port: g.port,
    state: g.state,
    justification: g.justification,
    requestedBy: g.requestedBy.email,
    requestedAt: g.requestedAt.toISOString(),
    expiresAt: g.expiresAt?.toISOString() ?? null,
    approvals: g.approvals.map((a) => ({ approver: a.approver.email, at: a.at.toISOString(), comment: a.comment })),
    requiredApprovals: g.requiredApprovals,
    decidedAt: g.decidedAt?.toISOString() ?? null,
    decidedBy: g.decidedBy?.email ?? (g.decidedAt ? 'system' : null),
    reason: g.reason,
  };
}

export interface GrantFilter {
  state?: GrantState | undefined;
  service?: string | undefined;
  destination?: string | undefined;
  requestedBy?: string | undefined;
}

function where(f: GrantFilter): Prisma.GrantWhereInput {
  const w: Prisma.GrantWhereInput = {};
  if (f.state) w.state = f.state;
  // Names and hosts are unique among live rows only: filters mean the live service or destination.
  if (f.service) w.service = { name: f.service, deletedAt: null };
  if (f.destination === '*') w.destinationId = null;
  else if (f.destination) w.destination = { host: f.destination.toLowerCase(), deletedAt: null };
  if (f.requestedBy) w.requestedBy = { email: f.requestedBy.toLowerCase() };
  return w;
}

export function createGrantsRepository(db: Db) {
  return {
    findById(tx: Tx | Db, id: string): Promise<GrantRow | null> {
      return tx.grant.findUnique({ where: { id }, include: GRANT_INCLUDE });
    },

    /** Locks the grant row until the transaction ends; false when it does not exist. */
    async lock(tx: Tx, id: string): Promise<boolean> {
      const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM grants WHERE id = ${id}::uuid FOR UPDATE`;
      return rows.length === 1;
    },

    async list(filter: GrantFilter, limit: number, cursor: string | undefined, order: 'asc' | 'desc' = 'desc'): Promise<Page<GrantDto>> {
      const after = decodeCursor(cursor);
      const base = where(filter);
      const beyond = order === 'desc' ? 'lt' : 'gt';
      const keyset: Prisma.GrantWhereInput | undefined = after
        ? {
            OR: [
              { requestedAt: { [beyond]: new Date(after.key) } },
              { requestedAt: new Date(after.key), id: { [beyond]: after.id } },
            ],
          }
        : undefined;
      const rows = await db.grant.findMany({
        where: keyset ? { AND: [base, keyset] } : base,
        include: GRANT_INCLUDE,
        orderBy: [{ requestedAt: order }, { id: order }],
        take: limit + 1,
      });
      return toPage(rows, limit, toGrantDto, (r) => [r.requestedAt.toISOString(), r.id]);
    },

    findExpirable(now: Date, limit: number): Promise<{ id: string }[]> {
      return db.grant.findMany({
        where: { state: { in: ['active', 'pending'] }, expiresAt: { lte: now } },
        select: { id: true },
        orderBy: { expiresAt: 'asc' },
        take: limit,
      });
    },
  };
}

export type GrantsRepository = ReturnType<typeof createGrantsRepository>;
