import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

import { hash, verify } from '@node-rs/argon2';

/** A random secret for cookies, CSRF and API tokens: 32 bytes, base64url. */
export function newSecret(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/**
 * SHA-256 for high-entropy secrets (session ids, CSRF and API tokens): they cannot be guessed, so a fast
 * hash is enough and lets us look them up by hash. Passwords use argon2id instead.
 */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// OWASP's argon2id baseline: m=19 MiB, t=2, p=1.
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  // Verify against a throwaway hash when there is no user, so response time does not reveal accounts.
  const target = stored ?? (await dummyHash());
  const ok = await verify(target, password);
  return stored !== null && ok;
}

let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= hash(newSecret(), ARGON2);
  return dummy;
}
