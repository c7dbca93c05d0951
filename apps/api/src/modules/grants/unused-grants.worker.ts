// The unused-grant policy (settings unusedGrantPolicy): an active grant to a destination that no
// connection used for `days` days (counted from its activation when it was never used) is expired, and
// with "reapprove" the same access is requested again in its requester's name, to be approved as any
// request. Both are audited as the system in the transaction that makes them, so the webhooks announce
// them (grant.expired; grant.requested and grant.approval_needed).
import type { Grant as GrantDto } from '@egress/shared';
import type { FastifyBaseLogger } from 'fastify';

import { type AuditInput, type AuditLog, SYSTEM_ACTOR } from '../../platform/audit.ts';
import type { Changes } from '../../platform/changes.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { readSettings } from '../../platform/settings.ts';
import { periodicWorker, type Worker } from '../../platform/worker.ts';
import { type GrantRecord, type GrantsRepository, toGrantDto } from './grants.repository.ts';
import { requiredApprovalsFor } from './grants.transitions.ts';

const DAY_MS = 86_400_000;
const BATCH = 200;
const MAX_JUSTIFICATION = 2000;

type Action = 'expire' | 'reapprove';

function reapprovalJustification(before: GrantRecord, days: number): string {
  const text = `Re-approval: grant ${before.id} was expired after ${days} days without use. Original justification: ${before.justification}`;
  return text.length > MAX_JUSTIFICATION ? `${text.slice(0, MAX_JUSTIFICATION - 1)}…` : text;
}

export function createUnusedGrantPolicy(deps: {
  db: Db;
  repo: GrantsRepository;
  audit: AuditLog;
  clock: Clock;
  changes: Changes;
}) {
  const { db, repo, audit, clock, changes } = deps;

  async function requestAgain(tx: Tx, before: GrantRecord, days: number, now: Date): Promise<AuditInput> {
    const id = await repo.insert(
      {
        serviceId: before.serviceId,
        destinationId: before.destinationId,
        port: before.port,
        justification: reapprovalJustification(before, days),
        requiredApprovals: requiredApprovalsFor(
          before.destinationSensitivity ? { sensitivity: before.destinationSensitivity } : null,
        ),
        requestedById: before.requestedById,
        requestedAt: now,
        expiresAt: null,
        // The same lifetime as before, counted from the re-approval (issue 18: expiry from activation).
        durationSeconds: before.durationSeconds,
        renewsGrantId: null,
        proposedHost: null,
        proposedDestination: null,
      },
      tx,
    );
    const row = await repo.findById(id, tx);
    return {
      actor: SYSTEM_ACTOR,
      action: 'grant.requested',
      targetType: 'grant',
      targetId: id,
      after: row ? toGrantDto(row) : null,
      requestId: null,
    };
  }

  /** Applies the policy to one grant if, under its row lock, it is still active and unused; returns whether it did. */
  async function retire(id: string, action: Action, days: number): Promise<boolean> {
    const done = await db.$transaction(async (tx) => {
      if (!(await repo.lock(id, tx))) return false;
      const now = clock.now();
      if (!(await repo.isUnused(id, new Date(now.getTime() - days * DAY_MS), tx))) return false;
      const before = await repo.findById(id, tx);
      // isUnused holds only for an active grant; active -> expired is a transition the state machine has.
      if (before?.state !== 'active') return false;
      const reason = `unused for ${days} days (unused-grant policy)`;
      await repo.decide(id, { state: 'expired', at: now, decidedById: null, reason }, tx);
      const b = toGrantDto(before);
      const a: GrantDto = {
        ...b,
        state: 'expired',
        decidedAt: now.toISOString(),
        decidedBy: 'system',
        reason,
      };
      const events: AuditInput[] = [
        {
          actor: SYSTEM_ACTOR,
          action: 'grant.expired',
          targetType: 'grant',
          targetId: id,
          before: b,
          after: a,
          requestId: null,
        },
      ];
      if (action === 'reapprove') events.push(await requestAgain(tx, before, days, now));
      await audit.append(tx, events);
      return true;
    });
    if (done) changes.desiredStateChanged(`grant ${id} expired (unused for ${days} days)`);
    return done;
  }

  /** One pass: every grant the policy applies to now (a batch per pass); returns how many it retired. */
  async function sweep(): Promise<number> {
    const { unusedGrantPolicy: policy } = await readSettings(db);
    if (policy.action === 'off') return 0;
    const since = new Date(clock.now().getTime() - policy.days * DAY_MS);
    let retired = 0;
    for (const { id } of await repo.findUnused(since, BATCH))
      if (await retire(id, policy.action, policy.days)) retired++;
    return retired;
  }

  return { sweep };
}

export type UnusedGrantPolicy = ReturnType<typeof createUnusedGrantPolicy>;

/** On every replica, on the expiry sweep's interval: row locks make concurrent passes safe. */
export function createUnusedGrantsWorker(deps: {
  policy: UnusedGrantPolicy;
  intervalMs: number;
  log: FastifyBaseLogger;
}): Worker {
  const { policy, intervalMs, log } = deps;
  const task = async () => {
    const n = await policy.sweep();
    if (n > 0) log.info({ retired: n }, 'expired grants unused for the policy period');
  };
  return periodicWorker({
    intervalMs,
    task,
    log,
    failure: 'unused-grant policy sweep failed; retrying on the next tick',
  });
}
