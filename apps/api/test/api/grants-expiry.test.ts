// Expiry needs nobody to act: the sweep (every EGRESS_EXPIRY_INTERVAL_SECONDS) moves an active grant
// past its expiresAt to `expired` (and cancels a pending request whose expiry passed), audited as the system.
import type { Grant } from '@egress/shared';
import type { Factories } from '@egress/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let f: Factories;

beforeAll(async () => {
  t = await createTestApp({ env: { EGRESS_EXPIRY_INTERVAL_SECONDS: '1' } });
  f = t.factories;
});
afterAll(async () => t.close());

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForState(id: string, state: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await t.db.grant.findUniqueOrThrow({ where: { id }, select: { state: true } });
    if (row.state === state) return;
    if (Date.now() > deadline)
      throw new Error(`grant ${id} still ${row.state} after ${timeoutMs} ms (waited for ${state})`);
    await sleep(100);
  }
}

describe('grant expiry', () => {
  it('expires an active grant past expiresAt without any API call, audited as the system', async () => {
    // Service and destination first, so the expiry window starts at the request (the suite may run on a busy machine).
    const [svc, dest] = [await f.service(), await f.destination()];
    const g = await f.grant({
      service: svc.name,
      destination: dest.host,
      port: 443,
      expiresAt: inSeconds(2),
    });
    const approved = await t.as('approver', {
      method: 'POST',
      url: `/api/v1/grants/${g.id}/approve`,
      payload: { comment: 'Reviewed for the test.' },
    });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ state: 'active' });
    // An active grant without expiry and one expiring much later are left alone.
    const forever = await f.grant();
    const later = await f.grant({ expiresAt: inSeconds(3600) });
    for (const other of [forever, later])
      expect(
        (
          await t.as('approver', {
            method: 'POST',
            url: `/api/v1/grants/${other.id}/approve`,
            payload: { comment: 'Reviewed for the test.' },
          })
        ).statusCode,
      ).toBe(200);

    await waitForState(g.id, 'expired', 10_000);

    const expired = (await t.as('viewer', { method: 'GET', url: `/api/v1/grants/${g.id}` })).json<Grant>();
    expect(expired).toMatchObject({ state: 'expired', decidedBy: 'system' });
    expect(new Date(expired.decidedAt!).getTime()).toBeGreaterThanOrEqual(new Date(g.expiresAt!).getTime());

    const rows = await t.db.auditEvent.findMany({ where: { targetId: g.id, action: 'grant.expired' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actorType: 'system', actorId: null, actor: 'system', requestId: null });
    expect(rows[0]?.before).toMatchObject({ state: 'active' });
    expect(rows[0]?.after).toMatchObject({ state: 'expired' });

    for (const other of [forever, later])
      expect((await t.db.grant.findUniqueOrThrow({ where: { id: other.id } })).state).toBe('active');
    // Once expired it cannot be revoked (no transition from expired).
    const revoke = await t.as('approver', {
      method: 'POST',
      url: `/api/v1/grants/${g.id}/revoke`,
      payload: { reason: 'too late for this' },
    });
    expect(revoke.statusCode).toBe(409);
  });

  it('refuses an expiresAt in the past at request time, naming body.expiresAt', async () => {
    const svc = await f.service();
    const dest = await f.destination();
    const before = await t.db.grant.count();
    const res = await t.as('engineer', {
      method: 'POST',
      url: '/api/v1/grants',
      payload: {
        service: svc.name,
        destination: dest.host,
        port: 443,
        justification: 'Needed for a short experiment.',
        expiresAt: inSeconds(-60),
      },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({
      error: { code: 'validation_failed', details: [{ field: 'body.expiresAt' }] },
    });
    expect(await t.db.grant.count()).toBe(before);
  });

  it('cancels a pending request whose requested expiry passed (system, audited), so it cannot be approved and no longer blocks a new request', async () => {
    const [svc, dest] = [await f.service(), await f.destination()];
    const g = await f.grant({
      service: svc.name,
      destination: dest.host,
      port: 443,
      expiresAt: inSeconds(1),
    });
    await waitForState(g.id, 'cancelled', 10_000);
    const res = await t.as('approver', {
      method: 'POST',
      url: `/api/v1/grants/${g.id}/approve`,
      payload: { comment: 'Reviewed for the test.' },
    });
    expect(res.statusCode, res.body).toBe(409);
    const row = await t.db.grant.findUniqueOrThrow({ where: { id: g.id }, include: { approvals: true } });
    expect(row).toMatchObject({ state: 'cancelled', decidedById: null });
    expect(row.approvals).toHaveLength(0);
    const audit = await t.db.auditEvent.findMany({ where: { targetId: g.id, action: 'grant.cancelled' } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorType: 'system' });
    const again = await f.grant({ service: svc.name, destination: dest.host, port: 443 });
    expect(again.state).toBe('pending');
  });
});
