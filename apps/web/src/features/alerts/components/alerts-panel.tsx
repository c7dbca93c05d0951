import { can } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';

import { NotAvailable } from '../../../components/ui/empty-state.tsx';
import { PagedList } from '../../../components/ui/paged-list.tsx';
import { isNotFound } from '../../../lib/api-client.ts';
import type { PageSearch } from '../../../lib/pagination.ts';
import { useMe } from '../../auth/api/auth.queries.ts';
import { alertListQuery } from '../api/alerts.queries.ts';
import { AlertsTable } from './alerts-table.tsx';

interface Props {
  /** Open alerts only (the default), or acknowledged ones too. */
  includeAcknowledged: boolean;
  onIncludeAcknowledged: (include: boolean) => void;
  search: PageSearch;
  onPage: (page: PageSearch) => void;
}

/** Raised alerts: open ones by default, newest first; a switch shows the acknowledged ones too. */
export function AlertsPanel({ includeAcknowledged, onIncludeAcknowledged, search, onPage }: Props) {
  const me = useMe();
  const query = useQuery(
    alertListQuery({ state: includeAcknowledged ? 'all' : 'open', cursor: search.cursor }),
  );
  if (isNotFound(query.error)) return <NotAvailable title="Alerts are not served by this API yet." />;
  return (
    <>
      <div className="filters">
        <label className="check">
          <input
            type="checkbox"
            checked={includeAcknowledged}
            onChange={(e) => onIncludeAcknowledged(e.target.checked)}
          />
          Show acknowledged alerts
        </label>
        {can(me.role, 'alerts.acknowledge') ? null : (
          <span className="muted small">Acknowledging alerts needs the approver role.</span>
        )}
      </div>
      <PagedList query={query} what="alerts" search={search} onPage={onPage}>
        {(alerts) => (
          <AlertsTable
            caption={includeAcknowledged ? 'Alerts, newest first' : 'Open alerts, newest first'}
            alerts={alerts}
            empty={
              includeAcknowledged
                ? {
                    title: 'No alerts have been raised.',
                    body: 'Alert rules raise alerts when a service is denied too often.',
                  }
                : {
                    title: 'No open alerts.',
                    body: 'Alerts are raised when a rule’s threshold of denied flows is reached within its window.',
                  }
            }
          />
        )}
      </PagedList>
    </>
  );
}
