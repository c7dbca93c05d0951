import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import pg from 'pg';
import type { TestProject } from 'vitest/node';

import { migrate } from '../../src/platform/migrate.ts';
import { withDatabase } from '../helpers/database-url.ts';
import { startTestPostgres } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}

const MIGRATIONS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../prisma/migrations');

/** Starts PostgreSQL once and migrates a template database that every test file copies. */
export default async function setup(project: TestProject) {
  const server = await startTestPostgres();
  const template = `egress_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  await migrate(withDatabase(server.adminUrl, template), MIGRATIONS);
  project.provide('pgAdminUrl', server.adminUrl);
  project.provide('pgTemplate', template);
  return async () => {
    const c = new pg.Client({ connectionString: server.adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await c.end();
    await server.stop();
  };
}
