// Console render benchmark: with 20,000 grants in the database, how long after its data arrives does
// the console show it? The real API serving the built console on a seeded PostgreSQL (bench/lib), real
// Chromium driven by Playwright's library API. Not a test: it prints numbers and a PASS/MISS against
// the target (rendered within 1 s of the data arriving) and exits 0 either way (1 only when the
// run itself broke).
//
//   pnpm --filter @egress/web build && cd apps/api && npx tsx ../../bench/web/run.ts [--runs N]
//
// What is measured, per page load (a new tab each run, signed in, assets in the HTTP cache):
//   data -> rendered  from the end of the last relevant API response (Resource Timing responseEnd) to
//                     the first animation frame after the DOM shows that data (a MutationObserver
//                     watches for it); this is JSON parsing, React rendering and layout.
//   load -> rendered  from navigation start to the same frame (what a person waits in all).
// Pages: the dashboard (cards from /stats/summary, the 30-day chart from /stats/grant-activity, recent
// activity from /audit-events?limit=20), the grants list (/grants?state=active&limit=50) and its
// second page (Next: /grants?…&cursor=…, no page load).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Browser, BrowserContext, Page } from '@playwright/test';

import type { Db } from '../../apps/api/src/platform/db.ts';
import { hashPassword } from '../../apps/api/src/platform/secrets.ts';
import { type Cleanups, postgresInfo, runWithCleanups, seededDatabase, settle } from '../lib/database.ts';
import { INSTRUMENT, type Scenario } from './instrument.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const API_DIR = join(ROOT, 'apps/api');
const WEB_DIST = join(ROOT, 'apps/web/dist');
// Playwright is a dev dependency of apps/web; pnpm does not hoist it to where this file lives.
const { chromium } = createRequire(join(ROOT, 'apps/web/package.json'))('@playwright/test') as {
  chromium: { launch(opts: object): Promise<Browser> };
};

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 20;
const WARMUP = 2;
const TARGET_MS = 1000;
const DEADLINE_MS = 10 * 60_000;
const ADMIN = { email: 'bench-admin@bench.example', password: 'bench-admin-password-not-secret' };

// --- the API --------------------------------------------------------------------------------------------------

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => done(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** The real server (`tsx src/server.ts`, as the e2e suite runs it) on the seeded database. */
async function startApi(databaseUrl: string, cleanups: Cleanups): Promise<string> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'egress-bench-web-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  const child: ChildProcess = spawn(join(API_DIR, 'node_modules/.bin/tsx'), ['src/server.ts'], {
    cwd: API_DIR,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      EGRESS_DATA_DIR: dataDir,
      EGRESS_TARGET: 'none',
      EGRESS_WEB_DIST: WEB_DIST,
      EGRESS_LOG_LEVEL: 'warn',
      EGRESS_LOGIN_RATE_LIMIT: '1000',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  cleanups.push(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the API exited (${child.exitCode})`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return url;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error('the API did not become ready within 120 s');
}

/** A person to sign in as: the seed's users have API tokens only (the API bootstraps an admin only on an empty table). */
async function addAdmin(db: Db): Promise<void> {
  await db.user.create({
    data: {
      email: ADMIN.email,
      name: 'Bench Admin',
      role: 'admin',
      passwordHash: await hashPassword(ADMIN.password),
    },
  });
}

// --- the browser ----------------------------------------------------------------------------------------------

async function signedInContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  const res = await context.request.post('/api/v1/auth/login', { data: ADMIN });
  if (res.status() !== 200) throw new Error(`sign-in answered ${res.status()}: ${await res.text()}`);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  // As the console's own sign-in form keeps it (apps/web/src/lib/csrf.ts).
  await context.addInitScript(`window.sessionStorage.setItem('egress.csrf', ${JSON.stringify(csrfToken)});`);
  await context.addInitScript(INSTRUMENT);
  return context;
}

interface ApiCall {
  path: string;
  /** Request start to last byte, ms. */
  ms: number;
  /** Body bytes as sent (compressed if it was) and as parsed. */
  encoded: number;
  decoded: number;
  end: number;
}

interface Sample {
  scenario: Scenario;
  dataToRender: number;
  loadToRender: number;
  lastCall: string;
  calls: ApiCall[];
  shown: string;
}

interface PageResult {
  frame: number;
  shown: string;
  navigationStart: number;
  calls: ApiCall[];
}

interface BenchWindow {
  __bench?: { name: string | null; frame: number | null; arm(name: string): void; result(): PageResult };
}

// Functions, not strings: the console's CSP (script-src 'self') forbids evaluating strings in the page.
// They declare no named functions, so tsx's transform adds nothing to them that the page lacks.
async function collect(page: Page, scenario: Scenario): Promise<PageResult> {
  await page.waitForFunction(
    (name) => {
      const b = (window as BenchWindow).__bench;
      return b !== undefined && b.frame !== null && b.name === name;
    },
    scenario.name,
    { timeout: 30_000 },
  );
  return page.evaluate(() => (window as BenchWindow).__bench!.result());
}

function sample(scenario: Scenario, r: PageResult): Sample {
  const relevant = r.calls.filter((c) => scenario.relevant.some((re) => new RegExp(re).test(c.path)));
  if (relevant.length < scenario.relevant.length)
    throw new Error(
      `${scenario.name}: missing responses (${scenario.relevant.join(', ')}); saw ${r.calls.map((c) => c.path).join(', ')}`,
    );
  const last = relevant.reduce((a, b) => (b.end > a.end ? b : a));
  return {
    scenario,
    dataToRender: r.frame - last.end,
    loadToRender: r.frame - r.navigationStart,
    lastCall: last.path,
    calls: r.calls,
    shown: r.shown,
  };
}

const DASHBOARD: Scenario = {
  name: 'dashboard',
  relevant: ['^/api/v1/stats/summary', '^/api/v1/stats/grant-activity', '^/api/v1/audit-events\\?'],
};
const GRANTS: Scenario = { name: 'grants', relevant: ['^/api/v1/grants\\?'] };
const GRANTS_NEXT: Scenario = { name: 'grants-next', relevant: ['^/api/v1/grants\\?.*cursor='] };

async function loadPage(context: BrowserContext, path: string, scenario: Scenario): Promise<Sample> {
  const page = await context.newPage();
  try {
    await page.goto(path);
    return sample(scenario, await collect(page, scenario));
  } finally {
    await page.close();
  }
}

/** Grants list, then Next: the second page replaces the first without a page load. */
async function nextPage(context: BrowserContext): Promise<Sample> {
  const page = await context.newPage();
  try {
    await page.goto('/grants');
    await collect(page, GRANTS);
    await page.evaluate(() => (window as BenchWindow).__bench!.arm('grants-next'));
    await page.getByRole('button', { name: 'Next page' }).click();
    const r = await collect(page, GRANTS_NEXT);
    // "load" here is the click: the time since the request for page 2 started.
    const req = r.calls.filter((c) => /cursor=/.test(c.path)).at(-1);
    const s = sample(GRANTS_NEXT, r);
    return { ...s, loadToRender: req ? r.frame - (req.end - req.ms) : Number.NaN };
  } finally {
    await page.close();
  }
}

// --- report ---------------------------------------------------------------------------------------------------

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function stats(xs: number[]): { p50: number; p95: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: pct(s, 50), p95: pct(s, 95), max: s.at(-1) ?? Number.NaN };
}

const ms = (x: number) => `${x.toFixed(1).padStart(7)} ms`;
const kb = (x: number) => `${(x / 1024).toFixed(1)} KiB`;

function report(name: string, samples: Sample[]): { lines: string[]; p95: number } {
  const d = stats(samples.map((s) => s.dataToRender));
  const l = stats(samples.map((s) => s.loadToRender));
  const byPath = new Map<string, ApiCall[]>();
  for (const c of samples.flatMap((s) => s.calls)) {
    const key = c.path.replace(/cursor=[^&]+/, 'cursor=…');
    byPath.set(key, [...(byPath.get(key) ?? []), c]);
  }
  const lastCalls = [...new Set(samples.map((s) => s.lastCall.replace(/cursor=[^&]+/, 'cursor=…')))];
  return {
    p95: d.p95,
    lines: [
      `${name} (${samples.length} runs; shown: ${samples[0]?.shown ?? '?'})`,
      `  data -> rendered   p50 ${ms(d.p50)}   p95 ${ms(d.p95)}   max ${ms(d.max)}   (last relevant response: ${lastCalls.join(' | ')})`,
      `  ${name === 'grants list, Next page' ? 'click' : 'load'} -> rendered   p50 ${ms(l.p50)}   p95 ${ms(l.p95)}   max ${ms(l.max)}`,
      '  API calls during the view (median time, body size as sent / parsed):',
      ...[...byPath.entries()].map(([path, calls]) => {
        const t = stats(calls.map((c) => c.ms));
        const enc = stats(calls.map((c) => c.encoded));
        const dec = stats(calls.map((c) => c.decoded));
        return `    ${path.padEnd(64)} ${ms(t.p50)}   ${kb(enc.p50).padStart(9)} / ${kb(dec.p50).padStart(9)}`;
      }),
    ],
  };
}

// --- the run --------------------------------------------------------------------------------------------------

async function measure(context: BrowserContext) {
  const out = { dashboard: [] as Sample[], grants: [] as Sample[], next: [] as Sample[] };
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const d = await loadPage(context, '/', DASHBOARD);
    const g = await loadPage(context, '/grants', GRANTS);
    const n = await nextPage(context);
    if (i < WARMUP) continue;
    out.dashboard.push(d);
    out.grants.push(g);
    out.next.push(n);
  }
  return out;
}

async function benchmark(cleanups: Cleanups): Promise<number> {
  const say = (msg: string) => process.stdout.write(`${msg}\n`);
  const loadAtStart = loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const { databaseUrl, db, data, seedSeconds } = await seededDatabase(cleanups);
  await addAdmin(db);
  const url = await startApi(databaseUrl, cleanups);
  await settle(db);
  const activeGrants = await db.grant.count({ where: { state: 'active' } });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  cleanups.push(() => browser.close());
  const context = await signedInContext(browser, url);
  const version = browser.version();
  const results = await measure(context);
  const pg = await postgresInfo(db);
  say('Egress Control console render benchmark');
  say(
    `machine:  ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; load average ${loadAtStart} at the start, ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} after`,
  );
  say(
    `runtime:  Node ${process.version}, ${pg?.version ?? 'PostgreSQL ?'} (fsync=${pg?.fsync ?? '?'}), Chromium ${version} headless, 1280×800; API (EGRESS_TARGET=none) serving apps/web/dist on ${url}`,
  );
  say(`data:     ${data.summary}; seeded in ${seedSeconds.toFixed(1)} s`);
  say(
    `runs:     ${RUNS} per view after ${WARMUP} warm-up rounds, each in a new tab of one signed-in admin session`,
  );
  say('');
  const reports = [
    report('dashboard', results.dashboard),
    report('grants list', results.grants),
    report('grants list, Next page', results.next),
  ];
  for (const r of reports) for (const line of [...r.lines, '']) say(line);
  say('targets (the issue: rendered within 1 s of the data arriving)');
  const names = ['dashboard', 'grants list', 'grants list, Next page'];
  reports.forEach((r, i) =>
    say(
      `  ${(names[i] ?? '').padEnd(24)} p95 data -> rendered < ${TARGET_MS} ms   measured ${ms(r.p95)}   ${r.p95 < TARGET_MS ? 'PASS' : 'MISS'}`,
    ),
  );
  // The dashboard's number must be the server's aggregate over every grant, not a count of a page.
  const shownActive = results.dashboard[0]?.shown.match(/active (\d+)/)?.[1];
  say(
    `  dashboard "Active grants" shows ${shownActive ?? '?'}; the database holds ${activeGrants} active grants: ${String(activeGrants) === shownActive ? 'OK' : 'WRONG'}`,
  );
  return String(activeGrants) === shownActive ? 0 : 1;
}

async function main(): Promise<number> {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    process.stdout.write(
      'apps/web/dist is missing: build the console first (pnpm --filter @egress/web build)\n',
    );
    return 1;
  }
  return runWithCleanups(DEADLINE_MS, benchmark);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
