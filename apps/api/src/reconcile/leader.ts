// Only one replica reconciles: the one holding a session-level PostgreSQL advisory lock on a dedicated
// connection. If that connection drops, PostgreSQL releases the lock and another replica takes over.
import pg from 'pg';

const RECONCILER_LOCK = 7_270_010;

export interface LeaderLock {
  isLeader(): boolean;
  /** Tries to become leader (idempotent); returns whether this instance leads now. */
  tryAcquire(): Promise<boolean>;
  release(): Promise<void>;
}

export function createLeaderLock(databaseUrl: string, onChange: (leader: boolean) => void): LeaderLock {
  let client: pg.Client | null = null;
  let held = false;

  const lose = () => {
    if (held) onChange(false);
    held = false;
    client = null;
  };

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: databaseUrl, application_name: 'egress-control-leader' });
    c.on('error', lose);
    c.on('end', lose);
    await c.connect();
    return c;
  }

  return {
    isLeader: () => held,
    async tryAcquire() {
      if (held) return true;
      try {
        client ??= await connect();
        const res = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [
          RECONCILER_LOCK,
        ]);
        held = res.rows[0]?.ok === true;
        if (held) onChange(true);
      } catch {
        // Database unreachable: not leader; the next tick tries again.
        await client?.end().catch(() => undefined);
        lose();
      }
      return held;
    },
    async release() {
      const c = client;
      held = false;
      client = null;
      if (c) await c.end().catch(() => undefined);
    },
  };
}
