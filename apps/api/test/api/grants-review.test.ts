// The approver's review (issue 18): GET /grants/{id}/review in one answer, the inbox's filters on the
// grants list, comments required to approve port-wide and sensitive requests, and where a rules sync
// request came from (token, repository, commit).
import type { Grant, GrantReview } from '@egress/shared';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp, type TestUser } from '../helpers/test-app.ts';

let t: TestApp;
let ingestToken: string;

beforeAll(async () => {
  t = await createTestApp();
  const res = await t.as('admin', {
    method: 'POST',
    url: '/api/v1/tokens',
    payload: { name: 'flow collector', scopes: ['flows.ingest'] },
  });
  expect(res.statusCode, res.body).toBe(201);
  ingestToken = res.json<{ token: string }>().token;
});
afterAll(async () => t.close());

function expectStatus(res: LightMyRequestResponse, status: number): void {
  expect(res.statusCode, res.body).toBe(status);
}
const get = (
  who: TestUser | 'viewer' | 'engineer' | 'approver',
  url: string,
  query?: Record<string, string>,
) => t.as(who, { method: 'GET', url, ...(query ? { query } : {}) });
const approve = (who: TestUser | 'approver' | 'admin', id: string, payload?: object) =>
  t.as(who, { method: 'POST', url: `/api/v1/grants/${id}/approve`, payload: payload ?? {} });

async function review(id: string, who: TestUser | 'viewer' | 'approver' = 'approver'): Promise<GrantReview> {
  const res = await get(who, `/api/v1/grants/${id}/review`);
  expectStatus(res, 200);
  return res.json<GrantReview>();
}

let counter = 0;
const ns = () => `review-${++counter}-${Math.random().toString(36).slice(2, 6)}`;

describe('GET /grants/{id}/review', () => {
  it('answers who asked, what becomes reachable, the denied flows and the history in one call', async () => {
    const namespace = ns();
    const svc = await t.factories.service({
      namespace,
      selector: { matchLabels: { app: 'checkout' } },
      serviceAccount: 'checkout-sa',
      team: 'payments',
    });
    const dest = await t.factories.destination({
      ports: [{ port: 443, protocol: 'TCP' }],
      sensitivity: 'sensitive',
      description: 'Card processor API',
    });
    // Evidence: the service's pods were denied twice on this host, once on another host.
    const flow = (destName: string) => ({
      time: new Date(Date.now() - 60_000).toISOString(),
      sourceNamespace: namespace,
      sourceLabels: { app: 'checkout' },
      destIP: '140.82.121.4',
      destPort: 443,
      protocol: 'TCP',
      destName,
    });
    const ingest = await t.app.inject({
      method: 'POST',
      url: '/api/v1/flows',
      headers: { authorization: `Bearer ${ingestToken}` },
      payload: { format: 'generic', records: [flow(dest.host), flow(dest.host), flow('other.example.org')] },
    });
    expectStatus(ingest, 200);

    // History: an earlier request for the same access, rejected with a reason.
    const earlier = await t.factories.grant({ service: svc.name, destination: dest.host, port: 443 });
    expectStatus(
      await t.as('approver', {
        method: 'POST',
        url: `/api/v1/grants/${earlier.id}/reject`,
        payload: { reason: 'No data processing agreement yet.' },
      }),
      200,
    );
    const g = await t.factories.grant({ service: svc.name, destination: dest.host, port: 443 });

    const r = await review(g.id, 'viewer');
    expect(r.grant.id).toBe(g.id);
    expect(r.requester).toEqual({ email: t.users.engineer.email, name: 'engineer' });
    expect(r.service).toMatchObject({
      name: svc.name,
      namespace,
      selector: { matchLabels: { app: 'checkout' } },
      serviceAccount: 'checkout-sa',
      team: 'payments',
    });
    expect(r.destination).toMatchObject({
      host: dest.host,
      description: 'Card processor API',
      sensitivity: 'sensitive',
    });
    expect(r.protocols).toEqual(['TCP']);
    expect(r.portWide).toBe(false);
    expect(r.commentRequired).toBe(true);
    expect(r.evidence.deniedFlows).toHaveLength(1);
    expect(r.evidence.deniedFlows[0]).toMatchObject({
      destination: dest.host,
      port: 443,
      protocol: 'TCP',
      count: 2,
    });
    expect(r.history.rejections.map((x) => [x.id, x.reason])).toEqual([
      [earlier.id, 'No data processing agreement yet.'],
    ]);
    expect(r.history.serviceGrants.map((x) => x.id)).toEqual([earlier.id]);
    // The request was filed with a token: the review says which.
    expect(r.grant.source).toEqual({ token: 'engineer test token', repository: null, commit: null });
  });

  it('for a port-wide request: no destination, TCP on the port, flows to any host on that port', async () => {
    const svc = await t.factories.service();
    const g = await t.factories.grant({ service: svc.name, destination: null, port: 8443 });
    const r = await review(g.id);
    expect(r.destination).toBeNull();
    expect(r.portWide).toBe(true);
    expect(r.protocols).toEqual(['TCP']);
    expect(r.commentRequired).toBe(true);
    expect(r.evidence.deniedFlows).toEqual([]);
  });

  it('reads like the grant itself: any signed-in role, 401 without credentials, 404 for an unknown id', async () => {
    const g = await t.factories.grant();
    for (const who of ['viewer', 'engineer', 'approver'] as const)
      expectStatus(await get(who, `/api/v1/grants/${g.id}/review`), 200);
    expectStatus(await t.app.inject({ method: 'GET', url: `/api/v1/grants/${g.id}/review` }), 401);
    expectStatus(await get('viewer', '/api/v1/grants/00000000-0000-4000-8000-000000000000/review'), 404);
    expectStatus(await get('viewer', '/api/v1/grants/not-a-uuid/review'), 400);
  });
});

describe('approving port-wide and sensitive requests needs a comment', () => {
  async function expectRefused(g: Grant, payload?: object) {
    const auditBefore = await t.db.auditEvent.count();
    const res = await approve('approver', g.id, payload);
    expectStatus(res, 400);
    const body = res.json<{
      error: { code: string; message: string; details: { field: string; message: string }[] };
    }>();
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.map((d) => d.field)).toEqual(['body.comment']);
    // Nothing changed: no approval, still pending, no audit row.
    const after = (await get('viewer', `/api/v1/grants/${g.id}`)).json<Grant>();
    expect(after.approvals).toEqual([]);
    expect(after.state).toBe('pending');
    expect(await t.db.grantApproval.count({ where: { grantId: g.id } })).toBe(0);
    expect(await t.db.auditEvent.count()).toBe(auditBefore);
    return body.error;
  }

  it('refuses a port-wide approval without a comment (400 naming body.comment), then takes one with it', async () => {
    const g = await t.factories.grant({ destination: null, port: 9443 });
    const error = await expectRefused(g);
    expect(error.details[0]?.message).toContain('port-wide');
    await expectRefused(g, { comment: '   ' });
    const ok = await approve('approver', g.id, { comment: 'Crawler: any host on 9443 is its job.' });
    expectStatus(ok, 200);
    expect(ok.json<Grant>().approvals[0]?.comment).toBe('Crawler: any host on 9443 is its job.');
  });

  it('refuses a sensitive approval without a comment; a standard one needs none', async () => {
    const sensitive = await t.factories.grant({ destinationOverrides: { sensitivity: 'sensitive' } });
    const error = await expectRefused(sensitive);
    expect(error.message).toContain('sensitive');
    const standard = await t.factories.grant();
    const res = await approve('approver', standard.id);
    expectStatus(res, 200);
    expect(res.json<Grant>().state).toBe('active');
  });

  it('a decided grant still answers 409, comment or not', async () => {
    const g = await t.factories.grant({ destinationOverrides: { sensitivity: 'sensitive' } });
    expectStatus(
      await t.as('approver', {
        method: 'POST',
        url: `/api/v1/grants/${g.id}/reject`,
        payload: { reason: 'no' },
      }),
      200,
    );
    expectStatus(await approve('admin', g.id), 409);
  });
});

describe('inbox filters on GET /grants', () => {
  it('filters by sensitivity, port-wide, team and "waiting on me"', async () => {
    const team = `team-${Math.random().toString(36).slice(2, 8)}`;
    const svc = await t.factories.service({ team });
    const sensitive = await t.factories.grant({
      service: svc.name,
      destinationOverrides: { sensitivity: 'sensitive' },
    });
    const standard = await t.factories.grant({ service: svc.name });
    const portWide = await t.factories.grant({ service: svc.name, destination: null, port: 5432 });
    const approverA = t.users.approver;
    const approverB = await t.addUser('approver', 'inbox-b');
    // approverA approved the sensitive one already (1 of 2): it no longer waits on them, still on B.
    expectStatus(await approve(approverA, sensitive.id, { comment: 'Checked the processor contract.' }), 200);
    // approverB filed one of their own: it never waits on them.
    const mine = (
      await t.as(approverB, {
        method: 'POST',
        url: '/api/v1/grants',
        payload: {
          service: svc.name,
          destination: null,
          port: 6379,
          justification: 'Filed by an approver for their team.',
        },
      })
    ).json<Grant>();

    const ids = async (who: TestUser | 'viewer', query: Record<string, string>) => {
      const res = await get(who, '/api/v1/grants', { team, order: 'asc', ...query });
      expectStatus(res, 200);
      return res.json<{ items: Grant[] }>().items.map((g) => g.id);
    };
    expect(await ids('viewer', {})).toEqual([sensitive.id, standard.id, portWide.id, mine.id]);
    expect(await ids('viewer', { sensitivity: 'sensitive' })).toEqual([sensitive.id]);
    expect(await ids('viewer', { sensitivity: 'standard' })).toEqual([standard.id]);
    expect(await ids('viewer', { portWide: 'true' })).toEqual([portWide.id, mine.id]);
    expect(await ids('viewer', { portWide: 'false' })).toEqual([sensitive.id, standard.id]);
    expect(await ids(approverA, { waitingOnMe: 'true' })).toEqual([standard.id, portWide.id, mine.id]);
    expect(await ids(approverB, { waitingOnMe: 'true' })).toEqual([sensitive.id, standard.id, portWide.id]);
    expect(await ids('viewer', { team: 'no-such-team' })).toEqual([]);
    const bad = await get('viewer', '/api/v1/grants', { portWide: 'yes' });
    expectStatus(bad, 400);
    expect(bad.body).toContain('query.portWide');
  });
});

describe('rules sync records where a request came from', () => {
  it('stores the token, repository and commit on the grant, and names them in the default justification', async () => {
    const svc = await t.factories.service();
    const dest = await t.factories.destination();
    const res = await t.as('engineer', {
      method: 'POST',
      url: `/api/v1/services/${svc.id}/rules:sync`,
      payload: {
        rules: [`${dest.host}:443`],
        source: { repository: 'acme/checkout', commit: '0123456789ABCDEF0123456789abcdef01234567' },
      },
    });
    expectStatus(res, 200);
    const created = res.json<{ created: Grant[] }>().created[0];
    expect(created?.source).toEqual({
      token: 'engineer test token',
      repository: 'acme/checkout',
      commit: '0123456789abcdef0123456789abcdef01234567',
    });
    expect(created?.justification).toContain('acme/checkout');
    expect(created?.justification).toContain('0123456789abcdef0123456789abcdef01234567');
    expect((await review(created?.id ?? '')).grant.source?.repository).toBe('acme/checkout');
  });

  it('refuses a malformed commit naming body.source.commit, and files nothing', async () => {
    const svc = await t.factories.service();
    const dest = await t.factories.destination();
    const before = await t.db.grant.count();
    const res = await t.as('engineer', {
      method: 'POST',
      url: `/api/v1/services/${svc.id}/rules:sync`,
      payload: { rules: [`${dest.host}:443`], source: { repository: 'acme/checkout', commit: 'main' } },
    });
    expectStatus(res, 400);
    expect(res.body).toContain('body.source.commit');
    expect(await t.db.grant.count()).toBe(before);
  });
});
