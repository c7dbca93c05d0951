// The grant workflow through the REST API: request, duplicates, four eyes, approve/reject/cancel/revoke,
// list filters and pagination, and the response shape docs/api.md promises.
import type { Grant, Role } from '@egress/shared';
import type { Factories } from '@egress/shared/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp, type TestUser } from '../helpers/test-app.ts';

let t: TestApp;
let f: Factories;

beforeAll(async () => {
  t = await createTestApp();
  // Destinations are written by approvers, everything else by the engineer (the usual requester).
  f = t.factories;
});
afterAll(async () => t.close());

const JUSTIFICATION = 'The service calls this API to do its job.';

function post(who: Role | TestUser, url: string, payload?: object): Promise<LightMyRequestResponse> {
  return t.as(who, { method: 'POST', url, ...(payload ? { payload } : {}) });
}
const request = (payload: object, who: Role | TestUser = 'engineer') =>
  post(who, '/api/v1/grants', { justification: JUSTIFICATION, ...payload });
const act = (
  who: Role | TestUser,
  id: string,
  action: 'approve' | 'reject' | 'cancel' | 'revoke',
  payload?: object,
) => post(who, `/api/v1/grants/${id}/${action}`, payload);

function expectStatus(res: LightMyRequestResponse, status: number): void {
  expect(res.statusCode, res.body).toBe(status);
}
function expectFields(res: LightMyRequestResponse, status: number, field: string): void {
  expectStatus(res, status);
  const body = res.json<{ error: { code: string; details: { field: string }[] } }>();
  expect(body.error.code).toBe('validation_failed');
  expect(body.error.details.map((d) => d.field)).toContain(field);
}

async function activeGrant(overrides: Parameters<Factories['grant']>[0] = {}): Promise<Grant> {
  const g = await f.grant(overrides);
  const approvers = [t.users.approver, await t.addUser('approver')];
  for (const a of approvers.slice(0, g.requiredApprovals))
    expectStatus(await act(a, g.id, 'approve', { comment: 'Reviewed for the test.' }), 200);
  return g;
}

// docs/api.md: {id, service, destination, port, state, justification, requestedBy, requestedAt, expiresAt,
// approvals: [{approver, at, comment}], requiredApprovals, decidedAt, decidedBy, reason}
const API_FIELDS = [
  'id',
  'service',
  'destination',
  'port',
  'state',
  'justification',
  'requestedBy',
  'requestedAt',
  'expiresAt',
  'approvals',
  'requiredApprovals',
  'decidedAt',
  'decidedBy',
  'reason',
];
const RFC3339_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe('POST /grants', () => {
  it('creates a pending grant with the response shape of docs/api.md', async () => {
    const svc = await f.service();
    const dest = await f.destination({ ports: [{ port: 443, protocol: 'TCP' }] });
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const res = await request({ service: svc.name, destination: dest.host, port: 443, expiresAt });
    expectStatus(res, 201);
    const g = res.json<Record<string, unknown>>();
    expect(Object.keys(g)).toEqual(expect.arrayContaining(API_FIELDS));
    expect(g).toMatchObject({
      service: svc.name,
      destination: dest.host,
      port: 443,
      state: 'pending',
      justification: JUSTIFICATION,
      requestedBy: t.users.engineer.email,
      expiresAt,
      approvals: [],
      requiredApprovals: 1,
      decidedAt: null,
      decidedBy: null,
      reason: null,
    });
    expect(g.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(g.requestedAt).toMatch(RFC3339_UTC);

    const approver = t.users.approver;
    const approved = await act(approver, String(g.id), 'approve', { comment: 'looks fine' });
    expectStatus(approved, 200);
    const a = approved.json<Grant>();
    expect(a).toMatchObject({
      state: 'active',
      decidedBy: approver.email,
      approvals: [{ approver: approver.email, comment: 'looks fine' }],
    });
    expect(Object.keys(a.approvals[0] ?? {}).sort()).toEqual(['approver', 'at', 'comment']);
    expect(a.approvals[0]?.at).toMatch(RFC3339_UTC);
    expect(a.decidedAt).toMatch(RFC3339_UTC);
    // GET returns the same object.
    expect((await t.as('viewer', { method: 'GET', url: `/api/v1/grants/${a.id}` })).json()).toEqual(a);
  });

  it('needs 1 approval for standard, 2 for sensitive and 2 for port-wide grants', async () => {
    const svc = await f.service();
    const standard = await f.destination({ sensitivity: 'standard' });
    const sensitive = await f.destination({ sensitivity: 'sensitive' });
    const cases = [
      { destination: standard.host, port: 443, required: 1 },
      { destination: sensitive.host, port: 443, required: 2 },
      { destination: null, port: 5432, required: 2 },
    ];
    for (const c of cases) {
      const res = await request({ service: svc.name, destination: c.destination, port: c.port });
      expectStatus(res, 201);
      expect(res.json()).toMatchObject({
        state: 'pending',
        destination: c.destination,
        requiredApprovals: c.required,
      });
    }
  });

  it('refuses a port that is not one of the destination ports, and unknown service or destination, writing nothing', async () => {
    const svc = await f.service();
    const dest = await f.destination({
      ports: [
        { port: 443, protocol: 'TCP' },
        { port: 22, protocol: 'TCP' },
      ],
    });
    const before = await t.db.grant.count();
    expectFields(await request({ service: svc.name, destination: dest.host, port: 8443 }), 400, 'body.port');
    expectFields(
      await request({ service: 'service.nobody-knows', destination: dest.host, port: 443 }),
      400,
      'body.service',
    );
    expectFields(
      await request({ service: svc.name, destination: 'unknown.example.org', port: 443 }),
      400,
      'body.destination',
    );
    expect(await t.db.grant.count()).toBe(before);
  });

  it('refuses a duplicate of a pending or active grant, also port-wide, and allows a new one after reject or revoke', async () => {
    const svc = await f.service();
    const dest = await f.destination();
    const body = { service: svc.name, destination: dest.host, port: 443 };
    const first = await request(body);
    expectStatus(first, 201);
    expectStatus(await request(body), 409);
    expect((await request(body)).json()).toMatchObject({ error: { code: 'duplicate' } });

    expectStatus(await act('approver', first.json<Grant>().id, 'approve'), 200);
    expectStatus(await request(body), 409); // active

    expectStatus(
      await act('approver', first.json<Grant>().id, 'revoke', { reason: 'no longer needed' }),
      200,
    );
    const second = await request(body);
    expectStatus(second, 201); // after revoke

    expectStatus(
      await act('approver', second.json<Grant>().id, 'reject', { reason: 'use the mirror instead' }),
      200,
    );
    expectStatus(await request(body), 201); // after reject

    const portWide = { service: svc.name, destination: null, port: 9000 };
    expectStatus(await request(portWide), 201);
    expectStatus(await request(portWide), 409);
  });

  it('lets neither a viewer request nor an engineer decide', async () => {
    const svc = await f.service();
    const dest = await f.destination();
    expectStatus(await request({ service: svc.name, destination: dest.host, port: 443 }, 'viewer'), 403);
    const g = await f.grant({ service: svc.name, destination: dest.host, port: 443 });
    expectStatus(await act('engineer', g.id, 'approve', { comment: 'Reviewed for the test.' }), 403);
    expectStatus(await act('engineer', g.id, 'reject', { reason: 'nope, not me' }), 403);
    expectStatus(await act('viewer', g.id, 'cancel'), 403);
  });

  it('answers 404 for an unknown grant', async () => {
    expectStatus(
      await act('approver', '00000000-0000-4000-8000-000000000000', 'approve', {
        comment: 'Reviewed for the test.',
      }),
      404,
    );
    expectStatus(
      await t.as('viewer', { method: 'GET', url: '/api/v1/grants/00000000-0000-4000-8000-000000000000' }),
      404,
    );
  });
});

describe('approve', () => {
  it('never lets the requester approve their own request, whatever their role', async () => {
    // An approver may request access too; approving that request must still take someone else.
    const requester = await t.addUser('approver', 'approver-requester');
    const svc = await f.service();
    const mine = await request({ service: svc.name, destination: null, port: 7001 }, requester);
    expectStatus(mine, 201);
    const res = await act(requester, mine.json<Grant>().id, 'approve');
    expectStatus(res, 403);
    expect(res.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect(
      (await t.as('viewer', { method: 'GET', url: `/api/v1/grants/${mine.json<Grant>().id}` })).json(),
    ).toMatchObject({ state: 'pending', approvals: [] });
    expectStatus(
      await act('approver', mine.json<Grant>().id, 'approve', { comment: 'Reviewed for the test.' }),
      200,
    );
  });

  it('counts the same approver once (409) and activates a sensitive grant after two distinct approvers', async () => {
    const g = await f.grant({ destinationOverrides: { sensitivity: 'sensitive' } });
    expect(g.requiredApprovals).toBe(2);
    const [a, b] = [t.users.approver, await t.addUser('approver')];

    const first = await act(a, g.id, 'approve', { comment: 'Reviewed for the test.' });
    expectStatus(first, 200);
    expect(first.json()).toMatchObject({
      state: 'pending',
      approvals: [{ approver: a.email }],
      decidedAt: null,
    });

    const again = await act(a, g.id, 'approve', { comment: 'Reviewed for the test.' });
    expectStatus(again, 409);
    expect(await t.db.grantApproval.count({ where: { grantId: g.id } })).toBe(1);

    const second = await act(b, g.id, 'approve', { comment: 'second pair of eyes' });
    expectStatus(second, 200);
    expect(second.json()).toMatchObject({
      state: 'active',
      decidedBy: b.email,
      approvals: [{ approver: a.email }, { approver: b.email, comment: 'second pair of eyes' }],
    });

    expectStatus(await act(await t.addUser('approver'), g.id, 'approve'), 409); // already active
  });

  it('needs two approvals for a port-wide grant', async () => {
    const svc = await f.service();
    const g = await f.grant({ service: svc.name, destination: null, port: 6379 });
    expect(
      (await act('approver', g.id, 'approve', { comment: 'Reviewed for the test.' })).json(),
    ).toMatchObject({ state: 'pending' });
    expect((await act('admin', g.id, 'approve', { comment: 'Reviewed for the test.' })).json()).toMatchObject(
      { state: 'active' },
    );
  });
});

describe('reject, cancel, revoke', () => {
  it('rejects only with a reason', async () => {
    const g = await f.grant();
    expectStatus(await act('approver', g.id, 'reject'), 400);
    expectFields(await act('approver', g.id, 'reject', {}), 400, 'body.reason');
    expectFields(await act('approver', g.id, 'reject', { reason: '' }), 400, 'body.reason');
    expect((await t.db.grant.findUniqueOrThrow({ where: { id: g.id } })).state).toBe('pending');
    const res = await act('approver', g.id, 'reject', { reason: 'use the internal mirror' });
    expectStatus(res, 200);
    expect(res.json()).toMatchObject({
      state: 'rejected',
      reason: 'use the internal mirror',
      decidedBy: t.users.approver.email,
    });
    expectStatus(await act('approver', g.id, 'approve', { comment: 'Reviewed for the test.' }), 409);
    expectStatus(await act('approver', g.id, 'reject', { reason: 'rejecting it twice' }), 409);
  });

  it('lets only the requester cancel, and only while pending', async () => {
    const g = await f.grant();
    const otherEngineer = await t.addUser('engineer');
    expectStatus(await act(otherEngineer, g.id, 'cancel'), 403);
    expectStatus(await act('approver', g.id, 'cancel'), 403);
    const res = await act('engineer', g.id, 'cancel');
    expectStatus(res, 200);
    expect(res.json()).toMatchObject({ state: 'cancelled', decidedBy: t.users.engineer.email });
    expectStatus(await act('engineer', g.id, 'cancel'), 409);

    const active = await activeGrant();
    expectStatus(await act('engineer', active.id, 'cancel'), 409);
  });

  it('revokes only active grants, with a reason', async () => {
    const pending = await f.grant();
    expectStatus(await act('approver', pending.id, 'revoke', { reason: 'not active yet' }), 409);
    const active = await activeGrant();
    expectFields(await act('approver', active.id, 'revoke', {}), 400, 'body.reason');
    const res = await act('approver', active.id, 'revoke', { reason: 'the integration was retired' });
    expectStatus(res, 200);
    expect(res.json()).toMatchObject({
      state: 'revoked',
      reason: 'the integration was retired',
      decidedBy: t.users.approver.email,
    });
    expectStatus(await act('approver', active.id, 'revoke', { reason: 'revoking it twice' }), 409);
    expectStatus(await act('approver', active.id, 'approve', { comment: 'Reviewed for the test.' }), 409);
  });
});

describe('GET /grants', () => {
  type Page = { items: Grant[]; nextCursor: string | null };
  const list = async (query: string): Promise<Page> => {
    const res = await t.as('viewer', { method: 'GET', url: `/api/v1/grants?${query}` });
    expectStatus(res, 200);
    return res.json<Page>();
  };

  it('filters by state, service and destination (and * for port-wide)', async () => {
    const svc = await f.service();
    const d1 = await f.destination();
    const d2 = await f.destination({
      ports: [
        { port: 443, protocol: 'TCP' },
        { port: 80, protocol: 'TCP' },
      ],
    });
    const g1 = await f.grant({ service: svc.name, destination: d1.host, port: 443 });
    const g2 = await f.grant({ service: svc.name, destination: d2.host, port: 443 });
    const g3 = await f.grant({ service: svc.name, destination: d2.host, port: 80 });
    const g4 = await f.grant({ service: svc.name, destination: null, port: 8080 });
    expectStatus(await act('approver', g2.id, 'approve', { comment: 'Reviewed for the test.' }), 200);
    expectStatus(await act('approver', g3.id, 'reject', { reason: 'plain http is not allowed' }), 200);
    const other = await f.grant({ destination: d1.host, port: 443 }); // another service, same destination

    const ids = (p: Page) => p.items.map((g) => g.id).sort();
    expect(ids(await list(`service=${svc.name}`))).toEqual([g1.id, g2.id, g3.id, g4.id].sort());
    expect(ids(await list(`service=${svc.name}&state=pending`))).toEqual([g1.id, g4.id].sort());
    expect(ids(await list(`service=${svc.name}&state=active`))).toEqual([g2.id]);
    expect(ids(await list(`service=${svc.name}&state=rejected`))).toEqual([g3.id]);
    expect(ids(await list(`destination=${d1.host}`))).toEqual([g1.id, other.id].sort());
    expect(ids(await list(`service=${svc.name}&destination=${d2.host}&state=active`))).toEqual([g2.id]);
    expect(ids(await list(`service=${svc.name}&destination=*`))).toEqual([g4.id]);
    expect((await list('destination=*')).items.every((g) => g.destination === null)).toBe(true);
    expect((await list('state=active')).items.every((g) => g.state === 'active')).toBe(true);
  });

  it('pages with limit and nextCursor, newest first, visiting every item exactly once', async () => {
    const svc = await f.service();
    const created: string[] = [];
    for (let port = 1000; port < 1007; port++)
      created.push((await f.grant({ service: svc.name, destination: null, port })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await list(
        `service=${svc.name}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((g) => g.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...created].reverse());
  });
});
