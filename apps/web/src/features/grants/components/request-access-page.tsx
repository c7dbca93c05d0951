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

export function RequestAccessPage() {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  // One page of services says whether there are any; the form searches them as one types.
  const services = useQuery(serviceListQuery({}));
  const wanted = search.destination?.trim().toLowerCase() ?? '';
  const linked = useQuery({ ...destinationByHostQuery(wanted), enabled: wanted !== '' });
  // "Request again": the earlier request's justification and duration start the form.
  const earlier = useQuery({ ...grantDetailQuery(search.from ?? ''), enabled: search.from !== undefined });
  const error = services.error ?? linked.error ?? earlier.error;
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
      ) : !services.data ||
        (wanted !== '' && linked.data === undefined) ||
        (search.from !== undefined && !earlier.data) ? (
        <BlockSkeleton lines={6} label="Loading the form" />
      ) : services.data.items.length === 0 ? (
        <p className="callout">
          There are no services yet. <Link to="/services">Register a service</Link> first.
        </p>
      ) : (
        <RequestAccessForm
          linked={wanted === '' ? undefined : linked.data}
          initial={{
            service: search.service,
            destination: search.destination,
            port: search.port,
            justification: earlier.data?.justification,
            durationSeconds: earlier.data?.durationSeconds ?? undefined,
          }}
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
