// Becoming active (issue 18), inside the approval's transaction: a proposed destination is registered
// (its audit row first), a renewed grant hands over (expired as renewed, audited), and a requested
// duration starts at activation, or, for a renewal, where the renewed grant ends.
import { can, type ProposedDestinationView } from '@egress/shared';

import type { Actor, AuditInput } from '../../platform/audit.ts';
import type { Tx } from '../../platform/db.ts';
import { AppError, forbidden } from '../../platform/errors.ts';
import { type GrantRecord, type GrantsRepository, toGrantDto } from './grants.repository.ts';
import type { DecisionInput } from './grants.service.ts';

/**
 * Registers a proposed destination inside the caller's transaction, with its audit row (the
 * destinations module's, passed in by app.ts: modules do not import each other). Returns its id.
 */
export type RegisterDestination = (
  tx: Tx,
  proposal: ProposedDestinationView,
  ctx: { actor: Actor; requestId: string | null },
) => Promise<{ id: string }>;

export function createActivation(deps: {
  repo: GrantsRepository;
  /** Late-bound by app.ts (the destinations module is built after the grants module). */
  registerDestination: () => RegisterDestination;
}) {
  const { repo } = deps;

  /**
   * What becoming active involves besides the state: a proposed destination is registered (its audit
   * row first), a renewed grant hands over (expired as renewed, audited), and a requested duration
   * starts now, or, for a renewal, where the renewed grant ends, so there is no gap and no lost time.
   */
  async function activate(
    tx: Tx,
    row: GrantRecord,
    input: DecisionInput,
    now: Date,
    events: AuditInput[],
  ): Promise<{ expiresAt: Date | null }> {
    if (row.proposedDestination && row.destinationId === null) await registerProposal(tx, row, input);
    let start = now;
    if (row.renewsGrantId) start = await handOver(tx, row, input, now, events);
    const expiresAt = row.durationSeconds
      ? new Date(start.getTime() + row.durationSeconds * 1000)
      : row.expiresAt
        ? new Date(row.expiresAt)
        : null;
    return { expiresAt };
  }

  async function registerProposal(tx: Tx, row: GrantRecord, input: DecisionInput): Promise<void> {
    const proposal = row.proposedDestination;
    if (!proposal) return;
    // Registering is a destinations.write act: the approver must hold it too (today every approver does).
    if (!can(input.actor?.role, 'destinations.write'))
      throw forbidden('approving this request registers a destination, which your role may not do');
    // Registered meanwhile (by an approver, or another proposal): use it if it has the port.
    const existing = await repo.findLiveDestination(proposal.host, tx);
    if (existing) {
      if (!existing.ports.some((p) => p.port === row.port))
        throw new AppError(
          'conflict',
          `${proposal.host} was registered meanwhile without port ${row.port}: add the port or reject the request`,
        );
      await repo.setDestination(row.id, existing.id, tx);
      return;
    }
    const created = await deps.registerDestination()(tx, proposal, {
      actor: input.auditActor,
      requestId: input.requestId,
    });
    await repo.setDestination(row.id, created.id, tx);
  }

  /** The renewed grant ends as the renewal starts; returns when the renewal's duration starts counting. */
  async function handOver(
    tx: Tx,
    row: GrantRecord,
    input: DecisionInput,
    now: Date,
    events: AuditInput[],
  ): Promise<Date> {
    const renewedId = row.renewsGrantId;
    if (!renewedId || !(await repo.lock(renewedId, tx))) return now;
    const renewed = await repo.findById(renewedId, tx);
    if (!renewed) return now;
    if (renewed.state === 'revoked')
      throw new AppError('invalid_transition', 'the grant this renews was revoked: reject the renewal');
    if (renewed.state !== 'active') return now; // it expired meanwhile: the renewal starts from now
    const reason = `renewed by grant ${row.id}`;
    await repo.decide(
      renewedId,
      { state: 'expired', at: now, decidedById: input.actor?.userId ?? null, reason },
      tx,
    );
    const before = toGrantDto(renewed);
    events.push({
      actor: input.auditActor,
      action: 'grant.renewed',
      targetType: 'grant',
      targetId: renewedId,
      requestId: input.requestId,
      before,
      after: {
        ...before,
        state: 'expired',
        decidedAt: now.toISOString(),
        decidedBy: input.actor?.email ?? 'system',
        reason,
        pendingRenewalId: null,
      },
    });
    const ends = renewed.expiresAt ? new Date(renewed.expiresAt) : now;
    return ends > now ? ends : now;
  }

  return activate;
}
