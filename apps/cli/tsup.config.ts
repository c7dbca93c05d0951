import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { egressctl: 'src/bin.ts' },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outDir: 'dist',
  clean: true,
  noExternal: [/^@egress\//],
});
