// Every statement on grants. Grants are read with one SQL statement (joins plus a JSON aggregate of
// approvals) instead of an ORM include, which costs seven statements and most of a request's CPU in
// Prisma's query compiler: the list and the approval paths are the API's hottest (bench/api). The
// decision path writes with SQL for the same reason. Each method takes an optional transaction.
import type { Grant as GrantDto, GrantState, ProposedDestinationView, Sensitivity } from '@egress/shared';

import { type Db, Prisma, type Tx } from '../../platform/db.ts';
import { keysetSql, type Page, toPage } from '../../platform/pagination.ts';
import {
  createGrantUsageRepository,
  unusedSql,
  type UsageColumns,
  usageFromColumns,
  usageJoinSql,
} from './grants-usage.repository.ts';

const sql = Prisma.sql;

export interface GrantFilter {
  state?: GrantState | undefined;
  service?: string | undefined;
  destination?: string | undefined;
  requestedBy?: string | undefined;
  sensitivity?: Sensitivity | undefined;
  portWide?: 'true' | 'false' | undefined;
  team?: string | undefined;
  waitingOnMe?: 'true' | undefined;
  /** Active grants to a destination with no connection since then, and active since before then. */
  unusedSince?: Date | undefined;
}

/** Who lists: "waiting on me" means pending, not requested by this user, not yet approved by them. */
export interface ListViewer {
  userId: string;
}

export interface NewGrant {
  serviceId: string;
  destinationId: string | null;
  port: number;
  justification: string;
  requiredApprovals: number;
  requestedById: string;
  requestedAt: Date;
  expiresAt: Date | null;
  /** The API token that filed it (its name kept as it was), and the source a rules sync named. */
  requestTokenId?: string | null;
  requestTokenName?: string | null;
  sourceRepository?: string | null;
  sourceCommit?: string | null;
  durationSeconds: number | null;
  renewsGrantId: string | null;
  /** A request for an unregistered host: the host and what is proposed with it. */
  proposedHost: string | null;
  proposedDestination: Omit<ProposedDestinationView, 'host'> | null;
}

export interface GrantDecision {
  state: GrantState;
  at: Date;
  /** Null for the system (expiry). */
  decidedById: string | null;
  reason: string | null;
  /** Set when the decision activates the grant (expiry then counts from `at` when a duration was asked). */
  activation?: { expiresAt: Date | null } | undefined;
}

/** A grant as the API returns it, plus what the state machine needs to decide on it. */
export interface GrantRecord extends GrantDto {
  requestedById: string;
  approverIds: string[];
}

interface Row extends UsageColumns {
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
  request_token_name: string | null;
  source_repository: string | null;
  source_commit: string | null;
  service_team: string | null;
  requested_by_name: string;
  activated_at: Date | null;
  duration_seconds: number | null;
  renews_grant_id: string | null;
  pending_renewal_id: string | null;
  proposed_host: string | null;
  proposed_destination: Omit<ProposedDestinationView, 'host'> | null;
  approvals: { approverId: string; approver: string; at: string; comment: string | null }[];
}

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

function toRecord(r: Row): GrantRecord {
  return {
    id: r.id,
    service: r.service,
    serviceId: r.service_id,
    serviceNamespace: r.service_namespace,
    // A proposal names its host before the host is registered: never shown as port-wide (null).
    destination: r.destination ?? r.proposed_host,
    destinationId: r.destination_id,
    // A proposal is marked with the sensitivity proposed (what its approvals were counted from).
    destinationSensitivity: r.destination_sensitivity ?? r.proposed_destination?.sensitivity ?? null,
    port: r.port,
    state: r.state,
    justification: r.justification,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at.toISOString(),
    expiresAt: iso(r.expires_at),
    approvals: r.approvals.map((a) => ({
      approver: a.approver,
      at: new Date(a.at).toISOString(),
      comment: a.comment,
    })),
    requiredApprovals: r.required_approvals,
    decidedAt: iso(r.decided_at),
    decidedBy: r.decided_by ?? (r.decided_at ? 'system' : null),
    reason: r.reason,
    source:
      r.request_token_name === null && r.source_repository === null && r.source_commit === null
        ? null
        : { token: r.request_token_name, repository: r.source_repository, commit: r.source_commit },
    serviceTeam: r.service_team,
    requestedByName: r.requested_by_name,
    activatedAt: iso(r.activated_at),
    durationSeconds: r.duration_seconds,
    renewsGrantId: r.renews_grant_id,
    pendingRenewalId: r.pending_renewal_id,
    proposedDestination:
      r.proposed_host && r.proposed_destination ? { host: r.proposed_host, ...r.proposed_destination } : null,
    requestedById: r.requested_by_id,
    approverIds: r.approvals.map((a) => a.approverId),
    ...usageFromColumns(r),
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
function selectGrants(
  tx: Tx | Db,
  where: Prisma.Sql,
  order: Prisma.Sql,
  limit: number,
  usageAt: Date | null = null,
): Promise<Row[]> {
  const usage = usageAt ? usageJoinSql(usageAt) : { columns: sql``, join: sql`` };
  return tx.$queryRaw<Row[]>`
    WITH page AS (SELECT g.* FROM grants g WHERE ${where} ORDER BY ${order} LIMIT ${limit})
    SELECT g.id, g.service_id, s.name AS service, s.namespace AS service_namespace, g.destination_id,
           d.host AS destination, d.sensitivity::text AS destination_sensitivity, g.port,
           g.state::text AS state, g.justification, g.requested_by_id, ru.email AS requested_by, g.requested_at,
           g.expires_at, g.required_approvals, g.decided_at, du.email AS decided_by, g.reason,
           g.request_token_name, g.source_repository, g.source_commit,
           s.team AS service_team, ru.name AS requested_by_name, g.activated_at, g.duration_seconds,
           g.renews_grant_id, g.proposed_host, g.proposed_destination,
           (SELECT r.id FROM grants r WHERE r.renews_grant_id = g.id AND r.state = 'pending' LIMIT 1) AS pending_renewal_id,
           COALESCE((SELECT json_agg(json_build_object('approverId', a.approver_id, 'approver', au.email, 'at', a.at, 'comment', a.comment) ORDER BY a.at, a.id)
                     FROM grant_approvals a JOIN users au ON au.id = a.approver_id WHERE a.grant_id = g.id), '[]'::json) AS approvals
           ${usage.columns}
    FROM page g
    JOIN services s ON s.id = g.service_id
    LEFT JOIN destinations d ON d.id = g.destination_id
    JOIN users ru ON ru.id = g.requested_by_id
    LEFT JOIN users du ON du.id = g.decided_by_id
    ${usage.join}
    ORDER BY ${order}`;
}

/** The inbox's filters: sensitivity, port-wide, team and "waiting on me". */
function inboxParts(f: GrantFilter, viewer: ListViewer | null): Prisma.Sql[] {
  const parts: Prisma.Sql[] = [];
  if (f.sensitivity)
    parts.push(
      sql`g.destination_id IN (SELECT id FROM destinations WHERE sensitivity = ${f.sensitivity}::"Sensitivity")`,
    );
  // A request proposing an unregistered host has no destination yet, but is not port-wide.
  if (f.portWide === 'true') parts.push(sql`g.destination_id IS NULL AND g.proposed_host IS NULL`);
  if (f.portWide === 'false') parts.push(sql`(g.destination_id IS NOT NULL OR g.proposed_host IS NOT NULL)`);
  if (f.team) parts.push(sql`g.service_id IN (SELECT id FROM services WHERE team = ${f.team})`);
  if (f.waitingOnMe === 'true') {
    // Without a signed-in user nothing waits on "me".
    const me = viewer?.userId ?? '00000000-0000-0000-0000-000000000000';
    parts.push(sql`g.state = 'pending' AND g.requested_by_id <> ${me}::uuid
      AND NOT EXISTS (SELECT 1 FROM grant_approvals a WHERE a.grant_id = g.id AND a.approver_id = ${me}::uuid)`);
  }
  return parts;
}

function where(f: GrantFilter, viewer: ListViewer | null = null): Prisma.Sql {
  const parts: Prisma.Sql[] = [sql`TRUE`];
  if (f.state) parts.push(sql`g.state = ${f.state}::"GrantState"`);
  // Names and hosts are unique among live rows only: filters mean the live service or destination.
  if (f.service)
    parts.push(
      sql`g.service_id IN (SELECT id FROM services WHERE name = ${f.service} AND deleted_at IS NULL)`,
    );
  if (f.destination === '*') parts.push(sql`g.destination_id IS NULL AND g.proposed_host IS NULL`);
  else if (f.destination)
    parts.push(
      sql`g.destination_id IN (SELECT id FROM destinations WHERE host = ${f.destination.toLowerCase()} AND deleted_at IS NULL)`,
    );
  if (f.requestedBy)
    parts.push(sql`g.requested_by_id IN (SELECT id FROM users WHERE email = ${f.requestedBy.toLowerCase()})`);
  parts.push(...inboxParts(f, viewer));
  if (f.unusedSince) parts.push(unusedSql(f.unusedSince));
  return Prisma.join(parts, ' AND ');
}

export function createGrantsRepository(db: Db) {
  return {
    /** With `usageAt`, the grant carries its usage up to then. */
    async findById(id: string, tx: Tx | Db = db, usageAt: Date | null = null): Promise<GrantRecord | null> {
      const rows = await selectGrants(tx, sql`g.id = ${id}::uuid`, sql`g.id`, 1, usageAt);
      return rows[0] ? toRecord(rows[0]) : null;
    },

    /** Locks the grant row until the transaction ends; false when it does not exist. */
    async lock(id: string, tx: Tx): Promise<boolean> {
      const rows = await tx.$queryRaw<
        { id: string }[]
      >`SELECT id FROM grants WHERE id = ${id}::uuid FOR UPDATE`;
      return rows.length === 1;
    },

    /** Keyset pagination on (requested_at, id) as a row comparison, so deep pages stay index range scans. */
    async list(
      filter: GrantFilter,
      limit: number,
      cursor: string | undefined,
      order: 'asc' | 'desc' = 'desc',
      viewer: ListViewer | null = null,
      usageAt: Date | null = null,
    ): Promise<Page<GrantDto>> {
      const conditions = [
        where(filter, viewer),
        keysetSql(
          sql`g.requested_at, g.id`,
          cursor,
          order,
          (k, id) => sql`${new Date(k)}::timestamptz, ${id}::uuid`,
        ),
      ];
      const orderBy =
        order === 'desc' ? sql`g.requested_at DESC, g.id DESC` : sql`g.requested_at ASC, g.id ASC`;
      const rows = await selectGrants(db, Prisma.join(conditions, ' AND '), orderBy, limit + 1, usageAt);
      return toPage(rows.map(toRecord), limit, toGrantDto, (r) => [r.requestedAt, r.id]);
    },

    /** The service's grants other than `exceptId`, newest first (the review's history). */
    async ofService(
      serviceId: string,
      exceptId: string,
      limit: number,
      tx: Tx | Db = db,
    ): Promise<GrantDto[]> {
      const rows = await selectGrants(
        tx,
        sql`g.service_id = ${serviceId}::uuid AND g.id <> ${exceptId}::uuid`,
        sql`g.requested_at DESC, g.id DESC`,
        limit,
      );
      return rows.map((r) => toGrantDto(toRecord(r)));
    },

    /** Rejected requests for the same service, destination (null: port-wide) and port, newest first. */
    async rejectionsOf(
      g: { id: string; serviceId: string; destinationId: string | null; port: number },
      limit: number,
      tx: Tx | Db = db,
    ): Promise<GrantDto[]> {
      const dest =
        g.destinationId === null
          ? sql`g.destination_id IS NULL`
          : sql`g.destination_id = ${g.destinationId}::uuid`;
      const rows = await selectGrants(
        tx,
        sql`g.service_id = ${g.serviceId}::uuid AND ${dest} AND g.port = ${g.port} AND g.state = 'rejected' AND g.id <> ${g.id}::uuid`,
        sql`g.requested_at DESC, g.id DESC`,
        limit,
      );
      return rows.map((r) => toGrantDto(toRecord(r)));
    },

    ...createGrantUsageRepository(db),

    findExpirable(now: Date, limit: number, tx: Tx | Db = db): Promise<{ id: string }[]> {
      return tx.grant.findMany({
        where: { state: { in: ['active', 'pending'] }, expiresAt: { lte: now } },
        select: { id: true },
        orderBy: { expiresAt: 'asc' },
        take: limit,
      });
    },

    /** The pending and active grants of a service or a destination. */
    async findOpen(
      of: { serviceId: string } | { destinationId: string },
      tx: Tx | Db = db,
    ): Promise<GrantRecord[]> {
      const target =
        'serviceId' in of
          ? sql`g.service_id = ${of.serviceId}::uuid`
          : sql`g.destination_id = ${of.destinationId}::uuid`;
      return (
        await selectGrants(tx, sql`${target} AND g.state IN ('pending', 'active')`, sql`g.id`, 100_000)
      ).map(toRecord);
    },

    /** The live (not deleted) service of that name. */
    findLiveService(name: string, tx: Tx | Db = db) {
      return tx.service.findFirst({ where: { name, deletedAt: null } });
    },

    /** The live destination of that host, with its ports. */
    findLiveDestination(host: string, tx: Tx | Db = db) {
      return tx.destination.findFirst({ where: { host, deletedAt: null }, include: { ports: true } });
    },

    /** The name of an API token (recorded on the requests it files); null when it is gone. */
    async tokenName(id: string, tx: Tx | Db = db): Promise<string | null> {
      const token = await tx.apiToken.findUnique({ where: { id }, select: { name: true } });
      return token?.name ?? null;
    },

    /** Inserts a pending grant; a duplicate pending or active one is a unique violation. Returns its id. */
    async insert(grant: NewGrant, tx: Tx | Db = db): Promise<string> {
      const { proposedDestination, ...rest } = grant;
      const created = await tx.grant.create({
        data: { ...rest, ...(proposedDestination ? { proposedDestination } : {}) },
        select: { id: true },
      });
      return created.id;
    },

    /** Points a proposal at the destination its approval registered (or found registered). */
    async setDestination(grantId: string, destinationId: string, tx: Tx | Db = db): Promise<void> {
      await tx.$executeRaw`UPDATE grants SET destination_id = ${destinationId}::uuid WHERE id = ${grantId}::uuid`;
    },

    async addApproval(
      grantId: string,
      approval: { approverId: string; at: Date; comment: string | null },
      tx: Tx | Db = db,
    ): Promise<void> {
      await tx.$executeRaw`INSERT INTO grant_approvals (id, grant_id, approver_id, at, comment)
        VALUES (gen_random_uuid(), ${grantId}::uuid, ${approval.approverId}::uuid, ${approval.at}, ${approval.comment})`;
    },

    async decide(grantId: string, d: GrantDecision, tx: Tx | Db = db): Promise<void> {
      if (d.activation) {
        await tx.$executeRaw`UPDATE grants SET state = ${d.state}::"GrantState", decided_at = ${d.at},
          decided_by_id = ${d.decidedById}::uuid, reason = ${d.reason}, updated_at = ${d.at},
          activated_at = ${d.at}, expires_at = ${d.activation.expiresAt}
          WHERE id = ${grantId}::uuid`;
        return;
      }
      await tx.$executeRaw`UPDATE grants SET state = ${d.state}::"GrantState", decided_at = ${d.at},
        decided_by_id = ${d.decidedById}::uuid, reason = ${d.reason}, updated_at = ${d.at}
        WHERE id = ${grantId}::uuid`;
    },
  };
}

export type GrantsRepository = ReturnType<typeof createGrantsRepository>;
