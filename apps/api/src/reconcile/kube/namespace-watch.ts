// Notices namespaces created or deleted between runs, so enforcement mode "all" gives a new namespace
// its default-deny policy within one reconcile instead of at the next periodic resync.
//
// A Kubernetes watch as the API server documents it: list once for a resourceVersion, then watch from
// it with bookmarks (which keep the version current while nothing changes); when the server ends the
// watch (timeoutSeconds) watch again from the last version; when the version is too old (410 Gone, or an
// ERROR event) or the connection breaks, list afresh and report any difference the gap hid.
// Only the names matter here: MODIFIED events (labels, finalizers, "Terminating") are not reported.
import type { FastifyBaseLogger } from 'fastify';

import type { KubeClient } from './client.ts';

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
  /** Pause before listing again after a failure. */
  retryMs?: number;
}

interface WatchEvent {
  type?: string;
  object?: { metadata?: { name?: string; resourceVersion?: string }; code?: number };
}

interface NamespaceList {
  metadata?: { resourceVersion?: string };
  items?: { metadata: { name: string } }[];
}

const PATH = '/api/v1/namespaces';

/** Watches the cluster's namespaces and calls `onChange` for each creation or deletion. */
export function watchNamespaces(client: KubeClient, onChange: (change: NamespaceChange) => void, options: NamespaceWatchOptions): NamespaceWatch {
  const { log, timeoutSeconds = 300, retryMs = 2000 } = options;
  let stopped = false;
  let close: (() => void) | null = null;
  let wakeUp: (() => void) | null = null;
  /** Names as of the last list plus the events since; null before the first list. */
  let known: Set<string> | null = null;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** Lists the namespaces; reports what changed since the names we knew. Returns the list's version. */
  async function list(): Promise<string> {
    const res = await client.request<NamespaceList>({ method: 'GET', path: PATH });
    if (res.status !== 200) throw new Error(`listing namespaces failed with HTTP ${res.status}`);
    const names = new Set((res.body.items ?? []).map((n) => n.metadata.name));
    if (known !== null) {
      const differ = [...names].filter((n) => !known?.has(n)).concat([...known].filter((n) => !names.has(n)));
      if (differ.length > 0) onChange({ type: 'resynced', namespaces: differ.sort() });
    }
    known = names;
    return res.body.metadata?.resourceVersion ?? '';
  }

  /** One watch request from `version`; returns the version to go on from, or null to list again. */
  async function watchFrom(version: string): Promise<string | null> {
    let next: string | null = version;
    const query = { watch: '1', resourceVersion: version, allowWatchBookmarks: 'true', timeoutSeconds: String(timeoutSeconds) };
    const stream = await client.stream({ path: PATH, query }, (raw) => {
      const event = raw as WatchEvent;
      const name = event.object?.metadata?.name;
      const rv = event.object?.metadata?.resourceVersion;
      if (event.type === 'ERROR') {
        // 410 Gone: the version fell out of the server's window; anything else: start over as well.
        next = null;
        return;
      }
      if (rv !== undefined && next !== null) next = rv;
      if (name === undefined || known === null) return;
      if (event.type === 'ADDED' && !known.has(name)) {
        known.add(name);
        onChange({ type: 'created', namespaces: [name] });
      } else if (event.type === 'DELETED' && known.delete(name)) {
        onChange({ type: 'deleted', namespaces: [name] });
      }
    });
    if (stream.status !== 200) throw new Error(`watching namespaces failed with HTTP ${stream.status}`);
    close = stream.close;
    const opened = Date.now();
    await stream.done;
    close = null;
    // A server that ends watches at once would otherwise be asked again in a tight loop.
    if (Date.now() - opened < 1000 && !stopped) await pause(retryMs);
    return next;
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      try {
        let version: string | null = await list();
        while (!stopped && version !== null) version = await watchFrom(version);
      } catch (error) {
        if (!stopped) log.debug({ err: error }, 'namespace watch interrupted; listing again shortly');
        await pause(retryMs);
      }
    }
  }

  const running = loop();
  return {
    async stop() {
      stopped = true;
      close?.();
      wakeUp?.();
      await running;
    },
  };
}
