// Explain keeps the compiled desired state between questions (modules/explain/desired-cache.ts). These
// tests show it is kept (a second question compiles nothing) and never answers from a stale state: after
// an approval through this API, after one through another replica (a cache this process's change signal
// never reaches), and once the earliest expiry among the enforced grants has passed.
import type { Explain } from '@egress/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createDesiredStateCache } from '../../src/modules/explain/desired-cache.ts';
import { createExplainRepository } from '../../src/modules/explain/explain.repository.ts';
import { createExplainService } from '../../src/modules/explain/explain.service.ts';
import { createReconcileRepository } from '../../src/modules/reconcile/reconcile.repository.ts';
import { createReconcileService } from '../../src/modules/reconcile/reconcile.service.ts';
import { createChanges } from '../../src/platform/changes.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  const res = await t.as('admin', {
    method: 'PATCH',
    url: '/api/v1/settings',
    payload: { enforcedNamespaces: ['payments'] },
  });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(async () => t.close());

const approve = async (id: string) => {
  const res = await t.as('approver', {
    method: 'POST',
    url: `/api/v1/grants/${id}/approve`,
    payload: { comment: 'Reviewed for the test.' },
  });
  expect(res.statusCode, res.body).toBe(200);
};

/** A cache and explain service of their own on the app's database, with a clock the test moves. */
function replica(changes = createChanges()) {
  let offsetMs = 0;
  const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
  const reconcile = createReconcileService({
    db: t.db,
    repo: createReconcileRepository(t.db),
    reconciler: t.app.reconciler,
    clock,
    log: t.app.log,
  });
  const repo = createExplainRepository(t.db);
  const cache = createDesiredStateCache({ db: t.db, repo, observe: reconcile.observe, changes, clock });
  const service = createExplainService({ repo, cache, clock, publicUrl: t.config.publicUrl });
  return {
    cache,
    changes,
    ask: (service_: string, host: string): Promise<Explain> =>
      service.explain({ service: service_, host, port: 443, protocol: 'TCP' }),
    later: (ms: number) => {
      offsetMs += ms;
    },
  };
}

async function pair(expiresAt?: string) {
  const service = await t.factories.service({ namespace: 'payments' });
  const destination = await t.factories.destination();
  const grant = await t.factories.grant({
    service: service.name,
    destination: destination.host,
    port: 443,
    ...(expiresAt ? { expiresAt } : {}),
  });
  return { service: service.name, host: destination.host, grant };
}

describe('explain answers from a kept compiled state, never a stale one', () => {
  it('keeps it between questions, and an approval through this process (its change signal) shows at once', async () => {
    const r = replica(t.app.changes);
    const { service, host, grant } = await pair();
    expect((await r.ask(service, host)).verdict).toBe('denied');
    expect((await r.ask(service, host)).verdict).toBe('denied');
    expect(r.cache.stats()).toMatchObject({ loads: 1, compiles: 1 });

    await approve(grant.id);
    expect((await r.ask(service, host)).verdict).toBe('allowed');
    // Read again because of the change, not because the grants table disagreed with the kept state.
    expect(r.cache.stats()).toMatchObject({ loads: 2, compiles: 2, invalidations: 0 });
    r.cache.close();
  });

  it('an approval through another replica (no signal here) shows at once: the audit chain moved', async () => {
    const r = replica(createChanges());
    const { service, host, grant } = await pair();
    const other = await pair();
    expect((await r.ask(service, host)).verdict).toBe('denied');
    expect((await r.ask(other.service, other.host)).verdict).toBe('denied');
    expect(r.cache.stats().loads).toBe(1);

    await approve(grant.id);
    expect((await r.ask(service, host)).verdict).toBe('allowed');
    expect(r.cache.stats()).toMatchObject({ loads: 2, invalidations: 0 });
    r.cache.close();
  });

  it('read again once the earliest expiry among the enforced grants has passed, with no change committed', async () => {
    const r = replica(createChanges());
    const { service, host } = await pair();
    const expiring = await pair(new Date(Date.now() + 3_600_000).toISOString());
    await approve(expiring.grant.id);
    expect((await r.ask(service, host)).verdict).toBe('denied');
    const loads = r.cache.stats().loads;
    expect((await r.ask(service, host)).verdict).toBe('denied');
    expect(r.cache.stats().loads).toBe(loads);
    r.later(2 * 3_600_000);
    // A question about another pair: the grants table agrees with the kept state about it, so only the expiry can say stale.
    expect((await r.ask(service, host)).verdict).toBe('denied');
    expect(r.cache.stats()).toMatchObject({ loads: loads + 1, invalidations: 0 });
    r.cache.close();
  });
});
