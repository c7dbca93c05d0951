// Starts the real API, serving the built console, on a fresh database for the Playwright suite:
// a new database on TEST_DATABASE_URL's server when that is set (CI), else embedded PostgreSQL in a
// fresh temporary folder. Stops the API and removes the database or folder on SIGTERM/SIGINT.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const apiDir = resolve(here, '../../api');
const webDist = resolve(here, '../dist');
const port = process.env.E2E_PORT;
if (!port) throw new Error('E2E_PORT is not set (playwright.config.ts sets it)');

// pg is a dependency of the API package, so these statements run from its folder.
function sql(url, statement) {
  const code = `import pg from 'pg'; const c = new pg.Client({ connectionString: process.argv[1] }); await c.connect(); await c.query(process.argv[2]); await c.end();`;
  execFileSync(process.execPath, ['--input-type=module', '-e', code, url, statement], {
    cwd: apiDir,
    stdio: 'inherit',
  });
}

const env = {
  ...process.env,
  PORT: port,
  HOST: '127.0.0.1',
  EGRESS_TARGET: 'none',
  EGRESS_WEB_DIST: webDist,
  EGRESS_LOGIN_RATE_LIMIT: '1000',
  EGRESS_LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
};
let cleanup = () => {};
const base = process.env.TEST_DATABASE_URL;
if (base) {
  const name = `egress_e2e_${process.pid}_${Date.now().toString(36)}`;
  sql(base, `CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  env.DATABASE_URL = url.toString();
  env.EGRESS_DATA_DIR = mkdtempSync(join(tmpdir(), 'egress-e2e-'));
  cleanup = () => {
    sql(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    rmSync(env.EGRESS_DATA_DIR, { recursive: true, force: true });
  };
} else {
  const dir = mkdtempSync(join(tmpdir(), 'egress-e2e-'));
  chmodSync(dir, 0o755); // the embedded server runs as another user when we are root
  env.DATABASE_URL = '';
  env.EGRESS_DATA_DIR = dir;
  cleanup = () => rmSync(dir, { recursive: true, force: true });
}

const api = spawn(join(apiDir, 'node_modules/.bin/tsx'), ['src/server.ts'], {
  cwd: apiDir,
  env,
  stdio: 'inherit',
});
let stopping = false;
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  api.kill(signal);
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
api.on('exit', (code) => {
  try {
    cleanup();
  } catch (error) {
    console.error('e2e server cleanup failed:', error);
  }
  process.exit(stopping ? 0 : (code ?? 1));
});
