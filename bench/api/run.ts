// API benchmark: the real app on a real PostgreSQL, seeded to a realistic size, loaded with autocannon
// over 127.0.0.1. Not a test: it prints numbers, compares them with targets and exits 0 either way
// (1 only when the run itself is broken, e.g. approvals that did not answer 200).
//
//   cd apps/api && npx tsx ../../bench/api/run.ts [--profile]        (or: pnpm bench:api)
//
// TEST_DATABASE_URL points it at an external server (it creates and drops its own database there);
// otherwise an embedded PostgreSQL is started in a temporary folder and removed afterwards.
//
// Processes: this one starts PostgreSQL, seeds, drives the load and prints the report; the API runs in
// a child process (this same file, forked), so the load generator never shares the API's event loop.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { Session } from 'node:inspector';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { buildApp } from '../../apps/api/src/app.ts';
import { loadConfig } from '../../apps/api/src/config.ts';
import { createDb, type Db } from '../../apps/api/src/platform/db.ts';
import { encodeCursor } from '../../apps/api/src/platform/pagination.ts';
import { type Cleanups, postgresInfo, runWithCleanups, seededDatabase, settle } from '../lib/database.ts';
import type { SeedGrant, SeedUser } from '../lib/seed.ts';

const THIS_FILE = fileURLToPath(import.meta.url);
const ROOT = resolve(THIS_FILE, '../../..');
// autocannon and pg are dependencies of apps/api; pnpm does not hoist them to where this file lives.
const requireFromApi = createRequire(join(ROOT, 'apps/api/package.json'));

/** `--connections N` sets the number of concurrent clients (default 10; the README reports 1 and 10). */
const connectionsArg = process.argv.indexOf('--connections');
const RUN = {
  connections: connectionsArg > 0 ? Number(process.argv[connectionsArg + 1]) : 10,
  listSeconds: 10,
  warmupSeconds: 2,
  approvals: 1_500,
  approveWarmup: 100,
  profileRequests: 30,
  profileApprovals: 100,
};
const TARGET_P95_MS = { list: 25, approve: 40 };
/** The whole run stops by itself after this, whatever happens. */
const DEADLINE_MS = 10 * 60_000;

// --- untyped packages: the little of their API used here -------------------------------------------------

interface CannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (req: CannonRequest) => CannonRequest;
  onResponse?: (status: number, body: string) => void;
}
interface CannonResult {
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface CannonInstance extends PromiseLike<CannonResult> {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  requests: CannonRequest[];
}) => CannonInstance;

interface PgQueryConfig {
  text: string;
  values?: unknown[];
}
interface PgClient {
  connect(): Promise<void>;
  query(q: string | PgQueryConfig, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}
interface PgModule {
  Client: {
    new (config: { connectionString: string }): PgClient;
    prototype: { query: (...args: unknown[]) => unknown };
  };
}

// --- the API process (child) -------------------------------------------------------------------------------

type ToServer =
  | { type: 'trace'; on: boolean }
  | { type: 'profile'; on: boolean }
  | { type: 'explain'; sql: string; values: unknown[] }
  | { type: 'cpu' }
  | { type: 'stop' };
type FromServer =
  | { type: 'listening'; url: string }
  | { type: 'trace'; statements: Statement[]; requests: number[] }
  | { type: 'explain'; plan: string }
  | { type: 'cpu'; ms: number; loopP99Ms: number; loopMaxMs: number }
  | { type: 'profile'; busyMs: number; byPlace: SelfTime[]; byFunction: SelfTime[] };
interface Statement {
  sql: string;
  values: unknown[];
  ms: number;
}

/** Records every statement the app sends (text, values, time to result) while tracing is on. */
function installTracer(pg: PgModule) {
  const state = { on: false, statements: [] as Statement[] };
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function traced(this: unknown, ...args: unknown[]) {
    const first = args[0];
    const sql = typeof first === 'string' ? first : (first as PgQueryConfig | undefined)?.text;
    if (!state.on || sql === undefined) return original.apply(this, args);
    const values = typeof first === 'object' ? ((first as PgQueryConfig).values ?? []) : [];
    const started = performance.now();
    const record = () => state.statements.push({ sql, values, ms: performance.now() - started });
    const callback = args[args.length - 1];
    if (typeof callback === 'function') {
      args[args.length - 1] = (...result: unknown[]) => {
        record();
        (callback as (...a: unknown[]) => void)(...result);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args);
    if (result instanceof Promise) void result.then(record, record);
    return result;
  };
  return state;
}

interface SelfTime {
  where: string;
  ms: number;
}
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** Where a profiled frame's code lives: a package, a file of the app, Node itself, or V8. */
function placeOf(url: string, functionName: string): string {
  const pkg = /\/node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (pkg)
    return pkg[1]!.startsWith('@prisma/')
      ? `${pkg[1]!} ${pkg[2]!.split('/').slice(0, 2).join('/')}`
      : pkg[1]!;
  const own = /\/(apps\/api\/src|packages\/shared\/src)\/(.*)$/.exec(url);
  if (own) return `${own[1]!.startsWith('apps') ? 'app' : 'shared'}: ${own[2]!}`;
  if (url.startsWith('node:')) return `node: ${url.slice(5)}`;
  if (url.startsWith('wasm:')) return 'WebAssembly (Prisma query compiler)';
  return url === '' ? `V8 ${functionName || '(anonymous)'}` : url;
}

/** Self time per place and per function, busiest first; the idle time is left out. */
function summariseProfile(profile: CpuProfile): {
  busyMs: number;
  byPlace: SelfTime[];
  byFunction: SelfTime[];
} {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const places = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  (profile.samples ?? []).forEach((id, i) => {
    const frame = nodes.get(id);
    const ms = (profile.timeDeltas?.[i + 1] ?? 0) / 1000;
    if (!frame || frame.functionName === '(idle)') return;
    busy += ms;
    const place = placeOf(frame.url, frame.functionName);
    places.set(place, (places.get(place) ?? 0) + ms);
    const fn = `${frame.functionName || '(anonymous)'}  ${place}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
  });
  const top = (m: Map<string, number>) =>
    [...m]
      .map(([where, ms]) => ({ where, ms }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 15);
  return { busyMs: busy, byPlace: top(places), byFunction: top(functions) };
}

function inspectorCall<T>(session: Session, method: string, params: object = {}): Promise<T> {
  return new Promise((done, fail) => {
    session.post(method, params, (error, result) => (error ? fail(error) : done(result as T)));
  });
}

/** The API's own V8 sampling profiler, switched on and off by the orchestrator around one scenario. */
async function switchProfiler(session: Session, on: boolean): Promise<FromServer> {
  if (on) {
    session.connect();
    await inspectorCall(session, 'Profiler.enable');
    await inspectorCall(session, 'Profiler.setSamplingInterval', { interval: 200 });
    await inspectorCall(session, 'Profiler.start');
    return { type: 'profile', busyMs: 0, byPlace: [], byFunction: [] };
  }
  const { profile } = await inspectorCall<{ profile: CpuProfile }>(session, 'Profiler.stop');
  session.disconnect();
  return { type: 'profile', ...summariseProfile(profile) };
}

async function serve(): Promise<void> {
  const send = (m: FromServer) => process.send?.(m);
  const databaseUrl = process.env.EGRESS_BENCH_DATABASE_URL ?? '';
  const pg = requireFromApi('pg') as PgModule;
  const tracer = installTracer(pg);
  const session = new Session();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const requests: number[] = [];
  const config = loadConfig({
    EGRESS_LOG_LEVEL: 'silent',
    EGRESS_TARGET: 'none',
    EGRESS_WEB_DIST: '/nonexistent',
    EGRESS_DATA_DIR: process.env.EGRESS_BENCH_DATA_DIR ?? tmpdir(),
  });
  const db = createDb(databaseUrl, config.dbPoolSize);
  const app = await buildApp({ config, db, databaseUrl });
  // Only for the profile: the server-side time of each request while tracing.
  app.addHook('onResponse', async (_req, reply) => {
    if (tracer.on) requests.push(reply.elapsedTime);
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  process.on('message', (message: unknown) => {
    const m = message as ToServer;
    void (async () => {
      if (m.type === 'trace') {
        // Switching on or off answers with what was recorded since the last switch (nothing, when switching on).
        send({ type: 'trace', statements: tracer.statements.splice(0), requests: requests.splice(0) });
        tracer.on = m.on;
      } else if (m.type === 'explain') {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        const { rows } = await client.query({
          text: `EXPLAIN (ANALYZE, BUFFERS) ${m.sql}`,
          values: m.values,
        });
        await client.end();
        send({ type: 'explain', plan: rows.map((r) => String(r['QUERY PLAN'])).join('\n') });
      } else if (m.type === 'cpu') {
        // Also how long the event loop was blocked since the last call: a request waits that long at worst.
        send({ type: 'cpu', ms: cpuMs(), loopP99Ms: loop.percentile(99) / 1e6, loopMaxMs: loop.max / 1e6 });
        loop.reset();
      } else if (m.type === 'profile') {
        send(await switchProfiler(session, m.on));
      } else {
        await app.close();
        await db.$disconnect();
        process.exit(0);
      }
    })();
  });
  send({ type: 'listening', url });
}

interface Server {
  url: string;
  request<T extends FromServer['type']>(
    message: ToServer,
    reply: T,
  ): Promise<Extract<FromServer, { type: T }>>;
  stop(): Promise<void>;
}

async function startServer(databaseUrl: string, dataDir: string): Promise<Server> {
  const child: ChildProcess = fork(THIS_FILE, [], {
    env: {
      ...process.env,
      EGRESS_BENCH_ROLE: 'server',
      EGRESS_BENCH_DATABASE_URL: databaseUrl,
      EGRESS_BENCH_DATA_DIR: dataDir,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends FromServer['type']>(type: T) =>
    new Promise<Extract<FromServer, { type: T }>>((resolveReply, reject) => {
      const onMessage = (message: unknown) => {
        const m = message as FromServer;
        if (m.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolveReply(m as Extract<FromServer, { type: T }>);
      };
      const onExit = (code: number | null) => reject(new Error(`the API process exited (${String(code)})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const { url } = await next('listening');
  return {
    url,
    request: (message, reply) => {
      const answer = next(reply);
      child.send(message);
      return answer;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.send({ type: 'stop' } satisfies ToServer);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// --- measuring ---------------------------------------------------------------------------------------------

/** CPU time this process has used, in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * CPU time used so far by the PostgreSQL backends serving the bench database, per process id (Linux
 * /proc; a local server only). Wall-clock latency on a shared machine says little about cost; CPU time
 * per request does.
 */
async function backendCpuMs(dbName: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const entries = await readdir('/proc').catch(() => [] as string[]);
  for (const pid of entries.filter((e) => /^\d+$/.test(e))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes(dbName)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th, in 1/100 s.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
  }
  return out;
}

interface Measured {
  name: string;
  requests: number;
  seconds: number;
  statuses: Record<string, number>;
  wrong: number;
  latencies: number[];
  samples: string[];
  /** CPU ms per request: the API process, the PostgreSQL backends, this process (autocannon). */
  cpu?: { api: number; pg: number; loader: number };
  /** The API's event loop: p99 and longest block during the scenario; reconcile runs that started in it. */
  loop?: { p99: number; max: number };
  reconciles?: { runs: number; ms: number };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function load(
  name: string,
  url: string,
  opts: { duration?: number; amount?: number; connections?: number; request: CannonRequest },
): Promise<Measured> {
  const autocannon = requireFromApi('autocannon') as Autocannon;
  const latencies: number[] = [];
  const samples: string[] = [];
  const request: CannonRequest = {
    ...opts.request,
    onResponse: (status, body) => {
      if (status !== 200 && samples.length < 3) samples.push(`${status} ${body.slice(0, 300)}`);
    },
  };
  const size = opts.duration ? { duration: opts.duration } : { amount: opts.amount ?? 0 };
  const started = performance.now();
  const instance = autocannon({
    url,
    connections: opts.connections ?? RUN.connections,
    requests: [request],
    ...size,
  });
  instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]),
  );
  const wrong =
    (statuses['200'] === undefined ? latencies.length : latencies.length - statuses['200']) +
    result.errors +
    result.timeouts;
  return {
    name,
    requests: latencies.length,
    seconds,
    statuses,
    wrong,
    latencies: latencies.sort((a, b) => a - b),
    samples,
  };
}

type LoadOptions = Parameters<typeof load>[2];

/** Waits (up to a minute) until the API's reconciler has no run queued or running. */

/** Reconcile runs started since `since`: how many, and their total duration. */
async function reconcileRuns(db: Db, since: Date): Promise<{ runs: number; ms: number }> {
  const [row] = await db.$queryRaw<{ runs: number; ms: number }[]>`
    SELECT count(*)::int AS runs, coalesce(sum(extract(epoch FROM coalesce(finished_at, now()) - started_at)), 0)::float8 * 1000 AS ms
    FROM reconcile_runs WHERE started_at >= ${since}`;
  return row ?? { runs: 0, ms: 0 };
}

/** load(), plus the CPU time the API, PostgreSQL and the load generator spent on it, and what else ran. */
async function scenario(ctx: Ctx, name: string, opts: LoadOptions): Promise<Measured> {
  const since = new Date();
  const cpu0 = await ctx.server.request({ type: 'cpu' }, 'cpu');
  const before = { pg: await backendCpuMs(ctx.dbName), loader: cpuMs() };
  const m = await load(name, ctx.server.url, opts);
  const cpu1 = await ctx.server.request({ type: 'cpu' }, 'cpu');
  const after = { pg: await backendCpuMs(ctx.dbName), loader: cpuMs() };
  const pg = [...after.pg].reduce((n, [pid, ms]) => n + ms - (before.pg.get(pid) ?? 0), 0);
  const per = (x: number) => x / Math.max(1, m.requests);
  m.cpu = {
    api: per(cpu1.ms - cpu0.ms),
    pg: after.pg.size > 0 ? per(pg) : Number.NaN,
    loader: per(after.loader - before.loader),
  };
  m.loop = { p99: cpu1.loopP99Ms, max: cpu1.loopMaxMs };
  m.reconciles = await reconcileRuns(ctx.db, since);
  return m;
}

interface Ctx {
  server: Server;
  db: Db;
  dbName: string;
  viewerToken: string;
  approvers: SeedUser[];
  /** Pending grants, each approved at most once by the run; `next` is the first not yet used. */
  pending: { grants: SeedGrant[]; next: number };
}

const listRequest = (ctx: Ctx, query: string): CannonRequest => ({
  method: 'GET',
  path: `/api/v1/grants?${query}`,
  headers: { authorization: `Bearer ${ctx.viewerToken}` },
});

async function secondPendingPage(ctx: Ctx): Promise<string> {
  const first = await fetch(`${ctx.server.url}/api/v1/grants?state=pending&limit=50`, {
    headers: { authorization: `Bearer ${ctx.viewerToken}` },
  });
  const { nextCursor } = (await first.json()) as { nextCursor: string | null };
  if (first.status !== 200 || !nextCursor)
    throw new Error(`could not read the first page of pending grants (${first.status})`);
  return `state=pending&limit=50&cursor=${encodeURIComponent(nextCursor)}`;
}

/** Each request approves the next unused pending grant, as an approver who has not approved it yet. */
function approvalRequest(ctx: Ctx): CannonRequest {
  let turn = 0;
  return {
    method: 'POST',
    body: JSON.stringify({ comment: 'bench' }),
    setupRequest: (req) => {
      const grant = ctx.pending.grants[ctx.pending.next++];
      if (!grant) throw new Error('ran out of pending grants to approve');
      const already = new Set(grant.approvals.map((a) => a.approver.id));
      let approver = ctx.approvers[turn++ % ctx.approvers.length]!;
      while (already.has(approver.id)) approver = ctx.approvers[turn++ % ctx.approvers.length]!;
      return {
        ...req,
        path: `/api/v1/grants/${grant.id}/approve`,
        headers: { authorization: `Bearer ${approver.token!}`, 'content-type': 'application/json' },
      };
    },
  };
}

// --- profile: where a request's time goes ------------------------------------------------------------------

/** "SELECT grants", "INSERT audit_events", "BEGIN", ... */
function statementKind(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  const table =
    /(?:FROM|INTO|UPDATE) "public"\."(\w+)"/i.exec(s)?.[1] ?? /(?:FROM|INTO|UPDATE) "?(\w+)"?/i.exec(s)?.[1];
  const verb = s.split(' ')[0]?.toUpperCase() ?? '?';
  if (/pg_advisory_xact_lock/i.test(s)) return 'SELECT pg_advisory_xact_lock (audit chain)';
  if (/FOR UPDATE/i.test(s)) return `SELECT ${table ?? '?'} FOR UPDATE`;
  return table && verb !== 'BEGIN' && verb !== 'COMMIT' ? `${verb} ${table}` : verb;
}

function breakdown(title: string, statements: Statement[], requests: number[], perRequest: number): string[] {
  const kinds = new Map<string, number[]>();
  for (const s of statements)
    kinds.set(statementKind(s.sql), [...(kinds.get(statementKind(s.sql)) ?? []), s.ms]);
  const sqlTotal = statements.reduce((n, s) => n + s.ms, 0) / perRequest;
  const server = requests.reduce((n, x) => n + x, 0) / Math.max(1, requests.length);
  const lines = [
    `${title}: ${requests.length} requests, server time mean ${server.toFixed(2)} ms; ${(statements.length / perRequest).toFixed(1)} SQL statements a request, waiting ${sqlTotal.toFixed(2)} ms in all for their results (statements Prisma sends together overlap, so this can exceed the server time)`,
  ];
  const rows = [...kinds.entries()].map(([kind, ms]) => ({
    kind,
    count: ms.length / perRequest,
    mean: ms.reduce((a, b) => a + b, 0) / ms.length,
    p95: percentile(
      [...ms].sort((a, b) => a - b),
      95,
    ),
  }));
  rows.sort((a, b) => b.mean * b.count - a.mean * a.count);
  lines.push(
    `    ${'statement'.padEnd(48)} ${'per req'.padStart(7)} ${'mean ms'.padStart(8)} ${'p95 ms'.padStart(8)}`,
  );
  for (const r of rows)
    lines.push(
      `    ${r.kind.padEnd(48)} ${r.count.toFixed(1).padStart(7)} ${r.mean.toFixed(2).padStart(8)} ${r.p95.toFixed(2).padStart(8)}`,
    );
  return lines;
}

async function traced(ctx: Ctx, run: () => Promise<unknown>) {
  await ctx.server.request({ type: 'trace', on: true }, 'trace');
  await run();
  return ctx.server.request({ type: 'trace', on: false }, 'trace');
}

function cpuProfileLines(
  title: string,
  p: Extract<FromServer, { type: 'profile' }>,
  requests: number,
): string[] {
  const per = (ms: number) => (ms / requests).toFixed(2).padStart(8);
  return [
    `${title}, ${RUN.connections} at a time, V8 CPU profile of the API process: ${per(p.busyMs).trim()} ms of CPU a request`,
    `    ${'self time by place'.padEnd(90)} ${'ms/req'.padStart(8)}`,
    ...p.byPlace.map((x) => `    ${x.where.slice(0, 90).padEnd(90)} ${per(x.ms)}`),
    `    ${'self time by function'.padEnd(90)} ${'ms/req'.padStart(8)}`,
    ...p.byFunction.slice(0, 10).map((x) => `    ${x.where.slice(0, 90).padEnd(90)} ${per(x.ms)}`),
  ];
}

/** The query string of the page of active grants that starts after the 10,000th one (a deep page). */
async function deepActivePage(ctx: Ctx): Promise<string> {
  const [row] = await ctx.db.grant.findMany({
    where: { state: 'active' },
    orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
    skip: 9_999,
    take: 1,
    select: { requestedAt: true, id: true },
  });
  if (!row) throw new Error('fewer than 10,000 active grants');
  return `state=active&limit=50&cursor=${encodeCursor(row.requestedAt.toISOString(), row.id)}`;
}

async function profile(ctx: Ctx, pendingQuery: string): Promise<string[]> {
  const out: string[] = ['', 'profile (where the time goes)'];
  const active = () => listRequest(ctx, 'state=active&limit=50');
  const deep = await deepActivePage(ctx);
  const cases: [title: string, request: () => CannonRequest, amount: number, connections: number][] = [
    ['GET /grants?state=active&limit=50, one at a time', active, RUN.profileRequests, 1],
    [
      'GET /grants?state=active&cursor=(after 10,000 rows), one at a time',
      () => listRequest(ctx, deep),
      RUN.profileRequests,
      1,
    ],
    [
      'GET /grants?state=pending&cursor=(page 2), one at a time',
      () => listRequest(ctx, pendingQuery),
      RUN.profileRequests,
      1,
    ],
    ['POST /grants/:id/approve, one at a time', () => approvalRequest(ctx), RUN.profileRequests, 1],
    [
      `POST /grants/:id/approve, ${RUN.connections} at a time`,
      () => approvalRequest(ctx),
      RUN.profileApprovals,
      RUN.connections,
    ],
  ];
  const mainQueries: [string, Statement | undefined][] = [];
  for (const [title, request, amount, connections] of cases) {
    // Approvals queue reconcile runs; let them finish so they do not count against the next case.
    await settle(ctx.db);
    const t = await traced(ctx, () =>
      load('profile', ctx.server.url, { amount, connections, request: request() }),
    );
    out.push(...breakdown(title, t.statements, t.requests, amount));
    if (title.startsWith('GET'))
      mainQueries.push([title, t.statements.find((s) => statementKind(s.sql) === 'SELECT grants')]);
  }
  for (const [title, request, amount] of [
    ['GET /grants?state=active&limit=50', active, RUN.profileApprovals],
    ['POST /grants/:id/approve', () => approvalRequest(ctx), RUN.profileApprovals],
  ] as const) {
    await settle(ctx.db);
    await ctx.server.request({ type: 'profile', on: true }, 'profile');
    await load('profile', ctx.server.url, { amount, request: request() });
    out.push(
      '',
      ...cpuProfileLines(title, await ctx.server.request({ type: 'profile', on: false }, 'profile'), amount),
    );
  }
  for (const [title, main] of mainQueries) {
    if (!main) continue;
    const { plan } = await ctx.server.request(
      { type: 'explain', sql: main.sql, values: main.values },
      'explain',
    );
    out.push(
      '',
      `EXPLAIN (ANALYZE, BUFFERS) of the grants query of ${title}:`,
      `    ${main.sql.replace(/\s+/g, ' ').slice(0, 300)}…`,
      ...plan.split('\n').map((l) => `    ${l}`),
    );
  }
  return out;
}

// --- report ------------------------------------------------------------------------------------------------

function table(results: Measured[]): string[] {
  const head = `${'scenario'.padEnd(50)} ${['conc', 'requests', 'non-200', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'].map((c) => c.padStart(8)).join(' ')}`;
  const rows = results.map((r) => {
    const l = r.latencies;
    const cells = [
      String(RUN.connections),
      String(r.requests),
      String(r.wrong),
      (r.requests / r.seconds).toFixed(0),
    ];
    const times = [50, 95, 99].map((p) => percentile(l, p)).concat(l[l.length - 1] ?? Number.NaN);
    return `${r.name.padEnd(50)} ${[...cells, ...times.map((x) => x.toFixed(1))].map((c) => c.padStart(8)).join(' ')}`;
  });
  const head2 = `${'same scenarios'.padEnd(50)} ${['API CPU', 'PG CPU', 'bench', 'loop p99', 'loop max'].map((c) => c.padStart(9)).join(' ')} ${'reconcile runs'.padStart(14)}`;
  const rows2 = results.map((r) => {
    const cpu = r.cpu
      ? [r.cpu.api, r.cpu.pg, r.cpu.loader].map((x) => (Number.isNaN(x) ? 'n/a' : x.toFixed(2)))
      : ['', '', ''];
    const loop = r.loop ? [r.loop.p99, r.loop.max].map((x) => x.toFixed(1)) : ['', ''];
    const runs = r.reconciles ? `${r.reconciles.runs} (${(r.reconciles.ms / 1000).toFixed(1)} s)` : '';
    return `${r.name.padEnd(50)} ${[...cpu, ...loop].map((c) => c.padStart(9)).join(' ')} ${runs.padStart(14)}`;
  });
  return [
    head,
    '-'.repeat(head.length),
    ...rows,
    '',
    head2,
    `${''.padEnd(50)} ${['ms/req', 'ms/req', 'ms/req', 'ms', 'ms'].map((c) => c.padStart(9)).join(' ')} ${'started (time)'.padStart(14)}`,
    '-'.repeat(head2.length),
    ...rows2,
  ];
}

function verdict(r: Measured, target: number): { line: string; pass: boolean } {
  const p95 = percentile(r.latencies, 95);
  const pass = p95 < target;
  return {
    pass,
    line: `  ${r.name.padEnd(52)} p95 < ${String(target).padStart(2)} ms   measured ${p95.toFixed(1).padStart(7)} ms   ${pass ? 'PASS' : 'MISS'}`,
  };
}

// --- the run -----------------------------------------------------------------------------------------------

/** PostgreSQL, a fresh migrated and seeded database, and the API process; each registers its own cleanup. */
async function setUp(cleanups: Cleanups) {
  const { databaseUrl, dbName, db, data, seedSeconds } = await seededDatabase(cleanups);
  const dataDir = await mkdtemp(join(tmpdir(), 'egress-bench-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const server = await startServer(databaseUrl, dataDir);
  cleanups.push(() => server.stop());
  const pg = await postgresInfo(db);
  const ctx: Ctx = {
    server,
    db,
    dbName,
    viewerToken: data.viewer.token!,
    approvers: data.approvers,
    pending: { grants: data.pending, next: 0 },
  };
  const header = [
    'Egress Control API benchmark',
    `machine:  ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    `runtime:  Node ${process.version}, ${pg?.version ?? 'PostgreSQL ?'} (${process.env.TEST_DATABASE_URL ? 'external' : 'embedded'}, fsync=${pg?.fsync ?? '?'}), API pool ${loadConfig({}).dbPoolSize} connections, API in its own process`,
    `data:     ${data.summary}; seeded in ${seedSeconds.toFixed(1)} s`,
    `load:     autocannon, ${RUN.connections} connections; lists ${RUN.listSeconds} s each after a ${RUN.warmupSeconds} s warm-up; ${RUN.approvals} approvals after ${RUN.approveWarmup} warm-up ones; ${server.url}`,
  ];
  return { ctx, db, header };
}

async function scenarios(ctx: Ctx) {
  const url = ctx.server.url;
  const pendingQuery = await secondPendingPage(ctx);
  await load('warm-up', url, {
    duration: RUN.warmupSeconds,
    request: listRequest(ctx, 'state=active&limit=50'),
  });
  // The reconciler compiles the desired state at start-up; measure after it, not during it.
  await settle(ctx.db);
  // The floor on this machine right now: an HTTP round trip plus one `SELECT 1`, no auth.
  const control = await scenario(ctx, 'control: GET /readyz (HTTP + SELECT 1)', {
    duration: RUN.warmupSeconds * 2,
    request: { method: 'GET', path: '/readyz' },
  });
  const lists = [
    await scenario(ctx, 'GET /grants?state=active&limit=50', {
      duration: RUN.listSeconds,
      request: listRequest(ctx, 'state=active&limit=50'),
    }),
    await scenario(ctx, 'GET /grants?state=pending&limit=50&cursor=(page 2)', {
      duration: RUN.listSeconds,
      request: listRequest(ctx, pendingQuery),
    }),
  ];
  const warm = await load('warm-up', url, { amount: RUN.approveWarmup, request: approvalRequest(ctx) });
  // The warm-up's approvals queue a reconcile run a second after they stop: not part of the measurement.
  await settle(ctx.db);
  const approve = await scenario(ctx, 'POST /grants/:id/approve', {
    amount: RUN.approvals,
    request: approvalRequest(ctx),
  });
  return { pendingQuery, control, lists, warm, approve };
}

async function measure(cleanups: Cleanups): Promise<number> {
  const say = (msg: string) => process.stdout.write(`${msg}\n`);
  const loadAtStart = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const { ctx, db, header } = await setUp(cleanups);
  const { pendingQuery, control, lists, warm, approve } = await scenarios(ctx);
  const recorded = await db.grantApproval.count({ where: { comment: 'bench' } });
  const sent = warm.requests + approve.requests;

  for (const line of [
    ...header,
    `          load average ${loadAtStart} at the start, ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} after the run`,
    '',
  ])
    say(line);
  for (const line of table([control, ...lists, approve])) say(line);
  say('');
  say(
    `approvals recorded in the database: ${recorded} of ${sent} sent (each request approved a different pending grant)`,
  );
  for (const r of [...lists, warm, approve].filter((m) => m.wrong > 0))
    say(
      `${r.name}: ${r.wrong} answers were not 200 ${JSON.stringify(r.statuses)}; first: ${r.samples.join(' | ')}`,
    );
  say('');
  say('targets');
  const verdicts = [
    ...lists.map((r) => verdict(r, TARGET_P95_MS.list)),
    verdict(approve, TARGET_P95_MS.approve),
  ];
  for (const v of verdicts) say(v.line);
  if (process.argv.includes('--profile') || verdicts.some((v) => !v.pass))
    for (const line of await profile(ctx, pendingQuery)) say(line);
  const broken = [...lists, warm, approve].some((r) => r.wrong > 0) || recorded !== sent;
  return broken ? 1 : 0;
}

if (process.env.EGRESS_BENCH_ROLE === 'server') {
  serve().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  runWithCleanups(DEADLINE_MS, measure).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
