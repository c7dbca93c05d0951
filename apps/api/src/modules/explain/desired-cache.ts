import {
  canonicalJson,
  type CompiledPolicy,
  type CompilerInput,
  type KubernetesObject,
  networkPolicies,
} from '@egress/manifests';

import type { Changes } from '../../platform/changes.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { readSettings } from '../../platform/settings.ts';
import { compileDesired, type CompilerSnapshot, loadSnapshot } from '../../reconcile/desired-state.ts';
import type { Observations } from '../../reconcile/observe.ts';
import type { ExplainRepository } from './explain.repository.ts';

/** The compiled desired state explain answers from, with what it was compiled from. */
export interface CompiledState {
  input: CompilerInput;
  objects: KubernetesObject[];
  policies: CompiledPolicy[];
  /**
   * The NetworkPolicies of the given namespaces. Evaluating a path reads only the policies of its two
   * ends' namespaces (the client's, the gateway's), so these give the same verdicts as all of them.
   */
  policiesIn(...namespaces: string[]): CompiledPolicy[];
  /** Ids of the grants this state enforces for (service, destination or null for port-wide, port), sorted. */
  enforcedGrantIds(serviceId: string, destinationId: string | null, port: number): string[];
}

/** One database snapshot and what says whether it is still current. */
interface Entry {
  snapshot: CompilerSnapshot;
  /** This process's change counter when the snapshot was read. */
  generation: number;
  /** The audit chain's last seq when it was read: every committed change through the API, on any replica, appends to it. */
  head: bigint;
  /** The earliest expiry among the grants it enforces (ms): from then on it enforces one too many. */
  validUntil: number;
  byKey: Map<string, string[]>;
}

const grantKey = (serviceId: string, destinationId: string | null, port: number) =>
  `${serviceId}/${destinationId ?? '*'}/${port}`;

function indexGrants(snapshot: CompilerSnapshot): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const g of snapshot.grants) {
    const key = grantKey(g.serviceId, g.destinationId, g.port);
    byKey.set(key, [...(byKey.get(key) ?? []), g.id].sort());
  }
  return byKey;
}

/** Compiles a snapshot with the target's observations on the compiler thread, as the reconciler does. */
export async function compileState(
  snapshot: CompilerSnapshot,
  observed: Observations,
  byKey = indexGrants(snapshot),
): Promise<CompiledState> {
  const { readiness, gatewayAddresses, cluster } = observed;
  const objects = await compileDesired(snapshot, readiness, {
    ...(gatewayAddresses ? { addresses: gatewayAddresses } : {}),
    cluster,
  });
  const policies = networkPolicies(objects);
  const byNamespace = new Map<string, CompiledPolicy[]>();
  for (const p of policies) {
    const list = byNamespace.get(p.namespace);
    if (list) list.push(p);
    else byNamespace.set(p.namespace, [p]);
  }
  return {
    input: { ...snapshot, ...observed },
    objects,
    policies,
    policiesIn: (...namespaces) => [...new Set(namespaces)].flatMap((n) => byNamespace.get(n) ?? []),
    enforcedGrantIds: (serviceId, destinationId, port) =>
      byKey.get(grantKey(serviceId, destinationId, port)) ?? [],
  };
}

/**
 * The compiled desired state for explain, compiled again only when it may have changed. Compiling the
 * whole fleet takes about a second at 20,000 grants; a question should not. It is the same compiler on
 * the same input as the reconciler's, so an answer still comes from the compiled desired state:
 * - the database snapshot is read again after a committed change: this process's change signal
 *   (platform/changes.ts), or a new audit event (a change made through another replica; each
 *   change appends its audit row in its own transaction, and the chain lock orders them by commit),
 *   or the earliest expiry among the enforced grants passing (expiry is a change nobody commits);
 * - the target's observations (gateway readiness and addresses, the cluster's namespaces) are read on
 *   every question, as before; the compiled objects are reused only for the same snapshot and the same
 *   observations;
 * - `invalidate()` drops the snapshot: explain calls it when the grants table disagrees with the
 *   snapshot about the grants of the question (a write that bypassed the API).
 * Concurrent questions share one read and one compile.
 */
/** `db` is for the engine's snapshot read (desired-state.ts); the freshness checks go through `repo`. */
export function createDesiredStateCache(deps: {
  db: Db;
  repo: Pick<ExplainRepository, 'auditHead' | 'nextExpiry'>;
  observe: (snapshot: CompilerSnapshot) => Promise<Observations>;
  changes: Changes;
  clock: Clock;
}) {
  const { db, repo, observe, changes, clock } = deps;
  let generation = 0;
  const unsubscribe = changes.onDesiredStateChanged(() => {
    generation += 1;
  });
  let loading: Promise<Entry> | null = null;
  let compiled: { entry: Entry; key: string; state: Promise<CompiledState> } | null = null;
  /** How often the snapshot was read, compiled, and dropped by invalidate(): what tests and the bench look at. */
  const stats = { loads: 0, compiles: 0, invalidations: 0 };

  async function load(): Promise<Entry> {
    // The counters first: a change committed while the snapshot is read makes the entry stale, never hidden.
    stats.loads += 1;
    const at = generation;
    const head = await repo.auditHead();
    const now = clock.now();
    const snapshot = await loadSnapshot(db, readSettings, now);
    const next = await repo.nextExpiry(now);
    return {
      snapshot,
      generation: at,
      head,
      validUntil: next?.getTime() ?? Number.POSITIVE_INFINITY,
      byKey: indexGrants(snapshot),
    };
  }

  /** A snapshot at least as new as the last change this question could know of (`head`: the chain's head, read when it started). */
  async function current(head: bigint): Promise<Entry> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const pending = (loading ??= load());
      const entry = await pending.catch((error: unknown) => {
        if (loading === pending) loading = null;
        throw error;
      });
      if (entry.generation === generation && entry.head >= head && clock.now().getTime() < entry.validUntil)
        return entry;
      if (loading === pending) loading = null;
    }
    // Changes keep coming: a snapshot read now is current enough for this question; not kept.
    return load();
  }

  return {
    /** `head`: the audit chain's last seq as the caller read it at the start of its question, if it did. */
    async get(head?: bigint): Promise<CompiledState> {
      const entry = await current(head ?? (await repo.auditHead()));
      const observed = await observe(entry.snapshot);
      const key = canonicalJson(observed);
      if (compiled?.entry !== entry || compiled.key !== key) {
        stats.compiles += 1;
        const state = compileState(entry.snapshot, observed, entry.byKey);
        compiled = { entry, key, state };
        state.catch(() => {
          if (compiled?.state === state) compiled = null;
        });
      }
      return compiled.state;
    },
    invalidate(): void {
      stats.invalidations += 1;
      loading = null;
      compiled = null;
    },
    stats: (): Readonly<typeof stats> => ({ ...stats }),
    close: unsubscribe,
  };
}

export type DesiredStateCache = ReturnType<typeof createDesiredStateCache>;
