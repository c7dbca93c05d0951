import type { StatsSummary } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { blockedFlows24hOf, openAlertsOf } from './dashboard.queries.ts';

/** A summary from an API that predates denied-flow visibility. */
const base = {
  pendingGrants: 0,
  oldestPendingAt: null,
  activeGrants: 0,
  destinations: 0,
  sensitiveDestinations: 0,
  services: 0,
} as unknown as StatsSummary;

describe('denied-flow counts in the summary', () => {
  it('reads them when the API sends them', () => {
    const summary: StatsSummary = { ...base, openAlerts: 2, blockedFlows24h: 0 };
    expect(openAlertsOf(summary)).toBe(2);
    expect(blockedFlows24hOf(summary)).toBe(0);
  });

  it('says "unknown" (undefined) for an older API or a malformed value, never 0', () => {
    expect(openAlertsOf(base)).toBeUndefined();
    expect(blockedFlows24hOf({ ...base, blockedFlows24h: '3' } as unknown as StatsSummary)).toBeUndefined();
    expect(openAlertsOf(undefined)).toBeUndefined();
  });
});
