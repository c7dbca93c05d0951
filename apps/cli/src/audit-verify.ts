// egressctl audit verify: checks a CSV export of the audit log against signed checkpoints, offline (no
// API, no database), as an auditor would with files kept apart from the server. The hashing and the walk
// are the API's own (@egress/shared audit-chain); the signature check uses node:crypto.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import {
  type AuditCheckpoint,
  auditHashInput,
  type ChainVerdict,
  checkpointMessage,
  createChainVerifier,
  parseCheckpoints,
  type StoredRow,
} from '@egress/shared';

import type { Io } from './commands.ts';
import { CliError, EXIT } from './exit-codes.ts';

const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const sha256 = (input: string) => createHash('sha256').update(input).digest('hex');

function signatureValid(c: AuditCheckpoint): boolean {
  try {
    const raw = Buffer.from(c.publicKey, 'base64');
    if (raw.length !== 32 || createHash('sha256').update(raw).digest('hex').slice(0, 16) !== c.keyId)
      return false;
    const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(checkpointMessage(c), 'utf8'), key, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}

const SEPARATOR = /[,\r\n]/g;

/** A quoted cell from just after its opening quote: up to the closing quote, "" standing for one quote. */
function readQuoted(text: string, start: number): [string, number] {
  let cell = '';
  let i = start;
  for (;;) {
    const close = text.indexOf('"', i);
    if (close === -1) throw new CliError('the CSV export has an unclosed quote', EXIT.usage);
    cell += text.slice(i, close);
    i = close + 1;
    if (text[i] !== '"') return [cell, i];
    cell += '"';
    i++;
  }
}

/** RFC 4180 CSV: quoted cells may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') [cell, i] = readQuoted(text, i + 1);
    else {
      SEPARATOR.lastIndex = i;
      const end = SEPARATOR.exec(text)?.index ?? text.length;
      cell = text.slice(i, end);
      i = end;
    }
    row.push(cell);
    if (text[i] === ',') i++;
    else {
      rows.push(row);
      row = [];
      i += text.startsWith('\r\n', i) ? 2 : 1;
    }
  }
  return rows;
}

const NEEDED = [
  'seq',
  'at',
  'actorType',
  'actorId',
  'actor',
  'action',
  'targetType',
  'targetId',
  'requestId',
  'before',
  'after',
  'prevHash',
  'hash',
] as const;
type Column = (typeof NEEDED)[number];
const TEXT_COLUMNS = [
  'actorType',
  'actorId',
  'actor',
  'action',
  'targetType',
  'targetId',
  'requestId',
] as const;

/**
 * What a text cell may have been: the export writes null as an empty cell and prefixes a formula-like
 * value with ' (CSV injection guard), so "" and "'=x" are each read two ways; the row's hash decides.
 */
function readings(cell: string, nullable: boolean): (string | null)[] {
  const out: (string | null)[] = [];
  if (cell === '') out.push(...(nullable ? [null, ''] : ['']));
  else if (/^'[=+\-@\t\r]/.test(cell)) out.push(cell.slice(1), cell);
  else out.push(cell);
  return out;
}

function toRow(cells: Record<Column, string>, line: number): StoredRow {
  const json = (v: string) => {
    if (v === '') return null;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      throw new CliError(`line ${line}: before/after is not JSON`, EXIT.usage);
    }
  };
  const base = {
    seq: Number(cells.seq),
    at: cells.at,
    before: json(cells.before),
    after: json(cells.after),
    prevHash: cells.prevHash,
    hash: cells.hash,
  };
  const options = TEXT_COLUMNS.map((c) =>
    readings(cells[c], c === 'actorId' || c === 'targetId' || c === 'requestId'),
  );
  // Every combination of readings (at most a few; each ambiguous cell doubles them), first one that hashes.
  let combos: (string | null)[][] = [[]];
  for (const o of options) combos = combos.flatMap((prefix) => o.map((v) => [...prefix, v]));
  const build = (vals: (string | null)[]): StoredRow => {
    const [actorType, actorId, actor, action, targetType, targetId, requestId] = vals;
    return {
      ...base,
      actorType: actorType ?? '',
      actorId: actorId ?? null,
      actor: actor ?? '',
      action: action ?? '',
      targetType: targetType ?? '',
      targetId: targetId ?? null,
      requestId: requestId ?? null,
    };
  };
  const rows = combos.slice(0, 128).map(build);
  return rows.find((r) => sha256(auditHashInput(r)) === r.hash) ?? (rows[0] as StoredRow);
}

async function readText(path: string, cwd: string, what: string): Promise<string> {
  return readFile(resolve(cwd, path), 'utf8').catch((e: unknown) => {
    throw new CliError(`cannot read the ${what} ${path}: ${(e as Error).message}`, EXIT.usage);
  });
}

/** Checks each checkpoint's signature (and the pinned key); a message when one fails. */
function badCheckpoint(checkpoints: AuditCheckpoint[], publicKey: string | undefined): string | null {
  for (const c of checkpoints) {
    if (!signatureValid(c))
      return `checkpoint for row ${c.seq} has a bad signature: it was changed after it was signed`;
    if (publicKey && c.publicKey !== publicKey)
      return `checkpoint for row ${c.seq} was signed by key ${c.keyId}, not the pinned --public-key`;
  }
  return null;
}

async function readRows(path: string, cwd: string): Promise<StoredRow[]> {
  const [header = [], ...lines] = parseCsv(await readText(path, cwd, 'CSV export'));
  const index = new Map(header.map((h, i) => [h, i]));
  const missing = NEEDED.filter((c) => !index.has(c));
  if (missing.length > 0)
    throw new CliError(
      `${path} lacks the column(s) ${missing.join(', ')}: export it again (GET /api/v1/audit-events?format=csv) from this version`,
      EXIT.usage,
    );
  return lines
    .filter((cells) => cells.length > 1)
    .map((cells, i) =>
      toRow(
        Object.fromEntries(NEEDED.map((c) => [c, cells[index.get(c) ?? -1] ?? ''])) as Record<Column, string>,
        i + 2,
      ),
    )
    .sort((a, b) => Number(a.seq) - Number(b.seq));
}

export async function auditVerify(
  opts: { checkpoint: string; csv: string; publicKey?: string },
  io: Io,
): Promise<number> {
  const parsed = parseCheckpoints(await readText(opts.checkpoint, io.cwd, 'checkpoint file'));
  if (parsed.error) throw new CliError(`${opts.checkpoint} is not a checkpoint: ${parsed.error}`, EXIT.usage);
  const bad = badCheckpoint(parsed.checkpoints, opts.publicKey);
  if (bad) {
    io.err(bad);
    return EXIT.tampered;
  }
  if (!opts.publicKey)
    io.err(
      `note: trusting the key in the checkpoint file (${parsed.checkpoints[0]?.keyId ?? '?'}); pin it with --public-key (GET /api/v1/audit-events/checkpoints shows it)`,
    );
  const rows = await readRows(opts.csv, io.cwd);
  const verifier = createChainVerifier({
    hash: sha256,
    checkpoints: [...parsed.checkpoints].sort((a, b) => a.seq - b.seq),
  });
  for (const row of rows) if (!verifier.push(row)) break;
  return report(verifier.finish(), io);
}

function report(v: ChainVerdict, io: Io): number {
  if (v.valid) {
    const sealed = v.sealedThrough ?? 0;
    io.out(
      `valid: ${v.checked} rows; rows 1 to ${sealed} match the signed checkpoint${v.checked > sealed ? ', later rows are proven by the chain alone' : ''}`,
    );
    return EXIT.ok;
  }
  io.out(
    `INVALID from row ${v.firstInvalidSeq ?? '?'}: ${v.reason ?? 'the chain is broken'} (${v.checked} rows verified before it)`,
  );
  return EXIT.tampered;
}
