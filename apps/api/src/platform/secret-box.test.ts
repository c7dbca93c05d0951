import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createSecretBox, loadOrCreateKeyFile, parseSecretKey } from './secret-box.ts';

describe('secret box', () => {
  const key = randomBytes(32);
  const box = createSecretBox(key);

  it('opens what it sealed, and the ciphertext does not contain the secret', () => {
    const sealed = box.seal('whsec_abc', 'row-1');
    expect(sealed).not.toContain('whsec_abc');
    expect(box.seal('whsec_abc', 'row-1')).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed, 'row-1')).toBe('whsec_abc');
  });

  it('refuses another key, another row, or a changed ciphertext', () => {
    const sealed = box.seal('whsec_abc', 'row-1');
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'row-1')).toThrow();
    expect(() => box.open(sealed, 'row-2')).toThrow();
    const at = sealed.length - 5;
    const flipped = sealed.slice(0, at) + (sealed[at] === 'A' ? 'B' : 'A') + sealed.slice(at + 1);
    expect(() => box.open(flipped, 'row-1')).toThrow();
  });

  it('accepts only 32-byte base64 keys', () => {
    expect(parseSecretKey(key.toString('base64'))?.equals(key)).toBe(true);
    expect(parseSecretKey(key.toString('base64url'))?.equals(key)).toBe(true);
    expect(parseSecretKey(randomBytes(16).toString('base64'))).toBeNull();
    expect(parseSecretKey('not base64!')).toBeNull();
  });

  it('creates the key file once, readable by its owner only, and reuses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secret-key-'));
    try {
      const path = join(dir, 'nested', 'secret.key');
      const first = await loadOrCreateKeyFile(path);
      expect(first.created).toBe(true);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const again = await loadOrCreateKeyFile(path);
      expect(again).toEqual({ key: first.key, created: false });
      expect(parseSecretKey(await readFile(path, 'utf8'))?.equals(first.key)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
