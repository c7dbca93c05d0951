// `egressctl status --json` against the real API over HTTP: the document a pipeline parses (documented
// in docs/egressctl.md), its exit code, and that it reads every page of grants.
import type { Grant } from '@egress/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { StatusDocument } from '../../../cli/src/commands.ts';
import { EXIT } from '../../../cli/src/exit-codes.ts';
import { run } from '../../../cli/src/main.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let env: NodeJS.ProcessEnv;

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, env, { out: (s) => out.push(s), err: (s) => err.push(s), cwd: '.' });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  t = await createTestApp();
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  env = { EGRESS_URL: address, EGRESS_TOKEN: t.users.engineer.token };
  await t.factories.destination({ host: 'github.com', ports: [{ port: 443, protocol: 'TCP' }] });
  await t.factories.service({
    name: 'service.github',
    namespace: 'payments',
    selector: { matchLabels: { app: 'github' } },
  });
  await t.factories.service({
    name: 'service.other',
    namespace: 'ci',
    selector: { matchLabels: { a: 'b' } },
  });
});
afterAll(async () => t.close());

describe('egressctl status --json', () => {
  it('prints one JSON document with every pending and active grant, and exits 5 while any is pending', async () => {
    const active = await t.factories.grant({
      service: 'service.github',
      destination: 'github.com',
      port: 443,
    });
    await t.as('approver', {
      method: 'POST',
      url: `/api/v1/grants/${active.id}/approve`,
      payload: { comment: 'ok' },
    });
    const pending = await t.factories.grant({ service: 'service.github', destination: null, port: 22 });
    await t.factories.grant({ service: 'service.other', destination: 'github.com', port: 443 });

    const r = await cli(['status', '--service', 'service.github', '--json']);
    expect(r.code, r.err).toBe(EXIT.pending);
    const doc = JSON.parse(r.out) as StatusDocument;
    const approver = t.users.approver.email;
    const engineer = t.users.engineer.email;
    const fetched = (
      await t.as('viewer', { method: 'GET', url: `/api/v1/grants/${active.id}` })
    ).json<Grant>();
    expect(doc).toEqual({
      version: 1,
      service: 'service.github',
      pending: 1,
      active: 1,
      grants: [
        {
          id: pending.id,
          state: 'pending',
          service: 'service.github',
          namespace: 'payments',
          destination: null,
          port: 22,
          approvals: 0,
          requiredApprovals: 2,
          approvedBy: [],
          requestedBy: engineer,
          requestedAt: pending.requestedAt,
          expiresAt: null,
        },
        {
          id: active.id,
          state: 'active',
          service: 'service.github',
          namespace: 'payments',
          destination: 'github.com',
          port: 443,
          approvals: 1,
          requiredApprovals: 1,
          approvedBy: [approver],
          requestedBy: engineer,
          requestedAt: fetched.requestedAt,
          expiresAt: null,
        },
      ],
    });
    // Key order is part of the contract (diffs and line-based tools see the same shape every time).
    expect(Object.keys(doc.grants[0] ?? {})).toEqual([
      'id',
      'state',
      'service',
      'namespace',
      'destination',
      'port',
      'approvals',
      'requiredApprovals',
      'approvedBy',
      'requestedBy',
      'requestedAt',
      'expiresAt',
    ]);
    // Without --json the same grants, one line each.
    const lines = await cli(['status', '--service', 'service.github']);
    expect(lines.out.split('\n')).toHaveLength(2);
    expect(lines.out).toContain(`pending  service.github -> *:22  0/2 approvals  ${pending.id}`);
  });

  it('exits 0 with an empty list when nothing is pending or active, and reads past the first page', async () => {
    const none = await cli(['status', '--service', 'service.nobody', '--json']);
    expect(none.code, none.err).toBe(EXIT.ok);
    expect(JSON.parse(none.out)).toEqual({
      version: 1,
      service: 'service.nobody',
      pending: 0,
      active: 0,
      grants: [],
    });
    // 501 pending requests for one service: more than one page of the API's 500.
    // Written straight to the table: 501 requests through the API would take most of a minute, and
    // what is under test is the reading side.
    const many = await t.factories.service({
      name: 'service.many',
      namespace: 'ci',
      selector: { matchLabels: { m: 'y' } },
    });
    await t.db.grant.createMany({
      data: Array.from({ length: 501 }, (_, i) => ({
        serviceId: many.id,
        port: 1000 + i,
        justification: 'Many pending requests.',
        requiredApprovals: 2,
        requestedById: t.users.engineer.id,
      })),
    });
    const r = await cli(['status', '--service', 'service.many', '--json']);
    expect(r.code, r.err).toBe(EXIT.pending);
    const doc = JSON.parse(r.out) as StatusDocument;
    expect(doc.pending).toBe(501);
    expect(new Set(doc.grants.map((g) => g.port)).size).toBe(501);
  });
});
