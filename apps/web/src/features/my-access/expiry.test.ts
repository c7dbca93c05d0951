import type { Grant } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { canRenew, canRequestAgain, expiryText } from './expiry.ts';

const NOW = Date.parse('2026-12-07T12:00:00.000Z');
const grant = (over: Partial<Grant>): Grant =>
  ({
    state: 'active',
    expiresAt: null,
    durationSeconds: null,
    pendingRenewalId: null,
    ...over,
  }) as Grant;

describe('expiry on My access', () => {
  it('counts down an active grant and states a pending one from activation', () => {
    expect(expiryText(grant({ expiresAt: '2026-12-09T15:00:00.000Z' }), NOW)).toBe('expires in 2 d 3 h');
    expect(expiryText(grant({ expiresAt: '2026-12-07T15:30:00.000Z' }), NOW)).toBe('expires in 3 h 30 min');
    expect(expiryText(grant({ state: 'pending', durationSeconds: 7 * 86_400 }), NOW)).toBe(
      '7 d once approved',
    );
    expect(expiryText(grant({}), NOW)).toBe('no expiry');
  });
  it('offers Renew within seven days of the end, once', () => {
    expect(canRenew(grant({ expiresAt: '2026-12-09T12:00:00.000Z' }), NOW)).toBe(true);
    expect(canRenew(grant({ expiresAt: '2027-01-09T12:00:00.000Z' }), NOW)).toBe(false);
    expect(canRenew(grant({ expiresAt: '2026-12-09T12:00:00.000Z', pendingRenewalId: 'x' }), NOW)).toBe(
      false,
    );
    expect(canRenew(grant({}), NOW)).toBe(false);
  });
  it('offers Request again on closed ones', () => {
    expect(canRequestAgain(grant({ state: 'rejected' }))).toBe(true);
    expect(canRequestAgain(grant({ state: 'active' }))).toBe(false);
  });
});
