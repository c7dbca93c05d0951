// Retention: a sweep (on the EGRESS_EXPIRY_INTERVAL_SECONDS tick) deletes denied-flow rows last seen
// longer ago than the flowRetentionDays setting, and the inbox groups whose last row that was. Time
// moves only when the test moves it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Clock } from '../../src/platform/clock.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const DAY = 86_400_000;
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await createTestApp({ clock, env: { EGRESS_EXPIRY_INTERVAL_SECONDS: '1' } });
  const res = await t.as('admin', {
    method: 'POST',
    url: '/api/v1/tokens',
    payload: { name: 'collector', scopes: ['flows.ingest'] },
  });
  token = res.json<{ token: string }>().token;
});
afterAll(async () => t.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function portsLeft(ns: string): Promise<number[]> {
  return (
    await t.db.blockedFlow.findMany({
      where: { sourceNamespace: ns },
      select: { port: true },
      orderBy: { port: 'asc' },
    })
  ).map((r) => r.port);
}

async function groupPortsLeft(ns: string): Promise<number[]> {
  const rows = await t.db.$queryRaw<
    { port: number }[]
  >`SELECT port FROM blocked_egress_groups WHERE source_namespace = ${ns} ORDER BY port`;
  return rows.map((r) => r.port);
}

/** Waits until both the windows and the inbox groups of `ns` are on exactly these ports. */
async function waitFor(ns: string, expected: number[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const left = async () => JSON.stringify({ windows: await portsLeft(ns), groups: await groupPortsLeft(ns) });
  while ((await left()) !== JSON.stringify({ windows: expected, groups: expected })) {
    if (Date.now() > deadline)
      throw new Error(`rows of ${ns}: ${await left()}, expected ${JSON.stringify(expected)} for both`);
    await sleep(100);
  }
}

describe('denied-flow retention', () => {
  it('deletes rows past the retention without anyone acting, and follows the setting', async () => {
    const ns = 'retention';
    const record = (port: number, ageMs: number) => ({
      time: new Date(Date.now() - ageMs).toISOString(),
      sourceNamespace: ns,
      sourcePod: 'cron-1',
      destIP: '198.51.100.1',
      destPort: port,
      protocol: 'TCP',
    });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/flows',
      headers: { authorization: `Bearer ${token}` },
      payload: { format: 'generic', records: [record(29, 29 * DAY), record(1, 3_600_000)] },
    });
    expect(res.statusCode, res.body).toBe(200);
    await sleep(1500);
    expect(await portsLeft(ns)).toEqual([1, 29]);
    expect(await groupPortsLeft(ns)).toEqual([1, 29]);

    // Two days later the 29-day-old row is past the 30-day retention; the hour-old one is not.
    offsetMs = 2 * DAY;
    try {
      await waitFor(ns, [1]);
      const shorter = await t.as('admin', {
        method: 'PATCH',
        url: '/api/v1/settings',
        payload: { flowRetentionDays: 1 },
      });
      expect(shorter.statusCode, shorter.body).toBe(200);
      await waitFor(ns, []);
    } finally {
      offsetMs = 0;
    }
  });
});
