import type { Grant as GrantDto, GrantState } from '@egress/shared';

import type { Db, Prisma, Tx } from '../../platform/db.ts';
import { join, selectGrants, sql, toGrantDto, toRecord, type GrantRecord } from './grants.sql.ts';
import { keysetSql, toPage, type Page } from '../../platform/pagination.ts';

export interface GrantFilter {
  state?: GrantState | undefined;
  service?: string | undefined;
  destination?: string | undefined;
  requestedBy?: string | undefined;
}

function where(f: GrantFilter): Prisma.Sql {
  const parts: Prisma.Sql[] = [sql`TRUE`];
  if (f.state) parts.push(sql`g.state = ${f.state}::"GrantState"`);
  // Names and hosts are unique among live rows only: filters mean the live service or destination.
  if (f.service) parts.push(sql`g.service_id IN (SELECT id FROM services WHERE name = ${f.service} AND deleted_at IS NULL)`);
  if (f.destination === '*') parts.push(sql`g.destination_id IS NULL`);
  else if (f.destination) parts.push(sql`g.destination_id IN (SELECT id FROM destinations WHERE host = ${f.destination.toLowerCase()} AND deleted_at IS NULL)`);
  if (f.requestedBy) parts.push(sql`g.requested_by_id IN (SELECT id FROM users WHERE email = ${f.requestedBy.toLowerCase()})`);
  return join(parts, ' AND ');
}

export function createGrantsRepository(db: Db) {
  return {
    async findById(tx: Tx | Db, id: string): Promise<GrantRecord | null> {
      const rows = await selectGrants(tx, sql`g.id = ${id}::uuid`, sql`g.id`, 1);
      return rows[0] ? toRecord(rows[0]) : null;
    },

    /** Locks the grant row until the transaction ends; false when it does not exist. */
    async lock(tx: Tx, id: string): Promise<boolean> {
      const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM grants WHERE id = ${id}::uuid FOR UPDATE`;
      return rows.length === 1;
    },

    /** Keyset pagination on (requested_at, id) as a row comparison, so deep pages stay index range scans. */
    async list(filter: GrantFilter, limit: number, cursor: string | undefined, order: 'asc' | 'desc' = 'desc'): Promise<Page<GrantDto>> {
      const conditions = [where(filter), keysetSql(sql`g.requested_at, g.id`, cursor, order, (k, id) => sql`${new Date(k)}::timestamptz, ${id}::uuid`)];
      const orderBy = order === 'desc' ? sql`g.requested_at DESC, g.id DESC` : sql`g.requested_at ASC, g.id ASC`;
      const rows = await selectGrants(db, join(conditions, ' AND '), orderBy, limit + 1);
      return toPage(rows.map(toRecord), limit, toGrantDto, (r) => [r.requestedAt, r.id]);
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
