// The two statements an explain answer reads besides the compiled state, as plain SQL: through the ORM
// they were five statements and most of a question's CPU time (bench/explain).
import type { Db } from '../../platform/db.ts';

export interface ServiceRow {
  id: string;
  name: string;
  namespace: string;
  selector: unknown;
  serviceAccount: string | null;
}

export interface GrantRow {
  id: string;
  destinationId: string | null;
  state: string;
  requiredApprovals: number;
  expiresAt: Date | null;
  /** How many approvals it holds. */
  approvals: number;
}

export async function serviceNamed(db: Db, name: string): Promise<ServiceRow | null> {
  const rows = await db.$queryRaw<ServiceRow[]>`
    SELECT id::text, name, namespace, selector, service_account AS "serviceAccount"
    FROM services WHERE name = ${name} AND deleted_at IS NULL LIMIT 1`;
  return rows[0] ?? null;
}

/**
 * The service's grants on the port, to the destination (none when the host is not registered) and
 * port-wide: each pending and active one, newest first, then the most recent other one (rejected,
 * revoked, expired...) to say why.
 */
export async function grantsOf(db: Db, serviceId: string, destinationId: string | null, port: number): Promise<{ hostGrants: GrantRow[]; portWide: GrantRow[] }> {
  const rows = await db.$queryRaw<GrantRow[]>`
    SELECT g.id::text, g.destination_id::text AS "destinationId", g.state::text AS state, g.required_approvals AS "requiredApprovals",
           g.expires_at AS "expiresAt", (SELECT count(*)::int FROM grant_approvals a WHERE a.grant_id = g.id) AS approvals
    FROM (
      SELECT g.*, g.state IN ('pending', 'active') AS open,
             row_number() OVER (PARTITION BY g.destination_id, g.state IN ('pending', 'active') ORDER BY g.requested_at DESC, g.id DESC) AS n
      FROM grants g
      WHERE g.service_id = ${serviceId}::uuid AND g.port = ${port} AND (g.destination_id = ${destinationId}::uuid OR g.destination_id IS NULL)
    ) g
    WHERE g.open OR g.n = 1
    ORDER BY g.open DESC, g.requested_at DESC, g.id DESC`;
  return { hostGrants: rows.filter((g) => g.destinationId !== null), portWide: rows.filter((g) => g.destinationId === null) };
}
