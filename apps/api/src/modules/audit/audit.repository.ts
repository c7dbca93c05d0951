// Every read of the audit log this module makes (the log is written by platform/audit.ts, in each
// change's own transaction), the target-name lookups, and the audit_checkpoints statements. Each method
// takes an optional transaction.
import type { Db, Prisma, Tx } from '../../platform/db.ts';
import { keysetUniqueWhere } from '../../platform/pagination.ts';

export type AuditRow = Prisma.AuditEventGetPayload<object>;

export interface CheckpointRow {
  seq: bigint;
  head_hash: string;
  at: Date;
  key_id: string;
  public_key: string;
  signature: string;
}

export interface NewCheckpointRow {
  seq: bigint;
  headHash: string;
  at: Date;
  keyId: string;
  publicKey: string;
  signature: string;
}

export interface AuditFilter {
  /** Lower-cased by the caller. */
  actor?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

function where(f: AuditFilter): Prisma.AuditEventWhereInput {
  const w: Prisma.AuditEventWhereInput = {};
  if (f.actor) w.actor = f.actor;
  if (f.action) w.action = f.action;
  if (f.targetType) w.targetType = f.targetType;
  if (f.targetId) w.targetId = f.targetId;
  if (f.from || f.to) w.at = { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) };
  return w;
}

const grantName = (g: { port: number; service: { name: string }; destination: { host: string } | null }) =>
  `${g.service.name} → ${g.destination?.host ?? 'any host'}:${g.port}`;

type Lookup = (tx: Tx | Db, ids: string[]) => Promise<[string, string][]>;

/** One query per target type; soft-deleted services and destinations count as gone. */
const NAME_LOOKUPS: Record<string, Lookup> = {
  service: async (db, ids) =>
    (
      await db.service.findMany({
        where: { id: { in: ids }, deletedAt: null },
        select: { id: true, name: true },
      })
    ).map((r) => [r.id, r.name]),
  destination: async (db, ids) =>
    (
      await db.destination.findMany({
        where: { id: { in: ids }, deletedAt: null },
        select: { id: true, host: true },
      })
    ).map((r) => [r.id, r.host]),
  grant: async (db, ids) =>
    (
      await db.grant.findMany({
        where: { id: { in: ids } },
        select: {
          id: true,
          port: true,
          service: { select: { name: true } },
          destination: { select: { host: true } },
        },
      })
    ).map((r) => [r.id, grantName(r)]),
  user: async (db, ids) =>
    (await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((r) => [
      r.id,
      r.name,
    ]),
  token: async (db, ids) =>
    (await db.apiToken.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map(
      (r) => [r.id, r.name],
    ),
  webhook: async (db, ids) =>
    (await db.webhook.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map((r) => [
      r.id,
      r.name,
    ]),
  alert_rule: async (db, ids) =>
    (await db.alertRule.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } })).map(
      (r) => [r.id, r.name],
    ),
  alert: async (db, ids) =>
    (await db.alert.findMany({ where: { id: { in: ids } }, select: { id: true, ruleName: true } })).map(
      (r) => [r.id, r.ruleName],
    ),
};

export function createAuditRepository(db: Db) {
  return {
    /** One page, newest first, after the cursor's seq (limit + 1 rows, for toPage). */
    list(f: AuditFilter, limit: number, cursor: string | undefined, tx: Tx | Db = db): Promise<AuditRow[]> {
      const after = keysetUniqueWhere('seq', cursor, 'desc', (k) => BigInt(k));
      const base = where(f);
      return tx.auditEvent.findMany({
        where: 'seq' in after ? { AND: [base, after] } : base,
        orderBy: { seq: 'desc' },
        take: limit + 1,
      });
    },

    /** Up to `take` matching rows, newest first, below seq `before` (all when null): the export's batches. */
    batchBefore(f: AuditFilter, before: bigint | null, take: number, tx: Tx | Db = db): Promise<AuditRow[]> {
      const base = where(f);
      return tx.auditEvent.findMany({
        where: before === null ? base : { AND: [base, { seq: { lt: before } }] },
        orderBy: { seq: 'desc' },
        take,
      });
    },

    /** Rows with seq in (after, upTo], oldest first. */
    rowsAfter(after: bigint, upTo: bigint, take: number, tx: Tx | Db = db): Promise<AuditRow[]> {
      return tx.auditEvent.findMany({
        where: { seq: { gt: after, lte: upTo } },
        orderBy: { seq: 'asc' },
        take,
      });
    },

    /** The newest committed row's seq and hash; null on an empty log. */
    head(tx: Tx | Db = db): Promise<{ seq: bigint; hash: string } | null> {
      return tx.auditEvent.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
    },

    /** Whether the target type has names to look up. */
    namesTargetType: (type: string): boolean => type in NAME_LOOKUPS,

    /** The current names of targets of one type, by id; absent ids are gone. */
    async targetNames(type: string, ids: string[], tx: Tx | Db = db): Promise<[string, string][]> {
      const lookup = NAME_LOOKUPS[type];
      return lookup ? lookup(tx, ids) : [];
    },

    checkpoints(tx: Tx | Db = db): Promise<CheckpointRow[]> {
      return tx.$queryRaw<
        CheckpointRow[]
      >`SELECT seq, head_hash, at, key_id, public_key, signature FROM audit_checkpoints ORDER BY seq`;
    },

    async latestCheckpointOf(publicKeys: string[], tx: Tx | Db = db): Promise<CheckpointRow | null> {
      const rows = await tx.$queryRaw<
        CheckpointRow[]
      >`SELECT seq, head_hash, at, key_id, public_key, signature FROM audit_checkpoints WHERE public_key = ANY(${publicKeys}) ORDER BY seq DESC LIMIT 1`;
      return rows[0] ?? null;
    },

    /** Newest first, below seq `before`. */
    checkpointsBefore(before: bigint, limit: number, tx: Tx | Db = db): Promise<CheckpointRow[]> {
      return tx.$queryRaw<
        CheckpointRow[]
      >`SELECT seq, head_hash, at, key_id, public_key, signature FROM audit_checkpoints
      WHERE seq < ${before} ORDER BY seq DESC LIMIT ${limit}`;
    },

    /** False when a checkpoint for that seq exists already (another replica sealed it). */
    async insertCheckpoint(c: NewCheckpointRow, tx: Tx | Db = db): Promise<boolean> {
      const n =
        await tx.$executeRaw`INSERT INTO audit_checkpoints (seq, head_hash, at, key_id, public_key, signature)
        VALUES (${c.seq}, ${c.headHash}, ${c.at}, ${c.keyId}, ${c.publicKey}, ${c.signature})
        ON CONFLICT (seq) DO NOTHING`;
      return n > 0;
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
