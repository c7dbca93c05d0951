// The audit hash chain and its signed checkpoints, as pure functions shared by the API (which writes and
// verifies the chain) and egressctl (which verifies a CSV export offline). Hashing and signatures are
// done by the caller with node:crypto; this file only says what is hashed and signed, and walks a chain.
import { z } from 'zod';

import { canonicalJson } from './canonical-json.ts';
import { sha256Hex } from './sha256.ts';

export const GENESIS_HASH = '0'.repeat(64);
export const CHECKPOINT_FORMAT = 'egress-audit-checkpoint/v1';

/** The fields of an audit row that its hash covers (with the previous row's hash). */
export interface ChainedRow {
  seq: bigint | number;
  at: Date | string;
  actorType: string;
  actorId: string | null;
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  prevHash: string;
}

/** What SHA-256 is taken over for one row: `${prevHash}\n${canonical body}`. */
export function auditHashInput(e: ChainedRow): string {
  const body = canonicalJson({
    seq: e.seq.toString(),
    at: typeof e.at === 'string' ? new Date(e.at).toISOString() : e.at.toISOString(),
    actorType: e.actorType,
    actorId: e.actorId,
    actor: e.actor,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    before: e.before ?? null,
    after: e.after ?? null,
    requestId: e.requestId,
  });
  return `${e.prevHash}\n${body}`;
}

/** The row's hash (the isomorphic SHA-256; the API uses node:crypto over the same input). */
export function auditRowHash(e: ChainedRow): string {
  return sha256Hex(auditHashInput(e));
}

const Hash = z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lowercase hex digits' });

/** A signed statement "the audit log's row `seq` has hash `headHash`", made at `at`. */
export const AuditCheckpointSchema = z
  .object({
    format: z.literal(CHECKPOINT_FORMAT),
    seq: z.int().min(0),
    headHash: Hash,
    at: z.iso.datetime({ offset: true }),
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    publicKey: z
      .base64()
      .meta({ description: 'The Ed25519 public key (32 bytes, base64) that made the signature.' }),
    signature: z.base64().meta({
      description:
        'Ed25519 over checkpointMessage(): the canonical JSON of format, seq, headHash, at and keyId.',
    }),
    fromSeq: z
      .int()
      .min(1)
      .optional()
      .meta({ description: 'File target only: the first row whose hash is listed in rowHashes.' }),
    rowHashes: z.array(Hash).optional().meta({
      description:
        'File target only: the hash of every row from fromSeq to seq, so a verifier can name the first changed row.',
    }),
  })
  .meta({ id: 'AuditCheckpoint' });
export type AuditCheckpoint = z.infer<typeof AuditCheckpointSchema>;

/** The bytes (as UTF-8 text) an Ed25519 checkpoint signature covers. */
export function checkpointMessage(
  c: Pick<AuditCheckpoint, 'format' | 'seq' | 'headHash' | 'at' | 'keyId'>,
): string {
  return canonicalJson({ format: c.format, seq: c.seq, headHash: c.headHash, at: c.at, keyId: c.keyId });
}

/** Reads a checkpoint given as text: one JSON object, or a JSON-lines file whose last line is the newest. */
export function parseCheckpoints(text: string): { checkpoints: AuditCheckpoint[]; error: string | null } {
  const trimmed = text.trim();
  const chunks = trimmed.startsWith('[') ? [trimmed] : trimmed.split(/\r?\n/).filter((l) => l.trim() !== '');
  const checkpoints: AuditCheckpoint[] = [];
  for (const [i, chunk] of chunks.entries()) {
    let value: unknown;
    try {
      value = JSON.parse(chunk);
    } catch {
      return { checkpoints: [], error: `line ${i + 1} is not JSON` };
    }
    for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
      const parsed = AuditCheckpointSchema.safeParse(item);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return {
          checkpoints: [],
          error: `line ${i + 1}: ${issue ? `${issue.path.join('.') || 'checkpoint'} ${issue.message}` : 'not a checkpoint'}`,
        };
      }
      checkpoints.push(parsed.data);
    }
  }
  if (checkpoints.length === 0) return { checkpoints, error: 'no checkpoint in the text' };
  return { checkpoints, error: null };
}

/** A row as stored: the chained fields plus its stored hash. */
export interface StoredRow extends ChainedRow {
  hash: string;
}

export interface ChainVerdict {
  valid: boolean;
  /** Rows read and found sound. */
  checked: number;
  /** The first row that is changed, missing or out of order; null when valid. */
  firstInvalidSeq: number | null;
  /** Why it is invalid, in one sentence; null when valid. */
  reason: string | null;
  /** The highest row a trusted checkpoint vouches for (rows after it are proven only by the chain). */
  sealedThrough: number | null;
}

/**
 * Walks the chain in seq order, row by row, against trusted checkpoints (already signature-checked by
 * the caller). Without checkpoints it proves only internal consistency, which whoever can write the
 * table can recompute. With them it also catches a chain rewritten and recomputed from a row on
 * (the head at the checkpoint differs), deleted newest rows and a truncated table (rows short of the
 * checkpoint). Row hashes recorded beside a checkpoint name the exact first changed row; without them
 * the first row after the last checkpoint that still matches is named.
 */
export function createChainVerifier(options: {
  hash: (input: string) => string;
  checkpoints: readonly AuditCheckpoint[];
  /** Start after a row already proven (a trusted checkpoint's seq and head) instead of at the genesis. */
  from?: { seq: number; hash: string };
}) {
  const anchors = new Map<number, string>();
  const recorded = new Map<number, string>();
  for (const c of options.checkpoints) {
    anchors.set(c.seq, c.headHash);
    if (c.fromSeq !== undefined && c.rowHashes)
      c.rowHashes.forEach((h, i) => recorded.set((c.fromSeq ?? 0) + i, h));
  }
  const sealedThrough = options.checkpoints.reduce<number | null>(
    (max, c) => (max === null || c.seq > max ? c.seq : max),
    null,
  );
  let expectedSeq = (options.from?.seq ?? 0) + 1;
  let prevHash = options.from?.hash ?? GENESIS_HASH;
  let checked = 0;
  let lastGoodAnchor = options.from?.seq ?? 0;
  let failed: ChainVerdict | null = null;

  const fail = (seq: number, reason: string): false => {
    failed = { valid: false, checked, firstInvalidSeq: seq, reason, sealedThrough };
    return false;
  };

  /** Feeds the next row (ascending seq); false once the chain is found broken (stop feeding). */
  function push(row: StoredRow): boolean {
    if (failed) return false;
    const seq = Number(row.seq);
    // A gap is reported at the row after it (the first row whose predecessor is wrong), as before.
    if (seq !== expectedSeq)
      return fail(seq, seq > expectedSeq ? `row ${expectedSeq} is missing` : `row ${seq} is out of order`);
    const known = recorded.get(seq);
    if (known !== undefined && known !== row.hash)
      return fail(seq, `row ${seq} differs from the hash recorded with a checkpoint`);
    if (row.prevHash !== prevHash) return fail(seq, `row ${seq} does not link to the row before it`);
    if (options.hash(auditHashInput(row)) !== row.hash)
      return fail(seq, `row ${seq} does not match its hash`);
    const anchor = anchors.get(seq);
    if (anchor !== undefined) {
      // The chain up to here is self-consistent but ends elsewhere than the signed head: a row at or
      // before this one was changed and the chain recomputed after it.
      if (anchor !== row.hash)
        return fail(
          lastGoodAnchor + 1,
          `the chain was rewritten between rows ${lastGoodAnchor + 1} and ${seq}: row ${seq} differs from the signed checkpoint`,
        );
      lastGoodAnchor = seq;
    }
    checked++;
    prevHash = row.hash;
    expectedSeq = seq + 1;
    return true;
  }

  function finish(): ChainVerdict {
    if (failed) return failed;
    if (sealedThrough !== null && expectedSeq - 1 < sealedThrough) {
      const first = expectedSeq;
      return {
        valid: false,
        checked,
        firstInvalidSeq: first,
        reason:
          first === 1
            ? `the table is empty but a checkpoint seals ${sealedThrough} rows (truncated)`
            : `rows ${first} to ${sealedThrough} are missing (deleted), though a checkpoint seals them`,
        sealedThrough,
      };
    }
    return { valid: true, checked, firstInvalidSeq: null, reason: null, sealedThrough };
  }

  return { push, finish };
}
