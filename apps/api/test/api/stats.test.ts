// Dashboard aggregates come from the server, and the approval inbox can page oldest first.
import type { Grant, GrantActivity, StatsSummary } from '@egress/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
const grants: Grant[] = [];

beforeAll(async () => {
  t = await createTestApp();
  const dest = await t.factories.destination({ sensitivity: 'standard' });
  for (let i = 0; i < 5; i++) {
    const svc = await t.factories.service();
    grants.push(await t.factories.grant({ service: svc.name, destination: dest.host, port: 443 }));
  }
  await t.as('approver', {
    method: 'POST',
    url: `/api/v1/grants/${grants[0]!.id}/approve`,
    payload: { comment: 'Reviewed for the test.' },
  });
  await t.as('approver', {
    method: 'POST',
    url: `/api/v1/grants/${grants[1]!.id}/approve`,
    payload: { comment: 'Reviewed for the test.' },
  });
  await t.as('approver', {
    method: 'POST',
    url: `/api/v1/grants/${grants[2]!.id}/reject`,
    payload: { reason: 'not needed' },
  });
});
afterAll(async () => t.close());

describe('stats', () => {
  it('summary counts pending, active, destinations and services', async () => {
    const s = (await t.as('viewer', { method: 'GET', url: '/api/v1/stats/summary' })).json<StatsSummary>();
    expect(s).toMatchObject({
      pendingGrants: 2,
      activeGrants: 2,
      destinations: 1,
      services: 5,
      openAlerts: 0,
      blockedFlows24h: 0,
    });
    expect(s.oldestPendingAt).toBe(grants[3]!.requestedAt);
  });

  it("grant activity has one entry per day, oldest first, with today's requests and decisions", async () => {
    const res = await t.as('viewer', { method: 'GET', url: '/api/v1/stats/grant-activity?days=7' });
    const days = res.json<GrantActivity>().days;
    expect(days).toHaveLength(7);
    expect([...days].sort((a, b) => a.date.localeCompare(b.date))).toEqual(days);
    expect(days[6]).toEqual({
      date: new Date().toISOString().slice(0, 10),
      requested: 5,
      approved: 2,
      rejected: 1,
    });
    expect(days.slice(0, 6).every((d) => d.requested === 0)).toBe(true);
    expect(
      (await t.as('viewer', { method: 'GET', url: '/api/v1/stats/grant-activity?days=91' })).statusCode,
    ).toBe(400);
  });

  it('lists grants oldest first with order=asc, paging through every one once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/grants?order=asc&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.as('viewer', { method: 'GET', url })).json<{
        items: Grant[];
        nextCursor: string | null;
      }>();
      seen.push(...page.items.map((g) => g.id));
      cursor = page.nextCursor;
    } while (cursor);
    const expected = [...grants].sort(
      (a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.id.localeCompare(b.id),
    );
    expect(seen).toEqual(expected.map((g) => g.id));
  });
});
