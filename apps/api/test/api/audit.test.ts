// The audit log: one row per change, written in the change's own transaction; hash-chained and
// append-only in the database; filterable, paged and exportable as CSV by approvers only.
import type { AuditEvent, Grant, Role } from '@egress/shared';
import type { Factories } from '@egress/shared/testing';
import type { LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp, type TestUser } from '../helpers/test-app.ts';

let t: TestApp;
let f: Factories;

beforeAll(async () => {
  t = await createTestApp();
  f = t.factories;
});
afterAll(async () => t.close());

/** Raw SQL on the test database as its owner (a superuser), outside the app. */
/** The grant as the audit log keeps it: the API's answer without its usage figures (telemetry, not state). */
function auditedGrant(g: unknown): unknown {
  if (typeof g !== 'object' || g === null) return g;
  const { lastUsedAt: _lastUsedAt, usage: _usage, ...rest } = g as Record<string, unknown>;
  return rest;
}

async function sql<R extends pg.QueryResultRow = pg.QueryResultRow>(
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  const client = new pg.Client({ connectionString: t.database.url });
  await client.connect();
  try {
    return await client.query<R>(text, values);
  } finally {
    await client.end();
  }
}

type Method = 'POST' | 'PATCH' | 'DELETE';
const call = (who: Role | TestUser, method: Method, url: string, requestId: string, payload?: object) =>
  t.as(who, { method, url, headers: { 'x-request-id': requestId }, ...(payload ? { payload } : {}) });
const auditCount = () => t.db.auditEvent.count();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs one mutating call and returns the single audit row it must have added. */
async function onlyNewRow(run: () => Promise<LightMyRequestResponse>, status: number) {
  const before = await auditCount();
  const res = await run();
  expect(res.statusCode, res.body).toBe(status);
  const rows = await t.db.auditEvent.findMany({
    orderBy: { seq: 'desc' },
    take: (await auditCount()) - before,
  });
  expect(rows).toHaveLength(1);
  return { res, row: rows[0]! };
}

describe('one audit row per change', () => {
  it('records actor, action, target, before/after and the request id for each mutating call', async () => {
    const engineer = t.users.engineer;
    const approver = t.users.approver;
    const actorOf = (u: TestUser) => ({ actorType: 'token', actorId: u.id, actor: u.email });

    const created = await onlyNewRow(
      () =>
        call(engineer, 'POST', '/api/v1/services', 'test-req-123', {
          name: 'service.audited',
          namespace: 'apps',
          selector: { matchLabels: { app: 'audited' } },
        }),
      201,
    );
    const svc = created.res.json<{ id: string; description: string | null }>();
    expect(created.row).toMatchObject({
      ...actorOf(engineer),
      action: 'service.created',
      targetType: 'service',
      targetId: svc.id,
      requestId: 'test-req-123',
      before: null,
      after: svc,
    });

    const updated = await onlyNewRow(
      () =>
        call(engineer, 'PATCH', `/api/v1/services/${svc.id}`, 'test-req-124', {
          description: 'now described',
        }),
      200,
    );
    expect(updated.row).toMatchObject({
      action: 'service.updated',
      targetId: svc.id,
      requestId: 'test-req-124',
      before: created.res.json<unknown>(),
      after: updated.res.json<unknown>(),
    });

    const dest = await onlyNewRow(
      () =>
        call(approver, 'POST', '/api/v1/destinations', 'test-req-125', {
          host: 'audited.example.com',
          ports: [{ port: 443, protocol: 'TCP' }],
          sensitivity: 'sensitive',
        }),
      201,
    );
    expect(dest.row).toMatchObject({
      ...actorOf(approver),
      action: 'destination.created',
      targetType: 'destination',
      targetId: dest.res.json<{ id: string }>().id,
      after: dest.res.json<unknown>(),
    });

    const requested = await onlyNewRow(
      () =>
        call(engineer, 'POST', '/api/v1/grants', 'test-req-126', {
          service: 'service.audited',
          destination: 'audited.example.com',
          port: 443,
          justification: 'Audited access for the test.',
        }),
      201,
    );
    const grant = requested.res.json<Grant>();
    expect(requested.row).toMatchObject({
      ...actorOf(engineer),
      action: 'grant.requested',
      targetType: 'grant',
      targetId: grant.id,
      before: null,
      after: auditedGrant(grant),
    });

    const approved = await onlyNewRow(
      () =>
        call(approver, 'POST', `/api/v1/grants/${grant.id}/approve`, 'test-req-127', {
          comment: 'first of two',
        }),
      200,
    );
    expect(approved.row).toMatchObject({
      ...actorOf(approver),
      action: 'grant.approved',
      targetId: grant.id,
      before: auditedGrant(grant),
      after: auditedGrant(approved.res.json<unknown>()),
    });

    const rejected = await onlyNewRow(
      () =>
        call(approver, 'POST', `/api/v1/grants/${grant.id}/reject`, 'test-req-128', {
          reason: 'changed my mind',
        }),
      200,
    );
    expect(rejected.row).toMatchObject({
      action: 'grant.rejected',
      before: auditedGrant(approved.res.json<unknown>()),
      after: auditedGrant(rejected.res.json<unknown>()),
    });

    const g2 = await f.grant({ service: 'service.audited', destination: null, port: 8443 });
    const cancelled = await onlyNewRow(
      () => call(engineer, 'POST', `/api/v1/grants/${g2.id}/cancel`, 'test-req-129'),
      200,
    );
    expect(cancelled.row).toMatchObject({
      action: 'grant.cancelled',
      targetId: g2.id,
      before: auditedGrant(g2),
      after: auditedGrant(cancelled.res.json<unknown>()),
    });
  });

  it('records an activating approval as grant.approved and grant.activated, both with the request id, and a revoke as one row', async () => {
    const g = await f.grant();
    const before = await auditCount();
    const res = await call('approver', 'POST', `/api/v1/grants/${g.id}/approve`, 'test-req-activate', {
      comment: 'Reviewed for the test.',
    });
    expect(res.statusCode).toBe(200);
    const rows = await t.db.auditEvent.findMany({
      where: { seq: { gt: BigInt(before) } },
      orderBy: { seq: 'asc' },
    });
    expect(rows.map((r) => [r.action, r.requestId, r.targetId])).toEqual([
      ['grant.approved', 'test-req-activate', g.id],
      ['grant.activated', 'test-req-activate', g.id],
    ]);
    const revoked = await onlyNewRow(
      () =>
        call('approver', 'POST', `/api/v1/grants/${g.id}/revoke`, 'test-req-revoke', {
          reason: 'done with it',
        }),
      200,
    );
    expect(revoked.row).toMatchObject({
      action: 'grant.revoked',
      requestId: 'test-req-revoke',
      after: auditedGrant(revoked.res.json<unknown>()),
    });
  });

  it('writes no row and changes nothing when a call fails', async () => {
    const svc = await f.service();
    const g = await f.grant({ service: svc.name });
    expect(
      (
        await call('approver', 'POST', `/api/v1/grants/${g.id}/reject`, 'r-ok', {
          reason: 'rejected for the test',
        })
      ).statusCode,
    ).toBe(200);
    const snapshot = {
      audit: await auditCount(),
      services: await t.db.service.count(),
      grant: await t.db.grant.findUniqueOrThrow({ where: { id: g.id } }),
    };
    const failures: [Promise<LightMyRequestResponse>, number][] = [
      [
        call('engineer', 'POST', '/api/v1/services', 'f1', {
          name: svc.name,
          namespace: 'apps',
          selector: { matchLabels: { a: 'b' } },
        }),
        409,
      ],
      [
        call('engineer', 'POST', '/api/v1/services', 'f2', {
          name: 'Bad Name',
          namespace: 'apps',
          selector: { matchLabels: { a: 'b' } },
        }),
        400,
      ],
      [
        call('approver', 'POST', `/api/v1/grants/${g.id}/approve`, 'f3', {
          comment: 'Reviewed for the test.',
        }),
        409,
      ],
      [
        call('engineer', 'POST', `/api/v1/grants/${g.id}/approve`, 'f4', {
          comment: 'Reviewed for the test.',
        }),
        403,
      ],
      [call('engineer', 'PATCH', `/api/v1/services/${svc.id}`, 'f5', { namespace: 'Not-Valid' }), 400],
    ];
    for (const [pending, status] of failures) expect((await pending).statusCode).toBe(status);
    expect(await auditCount()).toBe(snapshot.audit);
    expect(await t.db.service.count()).toBe(snapshot.services);
    expect(await t.db.grant.findUniqueOrThrow({ where: { id: g.id } })).toEqual(snapshot.grant);
    expect(
      await t.db.auditEvent.count({ where: { requestId: { in: ['f1', 'f2', 'f3', 'f4', 'f5'] } } }),
    ).toBe(0);
  });
});

describe('the audit row shares the transaction of its change', () => {
  it('leaves no grant.requested row for requests the unique index refuses, even when racing', async () => {
    const svc = await f.service();
    const dest = await f.destination();
    const body = {
      service: svc.name,
      destination: dest.host,
      port: 443,
      justification: 'Racing duplicate requests.',
    };
    const before = await t.db.auditEvent.count({ where: { action: 'grant.requested' } });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => call('engineer', 'POST', '/api/v1/grants', `dup-${i}`, body)),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    const winner = results.find((r) => r.statusCode === 201)!.json<Grant>();
    const rows = await t.db.auditEvent.findMany({
      where: { action: 'grant.requested', requestId: { startsWith: 'dup-' } },
    });
    expect(rows.map((r) => r.targetId)).toEqual([winner.id]);
    expect(await t.db.auditEvent.count({ where: { action: 'grant.requested' } })).toBe(before + 1);
    expect(await t.db.grant.count({ where: { serviceId: svc.id } })).toBe(1);
  });

  it('rolls the change back when the audit insert fails', async () => {
    // A trigger that refuses one specific audit row makes the append fail after the service insert.
    await sql(`CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.after->>'name' = 'service.audit-fails' THEN RAISE EXCEPTION 'refused by test'; END IF; RETURN NEW; END $$`);
    await sql(
      'CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()',
    );
    try {
      const res = await call('engineer', 'POST', '/api/v1/services', 'rollback-1', {
        name: 'service.audit-fails',
        namespace: 'apps',
        selector: { matchLabels: { app: 'x' } },
      });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('refused by test'); // database text never passes through
      expect(await t.db.service.count({ where: { name: 'service.audit-fails' } })).toBe(0);
    } finally {
      await sql('DROP TRIGGER test_refuse_audit ON audit_events');
      await sql('DROP FUNCTION test_refuse_audit()');
    }
  });
});

describe('append-only and hash-chained', () => {
  const verify = async () => {
    const res = await t.as('approver', { method: 'GET', url: '/api/v1/audit-events/verify' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ valid: boolean; checked: number; firstInvalidSeq: number | null }>();
  };

  it('refuses UPDATE, DELETE and TRUNCATE in a normal session', async () => {
    await f.service();
    await expect(sql(`UPDATE audit_events SET actor = 'mallory' WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql('DELETE FROM audit_events WHERE seq = 1')).rejects.toThrow(/append-only/);
    await expect(sql('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    expect((await t.db.auditEvent.findUniqueOrThrow({ where: { seq: 1n } })).actor).not.toBe('mallory');
  });

  it('verifies the chain, detects a row tampered with behind the triggers, and verifies again once restored', async () => {
    await f.service({ description: 'the row we will tamper with' });
    await f.service();
    const total = await auditCount();
    expect(await verify()).toMatchObject({ valid: true, checked: total, firstInvalidSeq: null });

    const target = await t.db.auditEvent.findFirstOrThrow({
      where: {
        action: 'service.created',
        after: { path: ['description'], equals: 'the row we will tamper with' },
      },
    });
    const n = Number(target.seq);
    const bypass = (statement: string) =>
      sql(`BEGIN; SET LOCAL session_replication_role = replica; ${statement}; COMMIT;`);
    await bypass(
      `UPDATE audit_events SET after = jsonb_set(after, '{description}', '"nothing to see"') WHERE seq = ${n}`,
    );
    expect(await verify()).toMatchObject({ valid: false, checked: n - 1, firstInvalidSeq: n });

    await bypass(
      `UPDATE audit_events SET after = jsonb_set(after, '{description}', '"the row we will tamper with"') WHERE seq = ${n}`,
    );
    expect(await verify()).toMatchObject({ valid: true, checked: total, firstInvalidSeq: null });

    // Removing a row breaks the chain at the row after it.
    const last = await t.db.auditEvent.findFirstOrThrow({ orderBy: { seq: 'desc' } });
    const saved = await sql('SELECT * FROM audit_events WHERE seq = $1', [n]);
    await bypass(`DELETE FROM audit_events WHERE seq = ${n}`);
    expect(await verify()).toMatchObject({ valid: false, firstInvalidSeq: n + 1 });
    const row = saved.rows[0] as Record<string, unknown>;
    const cols = Object.keys(row);
    const client = new pg.Client({ connectionString: t.database.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query(
        `INSERT INTO audit_events (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
        cols.map((c) => row[c]),
      );
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    expect(await verify()).toMatchObject({ valid: true, checked: Number(last.seq), firstInvalidSeq: null });
  });
});

describe('GET /audit-events', () => {
  type Page = { items: AuditEvent[]; nextCursor: string | null };
  const list = async (query: string, who: Role = 'approver'): Promise<Page> => {
    const res = await t.as(who, { method: 'GET', url: `/api/v1/audit-events?${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Page>();
  };

  it('is readable by approvers and admins, not by engineers or viewers', async () => {
    for (const role of ['approver', 'admin'] as const) {
      expect((await t.as(role, { method: 'GET', url: '/api/v1/audit-events' })).statusCode).toBe(200);
      expect((await t.as(role, { method: 'GET', url: '/api/v1/audit-events/verify' })).statusCode).toBe(200);
    }
    for (const role of ['engineer', 'viewer'] as const) {
      expect((await t.as(role, { method: 'GET', url: '/api/v1/audit-events' })).statusCode).toBe(403);
      expect((await t.as(role, { method: 'GET', url: '/api/v1/audit-events?format=csv' })).statusCode).toBe(
        403,
      );
      expect((await t.as(role, { method: 'GET', url: '/api/v1/audit-events/verify' })).statusCode).toBe(403);
    }
  });

  it('filters by actor, action, targetType, targetId and from/to', async () => {
    const someone = await t.addUser('engineer', 'filtered');
    await sleep(5);
    const from = new Date().toISOString();
    const svc = await onlyNewRow(
      () =>
        call(someone, 'POST', '/api/v1/services', 'flt-1', {
          name: 'service.filtered',
          namespace: 'apps',
          selector: { matchLabels: { app: 'filtered' } },
        }),
      201,
    );
    const svcId = svc.res.json<{ id: string }>().id;
    await onlyNewRow(
      () => call(someone, 'PATCH', `/api/v1/services/${svcId}`, 'flt-2', { team: 'payments' }),
      200,
    );
    const to = new Date(Date.now() + 1).toISOString();
    await sleep(5);
    await f.service(); // by the usual engineer, after `to`

    const actions = (p: Page) => p.items.map((e) => e.action);
    expect(actions(await list(`actor=${someone.email}`))).toEqual(['service.updated', 'service.created']);
    expect(actions(await list(`actor=${someone.email}&action=service.created`))).toEqual(['service.created']);
    expect(actions(await list(`targetId=${svcId}`))).toEqual(['service.updated', 'service.created']);
    expect(actions(await list(`targetType=service&targetId=${svcId}&action=service.updated`))).toEqual([
      'service.updated',
    ]);
    expect(actions(await list(`from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`))).toEqual([
      'service.updated',
      'service.created',
    ]);
    expect((await list('targetType=destination')).items.every((e) => e.targetType === 'destination')).toBe(
      true,
    );
    expect((await list(`actor=${someone.email}&targetType=grant`)).items).toEqual([]);
  });

  it('names each target as it is called now, and says null once it is deleted', async () => {
    const svc = await f.service({ name: 'service.named-in-audit' });
    const dest = await f.destination({ host: 'named-in-audit.example.com' });
    const grant = await f.grant({ service: svc.name, destination: dest.host, port: 443 });
    const gone = await f.service({ name: 'service.deleted-in-audit' });
    expect(
      (await t.as('engineer', { method: 'DELETE', url: `/api/v1/services/${gone.id}` })).statusCode,
    ).toBe(204);
    const nameOf = async (targetType: string, targetId: string) => {
      const items = (await list(`targetType=${targetType}&targetId=${targetId}`)).items;
      expect(items.length).toBeGreaterThan(0);
      return [...new Set(items.map((e) => e.targetName))];
    };
    expect(await nameOf('service', svc.id)).toEqual(['service.named-in-audit']);
    expect(await nameOf('destination', dest.id)).toEqual(['named-in-audit.example.com']);
    expect(await nameOf('grant', grant.id)).toEqual([
      'service.named-in-audit → named-in-audit.example.com:443',
    ]);
    const person = await t.as('admin', {
      method: 'POST',
      url: '/api/v1/users',
      payload: {
        email: 'named.person@example.com',
        name: 'Named Person',
        role: 'viewer',
        password: 'a-long-enough-password',
      },
    });
    expect(person.statusCode, person.body).toBe(201);
    expect(await nameOf('user', person.json<{ id: string }>().id)).toEqual(['Named Person']);
    // Deleted: no name, so the console says "deleted service <id>"; the row itself still holds the id.
    expect(await nameOf('service', gone.id)).toEqual([null]);
    // Read at list time, not stored: the chain still verifies, and the CSV export has no such column.
    expect(
      (await t.as('approver', { method: 'GET', url: '/api/v1/audit-events/verify' })).json<{
        valid: boolean;
      }>().valid,
    ).toBe(true);
    expect(
      (await t.as('approver', { method: 'GET', url: '/api/v1/audit-events?format=csv' })).body.split('\n')[0],
    ).not.toContain('targetName');
  });

  it('lists newest first and pages through every event exactly once', async () => {
    const total = await auditCount();
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(`limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      seen.push(...page.items.map((e) => e.seq));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(total);
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => total - i));
  });
});

/** RFC 4180: fields separated by commas, quoted when they hold commas, quotes or line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && ch === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

describe('CSV export', () => {
  it('exports a header and one correctly quoted line per event, with formula cells neutralised', async () => {
    // Actors whose names start with spreadsheet formula characters.
    const tricky = await Promise.all(
      ['=cmd', '+sum', '-neg', '@at'].map((label) => t.addUser('engineer', label)),
    );
    for (const u of tricky) {
      await call(u, 'POST', '/api/v1/services', `csv-${u.id}`, {
        name: `service.csv-${u.id.slice(0, 8)}`,
        namespace: 'apps',
        selector: { matchLabels: { app: 'csv' } },
        description: 'has "quotes", commas, and =formulas',
      });
    }

    const res = await t.as('approver', { method: 'GET', url: '/api/v1/audit-events?format=csv' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.body.endsWith('\n')).toBe(true);
    const [header, ...lines] = parseCsv(res.body);
    expect(header).toEqual([
      'seq',
      'at',
      'actorType',
      'actor',
      'action',
      'targetType',
      'targetId',
      'requestId',
      'before',
      'after',
      'hash',
      'actorId',
      'prevHash',
    ]);
    const json = (await t.as('approver', { method: 'GET', url: '/api/v1/audit-events?limit=500' })).json<{
      items: AuditEvent[];
    }>().items;
    expect(res.body.split('\n').filter(Boolean)).toHaveLength(json.length + 1);
    expect(lines).toHaveLength(json.length);

    lines.forEach((cells, i) => {
      const e = json[i]!;
      expect(cells).toHaveLength(13);
      const formula = /^[=+\-@]/.test(e.actor);
      expect(cells[0]).toBe(String(e.seq));
      expect(cells[3]).toBe(formula ? `'${e.actor}` : e.actor);
      expect(cells[4]).toBe(e.action);
      expect(cells[9] === '' ? null : JSON.parse(cells[9]!)).toEqual(e.after);
      expect(cells[10]).toBe(e.hash);
    });
    const neutralised = lines.filter((cells) => /^'[=+\-@]/.test(cells[3]!));
    expect(neutralised).toHaveLength(tricky.length);
  });

  it('applies the same filters as the JSON list', async () => {
    const res = await t.as('approver', {
      method: 'GET',
      url: '/api/v1/audit-events?format=csv&action=service.updated',
    });
    const lines = parseCsv(res.body).slice(1);
    expect(lines.length).toBe(await t.db.auditEvent.count({ where: { action: 'service.updated' } }));
    expect(lines.every((cells) => cells[4] === 'service.updated')).toBe(true);
  });
});
