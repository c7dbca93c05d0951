import {
  type CreateGrantBodySchema,
  type Grant as GrantDto,
  type GrantListQuerySchema,
  type RenewGrantBodySchema,
} from '@egress/shared';
import type { z } from 'zod';

import type { Actor, AuditInput, AuditLog } from '../../platform/audit.ts';
import type { Changes } from '../../platform/changes.ts';
import type { Clock } from '../../platform/clock.ts';
import { type Db, isUniqueViolation, type Tx } from '../../platform/db.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import type { RequestActor } from '../../platform/identity.ts';
import type { Page } from '../../platform/pagination.ts';
import { createActivation, type RegisterDestination } from './grants.activation.ts';
import { requireComment } from './grants.comment-rule.ts';
import { type GrantRecord, type GrantsRepository, type ListViewer, toGrantDto } from './grants.repository.ts';
import { decide, type GrantCommand, type GrantSnapshot, requiredApprovalsFor } from './grants.transitions.ts';
import { createGrantUsage } from './grants.usage.ts';

type CreateGrant = z.output<typeof CreateGrantBodySchema>;
type ListGrants = z.output<typeof GrantListQuerySchema>;
type RenewGrant = z.output<typeof RenewGrantBodySchema>;

export interface DecisionInput {
  actor: RequestActor | null;
  auditActor: Actor;
  requestId: string | null;
  comment?: string | undefined;
  reason?: string | undefined;
}

/** The repository and commit a rules sync names for the requests it files (shown to approvers). */
export interface RequestOrigin {
  repository?: string | undefined;
  commit?: string | undefined;
}

const ACTION_FOR = {
  approve: 'grant.approved',
  reject: 'grant.rejected',
  cancel: 'grant.cancelled',
  revoke: 'grant.revoked',
  expire: 'grant.expired',
} as const;

export function createGrantsService(deps: {
  db: Db;
  repo: GrantsRepository;
  audit: AuditLog;
  clock: Clock;
  changes: Changes;
  /** Late-bound by app.ts (the destinations module is built after this one). */
  registerDestination: () => RegisterDestination;
}) {
  const { db, repo, audit, clock, changes } = deps;
  const activate = createActivation({ repo, registerDestination: deps.registerDestination });

  async function resolveTargets(tx: Tx, body: CreateGrant) {
    const service = await repo.findLiveService(body.service, tx);
    if (!service) throw invalid('body.service', `"${body.service}" is not a registered service`);
    if (body.destination === null) return { service, destination: null };
    const destination = await repo.findLiveDestination(body.destination, tx);
    if (destination && body.proposedDestination)
      throw invalid(
        'body.proposedDestination',
        `${destination.host} is already registered: request it without proposing a destination`,
      );
    if (!destination) {
      if (body.proposedDestination) return { service, destination: null };
      throw invalid(
        'body.destination',
        `"${body.destination}" is not a registered destination (propose it with proposedDestination)`,
      );
    }
    if (!destination.ports.some((p) => p.port === body.port)) {
      const ports = destination.ports.map((p) => p.port).join(', ');
      throw invalid(
        'body.port',
        `port ${body.port} is not registered for ${destination.host}: ${ports} ${destination.ports.length === 1 ? 'is' : 'are'}`,
      );
    }
    return { service, destination };
  }

  /** Approvals a new request needs: from the registered destination, or from the proposed sensitivity. */
  function approvalsFor(
    body: CreateGrant,
    destination: { sensitivity: 'standard' | 'sensitive' } | null,
  ): number {
    if (destination) return requiredApprovalsFor(destination);
    if (body.proposedDestination) return requiredApprovalsFor(body.proposedDestination);
    return requiredApprovalsFor(null);
  }

  async function request(
    body: CreateGrant,
    actor: RequestActor,
    auditActor: Actor,
    requestId: string | null,
    origin: RequestOrigin = {},
  ): Promise<GrantDto> {
    const now = clock.now();
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
    if (expiresAt && expiresAt <= now) throw invalid('body.expiresAt', 'must be in the future');
    try {
      return await db.$transaction(async (tx) => {
        const { service, destination } = await resolveTargets(tx, body);
        const tokenName = actor.tokenId ? await repo.tokenName(actor.tokenId, tx) : null;
        const proposed = body.proposedDestination && body.destination ? body.proposedDestination : null;
        const id = await repo.insert(
          {
            serviceId: service.id,
            destinationId: destination?.id ?? null,
            port: body.port,
            justification: body.justification,
            requiredApprovals: approvalsFor(body, destination),
            requestedById: actor.userId,
            requestedAt: now,
            expiresAt,
            requestTokenId: tokenName === null ? null : actor.tokenId,
            requestTokenName: tokenName,
            sourceRepository: origin.repository ?? null,
            sourceCommit: origin.commit ?? null,
            durationSeconds: body.durationSeconds ?? null,
            renewsGrantId: null,
            proposedHost: proposed ? body.destination : null,
            proposedDestination: proposed
              ? {
                  ports: proposed.ports,
                  sensitivity: proposed.sensitivity,
                  description: proposed.description,
                }
              : null,
          },
          tx,
        );
        return insertedAudited(tx, id, auditActor, requestId);
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AppError(
          'duplicate',
          'a pending or active grant for this service, destination and port already exists',
        );
      }
      throw error;
    }
  }

  async function insertedAudited(tx: Tx, id: string, auditActor: Actor, requestId: string | null) {
    const row = await repo.findById(id, tx);
    if (!row) throw notFound('grant');
    const dto = toGrantDto(row);
    await audit.append(tx, {
      actor: auditActor,
      action: 'grant.requested',
      targetType: 'grant',
      targetId: dto.id,
      after: dto,
      requestId,
    });
    return dto;
  }

  /**
   * A renewal is a new request for the same access, filed beside the active grant (which keeps working);
   * approved like any request, it takes over from the grant without a gap (see activate()).
   */
  async function renew(
    id: string,
    body: RenewGrant,
    actor: RequestActor,
    auditActor: Actor,
    requestId: string | null,
  ): Promise<GrantDto> {
    try {
      return await db.$transaction(async (tx) => {
        if (!(await repo.lock(id, tx))) throw notFound('grant');
        const current = await repo.findById(id, tx);
        if (!current) throw notFound('grant');
        if (current.state !== 'active')
          throw new AppError('invalid_transition', `cannot renew a grant that is ${current.state}`);
        if (current.expiresAt === null)
          throw new AppError('invalid_transition', 'the grant does not expire: there is nothing to renew');
        const sensitivity = current.destinationSensitivity;
        const newId = await repo.insert(
          {
            serviceId: current.serviceId,
            destinationId: current.destinationId,
            port: current.port,
            justification: body.justification,
            requiredApprovals: requiredApprovalsFor(sensitivity ? { sensitivity } : null),
            requestedById: actor.userId,
            requestedAt: clock.now(),
            expiresAt: null,
            durationSeconds: body.durationSeconds,
            renewsGrantId: current.id,
            proposedHost: null,
            proposedDestination: null,
          },
          tx,
        );
        return insertedAudited(tx, newId, auditActor, requestId);
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError('duplicate', 'a renewal of this grant is already waiting for approval');
      throw error;
    }
  }

  function commandFor(type: keyof typeof ACTION_FOR, actorId: string, now: Date): GrantCommand {
    switch (type) {
      case 'approve':
        return { type, actorId, now };
      case 'expire':
        return { type, now };
      default:
        return { type, actorId };
    }
  }

  function snapshotOf(row: GrantRecord): GrantSnapshot {
    return {
      state: row.state,
      requestedById: row.requestedById,
      requiredApprovals: row.requiredApprovals,
      approverIds: row.approverIds,
      expiresAt: row.expiresAt ? new Date(row.expiresAt) : null,
    };
  }

  async function applyDecision(
    tx: Tx,
    row: GrantRecord,
    type: keyof typeof ACTION_FOR,
    input: DecisionInput,
    now: Date,
  ) {
    const actorId = input.actor?.userId ?? '';
    const decision = decide(snapshotOf(row), commandFor(type, actorId, now));
    if (!decision.ok) throw new AppError(decision.code, decision.message);
    // Checked once the state machine agrees (a decided grant answers 409 either way), before any write.
    requireComment(type, row, input.comment);
    if (decision.addApproval)
      await repo.addApproval(row.id, { approverId: actorId, at: now, comment: input.comment ?? null }, tx);
    const extra: AuditInput[] = [];
    const activation =
      decision.decided && decision.state === 'active'
        ? await activate(tx, row, input, now, extra)
        : undefined;
    if (decision.decided)
      await repo.decide(
        row.id,
        {
          state: decision.state,
          at: now,
          decidedById: input.actor?.userId ?? null,
          reason: input.reason ?? null,
          activation,
        },
        tx,
      );
    return { ...decision, extra, reread: activation !== undefined };
  }

  /** The grant after a decision, as the rows just written say (saves re-reading it in the transaction). */
  function applied(
    b: GrantDto,
    decision: { state: GrantDto['state']; addApproval: boolean; decided: boolean },
    input: DecisionInput,
    now: Date,
  ): GrantDto {
    const at = now.toISOString();
    const approvals = decision.addApproval
      ? [...b.approvals, { approver: input.actor?.email ?? '', at, comment: input.comment ?? null }]
      : b.approvals;
    if (!decision.decided) return { ...b, approvals };
    return {
      ...b,
      approvals,
      state: decision.state,
      decidedAt: at,
      decidedBy: input.actor?.email ?? 'system',
      reason: input.reason ?? null,
    };
  }

  /** Loads the grant under a row lock, applies one command, writes the audit rows, all in one transaction. */
  async function transition(
    id: string,
    type: keyof typeof ACTION_FOR,
    input: DecisionInput,
  ): Promise<GrantDto> {
    const result = await db
      .$transaction(async (tx) => {
        if (!(await repo.lock(id, tx))) throw notFound('grant');
        const before = await repo.findById(id, tx);
        if (!before) throw notFound('grant');
        const now = clock.now();
        const decision = await applyDecision(tx, before, type, input, now);
        const b = toGrantDto(before);
        // Activation may have registered a destination or set the expiry: read what was written.
        const reread = decision.reread ? await repo.findById(id, tx) : null;
        const a = reread ? toGrantDto(reread) : applied(b, decision, input, now);
        const base = {
          actor: input.auditActor,
          targetType: 'grant' as const,
          targetId: id,
          requestId: input.requestId,
        };
        const action =
          type === 'expire' && decision.state === 'cancelled' ? 'grant.cancelled' : ACTION_FOR[type];
        const events: AuditInput[] = [...decision.extra, { ...base, action, before: b, after: a }];
        if (type === 'approve' && decision.state === 'active')
          events.push({ ...base, action: 'grant.activated', before: b, after: a });
        await audit.append(tx, events);
        return { dto: a, changed: decision.decided };
      })
      .catch((error: unknown) => {
        // Activation met an open grant for the same access (or a host registered meanwhile).
        if (isUniqueViolation(error))
          throw new AppError(
            'duplicate',
            'an active grant for this service, destination and port already exists',
          );
        throw error;
      });
    if (result.changed && result.dto.state !== 'rejected' && result.dto.state !== 'cancelled') {
      changes.desiredStateChanged(`grant ${result.dto.id} ${result.dto.state}`, {
        grant: result.dto.id,
        widens: result.dto.state === 'active',
      });
    }
    return result.dto;
  }

  const { withUsageOne, unusedSince } = createGrantUsage({ db, repo, clock });

  return {
    request: async (...args: Parameters<typeof request>) => withUsageOne(await request(...args)),
    async list(q: ListGrants, viewer: ListViewer | null = null): Promise<Page<GrantDto>> {
      const filter = { ...q, unusedSince: await unusedSince(q.unusedForDays) };
      // Usage comes with the page's rows, in the same statement.
      return repo.list(filter, q.limit, q.cursor, q.order, viewer, clock.now());
    },
    renew: async (...args: Parameters<typeof renew>) => withUsageOne(await renew(...args)),
    async get(id: string): Promise<GrantDto> {
      const row = await repo.findById(id, db, clock.now());
      if (!row) throw notFound('grant');
      return toGrantDto(row);
    },
    approve: async (id: string, input: DecisionInput) => withUsageOne(await transition(id, 'approve', input)),
    reject: async (id: string, input: DecisionInput) => withUsageOne(await transition(id, 'reject', input)),
    cancel: async (id: string, input: DecisionInput) => withUsageOne(await transition(id, 'cancel', input)),
    revoke: async (id: string, input: DecisionInput) => withUsageOne(await transition(id, 'revoke', input)),
    expire: (id: string, input: DecisionInput) => transition(id, 'expire', input),
    findExpirable: (limit: number) => repo.findExpirable(clock.now(), limit),
  };
}

export type GrantsService = ReturnType<typeof createGrantsService>;
export type { RegisterDestination };
