import { useMemo } from 'react';

import type { ManifestDoc } from '../api/reconcile.queries.ts';

/** Rendered objects grouped by kind; each object collapsible, its YAML as the server rendered it. */
export function ManifestList({ docs, openFirst = false }: { docs: ManifestDoc[]; openFirst?: boolean }) {
  const groups = useMemo(() => {
    const byKind = new Map<string, ManifestDoc[]>();
    for (const d of docs) byKind.set(d.kind, [...(byKind.get(d.kind) ?? []), d]);
    return [...byKind.entries()];
  }, [docs]);
  return (
    <div className="manifests">
      {groups.map(([kind, items], gi) => (
        <details key={kind} className="manifest-group" open={openFirst && gi === 0 ? true : undefined}>
          <summary>
            {kind} <span className="muted small">({items.length})</span>
          </summary>
          {items.map((d) => (
            <details key={`${d.namespace ?? ''}/${d.name}`} className="manifest">
              <summary>
                <code>
                  {d.namespace ? `${d.namespace}/` : ''}
                  {d.name}
                </code>
              </summary>
              <pre className="yaml" tabIndex={0} aria-label={`${kind} ${d.name} YAML`}>
                {d.yaml}
              </pre>
            </details>
          ))}
        </details>
      ))}
    </div>
  );
}
