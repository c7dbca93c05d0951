import { can, type CreatedToken, type Token } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';

import { Badge } from '../../../components/ui/badge.tsx';
import { ConfirmDialog } from '../../../components/ui/confirm-dialog.tsx';
import { DataTable } from '../../../components/ui/data-table.tsx';
import { Dialog } from '../../../components/ui/dialog.tsx';
import { PagedList } from '../../../components/ui/paged-list.tsx';
import { ShownOnce } from '../../../components/ui/shown-once.tsx';
import { RelativeTime } from '../../../components/ui/time.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { listNavigation } from '../../../lib/pagination.ts';
import { useMe } from '../../auth/api/auth.queries.ts';
import { useRevokeToken } from '../api/tokens.mutations.ts';
import { tokenListQuery } from '../api/tokens.queries.ts';
import { CreateTokenForm } from '../forms/create-token-form.tsx';

const route = getRouteApi('/_app/tokens');

function CreatedTokenView({ token, onClose }: { token: CreatedToken; onClose: () => void }) {
  return (
    <ShownOnce
      label="Token"
      value={token.token}
      copyLabel="Copy token"
      warning="Copy the token now. It is shown only once; the server keeps only its hash."
      onDone={onClose}
    />
  );
}

/** A scoped token holds only its scopes; its stored role means nothing, so it is not shown. */
function TokenAuthority({ token }: { token: Token }) {
  if (token.scopes.length === 0) return <>{token.role}</>;
  return (
    <span className="target">
      {token.scopes.map((s) => (
        <Badge key={s} tone="blue" title="Scoped token: it holds only this permission">
          {s}
        </Badge>
      ))}
    </span>
  );
}

function TokensTable({ tokens, showOwner }: { tokens: Token[] | undefined; showOwner: boolean }) {
  const [revoking, setRevoking] = useState<Token | null>(null);
  return (
    <>
      <DataTable
        caption="API tokens"
        head={
          <>
            <th scope="col">Name</th>
            <th scope="col">Prefix</th>
            <th scope="col">Role or scope</th>
            {showOwner ? <th scope="col">Owner</th> : null}
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">Created</th>
            <th scope="col">Actions</th>
          </>
        }
        columns={showOwner ? 8 : 7}
        items={tokens}
        empty={{
          title: 'No tokens.',
          body: 'Create one for a pipeline or a script; it acts with the role you choose, never above yours.',
        }}
        row={(t) => (
          <tr key={t.id}>
            <td>{t.name}</td>
            <td>
              <code>{t.prefix}…</code>
            </td>
            <td>
              <TokenAuthority token={t} />
            </td>
            {showOwner ? <td>{t.owner}</td> : null}
            <td>
              <RelativeTime iso={t.expiresAt} fallback="never" />
            </td>
            <td>
              <RelativeTime iso={t.lastUsedAt} fallback="never" />
            </td>
            <td>
              <RelativeTime iso={t.createdAt} />
            </td>
            <td>
              <button
                type="button"
                className="btn btn-small"
                aria-label={`Revoke token ${t.name}`}
                onClick={() => setRevoking(t)}
              >
                Revoke
              </button>
            </td>
          </tr>
        )}
      />
      {revoking ? <RevokeTokenDialog token={revoking} onClose={() => setRevoking(null)} /> : null}
    </>
  );
}

function RevokeTokenDialog({ token, onClose }: { token: Token; onClose: () => void }) {
  const revoke = useRevokeToken();
  return (
    <ConfirmDialog
      title="Revoke token"
      description={
        <p>
          {token.name} ({token.prefix}…), owned by {token.owner}
        </p>
      }
      consequence="Scripts using this token stop working at once. This cannot be undone."
      confirmLabel="Revoke token"
      pending={revoke.isPending}
      error={revoke.error}
      onConfirm={() =>
        revoke.mutate(token.id, {
          onSuccess: () => {
            onClose();
            showToast({ kind: 'success', title: `Token ${token.name} revoked` });
          },
        })
      }
      onClose={onClose}
    />
  );
}

export function TokensPage() {
  const me = useMe();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const { page } = listNavigation<typeof search>(navigate);
  const all = search.all === 'true' && can(me.role, 'tokens.manageAll');
  const query = useQuery(tokenListQuery({ all, cursor: search.cursor }));
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const close = () => {
    setCreating(false);
    setCreated(null);
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>API tokens</h1>
          <p className="muted">
            For pipelines and scripts: send <code>Authorization: Bearer &lt;token&gt;</code>.
          </p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          Create token
        </button>
      </header>
      {can(me.role, 'tokens.manageAll') ? (
        <div className="filters">
          <label className="check">
            <input
              type="checkbox"
              checked={all}
              onChange={(e) => void navigate({ search: { all: e.target.checked ? 'true' : undefined } })}
            />
            Every user&apos;s tokens
          </label>
        </div>
      ) : null}
      <PagedList query={query} what="tokens" search={search} onPage={page}>
        {(tokens) => <TokensTable tokens={tokens} showOwner={all} />}
      </PagedList>
      <Dialog open={creating} onClose={close} title={created ? 'Token created' : 'Create an API token'}>
        {created ? (
          <CreatedTokenView token={created} onClose={close} />
        ) : (
          <CreateTokenForm myRole={me.role} onCancel={close} onDone={setCreated} />
        )}
      </Dialog>
    </div>
  );
}
