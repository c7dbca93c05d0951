import { OIDC_ERROR_CODES } from '@egress/shared';
import { createRoute } from '@tanstack/react-router';
import { z } from 'zod';

import { SignInPage } from '../features/auth/components/sign-in-page.tsx';
import { searchEnum, searchText } from '../lib/search.ts';
import { rootRoute } from './root.tsx';

// Sign-in is the first page many people see: it stays in the entry chunk (no lazy load).
export const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'sign-in',
  // error: why an SSO sign-in was refused (a code; the page shows its message, never text from the URL).
  validateSearch: z.object({ redirect: searchText, error: searchEnum(OIDC_ERROR_CODES) }),
  component: SignInPage,
});
