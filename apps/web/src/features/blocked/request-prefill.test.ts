import type { BlockedEgressGroup } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { requestPrefill } from './request-prefill.ts';

const group: BlockedEgressGroup = {
  key: 'k1',
  serviceId: '00000000-0000-4000-8000-000000000001',
  service: 'service.ci',
  sourceNamespace: 'ci',
  sourceWorkload: 'runner-7f9c',
  destination: 'api.github.com',
  destName: 'api.github.com',
  destIp: '140.82.112.6',
  destinationId: null,
  known: false,
  port: 443,
  protocol: 'TCP',
  count: 12,
  firstSeen: '2026-11-26T10:00:00.000Z',
  lastSeen: '2026-11-26T11:00:00.000Z',
  destinationPorts: null,
  access: null,
};

describe('request prefill from an inbox row', () => {
  it('carries service, destination name and port', () => {
    expect(requestPrefill(group)).toEqual({
      service: 'service.ci',
      destination: 'api.github.com',
      port: 443,
    });
  });

  it('leaves the service to the requester for unattributed flows, and passes a bare IP on', () => {
    const unattributed = {
      ...group,
      serviceId: null,
      service: null,
      destination: '10.1.2.3',
      destName: null,
    };
    expect(requestPrefill(unattributed)).toEqual({ service: undefined, destination: '10.1.2.3', port: 443 });
  });
});
