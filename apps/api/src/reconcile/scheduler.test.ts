// The coalescer decides what one run covers and when a burst of approvals is held back to fold more of
// it: a change that finds the reconciler idle is never held; during a burst only approvals are.
import { describe, expect, it } from 'vitest';

import { BURST_MAX_HOLD_MS, BURST_QUIET_MS, createCoalescer, type Trigger } from './scheduler.ts';

const approve = (id: string): Trigger => ({
  kind: 'change',
  reason: `grant ${id} active`,
  grant: { id, widens: true },
});
const revoke = (id: string): Trigger => ({
  kind: 'change',
  reason: `grant ${id} revoked`,
  grant: { id, widens: false },
});

function clocked() {
  let t = 1000;
  const pending = createCoalescer(() => t);
  return { pending, advance: (ms: number) => (t += ms) };
}

describe('coalescer', () => {
  it('runs a change that finds the reconciler idle at once, scoped to its grant', () => {
    const { pending } = clocked();
    pending.add(approve('g1'), false);
    expect(pending.holdMs()).toBe(0);
    expect(pending.take()).toEqual({ trigger: 'change: grant g1 active', grants: ['g1'] });
    expect(pending.take()).toBeNull();
  });

  it('holds approvals that arrive during a run until the burst pauses, at most BURST_MAX_HOLD_MS', () => {
    const { pending, advance } = clocked();
    pending.add(approve('g1'), true);
    expect(pending.holdMs()).toBe(BURST_QUIET_MS);
    // Approvals keep arriving every 50 ms: held until the cap after the first one.
    for (let i = 2; i <= 30; i++) {
      advance(50);
      pending.add(approve(`g${i}`), i % 2 === 0);
    }
    expect(pending.holdMs()).toBe(0); // 1,450 ms after the first: past the cap
    const batch = pending.take();
    expect(batch?.grants).toHaveLength(30);
    expect(batch?.trigger).toBe('change: grant g1 active, grant g2 active, grant g3 active and 27 more');
    // Still in the burst (arriving while idle, 50 ms after the last): held again, from its own arrival.
    advance(50);
    pending.add(approve('g31'), false);
    expect(pending.holdMs()).toBe(Math.min(BURST_QUIET_MS, BURST_MAX_HOLD_MS));
    // Once the burst has paused BURST_QUIET_MS, a change runs at once again.
    pending.take();
    advance(BURST_QUIET_MS);
    pending.add(approve('g32'), false);
    expect(pending.holdMs()).toBe(0);
  });

  it('never holds a revoke, even in a burst of approvals, and takes the approvals with it', () => {
    const { pending, advance } = clocked();
    pending.add(approve('g1'), true);
    advance(10);
    pending.add(revoke('g2'), true);
    expect(pending.holdMs()).toBe(0);
    expect(pending.take()?.grants).toEqual(['g1', 'g2']);
  });

  it('makes a batch with any change that names no grant (or readiness) a full run, never held', () => {
    const { pending } = clocked();
    pending.add(approve('g1'), true);
    pending.add({ kind: 'change', reason: 'settings updated' }, true);
    expect(pending.holdMs()).toBe(0);
    expect(pending.take()).toEqual({ trigger: 'change: grant g1 active, settings updated', grants: null });
    pending.add({ kind: 'readiness' }, true);
    pending.add(approve('g3'), true);
    expect(pending.take()).toEqual({
      trigger: 'gateway readiness changed; change: grant g3 active',
      grants: null,
    });
  });
});
