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
  // A function, not the variable: the loops read it after awaits, where stop() may have run meanwhile.
  const running = () => !stopped;
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

  /** Applies one watch event to the names we know; returns the version to go on from, or null to re-list. */
  function handle(event: WatchEvent, version: string): string | null {
    // 410 Gone (the version fell out of the server's window) or any other error: start over.
    if (event.type === 'ERROR') return null;
    const meta = event.object?.metadata;
    if (meta?.name !== undefined) record(event.type, meta.name);
    return meta?.resourceVersion ?? version;
  }

  /** A namespace added or deleted, reported once (MODIFIED and repeated events are not). */
  function record(type: string | undefined, name: string): void {
    if (known === null) return;
    if (type === 'ADDED' && !known.has(name)) {
      known.add(name);
      onChange({ type: 'created', namespaces: [name] });
    } else if (type === 'DELETED' && known.delete(name)) {
      onChange({ type: 'deleted', namespaces: [name] });
    }
  }

  /** One watch request from `version`; returns the version to go on from, or null to list again. */
  async function watchFrom(version: string): Promise<string | null> {
    let next: string | null = version;
    const query = { watch: '1', resourceVersion: version, allowWatchBookmarks: 'true', timeoutSeconds: String(timeoutSeconds) };
    const stream = await client.stream({ path: PATH, query }, (raw) => {
      if (next !== null) next = handle(raw as WatchEvent, next);
    });
    if (stream.status !== 200) throw new Error(`watching namespaces failed with HTTP ${stream.status}`);
    close = () => stream.close();
    // stop() may have come while the request was opening: it found nothing to close then.
    if (!running()) stream.close();
    const opened = Date.now();
    await stream.done;
    close = null;
    // A server that ends watches at once would otherwise be asked again in a tight loop.
    if (Date.now() - opened < 1000 && running()) await pause(retryMs);
    return next;
  }

  async function loop(): Promise<void> {
    while (running()) {
      try {
        let version: string | null = await list();
        while (running() && version !== null) version = await watchFrom(version);
      } catch (error) {
        if (running()) log.debug({ err: error }, 'namespace watch interrupted; listing again shortly');
        await pause(retryMs);
      }
    }
  }

  const looping = loop();
  return {
    async stop() {
      stopped = true;
      close?.();
      wakeUp?.();
      await looping;
    },
  };
}
