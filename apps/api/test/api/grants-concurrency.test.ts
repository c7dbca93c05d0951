// Twenty concurrent decisions on one grant (approve by 8 approvers, reject by 6, revoke by 6) must
// serialise into exactly one coherent history: never both active and rejected, never an approval after
// a terminal state, every loser a clean 409, and one audit row per successful call.
import type { Grant } from '@egress/shared';
import type { Factories } from '@egress/shared/testing';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp, type TestUser } from '../helpers/test-app.ts';

let t: TestApp;
let f: Factories;
let approvers: TestUser[];

beforeAll(async () => {
  t = await createTestApp();
  f = t.factories;
  approvers = [];
  for (let i = 0; i < 20; i++) approvers.push(await t.addUser('approver', `racer${i}`));
});
afterAll(async () => t.close());

type Kind = 'approve' | 'reject' | 'revoke';
interface Call {
  kind: Kind;
  who: TestUser;
  requestId: string;
  res?: LightMyRequestResponse;
}

const ACTION: Record<Kind, string> = {
  approve: 'grant.approved',
  reject: 'grant.rejected',
  revoke: 'grant.revoked',
};

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** 8 approvals, 6 rejections and 6 revocations, each by a distinct approver, in random order. */
function plan(label: string): Call[] {
  const kinds: Kind[] = [
    ...Array<Kind>(8).fill('approve'),
    ...Array<Kind>(6).fill('reject'),
    ...Array<Kind>(6).fill('revoke'),
  ];
  return shuffled(kinds.map((kind, i) => ({ kind, who: approvers[i]!, requestId: `${label}-${kind}-${i}` })));
}

async function fire(grantId: string, calls: Call[]): Promise<void> {
  await Promise.all(
    calls.map(async (c) => {
      const payload =
        c.kind === 'approve'
          ? { comment: `ok from ${c.who.email}` }
          : { reason: `${c.kind} by ${c.who.email}` };
      c.res = await t.as(c.who, {
        method: 'POST',
        url: `/api/v1/grants/${grantId}/${c.kind}`,
        headers: { 'x-request-id': c.requestId },
        payload,
      });
    }),
  );
}

const ok = (c: Call) => c.res?.statusCode === 200;

/** The audit history of the grant must be one of the histories the state machine allows. */
function expectLegalHistory(actions: string[], required: number, final: Grant['state']): void {
  const approvals = actions.filter((a) => a === 'grant.approved').length;
  const activated = Array<string>(required).fill('grant.approved').concat('grant.activated');
  switch (final) {
    case 'rejected':
      expect(approvals).toBeLessThan(required);
      expect(actions).toEqual([...Array<string>(approvals).fill('grant.approved'), 'grant.rejected']);
      return;
    case 'active':
      expect(actions).toEqual(activated);
      return;
    case 'revoked':
      expect(actions).toEqual([...activated, 'grant.revoked']);
      return;
    default:
      throw new Error(`unexpected final state ${final}`);
  }
}

async function race(sensitivity: 'standard' | 'sensitive', round: number): Promise<void> {
  const g = await f.grant({ destinationOverrides: { sensitivity } });
  const required = sensitivity === 'sensitive' ? 2 : 1;
  expect(g.requiredApprovals).toBe(required);

  const calls = plan(`race-${sensitivity}-${round}`);
  await fire(g.id, calls);

  // Every call got an answer, never a 500: winners 200, losers 409.
  for (const c of calls)
    expect([200, 409], `${c.kind} by ${c.who.email}: ${c.res?.body ?? ''}`).toContain(c.res?.statusCode);

  const final = (await t.as('viewer', { method: 'GET', url: `/api/v1/grants/${g.id}` })).json<Grant>();
  expect(['active', 'revoked', 'rejected']).toContain(final.state);
  const won = (kind: Kind) => calls.filter((c) => c.kind === kind && ok(c));

  // The grant holds exactly the approvals whose calls succeeded.
  expect(final.approvals.map((a) => a.approver).sort()).toEqual(
    won('approve')
      .map((c) => c.who.email)
      .sort(),
  );
  if (final.state === 'rejected') {
    expect(won('approve').length).toBeLessThan(required);
    expect(won('reject')).toHaveLength(1);
    expect(won('revoke')).toHaveLength(0);
  } else {
    expect(won('approve')).toHaveLength(required);
    expect(won('reject')).toHaveLength(0);
    expect(won('revoke')).toHaveLength(final.state === 'revoked' ? 1 : 0);
  }

  // Audit rows match the successful calls one to one (plus grant.activated with the activating approval).
  const rows = await t.db.auditEvent.findMany({
    where: { targetId: g.id, action: { not: 'grant.requested' } },
    orderBy: { seq: 'asc' },
  });
  expectLegalHistory(
    rows.map((r) => r.action),
    required,
    final.state,
  );
  for (const c of calls) {
    const mine = rows.filter((r) => r.requestId === c.requestId).map((r) => r.action);
    if (!ok(c)) expect(mine, `failed ${c.requestId} left audit rows`).toEqual([]);
    else expect(mine[0]).toBe(ACTION[c.kind]);
  }
  expect(rows.every((r) => calls.some((c) => c.requestId === r.requestId && ok(c)))).toBe(true);

  // Each winner's response shows the state right after it, in audit order.
  const winnersInOrder = rows
    .filter((r) => r.action !== 'grant.activated')
    .map((r) => calls.find((c) => c.requestId === r.requestId)!);
  winnersInOrder.forEach((c, i) => {
    const body = c.res!.json<Grant>();
    if (c.kind === 'approve') {
      expect(body.approvals).toHaveLength(i + 1);
      expect(body.state).toBe(i + 1 === required ? 'active' : 'pending');
    } else {
      expect(body.state).toBe(c.kind === 'reject' ? 'rejected' : 'revoked');
    }
  });
}

describe('concurrent decisions on one grant', () => {
  const rounds = [1, 2, 3];
  it.each(rounds)('sensitive grant (2 approvals), round %i', async (round) => race('sensitive', round));
  it.each(rounds)('standard grant (1 approval), round %i', async (round) => race('standard', round));

  it('leaves a valid audit chain', async () => {
    const res = await t.as('approver', { method: 'GET', url: '/api/v1/audit-events/verify' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      valid: true,
      checked: await t.db.auditEvent.count(),
      firstInvalidSeq: null,
    });
  });
});
