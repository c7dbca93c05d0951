// The kubernetes target: server-side apply of the desired objects, skip by content hash, prune of
// managed objects no longer desired, in the order of docs/design.md §2. See docs/kubernetes.md.
//
// One run: list every managed object (one list per kind, across namespaces) and the namespaces; take
// gateway readiness from the listed Deployments and compile the desired state with it; create missing
// namespaces; apply stage by stage (gateways, access policies, DNS), objects of one
// stage in parallel; then delete what is no longer desired, stage by stage in reverse. The DNS snippet
// maps names to the gateway Services' ClusterIPs (listed with the Services): when applying a Service
// gave it a new address (created, or recreated after someone deleted it), the DNS ConfigMap is compiled
// again with it before the DNS stage, so the snippet follows in the same run. A gateway is
// deleted only once the DNS ConfigMap is in its desired state (its rewrite gone). An object that
// fails is reported with its reason and the run goes on; an API server that cannot be reached at all
// stops the run (ClusterUnreachableError) and the reconciler retries with backoff.
import type { CompilerCluster, KubernetesObject } from '@egress/manifests';

import type { Readiness } from '../desired-state.ts';
import { applyObject, createNamespace, deleteObject, type WriteContext } from '../kube/apply.ts';
import type { KubeClient } from '../kube/client.ts';
import { compareLive, driftReason, hashAnnotation } from '../kube/drift.ts';
import {
  createManagedLister,
  listGatewayDeployments,
  listGatewayServices,
  listNamespaceStates,
  missingReason,
  readManaged,
} from '../kube/live-state.ts';
import {
  APPLY_STAGES,
  componentOf,
  DELETE_STAGES,
  type LiveObject,
  objectKey,
  stageOf,
} from '../kube/resources.ts';
import type { CollectionWatch } from '../kube/watch.ts';
import {
  gatewayAddressesOf,
  noLog,
  num,
  readinessOf,
  readyReplicas,
  sameSteering,
  watchGatewayReadiness,
  withoutDeleted,
} from './gateway-state.ts';
import type {
  ApplyOptions,
  ApplyResult,
  Desired,
  DriftEntry,
  GatewayStatus,
  GatewayWrite,
  ObjectResult,
  ReadinessWatch,
  Scope,
  Target,
} from './target.ts';
import { errorLines, objectRef, sortDrift } from './target.ts';

export interface KubernetesTarget extends Target {
  readonly name: 'kubernetes';
  readonly client: KubeClient;
}

/** How long a change-triggered run may reuse the live state read by an earlier run. */
const LIVE_STATE_MAX_AGE_MS = 60_000;

/**
 * Requests in flight at once within one stage (stages themselves run one after another). The client's
 * keep-alive agent holds 16 sockets; more in flight would only queue there.
 */
const CONCURRENCY = 16;
/** How many missing objects `inspect` looks up one by one to tell "absent" from "not ours". */
const MISSING_LOOKUPS = 20;

/** Runs `fn` over `items`, at most `limit` at a time; the first error stops new work and is thrown. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let stop = false;
  const worker = async () => {
    while (!stop && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i] as T);
      } catch (error) {
        stop = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function ensureNamespaces(
  client: KubeClient,
  objects: KubernetesObject[],
  existing: Set<string>,
  dryRun: boolean,
): Promise<Map<string, string | null>> {
  const needed = new Set(
    objects.map((o) => o.metadata.namespace).filter((n): n is string => n !== undefined),
  );
  const missing = new Map<string, string | null>();
  const ctx: WriteContext = { client, dryRun, missingNamespaces: missing };
  const absent = [...needed].filter((n) => !existing.has(n)).sort();
  if (dryRun) for (const ns of absent) missing.set(ns, null);
  else {
    // Namespaces come before every stage; among themselves they are independent.
    const failures = await mapLimit(absent, CONCURRENCY, (ns) => createNamespace(ctx, ns));
    absent.forEach((ns, i) => {
      const failure = failures[i];
      if (failure) missing.set(ns, failure);
    });
  }
  return missing;
}

const DNS_PENDING =
  'kept: the DNS ConfigMap could not be brought to its desired state, so a rewrite may still point at this gateway';

async function prune(ctx: WriteContext, extras: LiveObject[], dnsOk: boolean): Promise<ObjectResult[]> {
  const results: ObjectResult[] = [];
  for (const stage of DELETE_STAGES) {
    const batch = extras.filter((o) => stageOf(o) === stage);
    if (stage.role === 'gateway' && !dnsOk)
      results.push(
        ...batch.map((o): ObjectResult => ({
          kind: o.kind,
          namespace: o.metadata.namespace ?? null,
          name: o.metadata.name,
          action: 'failed',
          error: DNS_PENDING,
        })),
      );
    else results.push(...(await mapLimit(batch, CONCURRENCY, (o) => deleteObject(ctx, o))));
  }
  return results;
}

function gatewayStatuses(objects: KubernetesObject[], live: Map<string, LiveObject>): GatewayStatus[] {
  return objects
    .filter((o) => o.kind === 'Deployment' && componentOf(o) === 'gateway')
    .map((o) => {
      const d = live.get(objectKey(o));
      const destination =
        Object.entries(o.metadata.annotations).find(([k]) => k.endsWith('/destination'))?.[1] ?? '';
      const ready = readyReplicas(d);
      return {
        destination,
        gatewayName: o.metadata.name,
        readyReplicas: ready,
        desiredReplicas: num(d?.spec?.['replicas']),
        ready: ready > 0,
      };
    });
}

async function driftOf(
  client: KubeClient,
  objects: KubernetesObject[],
  live: Map<string, LiveObject>,
): Promise<DriftEntry[]> {
  const drift: DriftEntry[] = [];
  const absent: KubernetesObject[] = [];
  for (const o of objects) {
    const l = live.get(objectKey(o));
    if (!l) {
      absent.push(o);
      continue;
    }
    const comparison = compareLive(o, l);
    const edited = driftReason(comparison);
    if (edited !== null) drift.push({ ...objectRef(o), reason: edited });
    else if (comparison.outdated)
      drift.push({
        ...objectRef(o),
        reason:
          'outdated: its content-hash annotation differs from the desired state (a change not applied yet)',
      });
  }
  const looked = await mapLimit(absent.slice(0, MISSING_LOOKUPS), CONCURRENCY, (o) =>
    missingReason(client, o),
  );
  absent.forEach((o, i) => drift.push({ ...objectRef(o), reason: looked[i] ?? 'missing' }));
  const wanted = new Set(objects.map(objectKey));
  for (const l of live.values()) {
    if (!wanted.has(objectKey(l)))
      drift.push({
        kind: l.kind,
        namespace: l.metadata.namespace ?? null,
        name: l.metadata.name,
        reason: 'extra: managed by egress-control but no longer desired',
      });
  }
  return sortDrift(drift);
}

interface LiveCache {
  scope: string;
  live: Map<string, LiveObject>;
  listedAt: number;
}

export interface KubernetesTargetOptions {
  /** The namespace egress control runs in (left open in enforcement mode "all"); null when unknown. */
  productNamespace?: string | null;
}

export function createKubernetesTarget(
  client: KubeClient,
  options: KubernetesTargetOptions = {},
): KubernetesTarget {
  const lister = createManagedLister(client);
  const productNamespace = options.productNamespace ?? null;
  const clusterOf = (active: string[]): CompilerCluster => ({ namespaces: active, productNamespace });
  /** The last listed live state, kept current with our own writes (never with dry runs). */
  let cache: LiveCache | null = null;
  /** Running readiness watches by namespace (observeReadiness answers from one that is in sync). */
  const readinessWatches = new Map<string, Set<CollectionWatch<boolean>>>();

  function watchedReadiness(namespace: string): Readiness | null {
    for (const w of readinessWatches.get(namespace) ?? []) {
      const view = w.current();
      if (view) return Object.fromEntries(view);
    }
    return null;
  }

  /**
   * The kept live state for `scope`, if listed less than `maxAgeMs` ago: by default recent enough to
   * stand for a read of the cluster.
   */
  function keptLiveState(scope: Scope, maxAgeMs = LIVE_STATE_MAX_AGE_MS): Map<string, LiveObject> | null {
    const fresh = cache?.scope === JSON.stringify(scope) && Date.now() - cache.listedAt < maxAgeMs;
    return fresh ? (cache?.live ?? null) : null;
  }

  async function liveState(
    scope: Scope,
    reuse: boolean,
  ): Promise<{ live: Map<string, LiveObject>; cached: boolean }> {
    const kept = reuse ? keptLiveState(scope) : null;
    if (kept) return { live: new Map(kept), cached: true };
    cache = null;
    const live = await lister.listManaged(scope);
    cache = { scope: JSON.stringify(scope), live: new Map(live), listedAt: Date.now() };
    return { live, cached: false };
  }

  /**
   * On kept live state, an object about to be rewritten (its kept hash is not the desired one) is read
   * again first, as a change-scoped run does: the write then starts from the cluster as it is, and an
   * edit made outside since the last read is reported as drift (kube/drift.ts), not silently put back.
   * One GET per object written; the objects the change leaves alone are not read. Undefined when it is
   * gone or no longer ours: applied as missing (created, or refused if someone else holds the name).
   */
  async function reread(o: KubernetesObject, live: Map<string, LiveObject>): Promise<LiveObject | undefined> {
    const kept = live.get(objectKey(o));
    if (!kept || hashAnnotation(kept) === hashAnnotation(o)) return kept;
    return (await readManaged(client, o)) ?? undefined;
  }

  async function run(
    desired: Desired,
    { dryRun, scope, reuseLiveState = false }: ApplyOptions,
  ): Promise<ApplyResult> {
    // The namespace list is also what tells a run on reused state that the API server answers.
    const [{ live, cached }, namespaces] = await Promise.all([
      liveState(scope, reuseLiveState && !dryRun),
      listNamespaceStates(client),
    ]);
    const readiness = readinessOf(live.values(), scope);
    const addresses = gatewayAddressesOf(live.values(), scope);
    const cluster = clusterOf(namespaces.active);
    let objects = await desired(readiness, { addresses, cluster });
    /** Services as the API server returned them from this run's writes (with their ClusterIPs). */
    const appliedServices = new Map<string, LiveObject>();
    const ctx: WriteContext = {
      client,
      dryRun,
      missingNamespaces: await ensureNamespaces(client, objects, namespaces.all, dryRun),
      hashOnly: cached,
      written: (o) => {
        cache?.live.set(objectKey(o), o);
        if (o.kind === 'Service') appliedServices.set(objectKey(o), o);
      },
      removed: (o) => cache?.live.delete(objectKey(o)),
    };
    const results: ObjectResult[] = [];
    let dnsOk = true;
    for (const stage of APPLY_STAGES) {
      if (stage.role === 'dns' && appliedServices.size > 0) {
        const now = gatewayAddressesOf(new Map([...live, ...appliedServices]).values(), scope);
        if (!sameSteering(now, addresses, readiness))
          objects = await desired(readiness, { addresses: now, cluster });
      }
      const batch = objects.filter((o) => stageOf(o) === stage);
      const done = await mapLimit(batch, CONCURRENCY, async (o) =>
        applyObject(ctx, o, cached ? await reread(o, live) : live.get(objectKey(o))),
      );
      if (stage.role === 'dns') dnsOk = done.every((r) => r.action !== 'failed');
      results.push(...done);
    }
    const wanted = new Set(objects.map(objectKey));
    results.push(
      ...(await prune(
        ctx,
        [...live.values()].filter((o) => !wanted.has(objectKey(o))),
        dnsOk,
      )),
    );
    return {
      objects: results,
      errors: errorLines(results),
      readiness: withoutDeleted(readiness, results, scope),
    };
  }

  /**
   * See Target.applyGateways: the changed objects of some gateways. The kept live state (the last read
   * plus this process's writes since, of any age) says which objects the change touches; those are read
   * again, one GET each (usually one: the gateway's NetworkPolicy), so they are written against what the
   * cluster holds now: an edit made outside the product since is put back and reported as drift, as a
   * full run would. An object deleted or handed over since sends the change to the full run.
   */
  async function writeGateways(objects: KubernetesObject[], scope: Scope): Promise<GatewayWrite | null> {
    // Of any age: it only says which objects the change touches, and those are read again below.
    const live = keptLiveState(scope, Infinity);
    if (!live) return null;
    const kept = (o: KubernetesObject) => live.get(objectKey(o));
    if (objects.some((o) => kept(o) === undefined)) return null;
    const changed = objects.filter((o) => hashAnnotation(kept(o) as LiveObject) !== hashAnnotation(o));
    if (changed.some((o) => o.kind === 'Service')) return null;
    const now = await mapLimit(changed, CONCURRENCY, (o) => readManaged(client, o));
    if (now.some((o) => o === null)) return null;
    const current = new Map(changed.map((o, i) => [objectKey(o), now[i] as LiveObject]));
    const ctx: WriteContext = {
      client,
      dryRun: false,
      missingNamespaces: new Map(),
      hashOnly: true,
      written: (o) => live.set(objectKey(o), o),
    };
    const results: ObjectResult[] = objects
      .filter((o) => !changed.includes(o))
      .map((o) => ({ ...objectRef(o), action: 'unchanged' }));
    for (const stage of APPLY_STAGES) {
      const batch = changed.filter((o) => stageOf(o) === stage);
      results.push(
        ...(await mapLimit(batch, CONCURRENCY, (o) => applyObject(ctx, o, current.get(objectKey(o))))),
      );
    }
    return { objects: results, errors: errorLines(results) };
  }

  return {
    name: 'kubernetes',
    client,

    async applyGateways(objects, scope) {
      try {
        return await writeGateways(objects, scope);
      } catch (error) {
        cache = null;
        throw error;
      }
    },

    async observeReadiness(scope) {
      return (
        watchedReadiness(scope.gatewayNamespace) ??
        readinessOf(await listGatewayDeployments(client, scope.gatewayNamespace), scope)
      );
    },

    watchReadiness(scope, onChange, options = {}): ReadinessWatch {
      const namespace = scope.gatewayNamespace;
      const watch = watchGatewayReadiness(client, namespace, onChange, options.log ?? noLog);
      const running = readinessWatches.get(namespace) ?? new Set();
      running.add(watch);
      readinessWatches.set(namespace, running);
      return {
        async stop() {
          running.delete(watch);
          await watch.stop();
        },
      };
    },

    async observeAddresses(scope) {
      return gatewayAddressesOf(await listGatewayServices(client, scope.gatewayNamespace), scope);
    },

    async apply(desired, options) {
      try {
        return await run(desired, options);
      } catch (error) {
        // Stopped half way: what the cluster holds now is unknown.
        cache = null;
        throw error;
      }
    },

    async inspect(desired, scope) {
      const [live, namespaces] = await Promise.all([lister.listManaged(scope), listNamespaceStates(client)]);
      const objects = await desired(readinessOf(live.values(), scope), {
        addresses: gatewayAddressesOf(live.values(), scope),
        cluster: clusterOf(namespaces.active),
      });
      return { drift: await driftOf(client, objects, live), gateways: gatewayStatuses(objects, live) };
    },

    async clusterNamespaces() {
      return clusterOf((await listNamespaceStates(client)).active);
    },
  };
}
