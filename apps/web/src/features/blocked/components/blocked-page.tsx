import { can } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';

import { firstPage } from '../../../lib/pagination.ts';
import { AlertRulesPanel } from '../../alerts/components/alert-rules-panel.tsx';
import { AlertsPanel } from '../../alerts/components/alerts-panel.tsx';
import { useMe } from '../../auth/api/auth.queries.ts';
import { openAlertsOf, summaryQuery } from '../../dashboard/api/dashboard.queries.ts';
import { BlockedInbox } from './blocked-inbox.tsx';

const route = getRouteApi('/_app/blocked');
type Tab = 'inbox' | 'alerts' | 'rules';

function Tabs({ tab, canAlerts, canRules }: { tab: Tab; canAlerts: boolean; canRules: boolean }) {
  const summary = useQuery({ ...summaryQuery(), enabled: canAlerts });
  const open = openAlertsOf(summary.data);
  return (
    <nav className="tabs" aria-label="Blocked egress views">
      <Link
        to="/blocked"
        // A tab keeps the other tabs' filters in the URL; only the page position resets.
        search={(s) => firstPage({ ...s, tab: 'inbox' })}
        aria-current={tab === 'inbox' ? 'page' : undefined}
      >
        Denied flows
      </Link>
      {canAlerts ? (
        <Link
          to="/blocked"
          search={(s) => firstPage({ ...s, tab: 'alerts' })}
          aria-current={tab === 'alerts' ? 'page' : undefined}
        >
          Alerts{' '}
          {open ? (
            <span className="nav-badge" aria-label={`${open} open`}>
              {open}
            </span>
          ) : null}
        </Link>
      ) : null}
      {canRules ? (
        <Link
          to="/blocked"
          search={(s) => firstPage({ ...s, tab: 'rules' })}
          aria-current={tab === 'rules' ? 'page' : undefined}
        >
          Alert rules
        </Link>
      ) : null}
    </nav>
  );
}

export function BlockedEgressPage() {
  const me = useMe();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const canAlerts = can(me.role, 'alerts.read');
  const canRules = can(me.role, 'alertRules.read');
  const requested = search.tab ?? 'inbox';
  const tab: Tab =
    (requested === 'alerts' && !canAlerts) || (requested === 'rules' && !canRules) ? 'inbox' : requested;
  const onPage = (p: { cursor?: string | undefined; prev?: string | undefined }) =>
    void navigate({ search: (s) => ({ ...s, ...p }) });

  if (!can(me.role, 'blocked.read'))
    return (
      <div className="page">
        <h1>Blocked egress</h1>
        <p className="callout">Blocked egress needs the engineer role or above.</p>
      </div>
    );
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Blocked egress</h1>
          <p className="muted">
            Connections the default-deny policy refused: which workload tried to reach which address, and how
            often. Request access from a row, or raise alerts when a service keeps being denied.
          </p>
        </div>
      </header>
      <Tabs tab={tab} canAlerts={canAlerts} canRules={canRules} />
      {tab === 'inbox' ? <BlockedInbox /> : null}
      {tab === 'alerts' ? (
        <AlertsPanel
          includeAcknowledged={search.alerts === 'all'}
          onIncludeAcknowledged={(all) =>
            void navigate({ search: (s) => firstPage({ ...s, alerts: all ? 'all' : undefined }) })
          }
          search={search}
          onPage={onPage}
        />
      ) : null}
      {tab === 'rules' ? <AlertRulesPanel search={search} onPage={onPage} /> : null}
    </div>
  );
}
