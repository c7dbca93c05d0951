// The workspace config plus the rules of hooks for the console (ESLint reads the config nearest to the
// working directory, so `pnpm --filter @egress/web lint` picks this one up).
import reactHooks from 'eslint-plugin-react-hooks';

import root from '../../eslint.config.js';

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
];
