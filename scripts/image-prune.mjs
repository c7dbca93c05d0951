// Used by the Dockerfile after the production install and its prune: removes every package in
// node_modules/.pnpm that the API's dependency graph no longer reaches (what only the removed Prisma CLI
// and TypeScript peers needed). pnpm links each package's dependencies as siblings of it in
// .pnpm/<key>/node_modules, so the graph is walked through those links; a dangling link (a removed
// package) is skipped. Usage: node image-prune.mjs <root with node_modules> <project dir>.
import { existsSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const [root, project] = process.argv.slice(2);
if (!root || !project) throw new Error('usage: node image-prune.mjs <root> <project>');
const store = realpathSync(join(root, 'node_modules/.pnpm'));

/** The package folders linked in a node_modules folder (scoped ones included). */
function linked(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const path = join(dir, name);
    if (name.startsWith('@')) out.push(...readdirSync(path).map((n) => join(path, n)));
    else out.push(path);
  }
  return out.filter((p) => existsSync(p)).map((p) => realpathSync(p));
}

/** The .pnpm/<key> folder holding a package, or null outside the store. */
function keyOf(pkgDir) {
  const rel = relative(store, pkgDir);
  return rel.startsWith('..') ? null : rel.split(sep)[0];
}

const reached = new Set();
const queue = linked(join(project, 'node_modules'));
while (queue.length > 0) {
  const pkg = queue.pop();
  const key = keyOf(pkg);
  if (key === null || reached.has(key)) continue;
  reached.add(key);
  // Siblings: <store>/<key>/node_modules/<deps>; the package itself is among them.
  queue.push(...linked(join(store, key, 'node_modules')));
}

let removed = 0;
for (const key of readdirSync(store)) {
  if (
    key === 'node_modules' ||
    key === 'lock.yaml' ||
    reached.has(key) ||
    !statSync(join(store, key)).isDirectory()
  )
    continue;
  rmSync(join(store, key), { recursive: true, force: true });
  removed++;
}
console.log(`image-prune: kept ${reached.size} packages, removed ${removed} unreachable`);
