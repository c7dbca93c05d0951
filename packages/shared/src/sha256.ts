// SHA-256 for isomorphic code (gateway names, content hashes, the audit chain's row hashes), in the
// browser and the CLI as well as the server: @noble/hashes (audited, pure JavaScript), so this package
// never needs node:crypto. Not used for secrets; the API hashes secrets with node:crypto / argon2, and
// passes node:crypto's SHA-256 to the compiler (compile(input, { sha256Hex })), which is about five
// times faster on its megabytes of canonical JSON (bench/libs).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** SHA-256 of a UTF-8 string (a lone surrogate counts as U+FFFD, as TextEncoder writes it), as lower-case hex. */
export function sha256Hex(input: string): string {
  return bytesToHex(sha256(utf8ToBytes(input)));
}
