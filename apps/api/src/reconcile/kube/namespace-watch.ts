// Notices namespaces created or deleted between runs, so enforcement mode "all" gives a new namespace
// its default-deny policy within one reconcile instead of at the next periodic resync.
//
// A list-then-watch of the namespaces (watch.ts); only the names matter here: MODIFIED events (labels,
// finalizers, "Terminating") are not reported, and a re-list after a broken watch reports the names the
// gap hid as one "resynced" change.
import type { FastifyBaseLogger } from 'fastify';

import type { KubeClient } from './client.ts';
import { type CollectionChange, watchCollection } from './watch.ts';

export interface NamespaceChange {
  /** "created" or "deleted"; "resynced" when a re-list found differences a broken watch had missed. */
  type: 'created' | 'deleted' | 'resynced';
  /** The namespaces concerned (sorted). */
  namespaces: string[];
}

export interface NamespaceWatch {
  /** Stops watching; resolves once the open request is closed. */
  stop(): Promise<void>;
}

export interface NamespaceWatchOptions {
  log: Pick<FastifyBaseLogger, 'debug'>;
  /** How long the server keeps one watch request open (it then ends it and we watch again). */
  timeoutSeconds?: number;
  /** Pause before listing again after a failure (doubling on repeated failures). */
  retryMs?: number;
}

/** The namespace change a view change stands for; null for the first list and name-less changes. */
function namespaceChange(change: CollectionChange<true>): NamespaceChange | null {
  if (change.initial) return null;
  if (change.source === 'list')
    return change.added.length + change.removed.length > 0
      ? { type: 'resynced', namespaces: [...change.added, ...change.removed].sort() }
      : null;
  if (change.added.length > 0) return { type: 'created', namespaces: change.added };
  if (change.removed.length > 0) return { type: 'deleted', namespaces: change.removed };
  return null;
}

/** Watches the cluster's namespaces and calls `onChange` for each creation or deletion. */
export function watchNamespaces(
  client: KubeClient,
  onChange: (change: NamespaceChange) => void,
  options: NamespaceWatchOptions,
): NamespaceWatch {
  const { log, timeoutSeconds, retryMs } = options;
  const watch = watchCollection<true>(
    client,
    { path: '/api/v1/namespaces', project: () => true, what: 'namespaces', log, timeoutSeconds, retryMs },
    (change) => {
      const reported = namespaceChange(change);
      if (reported) onChange(reported);
    },
  );
  return { stop: () => watch.stop() };
}
