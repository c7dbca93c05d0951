// Destinations registered before hosts had to end in a public suffix (a row an older version stored):
// they are kept and keep working, are flagged with the reason, take no new grants and no new ports;
// everything else about them (sensitivity, description, fewer ports, deletion) works as before.
import { type Destination, gatewayNameFor } from '@egress/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let legacy: string;
const HOST = 'db.corp';
const REASON =
  'the host must end in a public suffix (ICANN section of the Public Suffix List); "corp" is not one';

beforeAll(async () => {
  t = await createTestApp();
  const row = await t.db.destination.create({
    data: {
      host: HOST,
      gatewayName: gatewayNameFor(HOST),
      sensitivity: 'standard',
      ports: {
        create: [
          { port: 443, protocol: 'TCP' },
          { port: 5432, protocol: 'TCP' },
        ],
      },
    },
  });
  legacy = row.id;
});
afterAll(async () => t.close());

const get = async (id: string) =>
  (await t.as('viewer', { method: 'GET', url: `/api/v1/destinations/${id}` })).json<Destination>();

describe('a destination whose host the public-suffix rule refuses', () => {
  it('is listed and flagged with the reason; a valid one is not flagged', async () => {
    expect(await get(legacy)).toMatchObject({ host: HOST, hostProblem: REASON });
    const valid = await t.factories.destination();
    expect(valid.hostProblem).toBeNull();
    const list = (await t.as('viewer', { method: 'GET', url: '/api/v1/destinations?q=corp' })).json<{
      items: Destination[];
    }>();
    expect(list.items.map((d) => [d.host, d.hostProblem])).toEqual([[HOST, REASON]]);
  });

  it('still gets its gateway compiled (nothing changes on upgrade)', async () => {
    const res = await t.as('viewer', { method: 'GET', url: '/api/v1/manifests' });
    const names = res
      .json<{ items: { kind: string; metadata: { name: string } }[] }>()
      .items.filter((o) => o.kind === 'Deployment')
      .map((o) => o.metadata.name);
    expect(names).toContain(gatewayNameFor(HOST));
  });

  it('takes no new grant: the request is refused naming the field and the reason', async () => {
    const svc = await t.factories.service();
    const before = await t.db.grant.count();
    const res = await t.as('engineer', {
      method: 'POST',
      url: '/api/v1/grants',
      payload: {
        service: svc.name,
        destination: HOST,
        port: 443,
        justification: 'Legacy host test: must be refused.',
      },
    });
    expect(res.statusCode).toBe(400);
    expect(
      res.json<{ error: { details: { field: string; message: string }[] } }>().error.details,
    ).toContainEqual({
      field: 'body.destination',
      message: 'must end in a public suffix (ICANN section of the Public Suffix List); "corp" is not one',
    });
    expect(await t.db.grant.count()).toBe(before);
  });

  it('takes no new port (409, nothing changed), but may drop one and change its sensitivity', async () => {
    const widen = await t.as('approver', {
      method: 'PATCH',
      url: `/api/v1/destinations/${legacy}`,
      payload: { ports: [{ port: 443 }, { port: 5432 }, { port: 8443 }] },
    });
    expect(widen.statusCode).toBe(409);
    expect(widen.json<{ error: { message: string } }>().error.message).toContain('takes no new ports');
    expect((await get(legacy)).ports.map((p) => p.port)).toEqual([443, 5432]);

    const narrow = await t.as('approver', {
      method: 'PATCH',
      url: `/api/v1/destinations/${legacy}`,
      payload: { ports: [{ port: 443 }], sensitivity: 'sensitive' },
    });
    expect(narrow.statusCode, narrow.body).toBe(200);
    expect(await get(legacy)).toMatchObject({
      ports: [{ port: 443, protocol: 'TCP' }],
      sensitivity: 'sensitive',
      hostProblem: REASON,
    });
  });

  it('can be deleted', async () => {
    expect(
      (await t.as('approver', { method: 'DELETE', url: `/api/v1/destinations/${legacy}` })).statusCode,
    ).toBe(204);
  });
});
