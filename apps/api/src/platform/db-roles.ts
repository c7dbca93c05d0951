// Least privilege in the database. Migrations run as an owner role (it owns the tables); the server's
// pooled connections use a runtime role that owns nothing: it reads and writes rows, but it cannot
// ALTER or DISABLE TRIGGER on a table (only owners can), cannot set session_replication_role (superuser
// only), and holds no UPDATE, DELETE or TRUNCATE on the audit log and its checkpoints. So someone holding
// the app's own database login cannot switch the append-only triggers off and rewrite the audit log.
import pg from 'pg';

/** Tables the runtime role may only read and append to. */
const APPEND_ONLY = ['audit_events', 'audit_checkpoints'];

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Creates (or updates the password of) `role` and grants it what the server needs on the database that
 * `ownerUrl` names, as that URL's user (the owner, or a superuser). Idempotent and safe to run from
 * several processes at once: run it after every migration so new tables are granted too.
 */
export async function setupRuntimeRole(
  ownerUrl: string,
  role: string,
  password: string | null,
): Promise<void> {
  await withClient(ownerUrl, async (c) => {
    const login = password === null ? '' : ` PASSWORD ${literal(password)}`;
    const { rows } = await c.query<{ db: string }>('SELECT current_database() AS db');
    const db = rows[0]?.db ?? '';
    await c.query('BEGIN');
    try {
      // One setup at a time per database, the role's own statements included: two concurrent ALTER ROLE
      // of the same role fail with "tuple concurrently updated".
      await c.query('SELECT pg_advisory_xact_lock(7270003)');
      // Roles are cluster-wide: another database's start-up may create the same one at the same moment.
      await c.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal(role)}) THEN
          CREATE ROLE ${ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS${login};
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
      if (password !== null)
        await c.query(`ALTER ROLE ${ident(role)} WITH LOGIN NOSUPERUSER PASSWORD ${literal(password)}`);
      await c.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${ident(db)} TO ${ident(role)}`);
      await c.query(`GRANT USAGE ON SCHEMA public TO ${ident(role)}`);
      await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${ident(role)}`);
      await c.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${ident(role)}`);
      await c.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON "_prisma_migrations" FROM ${ident(role)}`);
      for (const table of APPEND_ONLY)
        await c.query(
          `REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ${ident(table)} FROM ${ident(role)}`,
        );
      await c.query('COMMIT');
    } catch (error) {
      await c.query('ROLLBACK');
      throw error;
    }
  });
}

/** The URL with another user and password (same host, port, database and options). */
export function withCredentials(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/**
 * What is wrong with the role the server runs as, one sentence each (logged as warnings at start-up):
 * a superuser or the audit table's owner can switch the append-only triggers off.
 */
export async function runtimeRoleWarnings(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query<{
      role: string;
      superuser: boolean;
      owner: string | null;
      can_change: boolean;
    }>(`
      SELECT current_user AS role, r.rolsuper AS superuser,
             (SELECT tableowner FROM pg_tables WHERE schemaname = 'public' AND tablename = 'audit_events') AS owner,
             COALESCE(has_table_privilege('public.audit_events', 'UPDATE') OR has_table_privilege('public.audit_events', 'DELETE')
               OR has_table_privilege('public.audit_events', 'TRUNCATE'), false) AS can_change
      FROM pg_roles r WHERE r.rolname = current_user`);
    const r = rows[0];
    if (!r) return [];
    const out: string[] = [];
    const fix =
      'run the server as a role that owns nothing (README: "Database roles") and migrations as the owner (EGRESS_MIGRATION_DATABASE_URL)';
    if (r.superuser)
      out.push(
        `the server's database role ${r.role} is a superuser: it can disable the audit log's triggers; ${fix}`,
      );
    else if (r.owner === r.role)
      out.push(
        `the server's database role ${r.role} owns the audit table: it can disable its triggers; ${fix}`,
      );
    else if (r.can_change)
      out.push(
        `the server's database role ${r.role} may UPDATE, DELETE or TRUNCATE audit_events; revoke those (README: "Database roles")`,
      );
    return out;
  });
}
