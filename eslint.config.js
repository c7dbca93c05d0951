// One ESLint config for the whole workspace: type-aware rules through the TypeScript project service.
import js from '@eslint/js';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.turbo/**',
      '**/generated/**',
      '**/.data/**',
      '**/playwright-report/**',
      '**/test-results/**',
      'eslint.config.js',
      '**/*.config.{js,mjs,cjs}',
      'scripts/**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      // Imports in one order everywhere (builtins, packages, then relative), so a diff shows what changed.
      'simple-import-sort/imports': 'error',
      complexity: ['error', 12],
      'max-depth': ['error', 3],
      'max-lines': ['warn', { max: 350, skipBlankLines: true, skipComments: true }],
      'no-console': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      // Fastify plugins and hooks are async by contract even when a body has nothing to await.
      '@typescript-eslint/require-await': 'off',
      // packages/shared pulls its ambient declarations in by path (it has no @types package to name).
      '@typescript-eslint/triple-slash-reference': [
        'error',
        { path: 'always', types: 'prefer-import', lib: 'never' },
      ],
    },
  },
  // Layers and what each may import (docs/decisions.md, "Layers"): packages/shared <- packages/manifests
  // <- apps/api platform <- engine (src/reconcile) <- modules <- app.ts/server.ts. One block per layer:
  // a file gets the no-restricted-imports of the one block that matches it.
  {
    files: ['apps/api/src/platform/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(modules|reconcile)/',
              message:
                'platform is the bottom layer of the API: it may not import a module or the engine (pass what it needs in).',
            },
            {
              regex: '^\\.\\./(app|server|config)\\.ts$',
              message: 'platform may not import app.ts, server.ts or config.ts (config.ts imports platform).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/api/src/reconcile/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+modules/',
              message:
                'the engine may not import a module: modules call the engine, and what the engine needs is in platform or passed in.',
            },
            {
              regex: '^(\\.\\./)+(app|server)\\.ts$',
              message: 'the engine may not import app.ts or server.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/api/src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!\\.\\./)[^/]+/',
              message:
                'a module may not import another module: state the narrow interface you need and let app.ts pass it in.',
            },
            {
              regex: '^(\\.\\./)+(app|server|config)\\.ts$',
              message: 'a module may not import app.ts, server.ts or config.ts (it reads app.config).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/api/src/config.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\./(modules|reconcile|app\\.ts|server\\.ts)',
              message: 'config.ts sits below the modules and the engine: what it parses lives in platform.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/shared/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@egress/*'], message: 'packages/shared depends on nothing of ours.' },
            {
              group: ['fastify', 'fastify/*', '@prisma/*', 'node:*'],
              message: 'packages/shared is isomorphic: no Fastify, Prisma or Node built-ins.',
            },
            { regex: '^(\\.\\./)+(apps|packages)/', message: 'packages/shared depends on nothing of ours.' },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/manifests/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@egress/*', '!@egress/shared'],
              message: 'the compiler depends on @egress/shared only.',
            },
            { regex: '^(\\.\\./)+(apps|packages)/', message: 'the compiler depends on @egress/shared only.' },
          ],
        },
      ],
    },
  },
  {
    // One data-access style (docs/decisions.md): statements live in <domain>.repository.ts (or platform);
    // the rest of a module calls repositories. Raw SQL anywhere else, and a Prisma model call on the
    // names the modules give the client (db, tx, app.db), are refused.
    files: ['apps/api/src/modules/**/*.ts'],
    ignores: ['**/*.repository.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'MemberExpression[property.name=/^\\$(queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe)$/]',
          message:
            "SQL belongs in the module's <domain>.repository.ts: add a repository method (optional transaction last) and call it.",
        },
        {
          selector:
            'CallExpression > MemberExpression.callee[property.name=/^(findMany|findFirst|findFirstOrThrow|findUnique|findUniqueOrThrow|create|createMany|createManyAndReturn|update|updateMany|upsert|delete|deleteMany|count|aggregate|groupBy)$/] > MemberExpression.object[object.name=/^(db|tx|prisma)$/]',
          message:
            "Prisma calls belong in the module's <domain>.repository.ts: add a repository method (optional transaction last) and call it.",
        },
        {
          selector:
            'CallExpression > MemberExpression.callee[property.name=/^(findMany|findFirst|findFirstOrThrow|findUnique|findUniqueOrThrow|create|createMany|createManyAndReturn|update|updateMany|upsert|delete|deleteMany|count|aggregate|groupBy)$/] > MemberExpression.object > MemberExpression.object[property.name="db"]',
          message:
            "Prisma calls belong in the module's <domain>.repository.ts: add a repository method (optional transaction last) and call it.",
        },
      ],
    },
  },
  {
    // config.ts is the one reader of the environment; everything else receives a Config.
    files: ['apps/api/src/**/*.ts', 'packages/*/src/**/*.ts'],
    ignores: ['apps/api/src/config.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'read configuration in apps/api/src/config.ts (loadConfig) and pass it in.',
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', '**/test/**', '**/e2e/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      'max-lines': 'off',
    },
  },
);
