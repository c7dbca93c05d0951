// Keeps a small view of one collection current with a Kubernetes watch, as the API server documents it:
// list once for a resourceVersion, then watch from it with bookmarks (which keep the version current
// while nothing changes); when the server ends the watch (timeoutSeconds) watch again from the last
// version; when the version is too old (410 Gone, as an HTTP answer or an ERROR event) list afresh at
// once; when a request fails, list afresh after a pause that doubles up to a ceiling.
//
// Each object is kept as `project(object)` (e.g. only whether a gateway is ready), keyed by name, so a
// MODIFIED event that does not change the projection is not reported. Requests while nothing changes:
// one watch re-opened each `timeoutSeconds`; events and bookmarks arrive on the open request.
import type { FastifyBaseLogger } from 'fastify';

import type { KubeClient } from './client.ts';

export interface WatchedObject {
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    creationTimestamp?: string;
  };
  status?: Record<string, unknown>;
  spec?: Record<string, unknown>;
}

/** What changed in the view, reported only when something did. */
export interface CollectionChange<T> {
  /** "list": the first list (`initial`) or a re-list after a gap; "watch": one event. */
  source: 'list' | 'watch';
  /** True for the first list only: everything is "added", nothing was known before. */
  initial: boolean;
  added: string[];
  removed: string[];
  /** Names whose projection changed. */
  modified: string[];
  /** The whole view after the change (do not keep it: it is the live map). */
  items: ReadonlyMap<string, T>;
}

export interface CollectionWatch<T> {
  /** The view as of the last event; null until the first list succeeded and after a failed one. */
  current(): ReadonlyMap<string, T> | null;
  /** Stops watching; resolves once the open request is closed. */
  stop(): Promise<void>;
}

export interface CollectionWatchOptions<T> {
  /** Collection path, e.g. /apis/apps/v1/namespaces/ns/deployments (one namespace, or a cluster-scoped kind: names are the keys). */
  path: string;
  labelSelector?: string;
  /** What to keep of each object; compared with JSON equality to tell a change. */
  project: (object: WatchedObject) => T;
  /**
   * The view's key of an object; default its name. A collection across namespaces (e.g. /api/v1/pods)
   * keys by "namespace/name", since names repeat between namespaces.
   */
  key?: (object: WatchedObject) => string | undefined;
  /** For log lines: "namespaces", "gateway deployments". */
  what: string;
  log: Pick<FastifyBaseLogger, 'debug'>;
  /** How long the server keeps one watch request open (it then ends it and we watch again). */
  timeoutSeconds?: number;
  /** First pause before listing again after a failure; it doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * Default length of one watch request: 30 minutes. Each re-open is one request, so two watches cost
 * 4 requests an hour; a dead connection is noticed sooner anyway, by the client's idle timeout (no
 * bookmark for 5 minutes).
 */
export const WATCH_TIMEOUT_SECONDS = 1800;

interface WatchEvent {
  type?: string;
  object?: WatchedObject & { code?: number };
}

interface List {
  metadata?: { resourceVersion?: string };
  items?: WatchedObject[];
}

/** A version the server no longer has (410 Gone): list again at once, no pause. */
class Expired extends Error {}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Watches one collection and calls `onChange` whenever its projected view changes. */
export function watchCollection<T>(
  client: KubeClient,
  options: CollectionWatchOptions<T>,
  onChange: (change: CollectionChange<T>) => void,
): CollectionWatch<T> {
  const {
    path,
    labelSelector,
    project,
    key = (o: WatchedObject) => o.metadata?.name,
    what,
    log,
    timeoutSeconds = WATCH_TIMEOUT_SECONDS,
    retryMs = 1000,
    maxRetryMs = 60_000,
  } = options;
  let stopped = false;
  // A function, not the variable: the loops read it after awaits, where stop() may have run meanwhile.
  const running = () => !stopped;
  let close: (() => void) | null = null;
  let wakeUp: (() => void) | null = null;
  /** The view as of the last list plus the events since; null before the first list. */
  let view: Map<string, T> | null = null;
  /** False from a failure until the next list: the view may have missed changes meanwhile. */
  let synced = false;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** Lists the collection; reports what differs from the view it replaces. Returns the list's version. */
  async function list(): Promise<string> {
    const res = await client.request<List>({ method: 'GET', path, query: { labelSelector } });
    if (res.status === 410) throw new Expired();
    if (res.status !== 200) throw new Error(`listing ${what} failed with HTTP ${res.status}`);
    const next = new Map<string, T>();
    for (const o of res.body.items ?? []) {
      const k = key(o);
      if (k !== undefined) next.set(k, project(o));
    }
    const initial = view === null;
    const before = view ?? new Map<string, T>();
    view = next;
    synced = true;
    const added = [...next.keys()].filter((n) => !before.has(n)).sort();
    const removed = [...before.keys()].filter((n) => !next.has(n)).sort();
    const modified = [...next.keys()]
      .filter((n) => before.has(n) && !same(before.get(n), next.get(n)))
      .sort();
    if (initial || added.length + removed.length + modified.length > 0)
      onChange({ source: 'list', initial, added, removed, modified, items: next });
    return res.body.metadata?.resourceVersion ?? '';
  }

  /** Applies one watch event to the view; returns the version to go on from, or null to re-list. */
  function handle(event: WatchEvent, version: string): string | null {
    // 410 Gone (the version fell out of the server's window) or any other error: start over.
    if (event.type === 'ERROR') return null;
    const k = event.object ? key(event.object) : undefined;
    if (k !== undefined && event.object) record(event.type, k, event.object);
    return event.object?.metadata?.resourceVersion ?? version;
  }

  function record(type: string | undefined, name: string, object: WatchedObject): void {
    if (view === null) return;
    const change = {
      source: 'watch' as const,
      initial: false,
      added: [] as string[],
      removed: [] as string[],
      modified: [] as string[],
      items: view,
    };
    if (type === 'DELETED') {
      if (!view.delete(name)) return;
      change.removed.push(name);
    } else if (type === 'ADDED' || type === 'MODIFIED') {
      const value = project(object);
      const had = view.has(name);
      if (had && same(view.get(name), value)) return;
      view.set(name, value);
      (had ? change.modified : change.added).push(name);
    } else return;
    onChange(change);
  }

  /** One watch request from `version`; returns the version to go on from, or null to list again. */
  async function watchFrom(version: string): Promise<string | null> {
    let next: string | null = version;
    const query = {
      watch: '1',
      labelSelector,
      resourceVersion: version,
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(timeoutSeconds),
    };
    const stream = await client.stream({ path, query }, (raw) => {
      if (next !== null) next = handle(raw as WatchEvent, next);
    });
    if (stream.status === 410) return null;
    if (stream.status !== 200) throw new Error(`watching ${what} failed with HTTP ${stream.status}`);
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
    let failures = 0;
    while (running()) {
      try {
        let version: string | null = await list();
        failures = 0;
        while (running() && version !== null) version = await watchFrom(version);
      } catch (error) {
        if (error instanceof Expired) continue;
        // Until a list succeeds again the view may be stale: say so rather than answer from it.
        synced = false;
        failures++;
        if (running()) log.debug({ err: error, what }, 'watch interrupted; listing again after a pause');
        await pause(Math.min(maxRetryMs, retryMs * 2 ** Math.min(failures - 1, 16)));
      }
    }
  }

  const looping = loop();
  return {
    current: () => (synced ? view : null),
    async stop() {
      stopped = true;
      close?.();
      wakeUp?.();
      await looping;
    },
  };
}
