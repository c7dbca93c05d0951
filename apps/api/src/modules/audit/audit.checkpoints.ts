// Signed checkpoints of the audit chain: "row `seq` has hash `headHash`", signed with a key the database
// never holds (platform/checkpoint-key.ts). Each is stored in audit_checkpoints (for listing; whoever owns
// the database can delete one there but not forge one), appended to a file target together with the
// hash of every row it newly seals, and announced to webhooks subscribed to audit.checkpoint. Verifying
// against them catches what the chain alone cannot: a rewrite recomputed from some row on, deleted newest
// rows, a truncated table. Like CloudTrail digest files and Certificate Transparency signed tree heads.
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  type AuditCheckpoint,
  type ChainVerdict,
  CHECKPOINT_FORMAT,
  createChainVerifier,
  GENESIS_HASH,
  parseCheckpoints,
} from '@egress/shared';
import type { FastifyBaseLogger } from 'fastify';

import type { Actor, AuditLog } from '../../platform/audit.ts';
import type { CheckpointSigner } from '../../platform/checkpoint-key.ts';
import { checkpointSignatureValid } from '../../platform/checkpoint-key.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Tx } from '../../platform/db.ts';
import { AppError, invalid } from '../../platform/errors.ts';
import type { AuditRepository, CheckpointRow } from './audit.repository.ts';

export const CHECKPOINT_FILE = 'checkpoints.jsonl';
const sha256 = (input: string) => createHash('sha256').update(input).digest('hex');

/** Runs in the transaction that stores a new checkpoint (the webhooks outbox enqueues there). */
export type SealListener = (tx: Tx, checkpoint: AuditCheckpoint) => Promise<void>;

const toCheckpoint = (r: CheckpointRow): AuditCheckpoint => ({
  format: CHECKPOINT_FORMAT,
  seq: Number(r.seq),
  headHash: r.head_hash,
  at: r.at.toISOString(),
  keyId: r.key_id,
  publicKey: r.public_key,
  signature: r.signature,
});

export interface VerifyResult extends ChainVerdict {
  /** The newest checkpoint verified against (without its row hashes); null when there is none. */
  checkpoint: Omit<AuditCheckpoint, 'rowHashes' | 'fromSeq'> | null;
}

export function createCheckpoints(deps: {
  db: Db;
  repo: AuditRepository;
  audit: AuditLog;
  clock: Clock;
  signer: CheckpointSigner | null;
  dir: string;
  log: FastifyBaseLogger;
}) {
  const { db, repo, audit, clock, signer, dir, log } = deps;
  const listeners = new Set<SealListener>();
  const trusted = (c: AuditCheckpoint) =>
    signer !== null && signer.trustedKeys.includes(c.publicKey) && checkpointSignatureValid(c);

  function needSigner(): CheckpointSigner {
    if (!signer)
      throw new AppError(
        'unavailable',
        "audit checkpoints need the secret key (EGRESS_SECRET_KEY or the data folder's secret.key)",
      );
    return signer;
  }

  async function stored(): Promise<AuditCheckpoint[]> {
    return (await repo.checkpoints()).map(toCheckpoint);
  }

  async function fromFile(): Promise<AuditCheckpoint[]> {
    let text: string;
    try {
      text = await readFile(join(dir, CHECKPOINT_FILE), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const parsed = parseCheckpoints(text);
    if (parsed.error)
      log.error(
        { file: join(dir, CHECKPOINT_FILE), problem: parsed.error },
        'the audit checkpoint file cannot be read; using the database copies only',
      );
    return parsed.checkpoints;
  }

  /** Every checkpoint this server can trust (database and file target), one per seq, oldest first. */
  async function known(): Promise<AuditCheckpoint[]> {
    const bySeq = new Map<number, AuditCheckpoint>();
    // The file's entries carry the row hashes; they win over the database's compact copies.
    for (const c of [...(await stored()), ...(await fromFile())]) if (trusted(c)) bySeq.set(c.seq, c);
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  async function latestStored(s: CheckpointSigner): Promise<AuditCheckpoint | null> {
    const row = await repo.latestCheckpointOf([...s.trustedKeys]);
    if (!row) return null;
    const c = toCheckpoint(row);
    if (!checkpointSignatureValid(c))
      throw new AppError(
        'conflict',
        `the stored checkpoint for row ${c.seq} has a bad signature: audit_checkpoints was tampered with`,
      );
    return c;
  }

  /** Rows after seq `after` up to `head`, oldest first, read in batches. */
  async function* rowsBetween(after: bigint, head: bigint) {
    let cursor = after;
    while (cursor < head) {
      const batch = await repo.rowsAfter(cursor, head, 2000);
      const lastRow = batch[batch.length - 1];
      if (!lastRow) return;
      yield* batch;
      cursor = lastRow.seq;
    }
  }

  /** The hashes of rows after `last` up to `head`, verified as a chain from `last`; throws when broken. */
  async function hashesSince(
    last: AuditCheckpoint | null,
    head: { seq: bigint; hash: string },
  ): Promise<string[]> {
    const start = last ? { seq: last.seq, hash: last.headHash } : { seq: 0, hash: GENESIS_HASH };
    const verifier = createChainVerifier({ hash: sha256, checkpoints: last ? [last] : [], from: start });
    const rowHashes: string[] = [];
    for await (const row of rowsBetween(BigInt(start.seq), head.seq)) {
      if (!verifier.push(row)) break;
      rowHashes.push(row.hash);
    }
    const verdict = verifier.finish();
    if (!verdict.valid || rowHashes.length !== Number(head.seq) - start.seq) {
      throw new AppError(
        'conflict',
        `the audit chain is broken (${verdict.reason ?? 'rows are missing'}); it was not sealed`,
      );
    }
    return rowHashes;
  }

  /** Stores the checkpoint and tells the listeners, in one transaction; false when another replica was first. */
  async function store(checkpoint: AuditCheckpoint): Promise<boolean> {
    return db.$transaction(async (tx) => {
      const c = checkpoint;
      const inserted = await repo.insertCheckpoint(
        {
          seq: BigInt(c.seq),
          headHash: c.headHash,
          at: new Date(c.at),
          keyId: c.keyId,
          publicKey: c.publicKey,
          signature: c.signature,
        },
        tx,
      );
      if (!inserted) return false;
      for (const listener of listeners) await listener(tx, checkpoint);
      return true;
    });
  }

  /**
   * Seals the log up to its current head, if it grew since the last checkpoint. The rows since that
   * checkpoint are verified first: a chain already broken is reported, never sealed.
   */
  async function seal(by?: { actor: Actor; requestId: string }): Promise<AuditCheckpoint | null> {
    const s = needSigner();
    if (by)
      await db.$transaction((tx) =>
        audit.append(tx, {
          actor: by.actor,
          action: 'audit.checkpointed',
          targetType: 'system',
          targetId: null,
          requestId: by.requestId,
        }),
      );
    // Committed rows are a prefix of the chain (appends are serialised and numbered in commit order),
    // so the newest committed row is a head nothing will be inserted before.
    const head = await repo.head();
    if (!head) return null;
    const last = await latestStored(s);
    if (last && last.seq > Number(head.seq))
      throw new AppError(
        'conflict',
        `rows ${Number(head.seq) + 1} to ${last.seq} were sealed and are now missing`,
      );
    if (last?.seq === Number(head.seq)) return null;
    const rowHashes = await hashesSince(last, head);
    const unsigned = {
      format: CHECKPOINT_FORMAT,
      seq: Number(head.seq),
      headHash: head.hash,
      at: clock.now().toISOString(),
      keyId: s.keyId,
    } as const;
    const checkpoint: AuditCheckpoint = { ...unsigned, publicKey: s.publicKey, signature: s.sign(unsigned) };
    if (!(await store(checkpoint))) return null; // another replica sealed the same head a moment ago
    await writeFileTarget({ ...checkpoint, fromSeq: (last?.seq ?? 0) + 1, rowHashes });
    return checkpoint;
  }

  async function writeFileTarget(entry: AuditCheckpoint): Promise<void> {
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await appendFile(join(dir, CHECKPOINT_FILE), `${JSON.stringify(entry)}\n`, { mode: 0o600 });
    } catch (err) {
      log.error({ err, dir }, 'could not append the audit checkpoint to the file target');
    }
  }

  /** Verifies the chain against every trusted checkpoint (latest by default). */
  async function verifyLatest(): Promise<VerifyResult> {
    const checkpoints = signer ? await known() : [];
    const verdict = await audit.verify(checkpoints);
    return { ...verdict, checkpoint: compact(checkpoints[checkpoints.length - 1]) };
  }

  /** Verifies against checkpoints given as text (one JSON object, or the file target's JSON lines). */
  async function verifyText(text: string): Promise<VerifyResult> {
    const s = needSigner();
    const parsed = parseCheckpoints(text);
    if (parsed.error) throw invalid('body.checkpoint', `is not a checkpoint: ${parsed.error}`);
    for (const c of parsed.checkpoints) {
      if (!checkpointSignatureValid(c))
        throw invalid('body.checkpoint', `has a bad signature (checkpoint for row ${c.seq})`);
      if (!s.trustedKeys.includes(c.publicKey))
        throw invalid(
          'body.checkpoint',
          `was signed by key ${c.keyId}, which is not this server's checkpoint key (${s.keyId})`,
        );
    }
    const checkpoints = [...parsed.checkpoints].sort((a, b) => a.seq - b.seq);
    const verdict = await audit.verify(checkpoints);
    return { ...verdict, checkpoint: compact(checkpoints[checkpoints.length - 1]) };
  }

  async function list(limit: number, before: number | null): Promise<AuditCheckpoint[]> {
    return (await repo.checkpointsBefore(BigInt(before ?? Number.MAX_SAFE_INTEGER), limit)).map(toCheckpoint);
  }

  function onSeal(listener: SealListener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  return {
    seal,
    verifyLatest,
    verifyText,
    list,
    onSeal,
    publicKey: signer?.publicKey ?? null,
    keyId: signer?.keyId ?? null,
  };
}

function compact(c: AuditCheckpoint | undefined): VerifyResult['checkpoint'] {
  if (!c) return null;
  const { rowHashes: _rows, fromSeq: _from, ...rest } = c;
  return rest;
}

export type Checkpoints = ReturnType<typeof createCheckpoints>;
