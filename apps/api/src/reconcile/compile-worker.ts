// The compiler's thread (see compiler-thread.ts): receives compiler inputs, answers with the objects.
// Nothing here touches the database or the network; it is the pure compiler and a hash function.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

import { compile, type CompilerInput, createGatewayCache, type KubernetesObject } from '@egress/manifests';

import { type CompileReply, type CompileRequest, objectKeyOf } from './compiler-thread.ts';

/** node:crypto instead of the compiler's portable SHA-256: same digests, several times faster. */
const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The gateways of the previous compile: a run after one approval renders and hashes one gateway again,
 * not all of them (bench/reconcile measures the compile step). Requests are answered one at a time.
 */
const gatewayCache = createGatewayCache();

/** What the last reply sent, by key: an object that is the very same one again is not sent again. */
let sent = new Map<string, KubernetesObject>();

function delta(objects: KubernetesObject[]): { changed: KubernetesObject[]; order: string[] } {
  const order = objects.map(objectKeyOf);
  const changed = objects.filter((o, i) => sent.get(order[i] as string) !== o);
  sent = new Map(order.map((key, i) => [key, objects[i] as KubernetesObject]));
  return { changed, order };
}

function answer(id: number, input: CompilerInput): CompileReply {
  try {
    return { id, ok: true, ...delta(compile(input, { sha256Hex, gatewayCache })) };
  } catch (error) {
    return { id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on('message', ({ id, input }: CompileRequest) => {
  parentPort?.postMessage(answer(id, input));
});
