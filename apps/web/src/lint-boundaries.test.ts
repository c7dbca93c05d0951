// The console's import layers (eslint.config.js) fire on a deliberate violation: ESLint's Node API with
// the package's own config, on source text placed at the path where it would break the rule. The
// type-aware rules are switched off for these snippets (they are not files the TypeScript project
// knows, and the layer rule needs no types); everything else is the config `pnpm lint` runs.
import { fileURLToPath } from 'node:url';

import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const web = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: web, overrideConfig: tseslint.configs.disableTypeChecked });

/** The no-restricted-imports messages for `source` as if it were the file at `path` (relative to apps/web). */
async function restricted(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${web}${path}` });
  const fatal = result?.messages.filter((m) => m.fatal) ?? [];
  expect(fatal.map((m) => m.message)).toEqual([]);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

// Loading the config (typescript-eslint, the workspace rules) takes seconds on a busy machine.
describe('web import layers', { timeout: 60_000 }, () => {
  it('refuses a generic component that imports a feature', async () => {
    const messages = await restricted(
      'src/components/ui/fixture.tsx',
      "import { grantKeys } from '../../features/grants/api/grants.queries.ts';\n\nexport const keys = grantKeys;\n",
    );
    expect(messages).toEqual([expect.stringContaining('components/ui holds generic primitives')]);
  });

  it("refuses a feature that imports the app frame, or another feature's forms or root helpers", async () => {
    const frame = await restricted(
      'src/features/grants/components/fixture.tsx',
      "import { AppShell } from '../../../app/layout/app-shell.tsx';\n\nexport const Shell = AppShell;\n",
    );
    expect(frame).toEqual([expect.stringContaining('the app frame')]);
    const forms = await restricted(
      'src/features/grants/components/fixture.tsx',
      "import { SettingsForm } from '../../settings/forms/settings-form.tsx';\n\nexport const Form = SettingsForm;\n",
    );
    expect(forms).toEqual([expect.stringContaining("another feature's forms/")]);
    const helper = await restricted(
      'src/features/grants/components/fixture.tsx',
      "import { pickFilter } from '../../blocked/blocked-filter.ts';\n\nexport const pick = pickFilter;\n",
    );
    expect(helper).toEqual([expect.stringContaining("another feature's root")]);
  });

  it('refuses lib/ importing a feature', async () => {
    const messages = await restricted(
      'src/lib/fixture.ts',
      "import { grantKeys } from '../features/grants/api/grants.queries.ts';\n\nexport const keys = grantKeys;\n",
    );
    expect(messages).toEqual([expect.stringContaining('lib/ is generic')]);
  });

  it("lets a feature use another feature's api/ and components/, and the frame compose features", async () => {
    expect(
      await restricted(
        'src/features/dashboard/components/fixture.tsx',
        "import { GrantsTable } from '../../grants/components/grants-table.tsx';\nimport { grantListQuery } from '../../grants/api/grants.queries.ts';\n\nexport const parts = [GrantsTable, grantListQuery];\n",
      ),
    ).toEqual([]);
    expect(
      await restricted(
        'src/app/layout/fixture.tsx',
        "import { useMe } from '../../features/auth/api/auth.queries.ts';\n\nexport const me = useMe;\n",
      ),
    ).toEqual([]);
  });
});
