// Drift: how a live object differs from the desired one, and who changed it.
//
// The content-hash annotation says which desired state we last applied. It cannot show an edit by
// someone else that leaves the annotation alone, so a live object is also compared with the desired
// one field by field:
//
// 1. Changed fields. Every field we set must have our value in the live object. Fields the API server
//    adds (defaults, the ClusterIP) are ignored: maps may hold more keys than ours; lists must match
//    item by item (ours are written whole); quantities compare by value ("0.5" = "500m"); an empty
//    list we write equals an absent one (the server drops it); in lists of named items (containers)
//    ours are found by name. Such a change is repaired by applying
//    with force, which takes ownership of the fields back.
// 2. Added fields. A field inside spec/data that we never set but another field manager owns (from
//    metadata.managedFields), e.g. `hostNetwork: true` or `externalIPs` added by `kubectl edit`. Apply
//    would keep it (server-side apply only removes fields it owned), so it is removed with a JSON
//    patch guarded by the resourceVersion. Fields of subresources (status, scale: the HPA sets
//    replicas) and a few that operators legitimately touch are not drift.
// 3. Taken-over fields. A field we set that another manager now owns and we no longer do is one they
//    changed: a forced apply takes it from us, and so does any Update that changes its value
//    (`kubectl edit`, a merge patch). When the object is outdated (a change of ours is pending), every
//    field the change rewrites differs for our own reason, so values say nothing about edits and this
//    rule (with 2) is what reports them. It also sees what 1 cannot: a key added to a value someone
//    set whole (an atomic map such as a policy's podSelector). Sharing a field (someone applied our
//    value too) is not drift, nor a field whose live value is already the desired one.
//
// The field manager that owns a changed or added field is named in the reason.
import type { KubernetesObject } from '@egress/manifests';
import { quantityValue } from '@egress/shared';

import type { DriftField } from '../targets/target.ts';
import { FIELD_MANAGER, type LiveObject, type ManagedFieldsEntry } from './resources.ts';

type Seg = string | number;
type Json = Record<string, unknown>;

export interface ForeignField {
  path: string;
  /** JSON pointer into the live object (list items by their live index). */
  pointer: string;
  manager: string;
}

export interface LiveComparison {
  /** The live content-hash annotation is not the desired one: a change to apply, not someone's edit. */
  outdated: boolean;
  /**
   * Fields we set whose live value differs, with the field managers that own them, and fields we set
   * that other managers took over (rule 3 above; only these when outdated).
   */
  changed: { path: string; managers: string[] }[];
  added: ForeignField[];
}

const MAX_PATHS = 8;
const HASH_SUFFIX = '/content-hash';
/** Fields others may set on our objects without it being drift: kind → path. */
const TOLERATED: Record<string, string[]> = {
  Deployment: ['.spec.replicas', '.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"]'],
};

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function pathText(segs: readonly Seg[]): string {
  return segs
    .map((s) =>
      typeof s === 'number'
        ? `[${s}]`
        : /^[A-Za-z_][A-Za-z0-9_]*$/.test(s)
          ? `.${s}`
          : `[${JSON.stringify(s)}]`,
    )
    .join('');
}

function pointer(segs: readonly Seg[]): string {
  return segs.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

export function hashAnnotation(o: {
  metadata: { annotations?: Record<string, string> };
}): string | undefined {
  const annotations = o.metadata.annotations ?? {};
  const key = Object.keys(annotations).find((k) => k.endsWith(HASH_SUFFIX));
  return key === undefined ? undefined : annotations[key];
}

function sameQuantity(segs: readonly Seg[], a: string, b: string): boolean {
  if (!segs.includes('resources') && segs.at(-1) !== 'sizeLimit') return false;
  const x = quantityValue(a);
  const y = quantityValue(b);
  return Number.isFinite(x) && Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
}

const nameOf = (item: unknown): unknown => (isRecord(item) ? item['name'] : undefined);

/**
 * Lists of named items (containers, volumes, ports) are maps keyed by name to the API server: items
 * others added are not "changed" (the managedFields check reports them as added), so ours are found
 * by name. Other lists are compared whole, item by item.
 */
function diffList(d: unknown[], l: unknown, segs: Seg[], out: Seg[][]): void {
  if (d.length === 0 && (l === undefined || l === null)) return;
  if (!Array.isArray(l)) {
    out.push(segs);
    return;
  }
  const named = d.length > 0 && d.every((item) => typeof nameOf(item) === 'string');
  if (named && l.length > d.length) {
    for (const item of d) {
      const at = l.findIndex((x) => nameOf(x) === nameOf(item));
      if (at < 0) out.push(segs);
      else diffSubset(item, l[at], [...segs, at], out);
    }
    return;
  }
  if (l.length !== d.length) out.push(segs);
  else d.forEach((item, i) => diffSubset(item, l[i], [...segs, i], out));
}

/** Paths where `live` lacks or differs from a value `desired` sets. */
function diffSubset(d: unknown, l: unknown, segs: Seg[], out: Seg[][]): void {
  if (out.length >= MAX_PATHS || d === undefined) return;
  if (Array.isArray(d)) return diffList(d, l, segs, out);
  if (isRecord(d)) {
    if (!isRecord(l)) out.push(segs);
    else for (const [k, v] of Object.entries(d)) diffSubset(v, l[k], [...segs, k], out);
    return;
  }
  if (d === l) return;
  if (typeof d === 'string' && typeof l === 'string' && sameQuantity(segs, d, l)) return;
  out.push(segs);
}

function withoutHash(annotations: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations ?? {}).filter(([k]) => !k.endsWith(HASH_SUFFIX)));
}

function changedPaths(desired: KubernetesObject, live: LiveObject): Seg[][] {
  const out: Seg[][] = [];
  diffSubset(desired.metadata.labels, live.metadata.labels, ['metadata', 'labels'], out);
  diffSubset(
    withoutHash(desired.metadata.annotations),
    live.metadata.annotations,
    ['metadata', 'annotations'],
    out,
  );
  for (const [key, value] of Object.entries(desired)) {
    if (key !== 'apiVersion' && key !== 'kind' && key !== 'metadata')
      diffSubset(value, live[key], [key], out);
  }
  return out;
}

// ---- managedFields (fieldsV1) --------------------------------------------------------------------

interface Step {
  seg: Seg;
  live: unknown;
  desired: unknown;
}

function matchesKey(item: unknown, key: Json): boolean {
  return (
    isRecord(item) && Object.entries(key).every(([k, v]) => JSON.stringify(item[k]) === JSON.stringify(v))
  );
}

function listStep(live: unknown, desired: unknown, found: (item: unknown) => boolean): Step | null {
  if (!Array.isArray(live)) return null;
  const index = live.findIndex(found);
  if (index < 0) return null;
  return { seg: index, live: live[index], desired: Array.isArray(desired) ? desired.find(found) : undefined };
}

/** Follows one fieldsV1 key ("f:name", "k:{...}", "v:...", "i:n") into the live and desired values. */
function step(key: string, live: unknown, desired: unknown): Step | null {
  const rest = key.slice(2);
  try {
    switch (key.slice(0, 2)) {
      case 'f:':
        return {
          seg: rest,
          live: isRecord(live) ? live[rest] : undefined,
          desired: isRecord(desired) ? desired[rest] : undefined,
        };
      case 'k:': {
        const k = JSON.parse(rest) as Json;
        return listStep(live, desired, (item) => matchesKey(item, k));
      }
      case 'v:': {
        const text = JSON.stringify(JSON.parse(rest));
        return listStep(live, desired, (item) => JSON.stringify(item) === text);
      }
      case 'i:': {
        const i = Number(rest);
        if (!Array.isArray(live) || i >= live.length) return null;
        return { seg: i, live: live[i], desired: Array.isArray(desired) ? desired[i] : undefined };
      }
      default:
        return null;
    }
  } catch {
    return null;
  }
}

/** A leaf field (a value, or an atomic list or map) a manager owns that the desired object sets too. */
interface Held {
  segs: Seg[];
  live: unknown;
  desired: unknown;
}

interface Ownership {
  owned: string[];
  held: Held[];
  added: Seg[][];
}

const IN_SCOPE = new Set<Seg>(['spec', 'data', 'binaryData']);

/** Notes what one fieldsV1 key owns: its path (a leaf, or "." inside), and a leaf's values. */
function own(acc: Ownership, segs: Seg[], keys: string[], next: Step): void {
  if (keys.length > 0 && !keys.includes('.')) return;
  acc.owned.push(pathText(segs));
  // A leaf's value is owned; "." owns only that the item or map exists, its fields are listed beside it.
  if (keys.length === 0 && next.live !== undefined && next.desired !== undefined)
    acc.held.push({ segs, live: next.live, desired: next.desired });
}

function walk(fields: Json, live: unknown, desired: unknown, segs: Seg[], acc: Ownership): void {
  for (const [key, child] of Object.entries(fields)) {
    const next = key === '.' ? null : step(key, live, desired);
    if (!next) continue;
    const childSegs = [...segs, next.seg];
    const childFields = isRecord(child) ? child : {};
    const keys = Object.keys(childFields);
    own(acc, childSegs, keys, next);
    if (next.live === undefined) continue;
    if (next.desired === undefined && IN_SCOPE.has(childSegs[0] ?? '')) acc.added.push(childSegs);
    else walk(childFields, next.live, next.desired, childSegs, acc);
  }
}

/** Entries of the main resource (not status or scale), ours or everyone else's. */
function entries(live: LiveObject, ours: boolean): ManagedFieldsEntry[] {
  return (live.metadata.managedFields ?? []).filter(
    (e) => (e.manager === FIELD_MANAGER) === ours && (e.subresource ?? '') === '' && isRecord(e.fieldsV1),
  );
}

/** `a` is a field inside `b` (".spec.x[0]" inside ".spec.x"). */
const inside = (a: string, b: string): boolean =>
  a.length > b.length && a.startsWith(b) && '.['.includes(a.charAt(b.length));
const related = (a: string, b: string): boolean => a === b || inside(a, b) || inside(b, a);

/** What one managedFields entry owns, located in the live and the desired object. */
function ownership(e: ManagedFieldsEntry, live: LiveObject, desired: KubernetesObject): Ownership {
  const acc: Ownership = { owned: [], held: [], added: [] };
  walk(e.fieldsV1 ?? {}, live, desired, [], acc);
  return acc;
}

const isHash = (segs: readonly Seg[]): boolean =>
  segs[0] === 'metadata' && segs[1] === 'annotations' && String(segs[2]).endsWith(HASH_SUFFIX);

/**
 * Whether a held leaf's live value is not the desired one, both ways: its owner set it whole (a value,
 * or an atomic list or map such as a label selector), so a key it added counts as much as one it changed
 * (one more label in a policy's podSelector unselects the pods the policy guards).
 */
function differs(h: Held): boolean {
  const out: Seg[][] = [];
  diffSubset(h.desired, h.live, h.segs, out);
  if (out.length === 0) diffSubset(h.live, h.desired, h.segs, out);
  return out.length > 0;
}

/**
 * Fields the desired object sets that other managers own and we no longer do, whose live value is not
 * the desired one. The content-hash annotation is left to `outdated` (rewriting it is what a pending
 * change does anyway); tolerated fields are not drift. Inner paths of a reported one are left out.
 */
function takenOver(
  owners: { manager: string; held: Held[] }[],
  ours: ReadonlySet<string>,
  tolerated: readonly string[],
): { path: string; managers: string[] }[] {
  const byPath = new Map<string, Set<string>>();
  for (const o of owners) {
    for (const h of o.held) {
      const path = pathText(h.segs);
      if (ours.has(path) || isHash(h.segs) || tolerated.includes(path) || !differs(h)) continue;
      byPath.set(path, (byPath.get(path) ?? new Set()).add(o.manager));
    }
  }
  const paths = [...byPath.keys()];
  return paths
    .filter((p) => !paths.some((q) => inside(p, q)))
    .slice(0, MAX_PATHS)
    .map((path) => ({ path, managers: [...(byPath.get(path) ?? [])] }));
}

export function compareLive(desired: KubernetesObject, live: LiveObject): LiveComparison {
  const outdated = hashAnnotation(live) !== hashAnnotation(desired);
  const owners = entries(live, false).map((e) => ({
    manager: e.manager ?? '(unnamed)',
    ...ownership(e, live, desired),
  }));
  const tolerated = TOLERATED[desired.kind] ?? [];
  const added = owners.flatMap((o) =>
    o.added
      .map((segs) => ({ path: pathText(segs), pointer: pointer(segs), manager: o.manager }))
      .filter((f) => !tolerated.includes(f.path)),
  );
  // Our own entries are read only when someone else holds a field we set (rarely: drift).
  const taken = owners.some((o) => o.held.length > 0)
    ? takenOver(
        owners,
        new Set(entries(live, true).flatMap((e) => ownership(e, live, desired).owned)),
        tolerated,
      )
    : [];
  // A change to apply makes every field it rewrites differ: then ownership, not values, shows the edits.
  if (outdated) return { outdated, changed: taken, added };
  const changed = changedPaths(desired, live).map((segs) => {
    const path = pathText(segs);
    return {
      path,
      managers: [
        ...new Set(owners.filter((o) => o.owned.some((p) => related(p, path))).map((o) => o.manager)),
      ],
    };
  });
  // Values we compare as a subset (the server adds defaults) miss a key added to a map someone set whole.
  for (const t of taken) if (!changed.some((c) => related(c.path, t.path))) changed.push(t);
  return { outdated, changed, added };
}

/** A readable account of someone else's edits, or null when there are none. */
export function driftReason(c: LiveComparison): string | null {
  const parts: string[] = [];
  for (const ch of c.changed) {
    parts.push(
      `${ch.path} changed ${ch.managers.length > 0 ? `by ${ch.managers.map((m) => `"${m}"`).join(', ')}` : 'outside egress-control'}`,
    );
  }
  for (const a of c.added) parts.push(`${a.path} added by "${a.manager}"`);
  return parts.length === 0 ? null : `modified by another field manager: ${parts.join('; ')}`;
}

/** Segment by segment, list indices by number, so "/x/10" sorts after "/x/9". */
function comparePointers(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p = '', q = ''] = [x[i], y[i]];
    const numeric = /^\d+$/.test(p) && /^\d+$/.test(q);
    const order = numeric ? Number(p) - Number(q) : p < q ? -1 : p > q ? 1 : 0;
    if (order !== 0) return order;
  }
  return x.length - y.length;
}

/** JSON patch removing fields others added: highest list index first, guarded by the resourceVersion. */
export function removalPatch(live: LiveObject, added: readonly ForeignField[]): unknown[] {
  const ops = [...new Set(added.map((a) => a.pointer))].sort((a, b) => comparePointers(b, a));
  return [
    { op: 'test', path: '/metadata/resourceVersion', value: live.metadata.resourceVersion },
    ...ops.map((path) => ({ op: 'remove', path })),
  ];
}

/** Someone else's edits field by field (what the drift audit records), in the order driftReason names them. */
export function driftFields(c: LiveComparison): DriftField[] {
  return [
    ...c.changed.map((ch) => ({ path: ch.path, change: 'changed' as const, managers: ch.managers })),
    ...c.added.map((a) => ({ path: a.path, change: 'added' as const, managers: [a.manager] })),
  ];
}
