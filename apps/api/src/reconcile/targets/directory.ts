// GitOps target: one YAML file per object under a folder that Argo CD or Flux syncs. Paths are stable
// (<namespace or _cluster>/<kind>-<name>.yaml); each write goes to a temporary file renamed into place,
// so a reader never sees half a file; files for objects no longer desired are removed.
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

import { type KubernetesObject, pathFor, toYaml } from '@egress/manifests';

import type { ApplyResult, DriftEntry, ObjectResult, Target } from './target.ts';
import { errorLines, objectRef, sortDrift } from './target.ts';

async function listYaml(root: string, dir = root): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory()
        ? listYaml(root, join(dir, e.name))
        : Promise.resolve(e.name.endsWith('.yaml') ? [relative(root, join(dir, e.name))] : []),
    ),
  );
  return nested.flat();
}

async function writeAtomically(file: string, content: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, content);
  await rename(tmp, file);
}

async function applyOne(root: string, o: KubernetesObject, dryRun: boolean): Promise<ObjectResult> {
  const file = join(root, pathFor(o));
  const content = toYaml([o]);
  const current = await readFile(file, 'utf8').catch(() => null);
  const ref = objectRef(o);
  if (current === content) return { ...ref, action: 'unchanged' };
  try {
    if (!dryRun) await writeAtomically(file, content);
    return { ...ref, action: current === null ? 'created' : 'updated' };
  } catch (error) {
    return { ...ref, action: 'failed', error: (error as Error).message };
  }
}

/** kind, namespace and name back from a stable path (`<folder>/<kind>-<name>.yaml`). */
function refFromPath(path: string): { kind: string; namespace: string | null; name: string } {
  const [folder = '', file = ''] = path.split('/');
  return {
    kind: file.split('-')[0] ?? '',
    namespace: folder === '_cluster' ? null : folder,
    name: file.replace(/^[a-z]+-/, '').replace(/\.yaml$/, ''),
  };
}

/** Files that are missing, differ from the desired object, or are no longer desired. */
async function inspectFiles(root: string, objects: KubernetesObject[]): Promise<DriftEntry[]> {
  const drift: DriftEntry[] = [];
  for (const o of objects) {
    const current = await readFile(join(root, pathFor(o)), 'utf8').catch(() => null);
    if (current === null) drift.push({ ...objectRef(o), reason: 'missing: no file for this object' });
    else if (current !== toYaml([o]))
      drift.push({ ...objectRef(o), reason: 'modified: the file differs from the desired object' });
  }
  const wanted = new Set(objects.map(pathFor));
  for (const stale of (await listYaml(root)).filter((f) => !wanted.has(f)))
    drift.push({ ...refFromPath(stale), reason: 'extra: the file is no longer desired' });
  return sortDrift(drift);
}

export function createDirectoryTarget(root: string): Target {
  return {
    name: 'directory',
    // Readiness cannot be observed from files: every gateway gets its DNS rewrite (docs/design.md §6).
    observeReadiness: () => Promise.resolve('all'),
    async apply(desired, { dryRun }): Promise<ApplyResult> {
      const objects = await desired('all');
      const results: ObjectResult[] = [];
      for (const o of objects) results.push(await applyOne(root, o, dryRun));
      const wanted = new Set(objects.map(pathFor));
      for (const stale of (await listYaml(root)).filter((f) => !wanted.has(f))) {
        if (!dryRun) await rm(join(root, stale), { force: true });
        results.push({ ...refFromPath(stale), action: 'deleted' });
      }
      return { objects: results, errors: errorLines(results), readiness: 'all' };
    },
    // Readiness cannot be observed from files: no gateway statuses.
    inspect: async (desired) => ({ drift: await inspectFiles(root, await desired('all')), gateways: [] }),
    // Files have no cluster to list: coverage falls back to the namespaces the settings name.
    clusterNamespaces: () => Promise.resolve(null),
  };
}
