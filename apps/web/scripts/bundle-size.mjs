// Reports what the first page load costs: the entry chunk plus everything it imports statically,
// gzipped, and the same for each lazily loaded page on top of it. Fails when the first route exceeds
// the budget. Reads vite's manifest (build.manifest = true).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const BUDGET = Number(process.env.FIRST_ROUTE_BUDGET_KB ?? 250);

const gz = (file) => gzipSync(readFileSync(join(dist, file))).length;
function closure(key, seen = new Set()) {
  if (seen.has(key)) return seen;
  seen.add(key);
  for (const dep of manifest[key]?.imports ?? []) closure(dep, seen);
  return seen;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const size = (keys) =>
  [...keys].reduce(
    (sum, k) => sum + gz(manifest[k].file) + (manifest[k].css ?? []).reduce((s, c) => s + gz(c), 0),
    0,
  );

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
const first = closure(entry);
const firstSize = size(first);
console.log(`first route (entry + static imports, JS+CSS gzipped): ${kb(firstSize)} of ${BUDGET} KB budget`);
const pages = Object.keys(manifest).filter((k) => manifest[k].isDynamicEntry && k.endsWith('-page.tsx'));
for (const page of pages.sort()) {
  const extra = [...closure(page)].filter((k) => !first.has(k));
  console.log(
    `  + ${page.split('/').pop().padEnd(34)} ${kb(size(extra))}  (total ${kb(firstSize + size(extra))})`,
  );
}
if (firstSize > BUDGET * 1024) {
  console.error(`first route is over budget: ${kb(firstSize)} > ${BUDGET} KB`);
  process.exit(1);
}
