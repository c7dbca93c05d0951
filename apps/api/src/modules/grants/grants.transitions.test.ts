import { GRANT_STATES, type GrantState } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import {
  decide,
  type Decision,
  type GrantCommand,
  type GrantSnapshot,
  requiredApprovalsFor,
} from './grants.transitions.ts';

const NOW = new Date('2030-01-01T12:00:00Z');
const PAST = new Date('2030-01-01T11:00:00Z');
const FUTURE = new Date('2030-01-01T13:00:00Z');
const REQUESTER = 'user-requester';
const APPROVER_A = 'user-approver-a';
const APPROVER_B = 'user-approver-b';

function grant(overrides: Partial<GrantSnapshot> = {}): GrantSnapshot {
  return {
    state: 'pending',
    requestedById: REQUESTER,
    requiredApprovals: 1,
    approverIds: [],
    expiresAt: null,
    ...overrides,
  };
}

type CommandName = GrantCommand['type'];

/** Each command issued the way it is allowed to be issued (right actor, expiry reached), so only the state decides. */
function commandFor(type: CommandName, g: GrantSnapshot): GrantCommand {
  switch (type) {
    case 'approve':
      return { type, actorId: APPROVER_A, now: NOW };
    case 'reject':
      return { type, actorId: APPROVER_A };
    case 'cancel':
      return { type, actorId: g.requestedById };
    case 'revoke':
      return { type, actorId: APPROVER_A };
    case 'expire':
      return { type, now: NOW };
  }
}

const ok = (state: GrantState, addApproval: boolean, decided = true): Decision => ({
  ok: true,
  state,
  addApproval,
  decided,
});

// Every state x every command: the new state, or null for "not allowed from this state".
const TABLE: Record<GrantState, Record<CommandName, Decision | null>> = {
  pending: {
    approve: ok('active', true),
    reject: ok('rejected', false),
    cancel: ok('cancelled', false),
    revoke: null,
    expire: ok('cancelled', false),
  },
  active: {
    approve: null,
    reject: null,
    cancel: null,
    revoke: ok('revoked', false),
    expire: ok('expired', false),
  },
  rejected: { approve: null, reject: null, cancel: null, revoke: null, expire: null },
  cancelled: { approve: null, reject: null, cancel: null, revoke: null, expire: null },
  revoked: { approve: null, reject: null, cancel: null, revoke: null, expire: null },
  expired: { approve: null, reject: null, cancel: null, revoke: null, expire: null },
};

const CASES = GRANT_STATES.flatMap((state) =>
  (Object.keys(TABLE[state]) as CommandName[]).map((command) => ({
    state,
    command,
    expected: TABLE[state][command],
  })),
);

describe('decide: every command from every state', () => {
  it('covers every state', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...GRANT_STATES].sort());
  });

  it.each(CASES)('$command from $state', ({ state, command, expected }) => {
    // expiresAt in the past so `expire` is due; approve/reject/cancel ignore it except approve (see below).
    const g = grant({ state, expiresAt: command === 'expire' ? PAST : null });
    const decision = decide(g, commandFor(command, g));
    if (expected === null) expect(decision).toMatchObject({ ok: false, code: 'invalid_transition' });
    else expect(decision).toEqual(expected);
  });
});

describe('decide: approvals', () => {
  it('never lets the requester approve their own request', () => {
    const decision = decide(grant(), { type: 'approve', actorId: REQUESTER, now: NOW });
    expect(decision).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('counts one approver once', () => {
    const g = grant({ requiredApprovals: 2, approverIds: [APPROVER_A] });
    expect(decide(g, { type: 'approve', actorId: APPROVER_A, now: NOW })).toMatchObject({
      ok: false,
      code: 'conflict',
    });
  });

  it('activates on the first approval when one is required', () => {
    expect(
      decide(grant({ requiredApprovals: 1 }), { type: 'approve', actorId: APPROVER_A, now: NOW }),
    ).toEqual(ok('active', true));
  });

  it('stays pending after the first of two approvals and activates on the second, distinct one', () => {
    const first = decide(grant({ requiredApprovals: 2 }), { type: 'approve', actorId: APPROVER_A, now: NOW });
    expect(first).toEqual(ok('pending', true, false));
    const second = decide(grant({ requiredApprovals: 2, approverIds: [APPROVER_A] }), {
      type: 'approve',
      actorId: APPROVER_B,
      now: NOW,
    });
    expect(second).toEqual(ok('active', true));
  });

  it('refuses an approval once the requested expiry has passed', () => {
    const decision = decide(grant({ expiresAt: PAST }), { type: 'approve', actorId: APPROVER_A, now: NOW });
    expect(decision).toMatchObject({ ok: false, code: 'invalid_transition' });
    expect(
      decide(grant({ expiresAt: NOW }), { type: 'approve', actorId: APPROVER_A, now: NOW }),
    ).toMatchObject({ ok: false });
    expect(decide(grant({ expiresAt: FUTURE }), { type: 'approve', actorId: APPROVER_A, now: NOW })).toEqual(
      ok('active', true),
    );
  });
});

describe('decide: who may reject and cancel', () => {
  it('does not let the requester reject (they cancel instead)', () => {
    expect(decide(grant(), { type: 'reject', actorId: REQUESTER })).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
  });

  it('lets only the requester cancel', () => {
    expect(decide(grant(), { type: 'cancel', actorId: APPROVER_A })).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect(decide(grant(), { type: 'cancel', actorId: REQUESTER })).toEqual(ok('cancelled', false));
  });
});

describe('decide: expiry', () => {
  it('expires an active grant only once expiresAt is reached', () => {
    expect(decide(grant({ state: 'active', expiresAt: PAST }), { type: 'expire', now: NOW })).toEqual(
      ok('expired', false),
    );
    expect(decide(grant({ state: 'active', expiresAt: NOW }), { type: 'expire', now: NOW })).toEqual(
      ok('expired', false),
    );
    expect(decide(grant({ state: 'active', expiresAt: FUTURE }), { type: 'expire', now: NOW })).toMatchObject(
      { ok: false, code: 'invalid_transition' },
    );
    expect(decide(grant({ state: 'active', expiresAt: null }), { type: 'expire', now: NOW })).toMatchObject({
      ok: false,
      code: 'invalid_transition',
    });
  });

  it('cancels a pending request once its requested expiry has passed, not before', () => {
    expect(decide(grant({ state: 'pending', expiresAt: PAST }), { type: 'expire', now: NOW })).toEqual(
      ok('cancelled', false),
    );
    expect(
      decide(grant({ state: 'pending', expiresAt: FUTURE }), { type: 'expire', now: NOW }),
    ).toMatchObject({ ok: false, code: 'invalid_transition' });
    expect(decide(grant({ state: 'pending', expiresAt: null }), { type: 'expire', now: NOW })).toMatchObject({
      ok: false,
      code: 'invalid_transition',
    });
  });
});

describe('requiredApprovalsFor', () => {
  it.each([
    { destination: null, expected: 2, why: 'port-wide' },
    { destination: { sensitivity: 'sensitive' as const }, expected: 2, why: 'sensitive' },
    { destination: { sensitivity: 'standard' as const }, expected: 1, why: 'standard' },
  ])('$why → $expected', ({ destination, expected }) => {
    expect(requiredApprovalsFor(destination)).toBe(expected);
  });
});
