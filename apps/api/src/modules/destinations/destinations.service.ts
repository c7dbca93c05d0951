import {
  can,
  type CreateDestinationBodySchema,
  type Destination as DestinationDto,
  type DestinationListQuerySchema,
  gatewayNameFor,
  parseHostname,
  type UpdateDestinationBodySchema,
} from '@egress/shared';
import type { z } from 'zod';

import type { Actor, AuditInput, AuditLog } from '../../platform/audit.ts';
import type { Changes } from '../../platform/changes.ts';
import type { Clock } from '../../platform/clock.ts';
import { type Db, isUniqueViolation, type Prisma, type Tx } from '../../platform/db.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import type { RequestActor } from '../../platform/identity.ts';
import { type Page, toPage } from '../../platform/pagination.ts';
import type { DestinationRow as Row, DestinationsRepository } from './destinations.repository.ts';

/**
 * Ends a deleted destination's pending and active grants inside its transaction and returns their audit
 * rows (the grants module's closeOpenGrants, passed in by app.ts: modules do not import each other).
 */
export type CloseDestinationGrants = (
  tx: Tx,
  where: { destinationId: string },
  ctx: { actor: Actor; userId: string; requestId: string; reason: string; now: Date },
) => Promise<AuditInput[]>;

type Create = z.output<typeof CreateDestinationBodySchema>;
type Update = z.output<typeof UpdateDestinationBodySchema>;
type ListQuery = z.output<typeof DestinationListQuerySchema>;

interface Ctx {
  actor: Actor;
  user: RequestActor;
  requestId: string;
}

/** Why a stored host would be refused today (registered before a rule was added), or null. */
function hostProblemOf(host: string): string | null {
  const parsed = parseHostname(host);
  return parsed.ok ? null : `the host ${parsed.error}`;
}

export function toDestinationDto(d: Row): DestinationDto {
  return {
    id: d.id,
    host: d.host,
    ports: d.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
    sensitivity: d.sensitivity,
    description: d.description,
    gateway: {
      minReplicas: d.minReplicas,
      maxReplicas: d.maxReplicas,
      targetCPUUtilizationPercentage: d.targetCPUUtilizationPercentage,
    },
    gatewayName: d.gatewayName,
    hostProblem: hostProblemOf(d.host),
    activeGrants: d._count.grants,
    mode: d.mode,
    createdAt: d.createdAt.toISOString(),
    updatedAt: d.updatedAt.toISOString(),
  };
}

/**
 * Observe mode opens the gateway to every pod of the cluster: a loosening of access. An engineer never
 * sets it (the route needs destinations.write); an approver may for a standard destination; a sensitive
 * one (whose grants need two approvers) only an admin, so one approver cannot open it alone.
 */
function checkObserveAllowed(user: RequestActor, sensitivity: Row['sensitivity']): void {
  if (sensitivity === 'sensitive' && !can(user.role, 'destinations.observeSensitive'))
    throw forbidden('observe mode on a sensitive destination needs the admin role');
  if (!can(user.role, 'destinations.observe')) throw forbidden('observe mode needs the approver role');
}

function checkReplicas(min: number, max: number): void {
  if (max < min) {
    throw new AppError('validation_failed', 'gateway.maxReplicas must be at least gateway.minReplicas', [
      { field: 'body.gateway.maxReplicas', message: `must be at least minReplicas (${min})` },
    ]);
  }
}

export function createDestinationsService(deps: {
  db: Db;
  repo: DestinationsRepository;
  audit: AuditLog;
  clock: Clock;
  changes: Changes;
  closeGrants: CloseDestinationGrants;
}) {
  const { db, repo, audit, clock, changes, closeGrants } = deps;
  async function load(tx: Tx | Db, id: string): Promise<Row> {
    const row = await repo.findLive(id, tx);
    if (!row) throw notFound('destination');
    return row;
  }

  /**
   * The mode a destination registered without one starts in: the setting, except that a sensitive
   * destination always starts in enforce (observe on it is an admin's explicit choice, never a default).
   */
  async function defaultModeFor(tx: Tx, sensitivity: Row['sensitivity']): Promise<Row['mode']> {
    if (sensitivity === 'sensitive') return 'enforce';
    return (await repo.settings(tx)).newDestinationMode;
  }

  /** Inserts the destination and its audit row inside the caller's transaction. */
  async function insertAudited(
    tx: Tx,
    body: Create,
    min: number,
    max: number,
    ctx: { actor: Actor; requestId: string | null },
  ): Promise<DestinationDto> {
    const gatewayName = gatewayNameFor(body.host);
    const mode = body.mode ?? (await defaultModeFor(tx, body.sensitivity));
    const clash = await repo.findLiveByGatewayName(gatewayName, tx);
    if (clash)
      throw new AppError('duplicate', `gateway name ${gatewayName} is already used by ${clash.host}`);
    const created = await repo.insert(
      {
        host: body.host,
        gatewayName,
        sensitivity: body.sensitivity,
        description: body.description ?? null,
        minReplicas: min,
        maxReplicas: max,
        targetCPUUtilizationPercentage: body.gateway?.targetCPUUtilizationPercentage ?? 70,
        mode,
        ports: body.ports,
      },
      tx,
    );
    const out = toDestinationDto(created);
    await audit.append(tx, {
      actor: ctx.actor,
      action: 'destination.created',
      targetType: 'destination',
      targetId: out.id,
      after: out,
      requestId: ctx.requestId,
    });
    return out;
  }

  /**
   * Registers a destination an approved request proposed (issue 18), inside the approval's transaction:
   * default gateway settings; the change is announced when the approval's own change is.
   */
  async function registerProposed(
    tx: Tx,
    proposal: {
      host: string;
      ports: { port: number; protocol: 'TCP' | 'UDP' }[];
      sensitivity: 'standard' | 'sensitive';
      description: string;
    },
    ctx: { actor: Actor; requestId: string | null },
  ): Promise<{ id: string }> {
    const body: Create = { ...proposal };
    const dto = await insertAudited(tx, body, 2, 5, ctx);
    return { id: dto.id };
  }

  async function create(body: Create, ctx: Ctx): Promise<DestinationDto> {
    const min = body.gateway?.minReplicas ?? 2;
    const max = body.gateway?.maxReplicas ?? Math.max(5, min);
    checkReplicas(min, max);
    if (body.mode === 'observe') checkObserveAllowed(ctx.user, body.sensitivity);
    try {
      const dto = await db.$transaction((tx) => insertAudited(tx, body, min, max, ctx));
      changes.desiredStateChanged(`destination ${dto.host} created`);
      return dto;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AppError('duplicate', `destination ${body.host} already exists`, [
          { field: 'body.host', message: 'is already registered' },
        ]);
      }
      throw error;
    }
  }

  async function applyUpdate(tx: Tx, current: Row, body: Update): Promise<void> {
    const min = body.gateway?.minReplicas ?? current.minReplicas;
    const max = body.gateway?.maxReplicas ?? current.maxReplicas;
    checkReplicas(min, max);
    const data: Omit<Prisma.DestinationUpdateInput, 'ports'> = { minReplicas: min, maxReplicas: max };
    if (body.gateway?.targetCPUUtilizationPercentage !== undefined)
      data.targetCPUUtilizationPercentage = body.gateway.targetCPUUtilizationPercentage;
    if (body.sensitivity !== undefined) data.sensitivity = body.sensitivity;
    if (body.description !== undefined) data.description = body.description;
    if (body.mode !== undefined) data.mode = body.mode;
    await repo.update(current.id, data, body.ports, tx);
    // A destination that becomes sensitive needs two approvals for requests still pending.
    if (body.sensitivity === 'sensitive') await repo.raisePendingApprovals(current.id, 2, tx);
  }

  /**
   * A change that leaves the destination in observe mode while making it observe or sensitive needs what
   * observe on the resulting sensitivity needs (checkObserveAllowed). Switching to enforce tightens: any
   * destinations.write holder may.
   */
  function checkModeChange(current: Row, body: Update, user: RequestActor): void {
    const mode = body.mode ?? current.mode;
    const sensitivity = body.sensitivity ?? current.sensitivity;
    if (mode !== 'observe') return;
    if (current.mode !== 'observe' || sensitivity !== current.sensitivity)
      checkObserveAllowed(user, sensitivity);
  }

  async function update(id: string, body: Update, ctx: Ctx): Promise<DestinationDto> {
    const dto = await db.$transaction(async (tx) => {
      const current = await load(tx, id);
      const removedPorts = body.ports
        ? current.ports.filter((p) => !body.ports?.some((n) => n.port === p.port)).map((p) => p.port)
        : [];
      if (removedPorts.length > 0) {
        const inUse = await repo.countOpenGrantsOnPorts(id, removedPorts, tx);
        if (inUse > 0)
          throw new AppError(
            'conflict',
            `ports ${removedPorts.join(', ')} still have pending or active grants; revoke them first`,
          );
      }
      // A host refused by today's rules keeps what it has, and gains nothing: no new ports.
      const problem = hostProblemOf(current.host);
      const addedPorts =
        body.ports?.filter(
          (n) => !current.ports.some((p) => p.port === n.port && p.protocol === n.protocol),
        ) ?? [];
      if (problem !== null && addedPorts.length > 0)
        throw new AppError(
          'conflict',
          `${problem}: a destination registered before that rule takes no new ports; register a public name instead`,
        );
      checkModeChange(current, body, ctx.user);
      await applyUpdate(tx, current, body);
      const after = toDestinationDto(await load(tx, id));
      const before = toDestinationDto(current);
      const base = {
        actor: ctx.actor,
        targetType: 'destination' as const,
        targetId: id,
        requestId: ctx.requestId,
      };
      const events: AuditInput[] = [{ ...base, action: 'destination.updated', before, after }];
      if (before.mode !== after.mode)
        events.push({
          ...base,
          action: 'destination.mode_changed',
          before: { host: before.host, mode: before.mode },
          after: { host: after.host, mode: after.mode },
        });
      await audit.append(tx, events);
      return after;
    });
    changes.desiredStateChanged(`destination ${dto.host} updated`);
    return dto;
  }

  async function remove(id: string, force: boolean, ctx: Ctx): Promise<void> {
    if (force && !can(ctx.user.role, 'destinations.forceDelete'))
      throw forbidden('force-deleting a destination with active grants needs the admin role');
    await db.$transaction(async (tx) => {
      const before = await load(tx, id);
      const active = await repo.countActiveGrants(id, tx);
      if (active > 0 && !force)
        throw new AppError(
          'conflict',
          `${before.host} has ${active} active grant(s); revoke them first or delete with ?force=true (admin)`,
        );
      const now = clock.now();
      const events = await closeGrants(
        tx,
        { destinationId: id },
        {
          actor: ctx.actor,
          userId: ctx.user.userId,
          requestId: ctx.requestId,
          reason: `destination ${before.host} deleted`,
          now,
        },
      );
      await repo.markDeleted(id, now, tx);
      events.push({
        actor: ctx.actor,
        action: 'destination.deleted',
        targetType: 'destination',
        targetId: id,
        before: toDestinationDto(before),
        after: { force },
        requestId: ctx.requestId,
      });
      await audit.append(tx, events);
    });
    changes.desiredStateChanged(`destination ${id} deleted`);
  }

  async function list(q: ListQuery): Promise<Page<DestinationDto>> {
    const rows = await repo.list(
      {
        sensitivity: q.sensitivity,
        q: q.q?.toLowerCase(),
        host: q.host ? q.host.trim().toLowerCase() : undefined,
      },
      q.limit,
      q.cursor,
    );
    return toPage(rows, q.limit, toDestinationDto, (r) => [r.host, r.id]);
  }

  return {
    create,
    registerProposed,
    update,
    remove,
    list,
    get: async (id: string) => toDestinationDto(await load(db, id)),
  };
}

export type DestinationsService = ReturnType<typeof createDestinationsService>;
