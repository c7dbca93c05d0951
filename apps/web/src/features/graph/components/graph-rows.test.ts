import type { Destination, Grant, Service } from '@egress/shared';
import { describe, expect, it } from 'vitest';

import { accessRows, sortRows } from './graph-rows.ts';

const T = '2025-01-01T00:00:00.000Z';
let n = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
const service = (name: string, namespace: string) => ({ id: uuid(), name, namespace }) as Service;
const destination = (host: string, sensitive = false) =>
  ({ id: uuid(), host, sensitivity: sensitive ? 'sensitive' : 'standard' }) as Destination;
function grant(s: Service, d: Destination | null, port: number, state: Grant['state'] = 'active'): Grant {
  return {
    id: uuid(),
    serviceId: s.id,
    service: s.name,
    destination: d?.host ?? null,
    port,
    state,
    requestedAt: T,
  } as Grant;
}

describe('the access graph as rows', () => {
  const pay = service('service.pay', 'payments');
  const ci = service('service.ci', 'ci');
  const github = destination('github.com', true);
  const stripe = destination('api.stripe.com');
  const grants = [
    grant(pay, stripe, 443),
    grant(pay, stripe, 8443),
    grant(ci, github, 443),
    grant(ci, null, 22),
    grant(ci, stripe, 443, 'pending'),
  ];
  const input = { services: [pay, ci], destinations: [github, stripe], grants, filter: {} };

  it('has one row per service and destination of the active grants, as the canvas draws them', () => {
    const rows = accessRows(input);
    expect(rows.map((r) => [r.namespace, r.service, r.destination, r.ports, r.sensitive, r.grants])).toEqual([
      ['ci', 'service.ci', 'github.com', [443], true, 1],
      ['ci', 'service.ci', null, [22], false, 1],
      ['payments', 'service.pay', 'api.stripe.com', [443, 8443], false, 2],
    ]);
  });

  it('applies the same filters as the graph', () => {
    expect(accessRows({ ...input, filter: { namespace: 'payments' } })).toHaveLength(1);
    expect(accessRows({ ...input, filter: { destination: '*' } }).map((r) => r.ports)).toEqual([[22]]);
  });

  it('sorts by any column both ways, ties in a fixed order', () => {
    const rows = accessRows(input);
    expect(sortRows(rows, 'grants', 'desc').map((r) => r.grants)).toEqual([2, 1, 1]);
    expect(sortRows(rows, 'sensitivity', 'asc')[0]?.destination).toBe('github.com');
    expect(sortRows(rows, 'destination', 'asc').map((r) => r.destination)).toEqual([
      'api.stripe.com',
      'github.com',
      null,
    ]);
    expect(sortRows(rows, 'destination', 'desc').map((r) => r.destination)).toEqual([
      null,
      'github.com',
      'api.stripe.com',
    ]);
  });
});
