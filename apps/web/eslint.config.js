// The workspace config plus the rules of hooks for the console (ESLint reads the config nearest to the
// working directory, so `pnpm --filter @egress/web lint` picks this one up), and the console's layers:
//
//   lib/ and components/ui/ (the API client, formatting, generic primitives)  <-  features/<domain>/  <-  app/, routes/ (the frame)
//
// A layer imports only from layers to its left (lib/ and components/ui/ are one generic layer: a toast
// helper in lib/ shows the toast primitive). Between features, `api/` (query keys, queryOptions,
// mutations) and `components/` are a feature's public surface; its `forms/` and the helper files at its
// root are its own. (No feature has an index file; importing api/ and components/ directly is the
// codebase's pattern, and the rule keeps it to those two.)
import reactHooks from 'eslint-plugin-react-hooks';

import root from '../../eslint.config.js';

const frame = {
  regex: '^(\\.\\./)+(app|routes)/',
  message: 'the app frame (app/, routes/) composes features; nothing below it imports it',
};

/** The layer rules, exported for the test that shows them firing (src/lint-boundaries.test.ts). */
export const boundaries = [
  {
    files: ['src/lib/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(features|app|routes)/',
              message: 'lib/ is generic: it imports no feature and not the app frame',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/components/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            frame,
            {
              regex: '^(\\.\\./)+features/',
              message:
                'components/ui holds generic primitives: pass domain data in as props instead of importing a feature',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/features/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            frame,
            {
              regex: '^(\\.\\./){2,}[a-z-]+/forms/',
              message: "another feature's forms/ are its own; use its api/ or components/",
            },
            {
              // ../../<feature>/<file>.ts: a helper at another feature's root (lib/ and components/ are shared layers).
              regex: '^(\\.\\./){2,}(?!lib/|components/)[a-z-]+/[a-z0-9.-]+\\.tsx?$',
              message:
                "a file at another feature's root is its own; use its api/ or components/, or move the helper to lib/",
            },
          ],
        },
      ],
    },
  },
];

export default [
  ...root,
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  ...boundaries,
];
