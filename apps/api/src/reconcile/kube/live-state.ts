// Reading the cluster: every object we manage (by the managed-by label) and the namespaces that exist.
// A failed list fails the whole run: without the live state neither skipping nor pruning is safe.
//
// Permissions decide how far we look. With list rights across the cluster (a ClusterRole), each kind
// is listed once across all namespaces, so objects left anywhere (e.g. after the gateway namespace
// setting changed) are found and pruned. With namespaced rights (the Helm chart's Roles), a kind whose
// cluster-wide list is forbidden is listed in each namespace the settings may put objects in (gateway,
// DNS and enforced namespaces); a namespace we may not list holds nothing of ours that we could write
// or delete anyway.
import type { KubernetesObject } from '@egress/manifests';

import type { Scope } from '../targets/target.ts';
import type { KubeClient, KubeResponse } from './client.ts';
import {
  collectionPath,
  FIELD_MANAGER,
  type KindInfo,
  kindInfo,
  KINDS,
  type LiveObject,
  MANAGED_BY_LABEL,
  MANAGED_SELECTOR,
  objectKey,
  objectPath,
} from './resources.ts';

const PAGE = 500;

interface List {
  items?: LiveObject[];
  metadata?: { continue?: string };
  message?: string;
}

/** A failure that stops the run, with a message fit for the run record (no stack, no library text). */
export class RunFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFailure';
  }
}

/** A list the reconciler's account may not make. */
export class ListForbidden extends RunFailure {}

function listFailure(what: string, res: KubeResponse<List | null>): RunFailure {
  const message = res.body?.message;
  const detail = message ? `: ${message.slice(0, 300)}` : '';
  if (res.status === 401)
    return new RunFailure("the Kubernetes API server rejected the reconciler's credentials (HTTP 401)");
  if (res.status === 403)
    return new ListForbidden(
      `forbidden to list ${what}: the reconciler's account needs list on ${what} (see deploy/helm)${detail}`,
    );
  return new RunFailure(`listing ${what} failed with HTTP ${res.status}${detail}`);
}

async function listAll(
  client: KubeClient,
  what: string,
  path: string,
  labelSelector?: string,
): Promise<LiveObject[]> {
  const items: LiveObject[] = [];
  let next: string | undefined;
  do {
    const res = await client.request<List>({
      method: 'GET',
      path,
      query: { labelSelector, limit: String(PAGE), continue: next },
    });
    if (res.status !== 200) throw listFailure(what, res);
    items.push(...(res.body.items ?? []));
    next = res.body.metadata?.continue || undefined;
  } while (next);
  return items;
}

async function listKind(
  client: KubeClient,
  info: KindInfo,
  namespace?: string,
  selector = MANAGED_SELECTOR,
): Promise<LiveObject[]> {
  const items = await listAll(client, info.plural, collectionPath(info, namespace), selector);
  // List items carry no kind; add it so objects can be keyed like desired ones.
  return items.map((o) => ({ ...o, kind: info.kind }));
}

export interface ManagedLister {
  /** Every object labelled managed-by egress-control, of every kind we write, keyed kind/namespace/name. */
  listManaged(scope: Scope): Promise<Map<string, LiveObject>>;
}

export function createManagedLister(client: KubeClient): ManagedLister {
  /** Kinds whose cluster-wide list was refused: from then on listed per namespace (until restart). */
  const namespacedOnly = new Set<string>();

  async function inNamespaces(info: KindInfo, namespaces: Iterable<string>): Promise<LiveObject[]> {
    const out: LiveObject[] = [];
    for (const ns of namespaces) {
      try {
        out.push(...(await listKind(client, info, ns)));
      } catch (error) {
        if (!(error instanceof ListForbidden)) throw error;
      }
    }
    return out;
  }

  async function listOne(info: KindInfo, scope: Scope): Promise<LiveObject[]> {
    // Cluster-scoped kinds are listed once; a refusal fails the run (there is nowhere narrower to look).
    if (info.clusterScoped) return listKind(client, info);
    if (!namespacedOnly.has(info.kind)) {
      try {
        return await listKind(client, info);
      } catch (error) {
        if (!(error instanceof ListForbidden)) throw error;
        namespacedOnly.add(info.kind);
      }
    }
    return inNamespaces(info, scope.namespaces);
  }

  return {
    async listManaged(scope) {
      const lists = await Promise.all(KINDS.map((info) => listOne(info, scope)));
      return new Map(lists.flat().map((o) => [objectKey(o), o]));
    },
  };
}

/** Our gateway objects (Deployment, Service, ...): managed by us and of the gateway component. */
export const GATEWAY_SELECTOR = `${MANAGED_SELECTOR},app.kubernetes.io/component=gateway`;

/** Our gateway objects of one kind in one namespace. */
async function listGatewayObjects(
  client: KubeClient,
  kind: string,
  namespace: string,
): Promise<LiveObject[]> {
  const info = KINDS.find((k) => k.kind === kind);
  if (!info) return [];
  return listKind(client, info, namespace, GATEWAY_SELECTOR);
}

/** The collection path of gateway Deployments in one namespace (to list or watch). */
export function gatewayDeploymentsPath(namespace: string): string {
  const info = kindInfo('Deployment');
  if (!info) throw new Error('the Deployment kind is missing from KINDS');
  return collectionPath(info, namespace);
}

/** Our gateway Deployments in one namespace. */
export function listGatewayDeployments(client: KubeClient, namespace: string): Promise<LiveObject[]> {
  return listGatewayObjects(client, 'Deployment', namespace);
}

/** Our gateway Services in one namespace (their ClusterIPs are what the DNS snippet answers). */
export function listGatewayServices(client: KubeClient, namespace: string): Promise<LiveObject[]> {
  return listGatewayObjects(client, 'Service', namespace);
}

export async function listNamespaces(client: KubeClient): Promise<Set<string>> {
  return (await listNamespaceStates(client)).all;
}

export interface NamespaceStates {
  /** Every namespace, terminating ones included (they need not be created). */
  all: Set<string>;
  /** Namespaces not being deleted, sorted: the ones that can take new objects. */
  active: string[];
}

/** The cluster's namespaces in one list request. */
export async function listNamespaceStates(client: KubeClient): Promise<NamespaceStates> {
  const items = await listAll(client, 'namespaces', '/api/v1/namespaces');
  const active = items.filter((n) => n.status?.['phase'] !== 'Terminating').map((n) => n.metadata.name);
  return { all: new Set(items.map((n) => n.metadata.name)), active: active.sort() };
}

/** The object as the cluster holds it now, or null when it is gone or no longer carries our label. */
export async function readManaged(client: KubeClient, o: KubernetesObject): Promise<LiveObject | null> {
  const info = kindInfo(o.kind);
  if (!info) return null;
  const res = await client.request<LiveObject>({
    method: 'GET',
    path: objectPath(info, o.metadata.namespace, o.metadata.name),
  });
  if (res.status !== 200) return null;
  if (res.body.metadata.labels?.[MANAGED_BY_LABEL] !== FIELD_MANAGER) return null;
  return { ...res.body, kind: o.kind };
}

/** "missing", or who holds an object of that name that lacks our label. */
export async function missingReason(client: KubeClient, o: KubernetesObject): Promise<string> {
  const info = kindInfo(o.kind);
  if (!info || (o.metadata.namespace === undefined) !== (info.clusterScoped === true)) return 'missing';
  const res = await client.request<LiveObject>({
    method: 'GET',
    path: objectPath(info, o.metadata.namespace, o.metadata.name),
  });
  if (res.status !== 200) return 'missing: not in the cluster';
  const managers = [...new Set((res.body.metadata.managedFields ?? []).map((m) => m.manager ?? ''))].filter(
    Boolean,
  );
  return `not managed: exists without the managed-by label (field managers: ${managers.map((m) => `"${m}"`).join(', ') || 'none'})`;
}
