import { PrismaPg } from '@prisma/adapter-pg';

import { Prisma, PrismaClient } from '../generated/prisma/client.ts';

export { Prisma };
export type Db = PrismaClient;
/** A transaction client: what repository methods accept, so callers decide the transaction. */
export type Tx = Prisma.TransactionClient;

/**
 * JIT off for our sessions: the API's statements are short, but a few (alert evaluation over a batch's
 * subjects, correlated sums) have planner costs above jit_above_cost, and PostgreSQL then spent ~365 ms
 * compiling a statement that runs in ~9 ms (bench/flows: ingest p95 596 ms with JIT, see its README).
 * An `options` parameter in DATABASE_URL replaces this one.
 */
const SESSION_OPTIONS = '-c jit=off';

export function createDb(databaseUrl: string, poolSize = 10): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize, options: SESSION_OPTIONS });
  return new PrismaClient({ adapter });
}

/** Postgres error codes we translate into API errors (never passing the database's text through). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
