// DNS steering benchmark: the harness CoreDNS serving the product's generated snippet for 0, 100, 1,000
// and 3,000 ready destinations (plus the rewrite format the directory target writes, at 1,000, for
// reference), measured with dnsperf in one run: queries per second for ordinary in-cluster names and
// for steered names, each as a ratio to the 0-destination server measured next to it.
// Not a test: it prints numbers and PASS/MISS against the target and exits 0 (1 only if the run itself
// is broken: dnsperf missing, a server that does not start or answers wrongly).
//
//   cd packages/manifests && npx tsx ../../bench/dns/run.ts
//
// Needs the harness CoreDNS (tools/harness/build.sh; EGRESS_HARNESS_BIN or the build cache) and dnsperf
// (Debian: apt-get install -y dnsperf; the script installs it itself when run as root with apt-get).
// Everything binds 127.0.0.1; nothing is forwarded. See README.md beside this file.
import { execFile, execFileSync } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { compile, type CompilerInput, DNS_SNIPPET_KEY } from '../../packages/manifests/src/index.ts';
import { gatewayNameFor, SettingsSchema } from '../../packages/shared/src/index.ts';
import {
  freePorts,
  makeTempDir,
  type Proc,
  removeTempDir,
  startProc,
  waitFor,
} from '../../tools/harness/src/util.ts';
import { type Cleanups, runWithCleanups } from '../lib/database.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const SIZES = [0, 100, 1_000, 3_000] as const;
/** The directory target's rewrite format at this size, to show what the hosts format replaces. */
const REWRITE_REFERENCE = 1_000;
const SECONDS = Number(process.env.DNS_BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.DNS_BENCH_ROUNDS ?? 7);
const TARGET_RATIO = 0.95;
const DEADLINE_MS = 10 * 60_000;
/** What the stand-in template answers for in-cluster names. */
const CLUSTER_ANSWER = '10.96.0.10';
/** Steered queries ask for the first STEERED_NAMES destinations: steered in every server but the 0 one. */
const STEERED_NAMES = 100;

const say = (msg: string) => process.stdout.write(`${msg}\n`);

const hostOf = (i: number) => `api-${i}.vendor-${i % 97}.example.com`;
/** A synthetic ClusterIP per destination (data only: nothing is ever sent there). */
const addressOf = (i: number) => `10.96.${100 + Math.floor(i / 250)}.${(i % 250) + 1}`;

/** The product's DNS snippet for n ready destinations: compile() and take the DNS ConfigMap's key. */
function snippetFor(n: number, format: 'hosts' | 'rewrite'): string {
  const destinations = Array.from({ length: n }, (_, i) => ({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    host: hostOf(i),
    gatewayName: gatewayNameFor(hostOf(i)),
    sensitivity: 'standard' as const,
    ports: [{ port: 443, protocol: 'TCP' as const }],
    gateway: { minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 70 },
  }));
  const input: CompilerInput = {
    settings: SettingsSchema.parse({}),
    destinations,
    services: [],
    grants: [],
    readiness: Object.fromEntries(destinations.map((d) => [d.gatewayName, true])),
    ...(format === 'hosts'
      ? { gatewayAddresses: Object.fromEntries(destinations.map((d, i) => [d.gatewayName, [addressOf(i)]])) }
      : {}),
  };
  const cm = compile(input).find(
    (o) => o.kind === 'ConfigMap' && o.metadata.name === input.settings.dnsConfigMap.name,
  );
  const text = (cm?.['data'] as Record<string, string> | undefined)?.[DNS_SNIPPET_KEY];
  if (text === undefined) throw new Error('the compiler produced no DNS snippet');
  return text;
}

interface Server {
  label: string;
  n: number;
  format: 'hosts' | 'rewrite';
  port: number;
  proc: Proc;
  startSeconds: number;
}

/**
 * The Corefile: the snippet imported into the `.` block as in a cluster; in-cluster names answered by a
 * `template` (as the issue measured; the kubernetes plugin would need an API server) and every other name
 * by `whoami`, a cheap stand-in for `forward` (the harness never forwards). No `cache`: a cache hit skips
 * every plugin after it, so this measures the per-query cost of what the snippet adds.
 */
function corefile(port: number, snippetPath: string): string {
  return `.:${port} {
    bind 127.0.0.1
    import ${snippetPath}
    template IN A cluster.local {
        match "^svc[0-9]+[.]ns[0-9]+[.]svc[.]cluster[.]local[.]$"
        answer "{{ .Name }} 5 IN A ${CLUSTER_ANSWER}"
    }
    whoami
}
`;
}

async function startServer(
  bin: string,
  dir: string,
  label: string,
  n: number,
  format: 'hosts' | 'rewrite',
  cleanups: Cleanups,
): Promise<Server> {
  const [port] = await freePorts(1);
  const snippetPath = join(dir, `${label}.override`);
  const confPath = join(dir, `${label}.Corefile`);
  await writeFile(snippetPath, snippetFor(n, format));
  await writeFile(confPath, corefile(port, snippetPath));
  const t0 = performance.now();
  const proc = startProc(bin, ['-conf', confPath], join(dir, `${label}.log`), dir);
  cleanups.push(() => proc.stop());
  // CoreDNS prints "CoreDNS-<version>" once every plugin is set up and the server listens.
  await waitFor(`coredns ${label}`, proc, 60_000, async () =>
    (await readFile(proc.logPath, 'utf8')).includes('CoreDNS-'),
  );
  return { label, n, format, port, proc, startSeconds: (performance.now() - t0) / 1000 };
}

async function resolveA(port: number, name: string): Promise<string> {
  const r = new Resolver({ timeout: 2000, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  try {
    return (await r.resolve4(name))[0] ?? 'no answer';
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  }
}

async function resolveAaaa(port: number, name: string): Promise<string> {
  const r = new Resolver({ timeout: 2000, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  try {
    return (await r.resolve6(name))[0] ?? 'no answer';
  } catch (error) {
    return (error as { code?: string }).code ?? 'error';
  }
}

/** Before measuring: each server answers what the product promises, so no number measures errors. */
async function check(s: Server): Promise<string | null> {
  const cluster = await resolveA(s.port, 'svc1.ns1.svc.cluster.local');
  if (cluster !== CLUSTER_ANSWER) return `${s.label}: in-cluster name answered ${cluster}`;
  const steered = await resolveA(s.port, hostOf(7));
  // whoami puts its A record in the additional section: an A lookup sees an empty answer (ENODATA).
  if (s.n === 0)
    return steered === 'ENODATA'
      ? null
      : `${s.label}: unsteered name answered ${steered}, not whoami's empty answer`;
  if (s.format === 'rewrite') return null; // names a Service that only a kubernetes plugin could answer
  if (steered !== addressOf(7)) return `${s.label}: ${hostOf(7)} answered ${steered}, not ${addressOf(7)}`;
  const aaaa = await resolveAaaa(s.port, hostOf(7));
  if (aaaa !== 'ENODATA')
    return `${s.label}: AAAA for a steered IPv4-only name answered ${aaaa}, not an empty answer`;
  const sub = await resolveA(s.port, `www.${hostOf(7)}`);
  if (sub !== 'ENODATA')
    return `${s.label}: a subdomain of a steered name answered ${sub}, not whoami's empty answer`;
  return null;
}

interface Measured {
  qps: number;
  /** CoreDNS CPU time (user + system) per completed query, in microseconds. */
  cpuUs: number;
}

/** utime + stime of a process, in seconds (from /proc; clock ticks at the usual 100 Hz). */
async function cpuSeconds(pid: number | undefined): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** dnsperf against one server, with that server's CPU time per answered query. */
async function measure(s: Server, queries: string): Promise<Measured> {
  const before = await cpuSeconds(s.proc.child.pid);
  const { qps, completed } = await dnsperf(s.port, queries);
  const cpu = (await cpuSeconds(s.proc.child.pid)) - before;
  return { qps, cpuUs: (cpu / completed) * 1e6 };
}

function dnsperf(port: number, queries: string): Promise<{ qps: number; completed: number }> {
  return new Promise((done, fail) => {
    execFile(
      'dnsperf',
      [
        '-s',
        '127.0.0.1',
        '-p',
        String(port),
        '-d',
        queries,
        '-l',
        String(SECONDS),
        '-c',
        '4',
        '-Q',
        '200000',
      ],
      { timeout: (SECONDS + 30) * 1000 },
      (error, stdout) => {
        if (error) return fail(new Error(`dnsperf failed: ${error.message}\n${stdout}`));
        const qps = /Queries per second:\s+([\d.]+)/.exec(stdout)?.[1];
        const lost = /Queries lost:\s+(\d+)/.exec(stdout)?.[1];
        const completed = /Queries completed:\s+(\d+)/.exec(stdout)?.[1];
        if (qps === undefined || completed === undefined)
          return fail(new Error(`dnsperf printed no rate:\n${stdout}`));
        if (Number(lost ?? 0) > 0) say(`  (dnsperf lost ${lost} queries on port ${port})`);
        done({ qps: Number(qps), completed: Number(completed) });
      },
    );
  });
}

function haveDnsperf(): boolean {
  try {
    execFileSync('dnsperf', ['-h'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // dnsperf -h exits 1 after printing its usage; only "not found" means it is missing.
    return (error as { code?: string }).code !== 'ENOENT';
  }
}

/** dnsperf from Debian, installed here only when we are root with apt-get; otherwise say how. */
function ensureDnsperf(): boolean {
  if (haveDnsperf()) return true;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    say('dnsperf not found: apt-get install -y dnsperf');
    execFileSync('apt-get', ['install', '-y', 'dnsperf'], { stdio: 'inherit' });
    return haveDnsperf();
  }
  say('dnsperf not found: install it from Debian (sudo apt-get install -y dnsperf) and run again');
  return false;
}

function harnessCoreDns(): string {
  const dir =
    process.env['EGRESS_HARNESS_BIN'] ??
    execFileSync('bash', [join(ROOT, 'tools/harness/build.sh'), '--print-dir'], { encoding: 'utf8' }).trim();
  return join(dir, 'coredns');
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;

function rssMb(pid: number | undefined): string {
  try {
    const status = execFileSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' });
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb ? (Number(kb) / 1024).toFixed(0) : '?';
  } catch {
    return '?';
  }
}

async function body(cleanups: Cleanups): Promise<number> {
  if (!ensureDnsperf()) return 1;
  const bin = harnessCoreDns();
  if (!existsSync(bin)) {
    say(`${bin} not found: run tools/harness/build.sh coredns`);
    return 1;
  }
  const version = execFileSync(bin, ['-version'], { encoding: 'utf8' }).split('\n')[0] ?? '?';
  const perf = execFileSync('dnsperf', ['-h'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString();
  say(
    `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg()[0]?.toFixed(1)}`,
  );
  say(
    `${version}; dnsperf ${/Version ([\d.]+)/.exec(perf)?.[1] ?? '(version unknown)'}; ${ROUNDS} rounds × ${SECONDS} s per server and query set, interleaved`,
  );

  const dir = await makeTempDir('egress-bench-dns-');
  cleanups.push(() => removeTempDir(dir));
  const servers: Server[] = [];
  for (const n of SIZES) servers.push(await startServer(bin, dir, `hosts-${n}`, n, 'hosts', cleanups));
  servers.push(
    await startServer(bin, dir, `rewrite-${REWRITE_REFERENCE}`, REWRITE_REFERENCE, 'rewrite', cleanups),
  );
  for (const s of servers) {
    const problem = await check(s);
    if (problem !== null) {
      say(`broken: ${problem}`);
      return 1;
    }
  }

  const clusterFile = join(dir, 'cluster.txt');
  const steeredFile = join(dir, 'steered.txt');
  await writeFile(
    clusterFile,
    Array.from({ length: 2_000 }, (_, i) => `svc${i % 200}.ns${i % 37}.svc.cluster.local A\n`).join(''),
  );
  await writeFile(
    steeredFile,
    Array.from({ length: 2_000 }, (_, i) => `${hostOf(i % STEERED_NAMES)} A\n`).join(''),
  );
  const sets = [
    { name: 'in-cluster', file: clusterFile },
    { name: 'steered', file: steeredFile },
  ];

  // Per query set and server, one sample per round: q/s, CoreDNS CPU per query, and both as ratios to
  // the 0-destination server of the same round (CPU as 0-server CPU / this CPU: 1.0 = the same cost).
  interface Samples {
    qps: number[];
    qpsRatio: number[];
    cpuUs: number[];
    cpuRatio: number[];
  }
  const samples = new Map<string, Samples>();
  const at = (set: string, label: string): Samples => {
    const key = `${set}|${label}`;
    const existing = samples.get(key);
    if (existing) return existing;
    const fresh: Samples = { qps: [], qpsRatio: [], cpuUs: [], cpuRatio: [] };
    samples.set(key, fresh);
    return fresh;
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const set of sets) {
      const got = new Map<string, Measured>();
      // Rotate the order each round so no server always runs first (or right after another's load).
      const order = servers.map((_, i) => servers[(i + round) % servers.length] as Server);
      for (const s of order) got.set(s.label, await measure(s, set.file));
      const base = got.get('hosts-0');
      for (const s of servers) {
        const m = got.get(s.label);
        if (!m || !base) continue;
        const x = at(set.name, s.label);
        x.qps.push(m.qps);
        x.qpsRatio.push(m.qps / base.qps);
        x.cpuUs.push(m.cpuUs);
        x.cpuRatio.push(base.cpuUs / m.cpuUs);
      }
      say(
        `round ${round + 1} ${set.name.padEnd(10)}: ${servers.map((s) => `${s.label} ${Math.round(got.get(s.label)?.qps ?? 0)} q/s ${(got.get(s.label)?.cpuUs ?? 0).toFixed(0)} µs`).join(', ')}`,
      );
    }
  }

  say('');
  say(
    'medians of the rounds. q/s ratio: to the 0-destination server of the same round and queries; CPU ratio: its CoreDNS',
  );
  say("CPU per query / this one's (1.00 = the same cost per query, 0.20 = five times the CPU per query)");
  say(
    'snippet                 destinations  start s  RSS MB | in-cluster: q/s   ratio  µs/q  CPU ratio | steered: q/s   ratio  µs/q  CPU ratio',
  );
  const fmt = (x: Samples, zero: boolean) =>
    `${String(Math.round(median(x.qps))).padStart(6)}  ${zero ? '    —' : median(x.qpsRatio).toFixed(2).padStart(5)}  ${median(x.cpuUs).toFixed(0).padStart(4)}  ${zero ? '        —' : median(x.cpuRatio).toFixed(2).padStart(9)}`;
  for (const s of servers) {
    const name = s.format === 'hosts' ? 'hosts (kubernetes)' : 'rewrite (directory)';
    const head = `${name.padEnd(22)}  ${String(s.n).padStart(12)}  ${s.startSeconds.toFixed(1).padStart(7)}  ${rssMb(s.proc.child.pid).padStart(6)}`;
    say(
      `${head} |       ${fmt(at('in-cluster', s.label), s.n === 0)} |    ${fmt(at('steered', s.label), s.n === 0)}`,
    );
  }
  for (const set of sets) {
    const x = at(set.name, 'hosts-3000');
    const q = median(x.qpsRatio);
    const c = median(x.cpuRatio);
    say(
      `target ${set.name} at 3,000 destinations ≥ ${TARGET_RATIO}× the 0-destination run: q/s ${q.toFixed(2)}× ${q >= TARGET_RATIO ? 'PASS' : 'MISS'}; per CPU ${c.toFixed(2)}× ${c >= TARGET_RATIO ? 'PASS' : 'MISS'}`,
    );
  }
  // Steered names at 0 destinations are answered by whoami, not hosts: also compare hosts with hosts.
  const s3000 = at('steered', 'hosts-3000');
  const s100 = at('steered', 'hosts-100');
  const rel = (a: number[], b: number[], inverse: boolean) =>
    median(a.map((v, i) => (inverse ? (b[i] ?? NaN) / v : v / (b[i] ?? NaN))));
  say(
    `steered at 3,000 destinations vs 100 (both answered by hosts): q/s ${rel(s3000.qps, s100.qps, false).toFixed(2)}×, per CPU ${rel(s3000.cpuUs, s100.cpuUs, true).toFixed(2)}×`,
  );
  say(
    '(steered at 0 destinations: the names are not steered and whoami answers them, the stand-in for forward)',
  );
  return 0;
}

process.exitCode = await runWithCleanups(DEADLINE_MS, body);
