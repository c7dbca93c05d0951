// Signed checkpoints against someone who holds the database's own login: they can switch the append-only
// triggers off, edit a row and recompute every later hash with the documented formula, delete the newest
// rows or truncate the table. The chain alone then still "verifies"; the checkpoints, signed with a key the
// database never sees and copied to a file and to webhooks, must not.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type AuditCheckpoint, auditRowHash } from '@egress/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { type Receiver, startReceiver } from '../helpers/webhook-receiver.ts';

interface Verdict {
  valid: boolean;
  checked: number;
  firstInvalidSeq: number | null;
  reason: string | null;
  sealedThrough: number | null;
}

let receiver: Receiver;
const dirs: string[] = [];
const apps: TestApp[] = [];

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
  await receiver.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function freshApp(): Promise<{ t: TestApp; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'egress-checkpoints-'));
  dirs.push(dir);
  const t = await createTestApp({
    env: { EGRESS_AUDIT_CHECKPOINT_DIR: dir, EGRESS_WEBHOOK_ALLOW_PRIVATE: 'true' },
  });
  apps.push(t);
  return { t, dir };
}

/** `count` audit rows, each naming a different actor, through the app's own audit log. */
async function appendRows(t: TestApp, count: number) {
  await t.db.$transaction((tx) =>
    t.app.audit.append(
      tx,
      Array.from({ length: count }, (_, i) => ({
        actor: { type: 'user' as const, id: null, label: `user-${i + 1}@example.com` },
        action: 'service.updated' as const,
        targetType: 'service' as const,
        targetId: `svc-${i + 1}`,
        after: { n: i + 1 },
      })),
    ),
  );
}

/** As the attacker: the database login, triggers off for the transaction. */
async function asDatabaseOwner(t: TestApp, fn: (c: pg.Client) => Promise<void>) {
  const c = new pg.Client({ connectionString: t.database.url });
  await c.connect();
  try {
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
    await fn(c);
    await c.query('COMMIT');
  } finally {
    await c.end();
  }
}

/** Edits row `seq` and recomputes prev_hash/hash of it and every later row, as docs/security.md documents them. */
async function rewriteFrom(t: TestApp, seq: number, actor: string) {
  await asDatabaseOwner(t, async (c) => {
    await c.query('UPDATE audit_events SET actor = $1 WHERE seq = $2', [actor, seq]);
    const rows = await c.query<{
      seq: string;
      at: Date;
      actor_type: string;
      actor_id: string | null;
      actor: string;
      action: string;
      target_type: string;
      target_id: string | null;
      before: unknown;
      after: unknown;
      request_id: string | null;
    }>('SELECT * FROM audit_events WHERE seq >= $1 ORDER BY seq', [seq]);
    let prev =
      (await c.query<{ hash: string }>('SELECT hash FROM audit_events WHERE seq = $1', [seq - 1])).rows[0]
        ?.hash ?? '0'.repeat(64);
    for (const r of rows.rows) {
      const hash = auditRowHash({
        seq: BigInt(r.seq),
        at: r.at,
        actorType: r.actor_type,
        actorId: r.actor_id,
        actor: r.actor,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        before: r.before,
        after: r.after,
        requestId: r.request_id,
        prevHash: prev,
      });
      await c.query('UPDATE audit_events SET prev_hash = $1, hash = $2 WHERE seq = $3', [prev, hash, r.seq]);
      prev = hash;
    }
  });
}

const verify = async (t: TestApp): Promise<Verdict> => {
  const res = await t.as('approver', { method: 'GET', url: '/api/v1/audit-events/verify' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Verdict>();
};
const verifyWith = async (t: TestApp, checkpoint: string) =>
  t.as('approver', { method: 'POST', url: '/api/v1/audit-events/verify', payload: { checkpoint } });
const seal = async (t: TestApp): Promise<AuditCheckpoint> => {
  const res = await t.as('admin', { method: 'POST', url: '/api/v1/audit-events/checkpoints' });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<AuditCheckpoint>();
};

describe('signed audit checkpoints', () => {
  it('catch row 50 edited with the whole chain recomputed, naming row 50, though the chain alone still verifies', async () => {
    const { t, dir } = await freshApp();
    await appendRows(t, 100);
    const checkpoint = await seal(t);
    expect(checkpoint).toMatchObject({ format: 'egress-audit-checkpoint/v1', seq: 101 });
    expect(await verify(t)).toMatchObject({
      valid: true,
      checked: 101,
      firstInvalidSeq: null,
      sealedThrough: 101,
    });

    await rewriteFrom(t, 50, 'mallory@example.com');
    expect((await t.db.auditEvent.findUniqueOrThrow({ where: { seq: 50n } })).actor).toBe(
      'mallory@example.com',
    );
    // The attack works against the chain alone: every row links and hashes.
    expect(await t.app.audit.verify()).toMatchObject({ valid: true, checked: 101 });

    // Against the checkpoints (database copy and file target, which records each sealed row's hash).
    const verdict = await verify(t);
    expect(verdict).toMatchObject({ valid: false, firstInvalidSeq: 50, checked: 49 });
    expect(verdict.reason).toContain('row 50');

    // The compact checkpoint alone (as a webhook or GET /checkpoints gives it) proves the rewrite too,
    // and bounds where it happened.
    const compact = JSON.stringify(checkpoint);
    const res = await verifyWith(t, compact);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Verdict>()).toMatchObject({ valid: false, firstInvalidSeq: 1, sealedThrough: 101 });
    expect(res.json<Verdict>().reason).toContain('rewritten between rows 1 and 101');

    // The file target's lines name the exact row.
    const file = await readFile(join(dir, 'checkpoints.jsonl'), 'utf8');
    const fromFile = await verifyWith(t, file);
    expect(fromFile.json<Verdict>()).toMatchObject({ valid: false, firstInvalidSeq: 50 });
  });

  it('catch deleted newest rows and a truncated table', async () => {
    const { t } = await freshApp();
    await appendRows(t, 30);
    await seal(t); // seals rows 1..31
    await appendRows(t, 5); // 32..36, not sealed yet
    expect(await verify(t)).toMatchObject({ valid: true, checked: 36, sealedThrough: 31 });

    await asDatabaseOwner(t, (c) => c.query('DELETE FROM audit_events WHERE seq > 25').then(() => undefined));
    expect(await t.app.audit.verify()).toMatchObject({ valid: true, checked: 25 });
    const deleted = await verify(t);
    expect(deleted).toMatchObject({ valid: false, firstInvalidSeq: 26 });
    expect(deleted.reason).toContain('rows 26 to 31 are missing');

    const c = new pg.Client({ connectionString: t.database.url });
    await c.connect();
    await c.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
    await c.query('TRUNCATE audit_events');
    await c.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    await c.end();
    const truncated = await verify(t);
    expect(truncated).toMatchObject({ valid: false, firstInvalidSeq: 1, checked: 0 });
    expect(truncated.reason).toContain('truncated');
  });

  it('are published: listed by the API, appended to the file target, delivered to webhooks; forged ones are refused', async () => {
    const { t, dir } = await freshApp();
    const hook = await t.as('admin', {
      method: 'POST',
      url: '/api/v1/webhooks',
      payload: { name: 'audit archive', url: receiver.url('audit-archive'), events: ['audit.checkpoint'] },
    });
    expect(hook.statusCode, hook.body).toBe(201);
    await appendRows(t, 3);
    const checkpoint = await seal(t);

    const listed = await t.as('approver', { method: 'GET', url: '/api/v1/audit-events/checkpoints' });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json()).toMatchObject({
      items: [checkpoint],
      publicKey: checkpoint.publicKey,
      keyId: checkpoint.keyId,
    });

    const lines = (await readFile(join(dir, 'checkpoints.jsonl'), 'utf8')).trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1] ?? '{}')).toMatchObject({ ...checkpoint, fromSeq: 1 });

    await t.app.workers.webhookDispatcher.drain();
    const delivered = receiver.requests('/audit-archive');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.json).toMatchObject({ event: 'audit.checkpoint', data: { checkpoint } });

    // A receiver's copy verifies the log.
    const kept = JSON.stringify((delivered[0]?.json.data as { checkpoint: unknown }).checkpoint);
    expect((await verifyWith(t, kept)).json()).toMatchObject({ valid: true, sealedThrough: checkpoint.seq });

    // Someone who can write the database cannot forge one: a changed head breaks the signature.
    const forged = JSON.stringify({ ...checkpoint, headHash: 'f'.repeat(64) });
    const refused = await verifyWith(t, forged);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      error: { code: 'validation_failed', details: [{ field: 'body.checkpoint' }] },
    });
    expect((await verifyWith(t, 'not json')).statusCode).toBe(400);

    // Sealing is an admin's; reading checkpoints an auditor's.
    expect(
      (await t.as('approver', { method: 'POST', url: '/api/v1/audit-events/checkpoints' })).statusCode,
    ).toBe(403);
    expect(
      (await t.as('engineer', { method: 'GET', url: '/api/v1/audit-events/checkpoints' })).statusCode,
    ).toBe(403);
  });

  it('seal on their own at the configured interval, and only when the log grew', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'egress-checkpoints-'));
    dirs.push(dir);
    const t = await createTestApp({
      env: { EGRESS_AUDIT_CHECKPOINT_DIR: dir, EGRESS_AUDIT_CHECKPOINT_INTERVAL_SECONDS: '1' },
    });
    apps.push(t);
    await appendRows(t, 4);
    const deadline = Date.now() + 10_000;
    let items: AuditCheckpoint[] = [];
    while (Date.now() < deadline && items.length === 0) {
      await new Promise((r) => setTimeout(r, 200));
      items = (await t.as('approver', { method: 'GET', url: '/api/v1/audit-events/checkpoints' })).json<{
        items: AuditCheckpoint[];
      }>().items;
    }
    expect(items.map((c) => c.seq)).toEqual([4]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      (await t.as('approver', { method: 'GET', url: '/api/v1/audit-events/checkpoints' })).json<{
        items: unknown[];
      }>().items,
    ).toHaveLength(1);
  });
});
