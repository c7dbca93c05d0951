import { can } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';

import { PagedList } from '../../../components/ui/paged-list.tsx';
import { listNavigation } from '../../../lib/pagination.ts';
import { useMe } from '../../auth/api/auth.queries.ts';
import { auditCsvHref, type AuditFilter, auditListQuery } from '../api/audit.queries.ts';
import { AuditFilters } from './audit-filters.tsx';
import { AuditTable } from './audit-table.tsx';
import { ChainBadge } from './chain-badge.tsx';

const route = getRouteApi('/_app/audit');
const DAY = 24 * 3600_000;

/** Dates in the URL are whole UTC days; `to` includes its day (the API's `to` is exclusive). */
export function toApiRange(
  from: string | undefined,
  to: string | undefined,
): Pick<AuditFilter, 'from' | 'to'> {
  return {
    from: from ? `${from}T00:00:00.000Z` : undefined,
    to: to ? new Date(Date.parse(`${to}T00:00:00.000Z`) + DAY).toISOString() : undefined,
  };
}

function AuditLog() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const filter: AuditFilter = {
    actor: search.actor,
    action: search.action,
    targetType: search.targetType,
    targetId: search.targetId,
    ...toApiRange(search.from, search.to),
  };
  const query = useQuery(auditListQuery({ ...filter, cursor: search.cursor }));
  const filtered = Object.values(filter).some(Boolean);
  const { filter: onChange, page } = listNavigation<typeof search>(navigate);
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Audit log</h1>
          <p className="muted">Every change, who made it and when; hash-chained so tampering shows.</p>
        </div>
        <div className="header-tools">
          <ChainBadge />
          <a className="btn" href={auditCsvHref(filter)} download>
            Export CSV
          </a>
        </div>
      </header>
      <AuditFilters value={search} onChange={onChange} filtered={filtered} />
      <PagedList query={query} what="audit events" search={search} onPage={page}>
        {(events) => <AuditTable events={events} filtered={filtered} />}
      </PagedList>
    </div>
  );
}

export function AuditPage() {
  const me = useMe();
  if (can(me.role, 'audit.read')) return <AuditLog />;
  return (
    <div className="page">
      <h1>Audit log</h1>
      <p className="callout">The audit log needs the approver role.</p>
    </div>
  );
}
