import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';

import { ErrorPanel } from '../../../components/ui/error-panel.tsx';
import { BlockSkeleton } from '../../../components/ui/skeleton.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { destinationByHostQuery } from '../../destinations/api/destinations.queries.ts';
import { serviceListQuery } from '../../services/api/services.queries.ts';
import { grantDetailQuery } from '../api/grants.queries.ts';
import { RequestAccessForm } from '../forms/request-access-form.tsx';

const route = getRouteApi('/_app/requests/new');

interface Search {
  service?: string | undefined;
  destination?: string | undefined;
  port?: number | undefined;
  from?: string | undefined;
}

/** The destination the link names, looked up (undefined: the link named none). */
function useLinked(destination: string | undefined) {
  const wanted = destination?.trim().toLowerCase() ?? '';
  const linked = useQuery({ ...destinationByHostQuery(wanted), enabled: wanted !== '' });
  return {
    error: linked.error,
    loading: wanted !== '' && linked.data === undefined,
    linked: wanted === '' ? undefined : linked.data,
  };
}

/** "Request again": the earlier request, whose justification and duration start the form. */
function useEarlier(from: string | undefined) {
  const earlier = useQuery({ ...grantDetailQuery(from ?? ''), enabled: from !== undefined });
  return { error: earlier.error, loading: from !== undefined && !earlier.data, grant: earlier.data };
}

/** What the form starts from: the services (any at all?), the linked destination, an earlier request. */
function useStart(search: Search) {
  // One page of services says whether there are any; the form searches them as one types.
  const services = useQuery(serviceListQuery({}));
  const linked = useLinked(search.destination);
  const earlier = useEarlier(search.from);
  return {
    error: services.error ?? linked.error ?? earlier.error,
    loading: !services.data || linked.loading || earlier.loading,
    noServices: services.data?.items.length === 0,
    linked: linked.linked,
    initial: {
      service: search.service,
      destination: search.destination,
      port: search.port,
      justification: earlier.grant?.justification,
      durationSeconds: earlier.grant?.durationSeconds ?? undefined,
    },
  };
}

export function RequestAccessPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const start = useStart(search);
  const error = start.error;
  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/requests">Requests</Link> / <span>New</span>
      </nav>
      <header className="page-header">
        <div>
          <h1>Request access</h1>
          <p className="muted">
            Ask for a service to reach a destination on one port. Approvers are notified through their inbox.
          </p>
        </div>
      </header>
      {error ? (
        <ErrorPanel error={error} what="services and destinations" />
      ) : start.loading ? (
        <BlockSkeleton lines={6} label="Loading the form" />
      ) : start.noServices ? (
        <p className="callout">
          There are no services yet. <Link to="/services">Register a service</Link> first.
        </p>
      ) : (
        <RequestAccessForm
          linked={start.linked}
          initial={start.initial}
          onDone={(grant) => {
            showToast({
              kind: 'success',
              title: 'Request sent',
              message: `It needs ${grant.requiredApprovals} approval${grant.requiredApprovals === 1 ? '' : 's'}.`,
            });
            void navigate({ to: '/grants/$grantId', params: { grantId: grant.id } });
          }}
        />
      )}
    </div>
  );
}
