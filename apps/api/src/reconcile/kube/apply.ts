// Writing one object: server-side apply, the repair of someone else's edits, and deletion.
//
// Force policy. An object that carries our managed-by label is ours: we apply with force=true, so a
// field another manager took over (kubectl edit, another controller) is taken back; that is how
// drift is repaired. An object that exists without the label was created by someone else: we apply
// with force=false, and a field conflict fails that object with the other manager's name rather than
// silently taking over something we did not create.
import type { KubernetesObject } from '@egress/manifests';

import type { ObjectResult } from '../targets/target.ts';
import type { KubeClient } from './client.ts';
import { compareLive, driftFields, driftReason, hashAnnotation, removalPatch } from './drift.ts';
import { failureReason } from './reasons.ts';
import { FIELD_MANAGER, kindInfo, type LiveObject, objectPath } from './resources.ts';

export interface WriteContext {
  client: KubeClient;
  dryRun: boolean;
  /** Namespaces that could not be created (reason), or are missing in a dry run (null). */
  missingNamespaces: Map<string, string | null>;
  /** The live state is the previous run's (kept current with our writes): compare hashes only. */
  hashOnly?: boolean;
  /** Told about each object as the API server returned it after a write, and each deletion. */
  written?: (o: LiveObject) => void;
  removed?: (o: LiveObject) => void;
}

const ref = (o: { kind: string; metadata: { namespace?: string; name: string } }) => ({
  kind: o.kind,
  namespace: o.metadata.namespace ?? null,
  name: o.metadata.name,
});
const failed = (o: Parameters<typeof ref>[0], error: string): ObjectResult => ({
  ...ref(o),
  action: 'failed',
  error,
});
const ok = (status: number): boolean => status >= 200 && status < 300;

function dryRunQuery(ctx: WriteContext): Record<string, string> {
  return ctx.dryRun ? { dryRun: 'All' } : {};
}

function serverSideApply(ctx: WriteContext, path: string, o: KubernetesObject, force: boolean) {
  return ctx.client.request({
    method: 'PATCH',
    path,
    query: {
      fieldManager: FIELD_MANAGER,
      force: String(force),
      fieldValidation: 'Strict',
      ...dryRunQuery(ctx),
    },
    body: o,
    contentType: 'application/apply-patch+yaml',
  });
}

/** Applies one desired object: skipped when its live twin has the desired hash and nobody edited it. */
export async function applyObject(
  ctx: WriteContext,
  o: KubernetesObject,
  live: LiveObject | undefined,
): Promise<ObjectResult> {
  const info = kindInfo(o.kind);
  const namespace = o.metadata.namespace;
  if (!info) return failed(o, `the kubernetes target does not write kind ${o.kind}`);
  if ((namespace === undefined) !== (info.clusterScoped === true))
    return failed(
      o,
      `${o.kind} is ${info.clusterScoped ? 'cluster-scoped' : 'namespaced'}: ${info.clusterScoped ? 'it takes no namespace' : 'it needs a namespace'}`,
    );
  const missing = namespace === undefined ? undefined : ctx.missingNamespaces.get(namespace);
  if (missing !== undefined) return missing === null ? { ...ref(o), action: 'created' } : failed(o, missing);
  const path = objectPath(info, namespace, o.metadata.name);
  if (live) return applyOwned(ctx, o, path, live);
  const res = await serverSideApply(ctx, path, o, false);
  if (!ok(res.status)) return failed(o, failureReason('apply', res));
  remember(ctx, o, res.body);
  return { ...ref(o), action: res.status === 201 ? 'created' : 'updated' };
}

function remember(ctx: WriteContext, o: KubernetesObject, body: unknown): void {
  if (!ctx.dryRun && typeof body === 'object' && body !== null)
    ctx.written?.({ ...(body as LiveObject), kind: o.kind });
}

/** An object we own (it carries our label): skipped, or applied with force after removing others' additions. */
async function applyOwned(
  ctx: WriteContext,
  o: KubernetesObject,
  path: string,
  live: LiveObject,
): Promise<ObjectResult> {
  if (ctx.hashOnly && hashAnnotation(live) === hashAnnotation(o)) return { ...ref(o), action: 'unchanged' };
  const comparison = compareLive(o, live);
  const drift = driftReason(comparison);
  if (!comparison.outdated && drift === null) return { ...ref(o), action: 'unchanged' };
  if (comparison.added.length > 0) {
    const res = await ctx.client.request({
      method: 'PATCH',
      path,
      query: { fieldManager: FIELD_MANAGER, ...dryRunQuery(ctx) },
      body: removalPatch(live, comparison.added),
      contentType: 'application/json-patch+json',
    });
    if (!ok(res.status))
      return failed(o, `could not remove fields added by others: ${failureReason('repair', res)}`);
  }
  const res = await serverSideApply(ctx, path, o, true);
  if (!ok(res.status)) return failed(o, failureReason('apply', res));
  remember(ctx, o, res.body);
  return {
    ...ref(o),
    action: 'updated',
    ...(drift === null ? {} : { drift, driftFields: driftFields(comparison) }),
  };
}

/** Deletes a managed object no longer desired; 404 counts as done; the uid guards against a recreated twin. */
export async function deleteObject(ctx: WriteContext, live: LiveObject): Promise<ObjectResult> {
  const info = kindInfo(live.kind);
  const namespace = live.metadata.namespace;
  if (!info || (namespace === undefined) !== (info.clusterScoped === true))
    return failed(
      live,
      `the kubernetes target does not delete kind ${live.kind}${namespace === undefined ? ' without a namespace' : ''}`,
    );
  const res = await ctx.client.request({
    method: 'DELETE',
    path: objectPath(info, namespace, live.metadata.name),
    query: dryRunQuery(ctx),
    body: {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      propagationPolicy: 'Background',
      ...(live.metadata.uid ? { preconditions: { uid: live.metadata.uid } } : {}),
    },
  });
  if (!ok(res.status) && res.status !== 404) return failed(live, failureReason('delete', res));
  if (!ctx.dryRun) ctx.removed?.(live);
  return { ...ref(live), action: 'deleted' };
}

/** Creates the namespaces objects need (labelled managed-by; never deleted by us). */
export async function createNamespace(ctx: WriteContext, name: string): Promise<string | null> {
  const res = await ctx.client.request({
    method: 'POST',
    path: '/api/v1/namespaces',
    query: { fieldManager: FIELD_MANAGER },
    body: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'app.kubernetes.io/managed-by': FIELD_MANAGER } },
    },
  });
  if (ok(res.status) || res.status === 409) return null;
  return `namespace ${name} could not be created: ${failureReason('apply', res)}`;
}
