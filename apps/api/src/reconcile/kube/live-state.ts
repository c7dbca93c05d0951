// Reading the cluster: every object we manage (by the managed-by label, across namespaces) and the
// namespaces that exist. A failed list fails the whole run: without the live state neither skipping
// nor pruning is safe.
import type { KubeClient, KubeResponse } from './client.ts';
import { collectionPath, KINDS, MANAGED_SELECTOR, objectKey, type KindInfo, type LiveObject } from './resources.ts';

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

function listFailure(what: string, res: KubeResponse<List>): RunFailure {
  const detail = res.body?.message ? `: ${res.body.message.slice(0, 300)}` : '';
  if (res.status === 401) return new RunFailure('the Kubernetes API server rejected the reconciler\'s credentials (HTTP 401)');
  if (res.status === 403) return new RunFailure(`forbidden to list ${what}: the reconciler's account needs list on ${what} (see deploy/helm)${detail}`);
  return new RunFailure(`listing ${what} failed with HTTP ${res.status}${detail}`);
}

async function listAll(client: KubeClient, what: string, path: string, labelSelector?: string): Promise<LiveObject[]> {
  const items: LiveObject[] = [];
  let next: string | undefined;
  do {
    const res = await client.request<List>({ method: 'GET', path, query: { labelSelector, limit: String(PAGE), continue: next } });
    if (res.status !== 200) throw listFailure(what, res);
    items.push(...(res.body.items ?? []));
    next = res.body.metadata?.continue || undefined;
  } while (next);
  return items;
}

async function listKind(client: KubeClient, info: KindInfo, namespace?: string, selector = MANAGED_SELECTOR): Promise<LiveObject[]> {
  const items = await listAll(client, info.plural, collectionPath(info, namespace), selector);
  // List items carry no kind; add it so objects can be keyed like desired ones.
  return items.map((o) => ({ ...o, kind: info.kind }));
}

/** Every object labelled managed-by egress-control, of every kind we write, keyed kind/namespace/name. */
export async function listManaged(client: KubeClient): Promise<Map<string, LiveObject>> {
  const lists = await Promise.all(KINDS.map((info) => listKind(client, info)));
  return new Map(lists.flat().map((o) => [objectKey(o), o]));
}

/** Our gateway Deployments in one namespace. */
export async function listGatewayDeployments(client: KubeClient, namespace: string): Promise<LiveObject[]> {
  const deployments = KINDS.find((k) => k.kind === 'Deployment');
  if (!deployments) return [];
  return listKind(client, deployments, namespace, `${MANAGED_SELECTOR},app.kubernetes.io/component=gateway`);
}

export async function listNamespaces(client: KubeClient): Promise<Set<string>> {
  const items = await listAll(client, 'namespaces', '/api/v1/namespaces');
  return new Set(items.map((n) => n.metadata.name));
}
