import { useQuery } from '@tanstack/react-query';

import { NotAvailable } from '../../../components/ui/empty-state.tsx';
import { ErrorPanel } from '../../../components/ui/error-panel.tsx';
import { BlockSkeleton } from '../../../components/ui/skeleton.tsx';
import { isNotFound } from '../../../lib/api-client.ts';
import { manifestsYamlQuery, splitManifests } from '../../reconcile/api/reconcile.queries.ts';
import { ManifestList } from '../../reconcile/components/manifest-list.tsx';

/** The objects rendered for one gateway: every document of the desired state that names it. */
export function DestinationManifests({ gatewayName }: { gatewayName: string }) {
  const query = useQuery({
    ...manifestsYamlQuery(),
    select: (yaml) => splitManifests(yaml).filter((d) => d.yaml.includes(gatewayName)),
  });
  let body: React.ReactNode;
  if (query.isPending) body = <BlockSkeleton label="Loading rendered objects" />;
  else if (query.isError)
    body = isNotFound(query.error) ? (
      <NotAvailable title="Rendered objects are not available.">
        This server does not serve GET /api/v1/manifests yet.
      </NotAvailable>
    ) : (
      <ErrorPanel error={query.error} what="the rendered objects" />
    );
  else if (query.data.length === 0)
    body = (
      <p className="muted">
        No objects are rendered for this gateway yet. They appear after the destination is saved and the
        desired state is compiled.
      </p>
    );
  else body = <ManifestList docs={query.data} />;
  return (
    <section aria-labelledby="dest-objects">
      <h2 id="dest-objects">Rendered objects</h2>
      {body}
    </section>
  );
}
