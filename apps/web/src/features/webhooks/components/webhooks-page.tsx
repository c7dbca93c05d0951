import { can, type Webhook } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi, Link } from '@tanstack/react-router';
import { useState } from 'react';

import { DataTable } from '../../../components/ui/data-table.tsx';
import { NotAvailable } from '../../../components/ui/empty-state.tsx';
import { PagedList } from '../../../components/ui/paged-list.tsx';
import { isNotFound } from '../../../lib/api-client.ts';
import { listNavigation } from '../../../lib/pagination.ts';
import { useMe } from '../../auth/api/auth.queries.ts';
import { webhookListQuery } from '../api/webhooks.queries.ts';
import { FORMAT_NAMES, urlHost } from '../webhook-format.ts';
import { EnabledBadge, WebhookHealth } from './webhook-bits.tsx';
import {
  CreateWebhookDialog,
  DeleteWebhookDialog,
  EditWebhookDialog,
  useSendTest,
} from './webhook-dialogs.tsx';

const route = getRouteApi('/_app/webhooks');

type Acting = { kind: 'edit' | 'delete'; webhook: Webhook };

function Row({ webhook: w, onAct }: { webhook: Webhook; onAct: (a: Acting) => void }) {
  const test = useSendTest();
  return (
    <tr>
      <td>
        <Link to="/webhooks/$webhookId" params={{ webhookId: w.id }}>
          {w.name}
        </Link>
      </td>
      <td>
        <code className="small" title={w.url}>
          {urlHost(w.url)}
        </code>
      </td>
      <td>{FORMAT_NAMES[w.format]}</td>
      <td>
        <span className="clamp small" title={w.events.join('\n')}>
          {w.events.join(', ')}
        </span>
      </td>
      <td>
        {w.teams.length === 0 ? (
          <span className="muted small">All teams</span>
        ) : (
          <span className="clamp small" title={w.teams.join('\n')}>
            {w.teams.join(', ')}
          </span>
        )}
      </td>
      <td>
        <EnabledBadge enabled={w.enabled} />
      </td>
      <td>
        <WebhookHealth webhook={w} />
      </td>
      <td className="col-actions">
        <div className="row-actions">
          <button
            type="button"
            className="btn btn-small"
            disabled={test.pending}
            aria-label={`Send test to ${w.name}`}
            onClick={() => test.send(w)}
          >
            Send test
          </button>
          <button
            type="button"
            className="btn btn-small"
            aria-label={`Edit webhook ${w.name}`}
            onClick={() => onAct({ kind: 'edit', webhook: w })}
          >
            Edit
          </button>
          <button
            type="button"
            className="btn btn-small"
            aria-label={`Delete webhook ${w.name}`}
            onClick={() => onAct({ kind: 'delete', webhook: w })}
          >
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}

export function WebhooksPage() {
  const me = useMe();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const { page } = listNavigation<typeof search>(navigate);
  const allowed = can(me.role, 'webhooks.read');
  const query = useQuery({ ...webhookListQuery(search.cursor), enabled: allowed });
  const [creating, setCreating] = useState(false);
  const [acting, setActing] = useState<Acting | null>(null);

  if (!allowed)
    return (
      <div className="page">
        <h1>Webhooks</h1>
        <p className="callout">Webhooks need the admin role.</p>
      </div>
    );
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Webhooks</h1>
          <p className="muted">
            Outgoing notifications: requests waiting for approval, decisions and denied-egress alerts, sent to
            your chat or incident tooling. Every delivery is logged and retried.
          </p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          New webhook
        </button>
      </header>
      {isNotFound(query.error) ? (
        <NotAvailable title="Webhooks are not served by this API yet." />
      ) : (
        <PagedList query={query} what="webhooks" search={search} onPage={page}>
          {(items) => (
            <DataTable
              caption="Webhooks"
              head={
                <>
                  <th scope="col">Name</th>
                  <th scope="col">Sends to</th>
                  <th scope="col">Format</th>
                  <th scope="col">Events</th>
                  <th scope="col">Teams</th>
                  <th scope="col">State</th>
                  <th scope="col">Health</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </>
              }
              columns={8}
              items={items}
              empty={{
                title: 'No webhooks yet.',
                body: 'Create one to tell a Slack channel or an incident tool about requests, decisions and alerts.',
              }}
              row={(w) => <Row key={w.id} webhook={w} onAct={setActing} />}
            />
          )}
        </PagedList>
      )}
      <CreateWebhookDialog open={creating} onClose={() => setCreating(false)} />
      {acting?.kind === 'edit' ? (
        <EditWebhookDialog webhook={acting.webhook} onClose={() => setActing(null)} />
      ) : null}
      {acting?.kind === 'delete' ? (
        <DeleteWebhookDialog webhook={acting.webhook} onClose={() => setActing(null)} />
      ) : null}
    </div>
  );
}
