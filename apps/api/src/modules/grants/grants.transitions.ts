// The grant state machine as a pure function: no database, no clock, no I/O. The service loads the
// row under a lock, asks this function, and writes what it says.
//
//   pending -> active | rejected | cancelled (also by the system when the requested expiry passes)
//   active  -> revoked | expired
import type { GrantState } from '@egress/shared';

export interface GrantSnapshot {
  state: GrantState;
  requestedById: string;
  requiredApprovals: number;
  approverIds: readonly string[];
  expiresAt: Date | null;
}

export type GrantCommand =
  | { type: 'approve'; actorId: string; now: Date }
  | { type: 'reject'; actorId: string }
  | { type: 'cancel'; actorId: string }
  | { type: 'revoke'; actorId: string }
  | { type: 'expire'; now: Date };

export type Decision =
  | { ok: true; state: GrantState; addApproval: boolean; decided: boolean }
  | { ok: false; code: 'forbidden' | 'conflict' | 'invalid_transition'; message: string };

const refuse = (code: 'forbidden' | 'conflict' | 'invalid_transition', message: string): Decision => ({
  ok: false,
  code,
  message,
});
const notFrom = (action: string, state: GrantState) =>
  refuse('invalid_transition', `cannot ${action} a grant that is ${state}`);

/** Approvals needed: two for sensitive destinations and for port-wide grants, one otherwise. */
export function requiredApprovalsFor(destination: { sensitivity: 'standard' | 'sensitive' } | null): number {
  return destination === null || destination.sensitivity === 'sensitive' ? 2 : 1;
}

/**
 * An approval needs a comment where the access is widest or the data most valuable: port-wide requests
 * (any public host on the port) and sensitive destinations. The same rule as two approvals, said in
 * words so the record shows what each approver weighed.
 */
export function commentRequiredFor(destination: { sensitivity: 'standard' | 'sensitive' } | null): boolean {
  return requiredApprovalsFor(destination) > 1;
}

function approve(g: GrantSnapshot, actorId: string, now: Date): Decision {
  if (g.state !== 'pending') return notFrom('approve', g.state);
  if (actorId === g.requestedById)
    return refuse('forbidden', 'the requester cannot approve their own request (four eyes)');
  if (g.approverIds.includes(actorId)) return refuse('conflict', 'you have already approved this request');
  if (g.expiresAt !== null && g.expiresAt <= now) {
    return refuse('invalid_transition', 'the requested expiry has already passed; ask for a new request');
  }
  const activate = g.approverIds.length + 1 >= g.requiredApprovals;
  return { ok: true, state: activate ? 'active' : 'pending', addApproval: true, decided: activate };
}

const to = (state: GrantState): Decision => ({ ok: true, state, addApproval: false, decided: true });

function reject(g: GrantSnapshot, actorId: string): Decision {
  if (g.state !== 'pending') return notFrom('reject', g.state);
  if (actorId === g.requestedById)
    return refuse('forbidden', 'the requester cannot reject their own request; cancel it instead');
  return to('rejected');
}

function cancel(g: GrantSnapshot, actorId: string): Decision {
  if (g.state !== 'pending') return notFrom('cancel', g.state);
  if (actorId !== g.requestedById) return refuse('forbidden', 'only the requester can cancel a request');
  return to('cancelled');
}

/**
 * Expiry needs nobody to act: an active grant past expiresAt becomes expired; a request still pending
 * when its requested expiry passes is cancelled (it could no longer be approved, and would otherwise
 * block a new request for the same access).
 */
function expire(g: GrantSnapshot, now: Date): Decision {
  if (g.state !== 'active' && g.state !== 'pending') return notFrom('expire', g.state);
  if (g.expiresAt === null || g.expiresAt > now)
    return refuse('invalid_transition', 'the grant has not reached its expiry');
  return to(g.state === 'active' ? 'expired' : 'cancelled');
}

export function decide(g: GrantSnapshot, command: GrantCommand): Decision {
  switch (command.type) {
    case 'approve':
      return approve(g, command.actorId, command.now);
    case 'reject':
      return reject(g, command.actorId);
    case 'cancel':
      return cancel(g, command.actorId);
    case 'revoke':
      return g.state === 'active' ? to('revoked') : notFrom('revoke', g.state);
    case 'expire':
      return expire(g, command.now);
  }
}
