import { createRoute } from '@tanstack/react-router';
import { z } from 'zod';

import { SignInPage } from '../features/auth/components/sign-in-page.tsx';
import { searchText } from '../lib/search.ts';
import { rootRoute } from './root.tsx';

// Sign-in is the first page many people see: it stays in the entry chunk (no lazy load).
export const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: 'sign-in',
  validateSearch: z.object({ redirect: searchText }),
  component: SignInPage,
});
