import { PrismaPg } from '@prisma/adapter-pg';

import { Prisma, PrismaClient } from '../generated/prisma/client.ts';

export { Prisma };
export type Db = PrismaClient;
/** A transaction client: what repository methods accept, so callers decide the transaction. */
export type Tx = Prisma.TransactionClient;

export function createDb(databaseUrl: string, poolSize = 10): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize });
  return new PrismaClient({ adapter });
}

/** Postgres error codes we translate into API errors (never passing the database's text through). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
