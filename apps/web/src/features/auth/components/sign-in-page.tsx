import { useNavigate, useSearch } from '@tanstack/react-router';

import { SignInForm } from '../forms/sign-in-form.tsx';

/** Only same-origin paths are followed after sign-in (never "//evil.example" or a full URL). */
export function safeRedirect(target: string | undefined): string {
  return target?.startsWith('/') && !target.startsWith('//') && !target.startsWith('/sign-in') ? target : '/';
}

export function SignInPage() {
  const { redirect } = useSearch({ from: '/sign-in' });
  const navigate = useNavigate();
  return (
    <main className="sign-in">
      <div className="sign-in-card">
        <h1>Egress Control</h1>
        <p className="muted">Sign in to request and approve egress access.</p>
        {redirect ? <p className="hint">Sign in to continue where you were.</p> : null}
        <SignInForm onSignedIn={() => void navigate({ href: safeRedirect(redirect), replace: true })} />
      </div>
    </main>
  );
}
