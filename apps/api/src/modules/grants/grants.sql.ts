// Grants are read with one SQL statement (joins plus a JSON aggregate of approvals) instead of an ORM
// include, which costs seven statements and most of a request's CPU in Prisma's query compiler: the list
// and the approval paths are the API's hottest (bench/api).
import type { Grant as GrantDto, GrantState, Sensitivity } from '@egress/shared';

import { Prisma, type Db, type Tx } from '../../platform/db.ts';

/** A grant as the API returns it, plus what the state machine needs to decide on it. */
export interface GrantRecord extends GrantDto {
  requestedById: string;
  approverIds: string[];
}

interface Row {
  id: string;
  service_id: string;
  service: string;
  service_namespace: string;
  destination_id: string | null;
  destination: string | null;
  destination_sensitivity: Sensitivity | null;
  port: number;
  state: GrantState;
  justification: string;
  requested_by_id: string;
  requested_by: string;
  requested_at: Date;
  expires_at: Date | null;
  required_approvals: number;
  decided_at: Date | null;
  decided_by: string | null;
  reason: string | null;
  approvals: { approverId: string; approver: string; at: string; comment: string | null }[];
}

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

export function toRecord(r: Row): GrantRecord {
  return {
    id: r.id,
    service: r.service,
    serviceId: r.service_id,
    serviceNamespace: r.service_namespace,
    destination: r.destination,
    destinationId: r.destination_id,
    destinationSensitivity: r.destination_sensitivity,
    port: r.port,
    state: r.state,
    justification: r.justification,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at.toISOString(),
    expiresAt: iso(r.expires_at),
    approvals: r.approvals.map((a) => ({ approver: a.approver, at: new Date(a.at).toISOString(), comment: a.comment })),
    requiredApprovals: r.required_approvals,
    decidedAt: iso(r.decided_at),
    decidedBy: r.decided_by ?? (r.decided_at ? 'system' : null),
    reason: r.reason,
    requestedById: r.requested_by_id,
    approverIds: r.approvals.map((a) => a.approverId),
  };
}

/** The public shape (drops the internal fields). */
export function toGrantDto(r: GrantRecord): GrantDto {
  const { requestedById: _r, approverIds: _a, ...dto } = r;
  return dto;
}

/**
 * `where` and `order` may refer to the grants table only (alias g): the page is cut from grants alone,
 * along an index, and only its rows are joined to names and approvals.
 */
export function selectGrants(tx: Tx | Db, where: Prisma.Sql, order: Prisma.Sql, limit: number): Promise<Row[]> {
  return tx.$queryRaw<Row[]>`
    WITH page AS (SELECT g.* FROM grants g WHERE ${where} ORDER BY ${order} LIMIT ${limit})
    SELECT g.id, g.service_id, s.name AS service, s.namespace AS service_namespace, g.destination_id,
           d.host AS destination, d.sensitivity::text AS destination_sensitivity, g.port,
           g.state::text AS state, g.justification, g.requested_by_id, ru.email AS requested_by, g.requested_at,
           g.expires_at, g.required_approvals, g.decided_at, du.email AS decided_by, g.reason,
           COALESCE((SELECT json_agg(json_build_object('approverId', a.approver_id, 'approver', au.email, 'at', a.at, 'comment', a.comment) ORDER BY a.at, a.id)
                     FROM grant_approvals a JOIN users au ON au.id = a.approver_id WHERE a.grant_id = g.id), '[]'::json) AS approvals
    FROM page g
    JOIN services s ON s.id = g.service_id
    LEFT JOIN destinations d ON d.id = g.destination_id
    JOIN users ru ON ru.id = g.requested_by_id
    LEFT JOIN users du ON du.id = g.decided_by_id
    ORDER BY ${order}`;
}

export const sql = Prisma.sql;
export const join = Prisma.join;
export const empty = Prisma.empty;
