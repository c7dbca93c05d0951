// Every statement explain makes besides the compiler snapshot (the engine's desired-state.ts reads that):
// the two an answer reads (with the audit chain's head), as plain SQL because through the ORM they were
// five statements and most of a question's CPU time (bench/explain), and the two the kept compiled state
// checks itself against. Each method takes an optional transaction.
import type { Db, Tx } from '../../platform/db.ts';

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

/**
 * The live service named `name` (null if none) and the audit chain's last seq, in one statement: the
 * head tells the kept compiled state whether a change was committed since it was read (desired-cache.ts).
 */
async function serviceNamed(
  db: Tx | Db,
  name: string,
): Promise<{ service: ServiceRow | null; head: bigint }> {
  const rows = await db.$queryRaw<(Partial<ServiceRow> & { head: bigint | null })[]>`
    SELECT (SELECT seq FROM audit_events ORDER BY seq DESC LIMIT 1) AS head,
           s.id::text, s.name, s.namespace, s.selector, s.service_account AS "serviceAccount"
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (SELECT * FROM services WHERE name = ${name} AND deleted_at IS NULL LIMIT 1) s ON TRUE`;
  const { head, ...service } = rows[0] ?? { head: null };
  return { service: service.id ? (service as ServiceRow) : null, head: head ?? 0n };
}

/**
 * The service's grants on the port, to the destination (none when the host is not registered) and
 * port-wide: each pending and active one, newest first, then the most recent other one (rejected,
 * revoked, expired...) to say why.
 */
async function grantsOf(
  db: Tx | Db,
  serviceId: string,
  destinationId: string | null,
  port: number,
): Promise<{ hostGrants: GrantRow[]; portWide: GrantRow[] }> {
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
  return {
    hostGrants: rows.filter((g) => g.destinationId !== null),
    portWide: rows.filter((g) => g.destinationId === null),
  };
}

export function createExplainRepository(db: Db) {
  return {
    serviceNamed: (name: string, tx: Tx | Db = db) => serviceNamed(tx, name),
    grantsOf: (serviceId: string, destinationId: string | null, port: number, tx: Tx | Db = db) =>
      grantsOf(tx, serviceId, destinationId, port),

    /** The audit chain's last seq (0 when empty). */
    async auditHead(tx: Tx | Db = db): Promise<bigint> {
      const [row] = await tx.$queryRaw<
        { seq: bigint }[]
      >`SELECT seq FROM audit_events ORDER BY seq DESC LIMIT 1`;
      return row?.seq ?? 0n;
    },

    /** When the earliest active grant still to expire after `now` expires; null when none will. */
    async nextExpiry(now: Date, tx: Tx | Db = db): Promise<Date | null> {
      const [next] = await tx.$queryRaw<
        { at: Date | null }[]
      >`SELECT min(expires_at) AS at FROM grants WHERE state = 'active' AND expires_at > ${now}`;
      return next?.at ?? null;
    },
  };
}

export type ExplainRepository = ReturnType<typeof createExplainRepository>;
