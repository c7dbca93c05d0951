// How long a full compile of the 20,000-grant data set (bench/lib/seed.ts) keeps the API's event loop
// from answering anything: compiled in-process (as the API did before the compiler thread) and on the
// compiler thread (apps/api/src/reconcile/compiler-thread.ts, what the reconciler and GET /manifests
// use). Not a test: it prints numbers and exits 0 (1 only when the run broke, or when the two ways give
// different objects).
//
//   cd apps/api && npx tsx ../../bench/reconcile/event-loop.ts [--runs 10]
//
// While each compile runs, a 1 ms interval timer stands for the requests waiting on the event loop: the
// longest gap between its turns is the longest any request would have waited.
import { createHash } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

import { readSettings } from '../../apps/api/src/platform/settings.ts';
import { createCompilerThread } from '../../apps/api/src/reconcile/compiler-thread.ts';
import { loadSnapshot } from '../../apps/api/src/reconcile/desired-state.ts';
import { compile, type KubernetesObject } from '../../packages/manifests/src/index.ts';
import { type Cleanups, runWithCleanups, seededDatabase } from '../lib/database.ts';

const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 10;
const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

interface Sample {
  wallMs: number;
  maxStallMs: number;
  p99StallMs: number;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Runs `fn` while a 1 ms interval timer notes the gaps between its turns: a gap is how long anything
 * else waiting on the event loop (a request) would have waited.
 */
async function measure(fn: () => Promise<KubernetesObject[]>): Promise<[KubernetesObject[], Sample]> {
  const gaps: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
  }, 1);
  await sleep(5); // the timer is running
  gaps.length = 0;
  last = performance.now();
  const t0 = performance.now();
  const objects = await fn();
  const wallMs = performance.now() - t0;
  await sleep(5); // one more turn records a stall that just ended
  clearInterval(timer);
  const sorted = gaps.sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? NaN;
  return [objects, { wallMs, maxStallMs: sorted.at(-1) ?? NaN, p99StallMs: p99 }];
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const fmt = (ms: number): string => `${ms.toFixed(1).padStart(8)} ms`;

function report(name: string, samples: Sample[]): void {
  const max = Math.max(...samples.map((s) => s.maxStallMs));
  console.log(
    `  ${name.padEnd(16)} compile wall p50 ${fmt(median(samples.map((s) => s.wallMs)))}   ` +
      `longest stall p50 ${fmt(median(samples.map((s) => s.maxStallMs)))}  max ${fmt(max)}   ` +
      `p99 stall p50 ${fmt(median(samples.map((s) => s.p99StallMs)))}`,
  );
}

/** A whole compile takes at most a few seconds here; the deadline only catches a hang. */
const DEADLINE_MS = 10 * 60_000;

async function benchmark(cleanups: Cleanups): Promise<number> {
  const thread = createCompilerThread();
  cleanups.push(() => thread.close());
  const seeded = await seededDatabase(cleanups);
  const snapshot = await loadSnapshot(seeded.db, readSettings);
  const input = { ...snapshot, readiness: 'all' as const };
  console.log('Compile vs. the API event loop');
  console.log(
    `machine:  ${cpus().length} CPUs (${cpus()[0]?.model.trim() ?? '?'}); load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    `data:     ${snapshot.services.length} services, ${snapshot.destinations.length} destinations, ${snapshot.grants.length} active grants (seeded in ${seeded.seedSeconds.toFixed(1)} s); ${runs} runs each after 2 warm-ups`,
  );
  const inline = async () => compile(input, { sha256Hex });
  const threaded = () => thread.compile(input);
  const [a] = await measure(inline);
  const [b] = await measure(threaded);
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error('the compiler thread gave different objects');
  console.log(`objects:  ${a.length} per compile, identical both ways`);
  await measure(inline);
  await measure(threaded);
  const results: Record<string, Sample[]> = { 'in-process': [], 'compiler thread': [] };
  for (let i = 0; i < runs; i++) {
    results['in-process']?.push((await measure(inline))[1]);
    results['compiler thread']?.push((await measure(threaded))[1]);
  }
  for (const [name, samples] of Object.entries(results)) report(name, samples);
  return 0;
}

runWithCleanups(DEADLINE_MS, benchmark).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
