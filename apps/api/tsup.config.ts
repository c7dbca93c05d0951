import { defineConfig } from 'tsup';

// ESM bundles for the server and its compiler thread (src/reconcile/compiler-thread.ts): workspace
// packages and the generated Prisma client are bundled, npm dependencies stay external (installed by pnpm).
export default defineConfig({
  entry: { server: 'src/server.ts', 'compile-worker': 'src/reconcile/compile-worker.ts' },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  noExternal: [/^@egress\//],
  banner: {
    js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  },
});
