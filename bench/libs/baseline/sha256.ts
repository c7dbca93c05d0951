// The hand-written SHA-256 of packages/shared/src/sha256.ts as it stood before @noble/hashes replaced it
// (commit 77afd2a), kept here only so bench/libs/run.ts can measure the two side by side. Not imported
// by any package.
/// <reference path="../../../packages/shared/src/ambient.d.ts" />
// A small, dependency-free SHA-256 so that isomorphic code (gateway names, content hashes) never needs
// node:crypto. Not used for secrets; the API hashes secrets with node:crypto / argon2.
//
// Written for speed, since the manifest compiler hashes megabytes with it: the text is encoded straight
// into one reused buffer (no allocation per call, no separate padding copy), words are read from the
// bytes directly, and the rounds work on int32 locals and reused typed arrays (no per-block allocation).
// Everything is synchronous, so sharing the buffers between calls is safe.

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const INITIAL = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Inputs up to this many bytes (with padding) reuse one buffer; a larger one gets its own, then is dropped. */
const KEPT_BUFFER_BYTES = 1 << 20;
let shared = new Uint8Array(4096);
const state = new Int32Array(8);
const w = new Int32Array(64);

// TextEncoder.encodeInto writes into a buffer we keep (encode() would allocate one per call). It is in
// every runtime we target, but not in this package's minimal ambient typing of TextEncoder.
interface Utf8Encoder {
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
}
const encoder = new TextEncoder() as unknown as Utf8Encoder;

/** The message, encoded and padded to whole 64-byte blocks; returns the buffer and its used length. */
function padded(input: string): [Uint8Array, number] {
  const capacity = input.length * 3 + 72;
  let out = shared;
  if (capacity > out.length) {
    out = new Uint8Array(capacity);
    if (capacity <= KEPT_BUFFER_BYTES) shared = out;
  }
  // At most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2; a lone one becomes U+FFFD, 3 bytes).
  const n = encoder.encodeInto(input, out).written;
  const total = ((n + 72) >>> 6) << 6; // n + 1 (0x80) + 8 (length), rounded up to a block
  out[n] = 0x80;
  out.fill(0, n + 1, total - 4);
  // The message length in bits, big-endian: the high word, then the low 32 bits of n * 8.
  const high = Math.floor(n / 0x20000000);
  const low = n << 3;
  out[total - 8] = high >>> 24;
  out[total - 7] = high >>> 16;
  out[total - 6] = high >>> 8;
  out[total - 5] = high;
  out[total - 4] = low >>> 24;
  out[total - 3] = low >>> 16;
  out[total - 2] = low >>> 8;
  out[total - 1] = low;
  return [out, total];
}

/** The word `i` of the message schedule of the block at `offset` (words 0 to i - 1 already in `w`). */
function word(bytes: Uint8Array, offset: number, i: number): number {
  if (i < 16) {
    const j = offset + i * 4;
    return (
      ((bytes[j] as number) << 24) |
      ((bytes[j + 1] as number) << 16) |
      ((bytes[j + 2] as number) << 8) |
      (bytes[j + 3] as number)
    );
  }
  const x = w[i - 15] as number;
  const y = w[i - 2] as number;
  const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
  const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
  return ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
}

/** The 64 rounds over the block at `offset`, added into `state`. All arithmetic is int32. */
function compress(bytes: Uint8Array, offset: number): void {
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  let e = state[4] as number;
  let f = state[5] as number;
  let g = state[6] as number;
  let h = state[7] as number;
  for (let i = 0; i < 64; i++) {
    const wi = word(bytes, offset, i);
    w[i] = wi;
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + (K[i] as number) + wi) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = (state[0] as number) + a;
  state[1] = (state[1] as number) + b;
  state[2] = (state[2] as number) + c;
  state[3] = (state[3] as number) + d;
  state[4] = (state[4] as number) + e;
  state[5] = (state[5] as number) + f;
  state[6] = (state[6] as number) + g;
  state[7] = (state[7] as number) + h;
}

/** SHA-256 of a UTF-8 string, as lower-case hex. */
export function sha256Hex(input: string): string {
  const [bytes, length] = padded(input);
  state.set(INITIAL);
  for (let offset = 0; offset < length; offset += 64) {
    compress(bytes, offset);
  }
  let hex = '';
  for (let i = 0; i < 8; i++) {
    const x = state[i] as number;
    hex +=
      (HEX[(x >>> 24) & 0xff] as string) +
      (HEX[(x >>> 16) & 0xff] as string) +
      (HEX[(x >>> 8) & 0xff] as string) +
      (HEX[x & 0xff] as string);
  }
  return hex;
}
