import { OIDC_ERROR_MESSAGES, safeReturnPath } from '@egress/shared';
import { useNavigate, useSearch } from '@tanstack/react-router';

import { SignInForm } from '../forms/sign-in-form.tsx';
import { SsoSignIn } from './sso-sign-in.tsx';

export function SignInPage() {
  const { redirect, error } = useSearch({ from: '/sign-in' });
  const navigate = useNavigate();
  // Only same-origin console paths are followed after sign-in (never "//evil.example" or a full URL).
  const target = safeReturnPath(redirect);
  return (
    <main className="sign-in">
      <div className="sign-in-card">
        <h1>Egress Control</h1>
        <p className="muted">Sign in to request and approve egress access.</p>
        {redirect ? <p className="hint">Sign in to continue where you were.</p> : null}
        {error ? (
          <div className="form-error" role="alert" style={{ marginBottom: 12 }}>
            {OIDC_ERROR_MESSAGES[error]}
          </div>
        ) : null}
        <SsoSignIn returnTo={target} />
        <SignInForm onSignedIn={() => void navigate({ href: target, replace: true })} />
      </div>
    </main>
  );
}
