import type { AuditEvent as AuditEventDto, AuditListQuerySchema } from '@egress/shared';
import type { z } from 'zod';

import type { AuditLog } from '../../platform/audit.ts';
import { type Page, toPage } from '../../platform/pagination.ts';
import type { AuditFilter, AuditRepository, AuditRow as Row } from './audit.repository.ts';
import { withTargetNames } from './audit.target-names.ts';

type ListQuery = z.output<typeof AuditListQuerySchema>;

export function toAuditDto(e: Row): AuditEventDto {
  return {
    seq: Number(e.seq),
    id: e.id,
    at: e.at.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    actor: e.actor,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    before: e.before ?? null,
    after: e.after ?? null,
    requestId: e.requestId,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

function filterOf(q: ListQuery): AuditFilter {
  return {
    actor: q.actor ? q.actor.toLowerCase() : undefined,
    action: q.action,
    targetType: q.targetType,
    targetId: q.targetId,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
  };
}

// actorId and prevHash come last (added later): with them an export can be verified offline (egressctl audit verify).
const CSV_COLUMNS = [
  'seq',
  'at',
  'actorType',
  'actor',
  'action',
  'targetType',
  'targetId',
  'requestId',
  'before',
  'after',
  'hash',
  'actorId',
  'prevHash',
] as const;

function csvCell(value: unknown): string {
  const s =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // Quote everything that needs it, and neutralise spreadsheet formulas (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsvLine(e: AuditEventDto): string {
  return CSV_COLUMNS.map((c) => csvCell(e[c])).join(',');
}

export const CSV_HEADER = CSV_COLUMNS.join(',');

export function createAuditService({ repo, audit }: { repo: AuditRepository; audit: AuditLog }) {
  async function list(q: ListQuery): Promise<Page<AuditEventDto>> {
    const rows = await repo.list(filterOf(q), q.limit, q.cursor);
    const page = toPage(rows, q.limit, toAuditDto, (r) => [Number(r.seq), r.id]);
    return { ...page, items: await withTargetNames(repo, page.items) };
  }

  /** Every matching event, newest first, in batches: the CSV export is not limited to one page. */
  async function* all(q: ListQuery): AsyncGenerator<AuditEventDto> {
    let cursor: bigint | null = null;
    const filter = filterOf(q);
    for (;;) {
      const rows: Row[] = await repo.batchBefore(filter, cursor, 1000);
      if (rows.length === 0) return;
      for (const r of rows) yield toAuditDto(r);
      cursor = rows[rows.length - 1]?.seq ?? null;
    }
  }

  return { list, all, verify: () => audit.verify() };
}

export type AuditService = ReturnType<typeof createAuditService>;
