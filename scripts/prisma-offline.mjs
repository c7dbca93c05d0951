#!/usr/bin/env node
// Runs the Prisma CLI without network access to Prisma's binary host.
//
// Prisma 6.19 with `engineType = "client"` and `engine: "js"` never executes a native engine, but its CLI
// still checks at start-up that the native engine files exist and tries to download them. Pointing
// PRISMA_QUERY_ENGINE_LIBRARY and PRISMA_SCHEMA_ENGINE_BINARY at placeholder files satisfies that check;
// the placeholders are never run. This is the usual recipe for air-gapped installs.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const engines = join(root, '.prisma-engines');
const queryEngine = join(engines, 'libquery_engine-placeholder.so.node');
const schemaEngine = join(engines, 'schema-engine-placeholder');

mkdirSync(engines, { recursive: true });
if (!existsSync(queryEngine)) writeFileSync(queryEngine, '');
if (!existsSync(schemaEngine)) {
  writeFileSync(schemaEngine, '#!/bin/sh\necho "placeholder: the JS engine is used" >&2\nexit 1\n');
  chmodSync(schemaEngine, 0o755);
}

const bin = join(root, 'node_modules', '.bin', 'prisma');
if (!existsSync(bin)) {
  console.error('prisma-offline: the prisma CLI is not installed yet (run pnpm install)');
  process.exit(process.argv[2] === 'generate' ? 0 : 1);
}

const result = spawnSync(bin, process.argv.slice(2), {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_QUERY_ENGINE_LIBRARY: queryEngine,
    PRISMA_SCHEMA_ENGINE_BINARY: schemaEngine,
    PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
});
process.exit(result.status ?? 1);
