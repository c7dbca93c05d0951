import { can, type Me, type Permission } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';

import { openAlertsOf, summaryQuery } from '../../features/dashboard/api/dashboard.queries.ts';
import { notificationsQuery } from '../../features/my-access/api/my-access.queries.ts';

type To =
  | '/'
  | '/requests'
  | '/my-access'
  | '/grants'
  | '/services'
  | '/destinations'
  | '/graph'
  | '/blocked'
  | '/discovery'
  | '/reach'
  | '/audit'
  | '/reconcile'
  | '/users'
  | '/tokens'
  | '/webhooks'
  | '/settings';

interface Item {
  to: To;
  label: string;
  permission: Permission;
}

const MAIN: Item[] = [
  { to: '/', label: 'Dashboard', permission: 'grants.read' },
  { to: '/requests', label: 'Requests', permission: 'grants.read' },
  { to: '/my-access', label: 'My access', permission: 'grants.request' },
  { to: '/grants', label: 'Grants', permission: 'grants.read' },
  { to: '/services', label: 'Services', permission: 'services.read' },
  { to: '/destinations', label: 'Destinations', permission: 'destinations.read' },
  { to: '/graph', label: 'Graph', permission: 'grants.read' },
  { to: '/blocked', label: 'Blocked egress', permission: 'blocked.read' },
  { to: '/discovery', label: 'Discovered egress', permission: 'discovery.read' },
  { to: '/reach', label: 'Can it reach?', permission: 'explain.read' },
  { to: '/audit', label: 'Audit', permission: 'audit.read' },
  { to: '/reconcile', label: 'Reconcile', permission: 'reconcile.read' },
];

const ADMIN: Item[] = [
  { to: '/users', label: 'Users', permission: 'users.read' },
  { to: '/webhooks', label: 'Webhooks', permission: 'webhooks.read' },
  { to: '/settings', label: 'Settings', permission: 'settings.read' },
];

function PendingBadge() {
  const summary = useQuery({ ...summaryQuery(), refetchInterval: 60_000 });
  const n = summary.data?.pendingGrants ?? 0;
  if (!n) return null;
  return (
    <span className="nav-badge" aria-label={`${n} pending`}>
      {n}
    </span>
  );
}

/** Open alerts, from the same summary the pending badge reads (no extra request). */
function AlertsBadge() {
  const summary = useQuery({ ...summaryQuery(), refetchInterval: 60_000 });
  const n = openAlertsOf(summary.data) ?? 0;
  if (!n) return null;
  return (
    <span className="nav-badge" aria-label={`${n} open ${n === 1 ? 'alert' : 'alerts'}`}>
      {n}
    </span>
  );
}

/** Decisions on my requests I have not seen yet (issue 18). */
function DecisionsBadge() {
  const list = useQuery({ ...notificationsQuery(), refetchInterval: 60_000 });
  const n = list.data?.unseen ?? 0;
  if (!n) return null;
  return (
    <span className="nav-badge" aria-label={`${n} new ${n === 1 ? 'decision' : 'decisions'}`}>
      {n}
    </span>
  );
}

function badgeFor(item: Item, me: Me): React.ReactNode {
  if (item.to === '/my-access') return <DecisionsBadge />;
  if (item.to === '/requests' && can(me.role, 'grants.decide')) return <PendingBadge />;
  if (item.to === '/blocked' && can(me.role, 'alerts.read')) return <AlertsBadge />;
  return undefined;
}

function NavLink({ item, badge }: { item: Item; badge?: React.ReactNode }) {
  return (
    <li>
      <Link
        to={item.to}
        activeOptions={{ exact: item.to === '/' }}
        activeProps={{ 'aria-current': 'page', className: 'active' }}
      >
        <span>{item.label}</span>
        {badge}
      </Link>
    </li>
  );
}

export function Nav({ me }: { me: Me }) {
  const admin = ADMIN.filter((i) => can(me.role, i.permission));
  return (
    <nav className="sidenav" aria-label="Main">
      <ul>
        {MAIN.filter((i) => can(me.role, i.permission)).map((item) => (
          <NavLink key={item.to} item={item} badge={badgeFor(item, me)} />
        ))}
      </ul>
      <p className="nav-section">Account</p>
      <ul>
        <NavLink item={{ to: '/tokens', label: 'API tokens', permission: 'tokens.manage' }} />
      </ul>
      {admin.length ? (
        <>
          <p className="nav-section">Admin</p>
          <ul>
            {admin.map((item) => (
              <NavLink key={item.to} item={item} />
            ))}
          </ul>
        </>
      ) : null}
    </nav>
  );
}
