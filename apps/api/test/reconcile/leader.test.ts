// Several replicas on one database: exactly one reconciles, and another takes over when it stops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildApp } from '../../src/app.ts';
import { createDb } from '../../src/platform/db.ts';
import { settled } from '../helpers/reconcile.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let a: TestApp;
let b: Awaited<ReturnType<typeof buildApp>>;
let bDb: ReturnType<typeof createDb>;

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  a = await createTestApp();
  bDb = createDb(a.database.url, 5);
  b = await buildApp({ config: a.config, db: bDb, databaseUrl: a.database.url });
  await b.ready();
});
afterAll(async () => {
  await b.close();
  await bDb.$disconnect();
  await a.close();
});

describe('reconciler leader lock', () => {
  it('one replica leads; runs queued on either are executed once; the other takes over when the leader stops', async () => {
    await until(() => a.app.reconciler.isLeader() || b.reconciler.isLeader());
    await new Promise((r) => setTimeout(r, 1500)); // both replicas have polled at least once
    expect([a.app.reconciler.isLeader(), b.reconciler.isLeader()].filter(Boolean)).toHaveLength(1);

    const follower = a.app.reconciler.isLeader() ? b : a.app;
    const runId = await follower.reconciler.requestRun('test: queued on the follower');
    await settled(a.app);
    const run = await a.db.reconcileRun.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe('succeeded');

    const leaderWasA = a.app.reconciler.isLeader();
    if (leaderWasA) await a.app.reconciler.stop();
    else await b.reconciler.stop();
    const survivor = leaderWasA ? b : a.app;
    await until(() => survivor.reconciler.isLeader());
    const next = await survivor.reconciler.requestRun('test: after takeover');
    await settled(survivor);
    expect((await a.db.reconcileRun.findUniqueOrThrow({ where: { id: next } })).status).toBe('succeeded');
  });
});
