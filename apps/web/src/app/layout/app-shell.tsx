import { Link, Outlet, useNavigate } from '@tanstack/react-router';

import { useLogout } from '../../features/auth/api/auth.mutations.ts';
import { useMe } from '../../features/auth/api/auth.queries.ts';
import { DecisionHost } from '../../features/grants/components/decision-host.tsx';
import { GlobalSearch } from './global-search.tsx';
import { Nav } from './nav.tsx';

export function AppShell() {
  const me = useMe();
  const logout = useLogout();
  const navigate = useNavigate();
  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Egress Control, dashboard">
          <span className="brand-mark" aria-hidden="true">
            ⇥
          </span>{' '}
          Egress Control
        </Link>
        <GlobalSearch />
        <div className="user" aria-label="Signed-in user">
          <span className="user-name">{me.name}</span>
          <span className="muted small">{me.email}</span>
          <span className="role-badge" title="Your role">
            {me.role}
          </span>
          <button
            type="button"
            className="btn btn-small"
            disabled={logout.isPending}
            onClick={() =>
              logout.mutate(undefined, { onSettled: () => void navigate({ to: '/sign-in', search: {} }) })
            }
          >
            Sign out
          </button>
        </div>
      </header>
      <Nav me={me} />
      <main id="main" className="main" tabIndex={-1}>
        <DecisionHost>
          <Outlet />
        </DecisionHost>
      </main>
    </div>
  );
}
