import { can, type Webhook } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState } from 'react';

import { PagedList } from '../../../components/ui/paged-list.tsx';
import { RecordFallback } from '../../../components/ui/record-fallback.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { firstPage, listNavigation } from '../../../lib/pagination.ts';
import { useMe } from '../../auth/api/auth.queries.ts';
import { deliveryListQuery, type DeliveryStatus, webhookDetailQuery } from '../api/webhooks.queries.ts';
import { EVENT_DESCRIPTIONS, FORMAT_LABELS } from '../webhook-format.ts';
import { DeliveriesTable } from './deliveries-table.tsx';
import { EnabledBadge } from './webhook-bits.tsx';
import {
  DeleteWebhookDialog,
  EditWebhookDialog,
  RotateSecretDialog,
  useSendTest,
} from './webhook-dialogs.tsx';

const route = getRouteApi('/_app/webhooks/$webhookId');

function Deliveries({ webhook }: { webhook: Webhook }) {
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const { page } = listNavigation<typeof search>(navigate);
  const query = useQuery(deliveryListQuery(webhook.id, { status: search.status, cursor: search.cursor }));
  return (
    <section aria-labelledby="deliveries-title" className="stack">
      <h2 id="deliveries-title">Delivery log</h2>
      <div className="filters">
        <label>
          Status
          <select
            value={search.status ?? ''}
            onChange={(e) =>
              void navigate({
                search: (s) =>
                  firstPage({ ...s, status: (e.target.value || undefined) as DeliveryStatus | undefined }),
              })
            }
          >
            <option value="">All</option>
            <option value="pending">Pending (waiting or retrying)</option>
            <option value="succeeded">Succeeded</option>
            <option value="failed">Failed (gave up)</option>
          </select>
        </label>
      </div>
      <PagedList query={query} what="deliveries" search={search} onPage={page}>
        {(items) => (
          <DeliveriesTable
            deliveries={items}
            empty={
              search.status
                ? { title: `No ${search.status} deliveries.`, body: 'Choose another status or All.' }
                : {
                    title: 'Nothing sent yet.',
                    body: 'Use "Send test" to check the receiver, or wait for a subscribed event.',
                  }
            }
          />
        )}
      </PagedList>
    </section>
  );
}

type Acting = 'edit' | 'delete' | 'rotate';

function WebhookView({ webhook: w }: { webhook: Webhook }) {
  const me = useMe();
  const navigate = route.useNavigate();
  const test = useSendTest();
  const [acting, setActing] = useState<Acting | null>(null);
  const close = () => setActing(null);
  const canWrite = can(me.role, 'webhooks.write');
  return (
    <div className="page">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/webhooks">Webhooks</Link> / <span>{w.name}</span>
      </nav>
      <header className="page-header">
        <div>
          <h1>{w.name}</h1>
          <p className="muted">
            <EnabledBadge enabled={w.enabled} /> · created <RelativeTime iso={w.createdAt} /> · updated{' '}
            <RelativeTime iso={w.updatedAt} />
          </p>
          {w.health.state === 'failing' ? (
            <p className="callout callout-error" role="status">
              Failing since {w.health.failingSince ? <RelativeTime iso={w.health.failingSince} /> : 'unknown'}
              : {w.health.lastError}
            </p>
          ) : null}
        </div>
        {canWrite ? (
          <div className="header-tools">
            <button
              type="button"
              className="btn btn-primary"
              disabled={test.pending}
              onClick={() => test.send(w)}
            >
              Send test
            </button>
            <button type="button" className="btn" onClick={() => setActing('edit')}>
              Edit
            </button>
            <button type="button" className="btn" onClick={() => setActing('rotate')}>
              Rotate secret
            </button>
            <button type="button" className="btn btn-danger" onClick={() => setActing('delete')}>
              Delete
            </button>
          </div>
        ) : null}
      </header>
      <dl className="facts">
        <dt>URL</dt>
        <dd>
          <code>{w.url}</code>
        </dd>
        <dt>Format</dt>
        <dd>{FORMAT_LABELS[w.format]}</dd>
        <dt>Events</dt>
        <dd>
          <div className="stack-tight">
            {w.events.map((e) => (
              <span key={e}>
                <code>{e}</code> <span className="muted small">{EVENT_DESCRIPTIONS[e]}</span>
              </span>
            ))}
          </div>
        </dd>
        <dt>Teams</dt>
        <dd>{w.teams.length === 0 ? 'All teams' : w.teams.join(', ')}</dd>
      </dl>
      <Deliveries webhook={w} />
      {acting === 'edit' ? <EditWebhookDialog webhook={w} onClose={close} /> : null}
      {acting === 'rotate' ? <RotateSecretDialog webhook={w} onClose={close} /> : null}
      {acting === 'delete' ? (
        <DeleteWebhookDialog
          webhook={w}
          onClose={close}
          onDeleted={() => void navigate({ to: '/webhooks' })}
        />
      ) : null}
    </div>
  );
}

export function WebhookDetailPage() {
  const { webhookId } = route.useParams();
  const query = useQuery(webhookDetailQuery(webhookId));
  if (query.isPending || query.isError) {
    return (
      <RecordFallback
        error={query.error}
        what="the webhook"
        loading={{ lines: 6, label: 'Loading the webhook' }}
        notFound={{
          title: 'No such webhook.',
          body: 'It may have been deleted.',
          back: <Link to="/webhooks">Back to webhooks</Link>,
        }}
      />
    );
  }
  return <WebhookView webhook={query.data} />;
}
