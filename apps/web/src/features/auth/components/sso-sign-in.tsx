import { useQuery } from '@tanstack/react-query';

import { providersQueryOptions } from '../api/auth.queries.ts';

/**
 * The SSO button when the server has OIDC configured: a plain link (the sign-in is a chain of full-page
 * navigations through the provider), carrying the page to come back to.
 */
export function SsoSignIn({ returnTo }: { returnTo: string }) {
  const { data } = useQuery(providersQueryOptions());
  const oidc = data?.oidc;
  if (!oidc?.enabled) return null;
  return (
    <div className="stack" style={{ marginBottom: 12 }}>
      <a
        className="btn btn-primary"
        style={{ justifyContent: 'center' }}
        href={`${oidc.loginUrl}?returnTo=${encodeURIComponent(returnTo)}`}
      >
        {oidc.label}
      </a>
      <p className="hint" style={{ textAlign: 'center', margin: 0 }}>
        or sign in with a local account
      </p>
    </div>
  );
}
