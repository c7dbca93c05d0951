// Runs the compiler on a worker thread, so the API keeps answering while a reconcile run or GET
// /manifests compiles. Measured by bench/reconcile/event-loop.ts on the 20,000-grant data set (1,801
// objects): in-process, a compile held the event loop for 86 ms (p50); on the thread, the longest wait
// is 26 ms, which is copying the result back (structured clone; a JSON string was slower), for 157 ms
// of wall time. The compile grows with the cluster, the copy only with the output. One long-lived
// worker, requests answered in order; it does not keep the process alive, and a worker that dies is
// replaced on the next request.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

import type { CompilerInput, KubernetesObject } from '@egress/manifests';

export interface CompileRequest {
  id: number;
  input: CompilerInput;
}

/**
 * A compile's objects as a change to the previous reply: the objects that are new or differ (by the
 * worker's gateway cache, unchanged gateways are the very objects it sent before) and every object's key
 * in output order. The output is the same as sending them all; copying 2,000 objects between threads
 * cost more than compiling the one gateway an approval changes.
 */
export type CompileReply =
  | { id: number; ok: true; changed: KubernetesObject[]; order: string[] }
  | { id: number; ok: false; message: string };

/** kind/namespace/name: one object's identity in the output. */
export function objectKeyOf(o: KubernetesObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

interface Pending {
  resolve: (objects: KubernetesObject[]) => void;
  reject: (error: Error) => void;
}

/**
 * The worker beside the bundle (compile-worker.js; tsup builds both), or, running from source, a small
 * script that loads compile-worker.ts through tsx, as the API itself is loaded (a worker does not
 * inherit the parent's module hooks).
 */
function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./compile-worker.js', import.meta.url));
  // The ESM build of tsx's API (require.resolve would pick its CommonJS build).
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsxApi = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./compile-worker.ts', import.meta.url).href;
  const script = `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(script, { eval: true });
}

export function createCompilerThread() {
  let worker: Worker | null = null;
  let nextId = 0;
  const pending = new Map<number, Pending>();
  /** The objects as of the last reply (what the worker's next delta applies to); reset with each new worker. */
  let mirror = new Map<string, KubernetesObject>();

  /** Applies a reply's delta (every reply, in order, even one nobody waits for) and returns the whole output. */
  function replay(changed: KubernetesObject[], order: string[]): KubernetesObject[] {
    for (const o of changed) mirror.set(objectKeyOf(o), o);
    const objects = order.map((key) => {
      const o = mirror.get(key);
      if (!o) throw new Error(`the compiler thread referred to an object it never sent (${key})`);
      return o;
    });
    mirror = new Map(order.map((key, i) => [key, objects[i] as KubernetesObject]));
    return objects;
  }

  function failAll(error: Error): void {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    worker = null;
  }

  function start(): Worker {
    const w = startWorker();
    mirror = new Map();
    w.on('message', (reply: CompileReply) => {
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if (!reply.ok) p?.reject(new Error(`compile failed: ${reply.message}`));
      else {
        try {
          const objects = replay(reply.changed, reply.order);
          p?.resolve(objects);
        } catch (error) {
          // Out of step with the worker: start afresh (a new worker sends everything).
          void w.terminate();
          failAll(error as Error);
        }
      }
      if (pending.size === 0) w.unref();
    });
    w.on('error', (error) => failAll(new Error(`the compiler thread failed: ${error.message}`)));
    w.on('exit', (code) => {
      if (worker === w) failAll(new Error(`the compiler thread exited (code ${code})`));
    });
    return w;
  }

  return {
    compile(input: CompilerInput): Promise<KubernetesObject[]> {
      worker ??= start();
      // Referenced only while a compile is outstanding: an idle worker never holds the process open.
      worker.ref();
      const id = nextId++;
      const w = worker;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ id, input } satisfies CompileRequest);
      });
    },
    /**
     * Starts the worker now if none runs, without waiting for it: loading the compiler on a new thread
     * takes a good part of a second, which the start-up run would otherwise wait for before its compile.
     */
    warm(): void {
      worker ??= start();
      if (pending.size === 0) worker.unref();
    },
    /** Stops the worker (tests, shutdown); a later compile starts a new one. */
    async close(): Promise<void> {
      const w = worker;
      worker = null;
      failAll(new Error('the compiler thread was closed'));
      if (w) await w.terminate();
    },
  };
}

export type CompilerThread = ReturnType<typeof createCompilerThread>;

let shared: CompilerThread | null = null;

/** The process's compiler thread, started on first use. */
export function compilerThread(): CompilerThread {
  shared ??= createCompilerThread();
  return shared;
}
