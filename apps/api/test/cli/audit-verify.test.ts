// egressctl audit verify: an auditor's offline check of a CSV export against checkpoints kept elsewhere.
// The same attack as test/api/audit-checkpoints.test.ts (triggers off, row 50 edited, chain recomputed)
// must show in the export, naming row 50.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type AuditCheckpoint, auditRowHash } from '@egress/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EXIT } from '../../../cli/src/exit-codes.ts';
import { run } from '../../../cli/src/main.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'egressctl-audit-'));
  t = await createTestApp({ env: { EGRESS_AUDIT_CHECKPOINT_DIR: join(dir, 'target') } });
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, {}, { out: (s) => out.push(s), err: (s) => err.push(s), cwd: dir });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function exportCsv(name: string): Promise<string> {
  const res = await t.as('approver', { method: 'GET', url: '/api/v1/audit-events?format=csv' });
  expect(res.statusCode).toBe(200);
  await writeFile(join(dir, name), res.body);
  return name;
}

describe('egressctl audit verify', () => {
  it('accepts an untouched export, and names row 50 once it is rewritten with the chain recomputed', async () => {
    // Rows with cells the CSV writes ambiguously: formula-like labels (quoted with ') and null ids.
    await t.db.$transaction((tx) =>
      t.app.audit.append(
        tx,
        Array.from({ length: 99 }, (_, i) => ({
          actor: {
            type: 'user' as const,
            id: i % 2 ? null : `id-${i}`,
            label: i === 10 ? '=cmd|calc' : `user-${i + 1}@example.com`,
          },
          action: 'service.updated' as const,
          targetType: 'service' as const,
          targetId: i % 3 ? null : `svc,"${i}"`,
          after: { n: i + 1, text: 'multi\nline' },
        })),
      ),
    );
    const sealed = await t.as('admin', { method: 'POST', url: '/api/v1/audit-events/checkpoints' });
    expect(sealed.statusCode, sealed.body).toBe(201);
    const checkpoint = sealed.json<AuditCheckpoint>();
    await writeFile(join(dir, 'checkpoint.json'), JSON.stringify(checkpoint));

    const ok = await cli([
      'audit',
      'verify',
      '--checkpoint',
      'checkpoint.json',
      '--csv',
      await exportCsv('before.csv'),
      '--public-key',
      checkpoint.publicKey,
    ]);
    expect(ok.err).not.toContain('trusting');
    expect(ok.out).toBe('valid: 100 rows; rows 1 to 100 match the signed checkpoint');
    expect(ok.code).toBe(EXIT.ok);

    const c = new pg.Client({ connectionString: t.database.url });
    await c.connect();
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
    await c.query(`UPDATE audit_events SET actor = 'mallory@example.com' WHERE seq = 50`);
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
    }>('SELECT * FROM audit_events WHERE seq >= 50 ORDER BY seq');
    let prev = (await c.query<{ hash: string }>('SELECT hash FROM audit_events WHERE seq = 49')).rows[0]!
      .hash;
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
    await c.query('COMMIT');
    await c.end();

    const tampered = await exportCsv('after.csv');
    // The compact checkpoint bounds it; the file target's lines (row hashes) name the row.
    const compact = await cli(['audit', 'verify', '--checkpoint', 'checkpoint.json', '--csv', tampered]);
    expect(compact.code).toBe(EXIT.tampered);
    expect(compact.out).toContain('INVALID from row 1: the chain was rewritten between rows 1 and 100');
    const exact = await cli([
      'audit',
      'verify',
      '--checkpoint',
      'target/checkpoints.jsonl',
      '--csv',
      tampered,
    ]);
    expect(exact.code).toBe(EXIT.tampered);
    expect(exact.out).toBe(
      'INVALID from row 50: row 50 differs from the hash recorded with a checkpoint (49 rows verified before it)',
    );
    expect(exact.err).toContain('trusting the key in the checkpoint file');
  });

  it('refuses a checkpoint edited after signing, and says what is wrong with bad input', async () => {
    const list = await t.as('approver', { method: 'GET', url: '/api/v1/audit-events/checkpoints' });
    const [checkpoint] = list.json<{ items: AuditCheckpoint[] }>().items;
    await writeFile(join(dir, 'forged.json'), JSON.stringify({ ...checkpoint, seq: 5 }));
    const forged = await cli(['audit', 'verify', '--checkpoint', 'forged.json', '--csv', 'after.csv']);
    expect(forged.code).toBe(EXIT.tampered);
    expect(forged.err).toContain('bad signature');

    await writeFile(join(dir, 'old.csv'), 'seq,at,hash\n1,2026-01-01T00:00:00.000Z,abc\n');
    const old = await cli(['audit', 'verify', '--checkpoint', 'checkpoint.json', '--csv', 'old.csv']);
    expect(old.code).toBe(EXIT.usage);
    expect(old.err).toContain('lacks the column(s) actorType, actorId');
    expect((await cli(['audit', 'verify', '--csv', 'old.csv'])).err).toContain('missing --checkpoint');
  });
});
