import type { BlockedEgressGroup } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { accessView, portNotRegistered } from './access-state.ts';

const base: BlockedEgressGroup = {
  key: 'k',
  serviceId: '00000000-0000-4000-8000-000000000001',
  service: 'service.mailer',
  sourceNamespace: 'mail',
  sourceWorkload: null,
  destination: 'smtp.sendgrid.net',
  destName: 'smtp.sendgrid.net',
  destIp: null,
  destinationId: '00000000-0000-4000-8000-000000000002',
  known: true,
  port: 25,
  protocol: 'TCP',
  count: 3,
  firstSeen: '2026-12-01T10:00:00.000Z',
  lastSeen: '2026-12-01T11:00:00.000Z',
  destinationPorts: [465, 587],
  access: null,
};
const access = (over: Partial<NonNullable<BlockedEgressGroup['access']>>) => ({
  ...base,
  access: {
    grantId: '00000000-0000-4000-8000-000000000003',
    state: 'pending' as const,
    approvals: 1,
    requiredApprovals: 2,
    reason: null,
    at: '2026-12-01T11:00:00.000Z',
    proposed: false,
    ...over,
  },
});

describe('a blocked row says where access stands', () => {
  it('offers a request when nothing was asked', () => {
    expect(accessView(base)).toMatchObject({ label: null, action: 'request' });
  });
  it('shows a pending request with its approvals and no second request', () => {
    expect(accessView(access({}))).toMatchObject({ label: 'pending 1 of 2', action: 'view-request' });
  });
  it('an active grant still denied leads to the explanation', () => {
    expect(accessView(access({ state: 'active', approvals: 2 }))).toMatchObject({
      action: 'explain',
      tone: 'green',
    });
  });
  it('a rejection shows its reason and offers to request again', () => {
    expect(accessView(access({ state: 'rejected', reason: 'Use the relay.' }))).toEqual({
      label: 'rejected',
      tone: 'grey',
      detail: 'Use the relay.',
      action: 'request-again',
    });
  });
  it('names the ports a destination has when the row uses another', () => {
    expect(portNotRegistered('smtp.sendgrid.net', 25, [465, 587])).toBe(
      'Port 25 is not registered for smtp.sendgrid.net: 465, 587 are',
    );
    expect(portNotRegistered('smtp.sendgrid.net', 587, [465, 587])).toBeNull();
    expect(portNotRegistered('unknown.example.com', 25, null)).toBeNull();
  });
});
