// The audit checkpoint signing key: Ed25519, derived with HKDF-SHA256 from the secret key (EGRESS_SECRET_KEY
// or <data dir>/secret.key), so it lives where that key lives: outside the database. Deriving instead of
// keeping a second file means one secret to back up and to share between replicas; a different HKDF
// label keeps the two uses apart (the AES key never signs, the Ed25519 seed never encrypts).
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  hkdfSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';

import { type AuditCheckpoint, checkpointMessage } from '@egress/shared';

const SALT = 'egress-control';
const INFO = 'audit-checkpoint-ed25519-v1';
// DER prefixes for a raw 32-byte Ed25519 seed (PKCS#8) and public key (SPKI): RFC 8410.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface CheckpointSigner {
  keyId: string;
  /** Base64 of the 32-byte public key, as checkpoints carry it. */
  publicKey: string;
  sign(c: Pick<AuditCheckpoint, 'format' | 'seq' | 'headHash' | 'at' | 'keyId'>): string;
  /** Public keys whose checkpoints this server trusts: its own and, during a key change, the previous one. */
  trustedKeys: readonly string[];
}

function keyIdOf(publicKey: Buffer): string {
  return createHash('sha256').update(publicKey).digest('hex').slice(0, 16);
}

function derive(secretKey: Buffer): { privateKey: KeyObject; publicKey: Buffer } {
  const seed = Buffer.from(hkdfSync('sha256', secretKey, SALT, INFO, 32));
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey: spki.subarray(spki.length - 32) };
}

export function createCheckpointSigner(secretKey: Buffer, previousSecretKey?: Buffer): CheckpointSigner {
  const { privateKey, publicKey } = derive(secretKey);
  const trusted = [publicKey.toString('base64')];
  if (previousSecretKey) trusted.push(derive(previousSecretKey).publicKey.toString('base64'));
  return {
    keyId: keyIdOf(publicKey),
    publicKey: publicKey.toString('base64'),
    sign: (c) => sign(null, Buffer.from(checkpointMessage(c), 'utf8'), privateKey).toString('base64'),
    trustedKeys: trusted,
  };
}

/** Whether the checkpoint's signature is good under the public key it names (and that key's id matches). */
export function checkpointSignatureValid(c: AuditCheckpoint): boolean {
  try {
    const raw = Buffer.from(c.publicKey, 'base64');
    if (raw.length !== 32 || keyIdOf(raw) !== c.keyId) return false;
    const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(checkpointMessage(c), 'utf8'), key, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}
