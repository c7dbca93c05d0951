import { keepPreviousData, queryOptions } from '@tanstack/react-query';

import { api } from '../../../lib/api-client.ts';

export const reconcileKeys = {
  all: ['reconcile'] as const,
  runs: () => [...reconcileKeys.all, 'runs'] as const,
  runList: (cursor: string | undefined) => [...reconcileKeys.runs(), { cursor }] as const,
  run: (id: string) => [...reconcileKeys.runs(), 'detail', id] as const,
  manifests: () => [...reconcileKeys.all, 'manifests'] as const,
  manifestsYaml: () => [...reconcileKeys.manifests(), 'yaml'] as const,
  status: () => [...reconcileKeys.all, 'status'] as const,
};

/** The live state against the desired one (drift, gateway readiness) and the latest finished run. */
export function reconcileStatusQuery() {
  return queryOptions({
    queryKey: reconcileKeys.status(),
    queryFn: ({ signal }) => api.getReconcileStatus(undefined, { signal }),
    refetchInterval: 30_000,
  });
}

export function reconcileRunsQuery(cursor: string | undefined) {
  return queryOptions({
    queryKey: reconcileKeys.runList(cursor),
    queryFn: ({ signal }) => api.listReconcileRuns({ query: { limit: 20, cursor } }, { signal }),
    placeholderData: keepPreviousData,
    // Runs move from queued to finished within seconds: poll while one is unfinished.
    refetchInterval: (q) =>
      q.state.data?.items.some((r) => r.status === 'queued' || r.status === 'running') ? 2000 : false,
  });
}

export function reconcileRunQuery(id: string) {
  return queryOptions({
    queryKey: reconcileKeys.run(id),
    queryFn: ({ signal }) => api.getReconcileRun({ params: { id } }, { signal }),
  });
}

/** The desired objects as the server renders them (multi-document YAML). */
export function manifestsYamlQuery() {
  return queryOptions({
    queryKey: reconcileKeys.manifestsYaml(),
    queryFn: ({ signal }) => api.text('getManifests', { query: { format: 'yaml' } }, { signal }),
  });
}

export interface ManifestDoc {
  kind: string;
  name: string;
  namespace: string | null;
  yaml: string;
}

/** Splits a multi-document YAML stream and reads each document's kind, name and namespace. */
export function splitManifests(yaml: string): ManifestDoc[] {
  return yaml
    .split(/^---[ \t]*$/m)
    .map((doc) => doc.replace(/^\n+|\s+$/g, ''))
    .filter((doc) => doc.length > 0)
    .map((doc) => ({
      kind: /^kind:\s*(\S+)/m.exec(doc)?.[1] ?? 'Unknown',
      name: /^metadata:\n(?:[ ]{2}.*\n)*?[ ]{2}name:\s*(\S+)/m.exec(doc)?.[1] ?? '',
      namespace: /^metadata:\n(?:[ ]{2}.*\n)*?[ ]{2}namespace:\s*(\S+)/m.exec(doc)?.[1] ?? null,
      yaml: doc,
    }));
}
