#!/usr/bin/env node
// Run by `pnpm test` before the suites: makes sure the real components the tests use are here.
// - the Go-built Kubernetes harness (kube-apiserver, etcd, CoreDNS, helm, Envoy validator), built into
//   a cache outside the repository on first use (about 15 minutes on 2 cores, then reused);
// - Go itself, even with prebuilt binaries: the harness's own Go tests (tools/harness/test-go.sh) run too;
// - Debian's Chromium for the Playwright suite.
// Each missing piece is reported with the command that provides it; nothing is silently skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];

const goCandidates = [
  process.env.GOROOT && join(process.env.GOROOT, 'bin/go'),
  '/usr/local/go/bin/go',
  'go',
].filter(Boolean);
const go = goCandidates.find((g) => spawnSync(g, ['version'], { stdio: 'ignore' }).status === 0);
if (!go) {
  problems.push(
    "Go 1.26+ is needed to build the Kubernetes test harness and run its Go tests (https://go.dev/dl/, or your distribution's golang package).",
  );
} else if (process.env.EGRESS_HARNESS_BIN) {
  // CI (or a developer) points at prebuilt binaries.
} else {
  const env = { ...process.env, PATH: `${dirname(go)}:${process.env.PATH ?? ''}` };
  const res = spawnSync('bash', [join(root, 'tools/harness/build.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
    encoding: 'utf8',
  });
  if (res.status !== 0) problems.push('building the Kubernetes test harness failed (see above).');
}

if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
  problems.push(
    'Chromium is needed for the browser tests: apt-get install -y chromium (or set CHROMIUM_PATH to its path).',
  );
}

if (problems.length > 0) {
  console.error(`\npnpm test cannot run every test yet:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(1);
}
