import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';

import { NotAvailable } from '../../../components/ui/empty-state.tsx';
import { ErrorPanel } from '../../../components/ui/error-panel.tsx';
import { BlockSkeleton } from '../../../components/ui/skeleton.tsx';
import { isNotFound } from '../../../lib/api-client.ts';
import { manifestsYamlQuery, splitManifests } from '../api/reconcile.queries.ts';
import { ManifestList } from './manifest-list.tsx';

/** The full desired state: grouped by kind, filterable by text, downloadable as YAML. */
export function ManifestsPanel() {
  const query = useQuery({
    ...manifestsYamlQuery(),
    select: (yaml) => ({ yaml, docs: splitManifests(yaml) }),
  });
  const [filter, setFilter] = useState('');
  let body: React.ReactNode;
  if (query.isPending) body = <BlockSkeleton lines={6} label="Loading manifests" />;
  else if (query.isError)
    body = isNotFound(query.error) ? (
      <NotAvailable title="Manifests are not available.">
        This server does not serve GET /api/v1/manifests yet.
      </NotAvailable>
    ) : (
      <ErrorPanel error={query.error} what="manifests" />
    );
  else {
    const needle = filter.trim().toLowerCase();
    const docs = needle
      ? query.data.docs.filter((d) => d.yaml.toLowerCase().includes(needle))
      : query.data.docs;
    body = (
      <>
        <div className="filters">
          <label>
            Filter objects
            <input
              type="search"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              placeholder="name, host, label…"
            />
          </label>
          <span className="muted small">
            {docs.length} of {query.data.docs.length} objects
          </span>
          <a className="btn" href="/api/v1/manifests?format=yaml" download="egress-manifests.yaml">
            Download YAML
          </a>
        </div>
        {docs.length ? (
          <ManifestList docs={docs} openFirst={Boolean(needle)} />
        ) : (
          <p className="muted">No object matches.</p>
        )}
      </>
    );
  }
  return (
    <section aria-labelledby="manifests-title">
      <h2 id="manifests-title">Manifests</h2>
      {body}
    </section>
  );
}
