// Expiry as the engineer reads it on "My access" (issue 18): a countdown for active grants, the
// requested duration for pending ones (it starts at the final approval), and when Renew is offered.
import type { Grant } from '@egress/shared';

import { duration } from '../../lib/format.ts';

/** Renew is offered this long before a grant ends. */
export const RENEW_WINDOW_MS = 7 * 24 * 3600_000;

export function expiryText(g: Grant, now: number): string {
  if (g.state === 'pending') {
    if (g.durationSeconds) return `${duration(g.durationSeconds * 1000)} once approved`;
    return g.expiresAt ? `until ${g.expiresAt.slice(0, 10)}` : 'no expiry';
  }
  if (g.state !== 'active') return '—';
  if (!g.expiresAt) return 'no expiry';
  const left = Date.parse(g.expiresAt) - now;
  return left <= 0 ? 'ending now' : `expires in ${countdown(left)}`;
}

/** "6 d 23 h", "5 h 12 min", "40 min": two units, rounded down, so a 7-day grant never reads "7 d" late. */
export function countdown(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes % 60} min`;
  return `${Math.max(1, minutes)} min`;
}

export function expiringSoon(g: Grant, now: number): boolean {
  return g.state === 'active' && g.expiresAt !== null && Date.parse(g.expiresAt) - now <= RENEW_WINDOW_MS;
}

export function canRenew(g: Grant, now: number): boolean {
  return expiringSoon(g, now) && g.pendingRenewalId === null;
}

/** Closed requests and grants can be asked for again, prefilled. */
export function canRequestAgain(g: Grant): boolean {
  return g.state === 'rejected' || g.state === 'expired' || g.state === 'revoked' || g.state === 'cancelled';
}
