// Builds the real app on a fresh database for one test file, with one user (and API token) per role.
import { randomBytes } from 'node:crypto';

import { type Role, ROLES } from '@egress/shared';
import { createFactories, type Factories } from '@egress/shared/testing';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';

import { buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { PodAddresses } from '../../src/modules/usage/usage.service.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { createDb, type Db } from '../../src/platform/db.ts';
import { TOKEN_PREFIX } from '../../src/platform/identity.ts';
import { hashPassword, newSecret, sha256 } from '../../src/platform/secrets.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export const PASSWORD = 'correct horse battery staple';

export interface TestUser {
  id: string;
  email: string;
  role: Role;
  token: string;
}

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  database: TestDatabase;
  config: Config;
  users: Record<Role, TestUser>;
  /** A request as `user` (bearer token), JSON body. */
  as(user: TestUser | Role, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Factories through the API: destinations as an approver, everything else as an engineer. */
  factories: Factories;
  /** Another user with the given role, e.g. a second approver. */
  addUser(role: Role, label?: string): Promise<TestUser>;
  close(): Promise<void>;
}

let counter = 0;
let passwordHash: Promise<string> | undefined;

async function insertUser(db: Db, role: Role, label: string): Promise<TestUser> {
  passwordHash ??= hashPassword(PASSWORD);
  const email = `${label}-${++counter}@example.com`;
  const user = await db.user.create({ data: { email, name: label, role, passwordHash: await passwordHash } });
  const token = newSecret(TOKEN_PREFIX);
  await db.apiToken.create({
    data: {
      name: `${label} test token`,
      role,
      tokenHash: sha256(token),
      prefix: token.slice(0, 10),
      userId: user.id,
    },
  });
  return { id: user.id, email, role, token };
}

export async function createTestApp(
  options: { env?: Record<string, string>; clock?: Clock; podAddresses?: PodAddresses } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  // A secret key as server.ts always has one (EGRESS_SECRET_KEY or the data folder's key file).
  const secretKey = randomBytes(32).toString('base64');
  const config = loadConfig({
    EGRESS_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    EGRESS_TARGET: 'none',
    EGRESS_WEB_DIST: '/nonexistent',
    EGRESS_SECRET_KEY: secretKey,
    ...options.env,
  });
  const db = createDb(database.url, 20);
  const app = await buildApp({
    config,
    db,
    databaseUrl: database.url,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.podAddresses ? { podAddresses: options.podAddresses } : {}),
  });
  await app.ready();
  const users = {} as Record<Role, TestUser>;
  for (const role of ROLES) users[role] = await insertUser(db, role, role);
  const resolve = (u: TestUser | Role) => (typeof u === 'string' ? users[u] : u);
  const as: TestApp['as'] = (user, opts) =>
    app.inject({ ...opts, headers: { authorization: `Bearer ${resolve(user).token}`, ...opts.headers } });
  const factories = createFactories(async (method, url, body) => {
    const res = await as(url.startsWith('/api/v1/destinations') ? 'approver' : 'engineer', {
      method,
      url,
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: res.statusCode, body: res.body === '' ? null : res.json<unknown>() };
  });
  return {
    factories,
    app,
    db,
    database,
    config,
    users,
    as,
    addUser: (role, label = role) => insertUser(db, role, label),
    close: async () => {
      await app.close();
      await db.$disconnect();
      await database.drop();
    },
  };
}
