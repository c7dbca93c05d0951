// Starts the real API, serving the built console, on a fresh database for the Playwright suite:
// a new database on TEST_DATABASE_URL's server when that is set (CI), else embedded PostgreSQL in a
// fresh temporary folder. Stops the API and removes the database or folder on SIGTERM/SIGINT.
//
// Opt-in: E2E_TARGET=kubernetes starts a real control plane (etcd + kube-apiserver from the Go
// harness, tools/harness) and runs the API with EGRESS_TARGET=kubernetes against it; the admin
// credentials of that cluster are written as JSON to E2E_CLUSTER_FILE for the specs, which edit objects
// out-of-band and play the deployment controller. Used by playwright.cluster.config.ts only.
//
// Opt-in: E2E_OIDC=1 starts a real OpenID provider (oidc-provider, through the API tests' helper) on
// another 127.0.0.1 port and configures the API's SSO sign-in against it. Any login works there; a login
// "name+group+group" is that person in those groups. Used by playwright.oidc.config.ts only.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
  // The webhook specs' receivers listen on 127.0.0.1, which the SSRF guard refuses by default.
  EGRESS_WEBHOOK_ALLOW_PRIVATE: 'true',
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

/** A TypeScript module (the harness, the tests' OpenID provider) through the API's tsx: Node 20 cannot strip types itself. */
async function importTs(specifier) {
  const { tsImport } = await import(
    pathToFileURL(join(apiDir, 'node_modules/tsx/dist/esm/api/index.mjs')).href
  );
  return tsImport(specifier, import.meta.url);
}

/** A control plane for the kubernetes target; its stop() runs after the API has exited. */
async function startCluster() {
  const clusterFile = process.env.E2E_CLUSTER_FILE;
  if (!clusterFile) throw new Error('E2E_CLUSTER_FILE is not set (playwright.cluster.config.ts sets it)');
  const harness = await importTs('../../../tools/harness/src/index.ts');
  const cp = await harness.startControlPlane({ binDir: await harness.harnessBinDir() });
  const { server, caPem, clientCertPem, clientKeyPem, kubeconfigPath } = cp;
  writeFileSync(clusterFile, JSON.stringify({ server, caPem, clientCertPem, clientKeyPem, kubeconfigPath }), {
    mode: 0o600,
  });
  env.EGRESS_TARGET = 'kubernetes';
  env.KUBECONFIG = kubeconfigPath;
  // Only the specs' own actions start runs: no periodic resync repairing drift behind their back.
  env.EGRESS_RESYNC_INTERVAL_SECONDS = '86400';
  const dbCleanup = cleanup;
  cleanup = async () => {
    await cp.stop();
    rmSync(clusterFile, { force: true });
    await dbCleanup();
  };
}
if (process.env.E2E_TARGET === 'kubernetes') {
  try {
    await startCluster();
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** The OpenID provider for the SSO spec; its close() runs after the API has exited. */
async function startOidc() {
  const { startOidcProvider } = await importTs('../../api/test/helpers/oidc.ts');
  const publicUrl = `http://127.0.0.1:${port}`;
  const accountFor = (login) => {
    const [name, ...groups] = login.split('+');
    return { email: `${name}@corp.example`, email_verified: true, name, groups };
  };
  const provider = await startOidcProvider({
    redirectUri: `${publicUrl}/api/v1/auth/oidc/callback`,
    accountFor,
  });
  Object.assign(env, {
    EGRESS_PUBLIC_URL: publicUrl,
    EGRESS_OIDC_ISSUER: provider.issuer,
    EGRESS_OIDC_CLIENT_ID: provider.clientId,
    EGRESS_OIDC_CLIENT_SECRET: provider.clientSecret,
    EGRESS_OIDC_SCOPES: 'openid email profile groups',
    EGRESS_OIDC_ROLE_MAP: 'egress-admins=admin,security=approver,developers=engineer,staff=viewer',
    EGRESS_OIDC_ALLOW_HTTP: 'true',
  });
  const dbCleanup = cleanup;
  cleanup = async () => {
    await provider.close();
    await dbCleanup();
  };
}
if (process.env.E2E_OIDC === '1') {
  try {
    await startOidc();
  } catch (error) {
    await cleanup();
    throw error;
  }
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
api.on('exit', async (code) => {
  try {
    await cleanup();
  } catch (error) {
    console.error('e2e server cleanup failed:', error);
  }
  process.exit(stopping ? 0 : (code ?? 1));
});
