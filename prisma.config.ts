// Prisma CLI configuration. Prisma runs here with its JavaScript/WASM engines only (no native engine
// download): see scripts/prisma-offline.mjs and README "Offline Prisma".
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // eslint-disable-next-line @typescript-eslint/require-await
  adapter: async () =>
    new PrismaPg({ connectionString: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/egress' }),
});
