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

/**
 * Closes the pool, waiting at most `ms`; false when it gave up. After a network cut, node-postgres can
 * keep a pooled client whose socket died without ever reporting it ended, and its pool then waits for that
 * client forever (seen in test/api/hardening.test.ts about one run in three): a shutdown must not hang on
 * it, the process exits and the server drops the dead session itself.
 */
export async function disconnectWithin(db: Db, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([db.$disconnect().then(() => true as const), gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

// Driver-adapter error kinds and PostgreSQL SQLSTATEs that mean "the database cannot serve us right now"
// (not "this query is wrong"): class 08 connection exceptions, shutdown/starting up, too many clients.
const UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'DatabaseAccessDenied',
  'AuthenticationFailed',
]);
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3]$|53300$)/;
// node-postgres reports a dropped or refused connection with a plain Error and these texts.
const UNAVAILABLE_PG_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The driver adapter's cause, found in a Prisma error's meta or on a bare DriverAdapterError. */
function adapterCause(error: object): { kind: string; originalCode: string } | null {
  const e = error as {
    meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } };
    name?: unknown;
    cause?: { kind?: unknown; originalCode?: unknown };
  };
  const cause = e.meta?.driverAdapterError?.cause ?? (e.name === 'DriverAdapterError' ? e.cause : undefined);
  return cause ? { kind: text(cause.kind), originalCode: text(cause.originalCode) } : null;
}

/** This error itself (not its causes) says the database cannot serve us. */
function unavailableHere(error: object): boolean {
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError && UNAVAILABLE_PRISMA_CODES.has(error.code))
    return true;
  const cause = adapterCause(error);
  if (cause && (UNAVAILABLE_KINDS.has(cause.kind) || UNAVAILABLE_SQLSTATE.test(cause.originalCode)))
    return true;
  // Only SQLSTATEs from node-postgres here: a bare ECONNREFUSED may come from the Kubernetes API or a
  // webhook receiver, which is not the database being down.
  if (
    error instanceof Error &&
    error.name === 'error' &&
    UNAVAILABLE_SQLSTATE.test(text((error as { code?: unknown }).code))
  )
    return true;
  return error instanceof Error && UNAVAILABLE_PG_MESSAGES.test(error.message);
}

/** Whether an error says the database is unreachable (the API answers 503 and Retry-After, not 500). */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  return unavailableHere(error) || isDatabaseUnavailable((error as { cause?: unknown }).cause, depth + 1);
}

/** One round trip to the database (the readiness probe); throws when it cannot be reached. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}
