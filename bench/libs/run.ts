// Hand-written infrastructure against the libraries that could replace it (issue 11, item 9): the YAML
// writer of @egress/manifests against `yaml`, the SHA-256 of @egress/shared against `@noble/hashes`, and
// the CIDR parser of @egress/shared's settings schema against `ipaddr.js`. Each on the work the product
// gives it: the compiler's output at 1× (bench/compile's synthetic cluster), and the CIDRs a compile and a
// settings save parse. The hand-written SHA-256 and CIDR parser were replaced; their last versions live
// in baseline/ so the two can still be compared.
// Run: cd packages/manifests && npx tsx ../../bench/libs/run.ts   (see README.md beside this file)
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';

import { canonicalJson, compile, type KubernetesObject, toYaml } from '../../packages/manifests/src/index.ts';
import { parseCidr, sha256Hex } from '../../packages/shared/src/index.ts';
import { syntheticInput } from '../compile/input.ts';
import { parseCidr as handWrittenParseCidr } from './baseline/cidr.ts';
import { sha256Hex as handWrittenSha256Hex } from './baseline/sha256.ts';

const RUNS = 7;

// The libraries are dependencies of the packages, not of this folder: resolve them from there.
const fromManifests = createRequire(new URL('../../packages/manifests/package.json', import.meta.url));
const fromShared = createRequire(new URL('../../packages/shared/package.json', import.meta.url));
const YAML = fromManifests('yaml') as typeof import('yaml');
const noble = (await import(pathToFileURL(fromShared.resolve('@noble/hashes/sha2.js')).href)) as {
  sha256(bytes: Uint8Array): Uint8Array;
};
const nobleUtils = (await import(pathToFileURL(fromShared.resolve('@noble/hashes/utils.js')).href)) as {
  utf8ToBytes(text: string): Uint8Array;
  bytesToHex(bytes: Uint8Array): string;
};

/** CPU time (user + system) of `fn`, in ms: on a shared machine wall time mostly measures waiting. */
function cpuMs(fn: () => unknown): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Medians of RUNS runs of each contender, interleaved so a burst of load hits all of them alike. */
function race(contenders: Record<string, () => unknown>): Record<string, number> {
  const samples: Record<string, number[]> = {};
  for (const name of Object.keys(contenders)) contenders[name]!(); // warm-up (JIT)
  for (let run = 0; run < RUNS; run++) {
    for (const [name, fn] of Object.entries(contenders)) (samples[name] ??= []).push(cpuMs(fn));
  }
  return Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, median(s)]));
}

function print(title: string, work: string, medians: Record<string, number>, baseline: string): void {
  console.log(`\n${title}: ${work}`);
  const base = medians[baseline]!;
  for (const [name, ms] of Object.entries(medians)) {
    console.log(`  ${name.padEnd(44)} ${ms.toFixed(1).padStart(9)} ms  ${(ms / base).toFixed(2)}×`);
  }
}

// --- SHA-256 -----------------------------------------------------------------------------------------

const nobleSha256Hex = (text: string): string =>
  nobleUtils.bytesToHex(noble.sha256(nobleUtils.utf8ToBytes(text)));
const nodeSha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

function sha256Section(objects: readonly KubernetesObject[]): void {
  // What compile hashes: every object's canonical JSON (content hashes), and short names (gateway names).
  const texts = objects.map((o) => canonicalJson(o));
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const names = Array.from({ length: 20_000 }, (_, i) => `api-${i}.vendor-${i % 97}.example.com`);
  for (const t of [...texts.slice(0, 50), ...names.slice(0, 50), '', 'é€😀\ud800']) {
    const want = nodeSha256Hex(t);
    if (handWrittenSha256Hex(t) !== want || nobleSha256Hex(t) !== want || sha256Hex(t) !== want)
      throw new Error('the SHA-256 implementations disagree');
  }
  const all = (hash: (t: string) => string, inputs: readonly string[]) => () => inputs.forEach(hash);
  print(
    'SHA-256',
    `${texts.length} canonical JSON texts, ${(bytes / 1e6).toFixed(1)} MB (the 1× compile's content hashes)`,
    race({
      'hand-written (baseline/sha256.ts)': all(handWrittenSha256Hex, texts),
      '@noble/hashes sha256 + utf8ToBytes': all(nobleSha256Hex, texts),
      '@egress/shared sha256Hex (as shipped now)': all(sha256Hex, texts),
      'node:crypto (reference; the API passes it)': all(nodeSha256Hex, texts),
    }),
    'hand-written (baseline/sha256.ts)',
  );
  print(
    'SHA-256',
    `${names.length} host names (gateway names)`,
    race({
      'hand-written (baseline/sha256.ts)': all(handWrittenSha256Hex, names),
      '@noble/hashes sha256 + utf8ToBytes': all(nobleSha256Hex, names),
      '@egress/shared sha256Hex (as shipped now)': all(sha256Hex, names),
      'node:crypto (reference; the API passes it)': all(nodeSha256Hex, names),
    }),
    'hand-written (baseline/sha256.ts)',
  );
  const input = syntheticInput(1);
  print(
    'compile() at 1×',
    'whole compile with each SHA-256 passed as compile(input, { sha256Hex })',
    race({
      'hand-written (baseline/sha256.ts)': () => compile(input, { sha256Hex: handWrittenSha256Hex }),
      '@noble/hashes sha256 + utf8ToBytes': () => compile(input, { sha256Hex: nobleSha256Hex }),
      'node:crypto (reference; the API passes it)': () => compile(input, { sha256Hex: nodeSha256Hex }),
    }),
    'hand-written (baseline/sha256.ts)',
  );
}

// --- YAML --------------------------------------------------------------------------------------------

/** The `yaml` options closest to the hand-written writer's output (see docs/decisions.md). */
const YAML_OPTIONS = {
  version: '1.1',
  lineWidth: 0,
  minContentWidth: 0,
  singleQuote: true,
  aliasDuplicateObjects: false,
} as const;

const yamlLibrary = (objects: readonly KubernetesObject[]): string =>
  objects.map((o) => `---\n${YAML.stringify(o, YAML_OPTIONS)}`).join('');

function yamlSection(objects: readonly KubernetesObject[]): void {
  const ours = toYaml(objects);
  const theirs = yamlLibrary(objects);
  const oursLines = ours.split('\n');
  const theirLines = theirs.split('\n');
  const differing = oursLines.filter((line, i) => line !== theirLines[i]).length;
  // Both must read back to the same objects under YAML 1.1 and 1.2 (what kubectl and Envoy read).
  for (const version of ['1.1', '1.2'] as const) {
    const a = YAML.parseAllDocuments(ours, { version }).map((d) => JSON.stringify(d.toJS()));
    const b = YAML.parseAllDocuments(theirs, { version }).map((d) => JSON.stringify(d.toJS()));
    const want = objects.map((o) => JSON.stringify(o));
    if (a.some((x, i) => x !== want[i]) || b.some((x, i) => x !== want[i]))
      throw new Error(`YAML ${version}: a writer's output does not read back to the objects`);
  }
  console.log(
    `\nYAML: ${objects.length} objects; output ${ours.length} bytes (hand-written) vs ${theirs.length} (yaml); ` +
      `${differing} of ${oursLines.length} lines differ (quoting only: both read back to the same objects)`,
  );
  print(
    'YAML',
    'the 1× compile output as one multi-document stream',
    race({
      'hand-written toYaml (packages/manifests)': () => toYaml(objects),
      'yaml.stringify per document': () => yamlLibrary(objects),
    }),
    'hand-written toYaml (packages/manifests)',
  );
}

// --- CIDR --------------------------------------------------------------------------------------------

function cidrSection(): void {
  // Host addresses and ranges as the compiler and a settings save parse them: pod, service and
  // internal ranges, the public-address table's ranges, /32 and /128 host addresses.
  const cidrs: string[] = [];
  for (let i = 0; i < 5_000; i++) {
    cidrs.push(`10.${i % 256}.${(i >> 8) % 256}.0/24`, `192.0.2.${i % 256}/32`);
    cidrs.push(
      `fd00:${i.toString(16)}::/64`,
      `2001:db8::${i.toString(16)}/128`,
      `::ffff:10.0.${i % 256}.0/120`,
    );
  }
  for (const c of cidrs) {
    if (JSON.stringify(parseCidr(c)) !== JSON.stringify(handWrittenParseCidr(c)))
      throw new Error(`the CIDR parsers disagree on ${c}`);
  }
  print(
    'CIDR',
    `${cidrs.length} CIDRs parsed (IPv4, IPv6, IPv4-mapped)`,
    race({
      'hand-written (baseline/cidr.ts)': () => cidrs.forEach(handWrittenParseCidr),
      'ipaddr.js (@egress/shared parseCidr as shipped now)': () => cidrs.forEach(parseCidr),
    }),
    'hand-written (baseline/cidr.ts)',
  );
}

function main(): void {
  console.log(
    `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg()[0]?.toFixed(1)}`,
  );
  console.log(
    `${RUNS} runs each after one warm-up, interleaved; medians of process CPU time (user + system)`,
  );
  const objects = compile(syntheticInput(1));
  const only = process.argv[2];
  if (!only || only === 'cidr') cidrSection();
  if (!only || only === 'sha256') sha256Section(objects);
  if (!only || only === 'yaml') yamlSection(objects);
}

main();
