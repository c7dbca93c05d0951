import { can, type Service } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';

import { LabelChips } from '../../../components/ui/chips.tsx';
import { RecordFallback } from '../../../components/ui/record-fallback.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { useMe } from '../../auth/api/auth.queries.ts';
import { ReachPanel } from '../../explain/components/reach-panel.tsx';
import { serviceDetailQuery } from '../api/services.queries.ts';
import { ServiceGrants } from './service-grants.tsx';
import { DeleteServiceButton, ServiceAccountValue, ServiceIdentityNotes } from './service-identity.tsx';

const route = getRouteApi('/_app/services/$serviceId');

function ServiceView({ service: s }: { service: Service }) {
  const me = useMe();
  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/services">Services</Link> / <span>{s.name}</span>
      </nav>
      <header className="page-header">
        <div>
          <h1>{s.name}</h1>
          <p className="muted">
            Namespace <strong>{s.namespace}</strong>
            {s.team ? ` · team ${s.team}` : ''} · registered <RelativeTime iso={s.createdAt} />
          </p>
        </div>
        <div className="actions">
          {can(me.role, 'grants.request') ? (
            <Link to="/requests/new" search={{ service: s.name }} className="btn btn-primary">
              Request access for this service
            </Link>
          ) : null}
          <DeleteServiceButton service={s} role={me.role} />
        </div>
      </header>
      <ServiceIdentityNotes service={s} role={me.role} />
      <dl className="facts">
        <dt>Pod selector</dt>
        <dd>
          <LabelChips labels={s.selector.matchLabels} />
        </dd>
        <dt>ServiceAccount</dt>
        <dd>
          <ServiceAccountValue service={s} />
        </dd>
        <dt>Active grants</dt>
        <dd>{s.activeGrants}</dd>
        <dt>Pending requests</dt>
        <dd>{s.pendingGrants}</dd>
        <dt>Description</dt>
        <dd className="prewrap">{s.description ?? <span className="muted">none</span>}</dd>
      </dl>
      <ReachPanel service={s.name} />
      <ServiceGrants service={s.name} />
    </div>
  );
}

export function ServiceDetailPage() {
  const { serviceId } = route.useParams();
  const query = useQuery(serviceDetailQuery(serviceId));
  if (query.isPending || query.isError) {
    return (
      <RecordFallback
        error={query.error}
        what="the service"
        loading={{ lines: 5, label: 'Loading the service' }}
        notFound={{
          title: 'No such service.',
          body: 'It may have been deleted.',
          back: <Link to="/services">Back to services</Link>,
        }}
      />
    );
  }
  return <ServiceView service={query.data} />;
}
