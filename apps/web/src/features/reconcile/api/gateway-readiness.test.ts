import type { ReconcileStatusReport } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { gatewayReadiness } from './gateway-readiness.ts';

const base: ReconcileStatusReport = {
  target: 'kubernetes',
  leader: true,
  lastRun: null,
  observedAt: '2026-01-01T00:00:00.000Z',
  error: null,
  drift: [],
  gateways: [
    {
      destination: 'api.github.com',
      gatewayName: 'gw-github',
      readyReplicas: 1,
      desiredReplicas: 2,
      ready: true,
    },
  ],
};
const dest = { gatewayName: 'gw-github', host: 'api.github.com' };

describe('gatewayReadiness', () => {
  it('matches by gateway name or host on the kubernetes target', () => {
    expect(gatewayReadiness(base, false, dest)).toMatchObject({
      kind: 'observed',
      gateway: { readyReplicas: 1 },
    });
    expect(gatewayReadiness(base, false, { gatewayName: 'other', host: 'api.github.com' }).kind).toBe(
      'observed',
    );
    expect(gatewayReadiness(base, false, { gatewayName: 'other', host: 'x.example' }).kind).toBe(
      'not-reported',
    );
  });
  it('is unknown where the target cannot observe readiness or the live state was unreadable', () => {
    expect(gatewayReadiness({ ...base, target: 'directory', gateways: [] }, false, dest).kind).toBe(
      'unknown',
    );
    expect(gatewayReadiness({ ...base, target: 'none', gateways: [] }, false, dest).kind).toBe('unknown');
    expect(gatewayReadiness({ ...base, error: 'cluster unreachable', gateways: [] }, false, dest).kind).toBe(
      'unknown',
    );
    expect(gatewayReadiness(undefined, true, dest).kind).toBe('unknown');
    expect(gatewayReadiness(undefined, false, dest).kind).toBe('loading');
  });
});
