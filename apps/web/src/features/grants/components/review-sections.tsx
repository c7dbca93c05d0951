// The review's sections (issue 18): who asked, what becomes reachable, the denied traffic that shows the
// need, and the history of the service and of this very access. One API answer feeds them all.
import type { DeniedFlowSummary, GrantReview } from '@egress/shared';
import { Link } from '@tanstack/react-router';

import { LockIcon } from '../../../components/ui/badge.tsx';
import { LabelChips } from '../../../components/ui/chips.tsx';
import { DataTable } from '../../../components/ui/data-table.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { GrantStateBadge, GrantTarget, PortWideMark } from './grant-bits.tsx';
import { GrantsTable } from './grants-table.tsx';

export function WhoAsked({ review }: { review: GrantReview }) {
  const { grant, requester, service } = review;
  const source = grant.source;
  return (
    <section className="card" aria-labelledby="review-who">
      <h2 id="review-who">Who asked</h2>
      <dl className="facts">
        <dt>Requester</dt>
        <dd>
          {requester.name} <span className="muted">({requester.email})</span>
        </dd>
        <dt>Team</dt>
        <dd>{service.team ?? <span className="muted">no owning team set on the service</span>}</dd>
        <dt>Requested</dt>
        <dd>
          <RelativeTime iso={grant.requestedAt} />
        </dd>
        {source ? (
          <>
            <dt>Filed by</dt>
            <dd>
              {source.token ? <>API token “{source.token}”</> : 'automation'}
              {source.repository || source.commit ? (
                <span className="block">
                  from <code>{source.repository ?? 'an unnamed repository'}</code>
                  {source.commit ? (
                    <>
                      {' '}
                      at commit <code title={source.commit}>{source.commit.slice(0, 12)}</code>
                    </>
                  ) : null}
                </span>
              ) : null}
            </dd>
          </>
        ) : null}
        <dt>Justification</dt>
        <dd className="prewrap">{grant.justification}</dd>
        <dt>Expires</dt>
        <dd>
          <RelativeTime iso={grant.expiresAt} fallback="never (until revoked)" />
        </dd>
      </dl>
    </section>
  );
}

export function Reachable({ review }: { review: GrantReview }) {
  const { grant, service, destination } = review;
  return (
    <section className="card" aria-labelledby="review-reach">
      <h2 id="review-reach">What becomes reachable</h2>
      <dl className="facts">
        <dt>From pods</dt>
        <dd>
          <Link to="/services/$serviceId" params={{ serviceId: service.id }}>
            {service.name}
          </Link>{' '}
          in namespace <code>{service.namespace}</code>
        </dd>
        <dt>Selector</dt>
        <dd>
          <LabelChips labels={service.selector.matchLabels} />
        </dd>
        <dt>ServiceAccount</dt>
        <dd>
          {service.serviceAccount ? (
            <code>{service.serviceAccount}</code>
          ) : (
            <span className="muted">not bound: any pod matching the selector</span>
          )}
        </dd>
        <dt>To</dt>
        <dd>
          {destination ? (
            <GrantTarget grant={grant} />
          ) : (
            <>
              <PortWideMark port={grant.port} /> <span className="block">every public address</span>
            </>
          )}
        </dd>
        <dt>Port</dt>
        <dd>
          {grant.port} / {review.protocols.join(', ')}
        </dd>
        {destination ? (
          <>
            <dt>Description</dt>
            <dd>{destination.description ?? <span className="muted">none given</span>}</dd>
            <dt>Sensitivity</dt>
            <dd>
              {destination.sensitivity === 'sensitive' ? (
                <span className="sensitive-mark">
                  <LockIcon />
                  <span>sensitive</span>
                </span>
              ) : (
                'standard'
              )}
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

const flowKey = (f: DeniedFlowSummary) => `${f.destination}:${f.port}/${f.protocol}`;

export function Evidence({ review }: { review: GrantReview }) {
  const flows = review.evidence.deniedFlows;
  const target = review.destination ? review.destination.host : `any host on port ${review.grant.port}`;
  return (
    <section className="card" aria-labelledby="review-evidence">
      <h2 id="review-evidence">Evidence: denied traffic</h2>
      <p className="muted small">
        Flows of {review.service.name} to {target} that were denied since{' '}
        <RelativeTime iso={review.evidence.since} />.
      </p>
      <DataTable
        caption="Denied flows of this service to this host"
        columns={5}
        items={flows}
        head={
          <>
            <th scope="col">Destination</th>
            <th scope="col">Port</th>
            <th scope="col">Denied</th>
            <th scope="col">Last seen</th>
            <th scope="col">Workload</th>
          </>
        }
        empty={{
          title: 'No denied traffic recorded.',
          body: 'Nothing shows the service trying this access yet: ask the requester what will use it.',
        }}
        row={(f) => (
          <tr key={flowKey(f)}>
            <td>
              {f.destination}
              {f.address && f.address !== f.destination ? (
                <span className="muted small block">{f.address}</span>
              ) : null}
            </td>
            <td>
              {f.port}/{f.protocol}
            </td>
            <td>{f.count}×</td>
            <td>
              <RelativeTime iso={f.lastSeen} />
            </td>
            <td>{f.workload ?? <span className="muted">—</span>}</td>
          </tr>
        )}
      />
    </section>
  );
}

export function History({ review }: { review: GrantReview }) {
  const { rejections, serviceGrants } = review.history;
  return (
    <section className="card" aria-labelledby="review-history">
      <h2 id="review-history">History</h2>
      <h3>Earlier rejections of this access</h3>
      {rejections.length === 0 ? (
        <p className="muted">This access was never rejected before.</p>
      ) : (
        <ul className="plain-list">
          {rejections.map((g) => (
            <li key={g.id}>
              <GrantStateBadge grant={g} />{' '}
              <Link to="/grants/$grantId" params={{ grantId: g.id }}>
                <RelativeTime iso={g.decidedAt} />
              </Link>{' '}
              by {g.decidedBy ?? 'system'}: <q>{g.reason ?? 'no reason given'}</q>
            </li>
          ))}
        </ul>
      )}
      <h3>Other grants of {review.service.name}</h3>
      <GrantsTable
        caption={`Other grants of ${review.service.name}, newest first`}
        grants={serviceGrants}
        columns={['age', 'target', 'state', 'expires']}
        empty={{ title: 'No other grants.', body: 'This is the first access the service asks for.' }}
      />
    </section>
  );
}
