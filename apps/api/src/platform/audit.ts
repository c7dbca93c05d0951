// The audit log: append-only and hash-chained. Each row's hash is SHA-256 over the previous row's hash
// and the canonical form of the row, so changing, removing or reordering a row breaks the chain from
// that row on. Rows are appended inside the caller's transaction, so the log and the change commit or
// roll back together.
import { createHash } from 'node:crypto';

import {
  type ActorType,
  type AuditAction,
  type AuditCheckpoint,
  auditHashInput,
  type AuditTargetType,
  type ChainedRow,
  type ChainVerdict,
  createChainVerifier,
  GENESIS_HASH,
} from '@egress/shared';

import { asJson } from './canonical-json.ts';
import type { Clock } from './clock.ts';
import { type Db, Prisma, type Tx } from './db.ts';

export { GENESIS_HASH };
// Serialises appends (any constant shared by every replica). Held only until the caller's commit, and
// callers append as the last step of their transaction to keep that short. Sealing a checkpoint takes it
// too, so the head it signs is the committed head.
export const AUDIT_CHAIN_LOCK = 7_270_002;

export interface Actor {
  type: ActorType;
  id: string | null;
  label: string;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, label: 'system' };

export interface AuditInput {
  actor: Actor;
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
}

/** The row's hash: SHA-256 (node:crypto) over the input @egress/shared defines, so egressctl verifies it alike. */
export function hashEvent(e: ChainedRow): string {
  return sha256(auditHashInput(e));
}

const sha256 = (input: string) => createHash('sha256').update(input).digest('hex');

/** An audit row as appended: the input plus its place in the chain and its time. */
export interface AppendedAuditEvent extends AuditInput {
  seq: bigint;
  at: Date;
}

/**
 * Runs inside `append`, after the insert, in the caller's transaction: whatever it writes commits or
 * rolls back with the change (notifications use this for their outbox). It runs while the chain lock is
 * held, so it must stay cheap and must not append to the audit log itself.
 */
export type AuditListener = (tx: Tx, events: readonly AppendedAuditEvent[]) => Promise<void>;

export interface AuditLog {
  append(tx: Tx, events: AuditInput | AuditInput[]): Promise<void>;
  /**
   * Recomputes the chain; against `checkpoints` (trusted: signatures already checked) it also detects a
   * recomputed rewrite, deleted newest rows and a truncated table.
   */
  verify(checkpoints?: readonly AuditCheckpoint[]): Promise<ChainVerdict>;
  /** Adds a listener to every append; returns a function that removes it. */
  onAppend(listener: AuditListener): () => void;
}

export function createAuditLog({ db, clock }: { db: Db; clock: Clock }): AuditLog {
  const listeners = new Set<AuditListener>();

  async function append(tx: Tx, input: AuditInput | AuditInput[]): Promise<void> {
    const events = Array.isArray(input) ? input : [input];
    if (events.length === 0) return;
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`;
    // A separate statement after the lock, so its snapshot sees the row the previous holder committed.
    const tail = await tx.$queryRaw<
      { seq: bigint; hash: string }[]
    >`SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`;
    const last = tail[0];
    let seq = last?.seq ?? 0n;
    let prevHash = last?.hash ?? GENESIS_HASH;
    const at = clock.now();
    const rows = events.map((e) => {
      seq += 1n;
      const fields = {
        seq,
        at,
        actorType: e.actor.type,
        actorId: e.actor.id,
        actor: e.actor.label,
        action: e.action,
        targetType: e.targetType,
        targetId: e.targetId,
        before: asJson(e.before),
        after: asJson(e.after),
        requestId: e.requestId ?? null,
        prevHash,
      } satisfies ChainedRow;
      const hash = hashEvent(fields);
      prevHash = hash;
      return { ...fields, hash };
    });
    // Raw SQL: appends sit on every write path, and the ORM's query compiler costs more CPU than the insert.
    const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
    const values = rows.map(
      (
        r,
      ) => Prisma.sql`(${r.seq}, gen_random_uuid(), ${r.at}, ${r.actorType}, ${r.actorId}, ${r.actor}, ${r.action}, ${r.targetType}, ${r.targetId},
        ${json(r.before)}::jsonb, ${json(r.after)}::jsonb, ${r.requestId}, ${r.prevHash}, ${r.hash})`,
    );
    await tx.$executeRaw`INSERT INTO audit_events (seq, id, at, actor_type, actor_id, actor, action, target_type, target_id, before, after, request_id, prev_hash, hash)
      VALUES ${Prisma.join(values)}`;
    if (listeners.size === 0) return;
    const appended = events.map((e, i) => ({ ...e, seq: rows[i]?.seq ?? 0n, at }));
    for (const listener of listeners) await listener(tx, appended);
  }

  function onAppend(listener: AuditListener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  async function verify(checkpoints: readonly AuditCheckpoint[] = []): Promise<ChainVerdict> {
    const verifier = createChainVerifier({ hash: sha256, checkpoints });
    let cursor = 0n;
    for (;;) {
      const batch = await db.auditEvent.findMany({
        where: { seq: { gt: cursor } },
        orderBy: { seq: 'asc' },
        take: 2000,
      });
      if (batch.length === 0) return verifier.finish();
      for (const row of batch) if (!verifier.push(row)) return verifier.finish();
      cursor = batch[batch.length - 1]?.seq ?? cursor;
    }
  }

  return { append, verify, onAppend };
}
