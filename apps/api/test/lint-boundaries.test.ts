// The import direction (docs/decisions.md, "Layers") is enforced by the root eslint.config.js, which
// `pnpm lint` runs. This lints small sources against that same config, as if they were files of each
// layer, and checks that a forbidden import is reported and an allowed one is not.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-properties', 'no-restricted-syntax']);
let eslint: ESLint;

beforeAll(() => {
  // The type-aware rules need the file in a TypeScript project, and these files do not exist: only the
  // boundary rules run, without type information (they need none).
  eslint = new ESLint({
    cwd: root,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => BOUNDARY_RULES.has(ruleId),
  });
});

/** The boundary messages ESLint reports for `code` as the file at `path` (relative to the repository). */
async function violations(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, path) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('import direction (eslint.config.js)', () => {
  it('stops the engine from importing a module', async () => {
    const found = await violations(
      'apps/api/src/reconcile/fixture.ts',
      "import { readSettings } from '../modules/settings/settings.service.ts';\nvoid readSettings;\n",
    );
    expect(found).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*the engine may not import a module/),
    ]);
    expect(
      await violations(
        'apps/api/src/reconcile/kube/fixture.ts',
        "import type { X } from '../../modules/grants/grants.service.ts';\nexport type Y = X;\n",
      ),
    ).toHaveLength(1);
    expect(
      await violations(
        'apps/api/src/reconcile/fixture.ts',
        "import { readSettings } from '../platform/settings.ts';\nvoid readSettings;\n",
      ),
    ).toEqual([]);
  });

  it('stops a module from importing another module, type imports included, and lets it import platform and itself', async () => {
    const crossing =
      "import type { AlertSubject } from '../flows/flows.aggregate.ts';\nexport type S = AlertSubject;\n";
    expect(await violations('apps/api/src/modules/alerts/fixture.ts', crossing)).toEqual([
      expect.stringMatching(/a module may not import another module/),
    ]);
    const allowed =
      "import type { Db } from '../../platform/db.ts';\nimport { createAlertsRepository } from './alerts.repository.ts';\nexport type D = Db;\nvoid createAlertsRepository;\n";
    expect(await violations('apps/api/src/modules/alerts/fixture.ts', allowed)).toEqual([]);
    expect(
      await violations(
        'apps/api/src/modules/grants/fixture.ts',
        "import { buildApp } from '../../app.ts';\nvoid buildApp;\n",
      ),
    ).toHaveLength(1);
  });

  it('keeps platform at the bottom and config.ts below the modules', async () => {
    expect(
      await violations(
        'apps/api/src/platform/fixture.ts',
        "import { grantsModule } from '../modules/grants/grants.module.ts';\nvoid grantsModule;\n",
      ),
    ).toHaveLength(1);
    expect(
      await violations(
        'apps/api/src/platform/fixture.ts',
        "import type { Config } from '../config.ts';\nexport type C = Config;\n",
      ),
    ).toHaveLength(1);
    expect(
      await violations(
        'apps/api/src/config.ts',
        "import { loadOidcConfig } from './modules/auth/oidc-config.ts';\nvoid loadOidcConfig;\n",
      ),
    ).toHaveLength(1);
    expect(
      await violations(
        'apps/api/src/config.ts',
        "import { loadOidcConfig } from './platform/oidc-config.ts';\nvoid loadOidcConfig;\n",
      ),
    ).toEqual([]);
  });

  it('lets only config.ts read process.env', async () => {
    const reading = 'export const dir = process.env.EGRESS_MIGRATIONS_DIR;\n';
    expect(await violations('apps/api/src/server.ts', reading)).toEqual([
      expect.stringMatching(/^no-restricted-properties: .*config\.ts/),
    ]);
    expect(await violations('apps/api/src/modules/flows/fixture.ts', reading)).toHaveLength(1);
    expect(await violations('apps/api/src/config.ts', reading)).toEqual([]);
  });

  it('keeps statements in repositories: no raw SQL or Prisma model calls elsewhere in a module', async () => {
    const raw =
      "import type { Db } from '../../platform/db.ts';\nexport const f = (db: Db) => db.$queryRaw`SELECT 1`;\n";
    expect(await violations('apps/api/src/modules/users/users.service.ts', raw)).toEqual([
      expect.stringMatching(/^no-restricted-syntax: SQL belongs in the module's <domain>\.repository\.ts/),
    ]);
    const prisma = [
      "import type { Db, Tx } from '../../platform/db.ts';",
      'export const a = (db: Db) => db.user.findMany({});',
      'export const b = (tx: Tx) => tx.session.deleteMany({ where: {} });',
      "export const c = (app: { db: Db }) => app.db.grant.count({ where: { state: 'active' } });",
      'export const d = (tx: Tx) => tx.$executeRaw`SELECT 1`;',
      '',
    ].join('\n');
    const found = await violations('apps/api/src/modules/grants/grants.worker.ts', prisma);
    expect(found).toHaveLength(4);
    expect(found.filter((m) => m.includes('Prisma calls belong'))).toHaveLength(3);
    // The same statements in a repository are its job; a service calling the repository (whose methods
    // share Prisma's names) and $transaction are fine.
    expect(await violations('apps/api/src/modules/grants/grants.repository.ts', prisma)).toEqual([]);
    const calls = [
      "import type { Db } from '../../platform/db.ts';",
      'export const e = (db: Db, repo: { list(): Promise<number>; count(): Promise<number>; update(id: string): Promise<void> }) =>',
      "  db.$transaction(async () => (await repo.list()) + (await repo.count()) + Number(await repo.update('x')));",
      '',
    ].join('\n');
    expect(await violations('apps/api/src/modules/users/users.service.ts', calls)).toEqual([]);
  });

  it('keeps packages/shared free of our packages and of Node, and the compiler on shared alone', async () => {
    expect(
      await violations(
        'packages/shared/src/fixture.ts',
        "import { PUBLIC_EXCEPT } from '@egress/manifests';\nvoid PUBLIC_EXCEPT;\n",
      ),
    ).toHaveLength(1);
    expect(
      await violations(
        'packages/shared/src/fixture.ts',
        "import { createHash } from 'node:crypto';\nvoid createHash;\n",
      ),
    ).toHaveLength(1);
    expect(
      await violations(
        'packages/manifests/src/fixture.ts',
        "import { sha256Hex } from '@egress/shared';\nvoid sha256Hex;\n",
      ),
    ).toEqual([]);
    expect(
      await violations(
        'packages/manifests/src/fixture.ts',
        "import { buildApp } from '@egress/api';\nvoid buildApp;\n",
      ),
    ).toHaveLength(1);
  });
});
