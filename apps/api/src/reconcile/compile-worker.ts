// The compiler's thread (see compiler-thread.ts): receives compiler inputs, answers with the objects.
// Nothing here touches the database or the network; it is the pure compiler and a hash function.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

import { compile, type CompilerInput } from '@egress/manifests';

import type { CompileReply, CompileRequest } from './compiler-thread.ts';

/** node:crypto instead of the compiler's portable SHA-256: same digests, several times faster. */
const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

function answer(id: number, input: CompilerInput): CompileReply {
  try {
    return { id, ok: true, objects: compile(input, { sha256Hex }) };
  } catch (error) {
    return { id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on('message', ({ id, input }: CompileRequest) => {
  parentPort?.postMessage(answer(id, input));
});
