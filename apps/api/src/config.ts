// The only file that reads process.env. Everything else receives a Config.
import { resolve } from 'node:path';

import { z } from 'zod';

import { loadOidcConfig, OIDC_ENV, type OidcConfig } from './platform/oidc-config.ts';
import { parseSecretKey } from './platform/secret-box.ts';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** A base64 key of 32 bytes, decoded by the schema itself. */
const secretKey = z.string().transform((v, ctx) => {
  const key = parseSecretKey(v);
  if (key) return key;
  ctx.addIssue({
    code: 'custom',
    message: 'must be the base64 encoding of 32 bytes (openssl rand -base64 32)',
  });
  return z.NEVER;
});

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().min(1).optional(),
  EGRESS_MIGRATION_DATABASE_URL: z.string().min(1).optional(),
  EGRESS_DATA_DIR: z.string().min(1).default('./.data'),
  EGRESS_TARGET: z.enum(['kubernetes', 'directory', 'none']).optional(),
  EGRESS_ADMIN_EMAIL: z.email().default('admin@example.com'),
  EGRESS_ADMIN_PASSWORD: z.string().min(12).max(256).optional(),
  EGRESS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  EGRESS_SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  EGRESS_TRUST_PROXY: bool.default(false),
  EGRESS_EXPIRY_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  EGRESS_LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).max(10000).default(10),
  EGRESS_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  EGRESS_WEB_DIST: z.string().optional(),
  EGRESS_MANIFESTS_DIR: z.string().optional(),
  EGRESS_MIGRATIONS_DIR: z.string().min(1).optional(),
  // The chart sets it from the pod's own namespace (downward API): left open in enforcement mode "all".
  EGRESS_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { error: 'must be a namespace name' })
    .optional(),
  EGRESS_RESYNC_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(86400).default(900),
  EGRESS_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  EGRESS_SECRET_KEY: secretKey.optional(),
  EGRESS_SECRET_KEY_PREVIOUS: secretKey.optional(),
  EGRESS_WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  EGRESS_AUDIT_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(86400).default(300),
  EGRESS_AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
  EGRESS_LOGIN_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(100000).default(20),
  ...OIDC_ENV,
  KUBECONFIG: z.string().optional(),
  KUBERNETES_SERVICE_HOST: z.string().optional(),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /**
   * The owner role's URL for migrations (external database). The server itself then runs with
   * DATABASE_URL, a role that owns nothing; start-up grants it what it needs (platform/db-roles.ts).
   */
  migrationDatabaseUrl: string | undefined;
  dataDir: string;
  target: 'kubernetes' | 'directory' | 'none';
  adminEmail: string;
  adminPassword: string | undefined;
  logLevel: z.infer<typeof EnvSchema>['EGRESS_LOG_LEVEL'];
  sessionTtlMs: number;
  trustProxy: boolean;
  expiryIntervalMs: number;
  loginRateLimit: number;
  dbPoolSize: number;
  webDist: string | undefined;
  manifestsDir: string;
  /** The SQL migrations folder (EGRESS_MIGRATIONS_DIR); unset: prisma/migrations beside the sources (server.ts). */
  migrationsDir: string | undefined;
  /** The namespace this API runs in (EGRESS_NAMESPACE); null outside a cluster or when not set. */
  namespace: string | null;
  resyncIntervalMs: number;
  /**
   * Where people reach the console (links in notifications, the OIDC redirect URI). Defaults to
   * http://HOST:PORT, which is right for the quick start only.
   */
  publicUrl: string;
  /**
   * AES-256 key for secrets stored encrypted (webhook signing secrets). Unset: server.ts uses
   * <dataDir>/secret.key, creating it on the first start.
   */
  secretKey: Buffer | undefined;
  /**
   * The key being replaced: set with a new EGRESS_SECRET_KEY, the first start re-encrypts every stored
   * secret from this key to the new one (platform/secret-key-check.ts). Remove it afterwards.
   */
  previousSecretKey: Buffer | undefined;
  /** Whether webhooks may target loopback, private and link-local addresses (SSRF guard off). */
  webhookAllowPrivate: boolean;
  /** OIDC sign-in (docs/oidc.md); null when not configured. */
  oidc: OidcConfig | null;
  /** How often the audit log is sealed by a signed checkpoint (when it has grown since the last one). */
  auditCheckpointIntervalMs: number;
  /** The file target for checkpoints (checkpoints.jsonl), outside the database. */
  auditCheckpointDir: string;
  /** Failed sign-ins one address may make per minute, across all accounts. */
  loginFailuresPerAddress: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`DATABASE_URL=`) means unset, as shells and compose files commonly write it.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const clusterFound = Boolean(e.KUBECONFIG ?? e.KUBERNETES_SERVICE_HOST);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    migrationDatabaseUrl: e.EGRESS_MIGRATION_DATABASE_URL,
    dataDir: resolve(e.EGRESS_DATA_DIR),
    target: e.EGRESS_TARGET ?? (clusterFound ? 'kubernetes' : 'directory'),
    adminEmail: e.EGRESS_ADMIN_EMAIL.toLowerCase(),
    adminPassword: e.EGRESS_ADMIN_PASSWORD,
    logLevel: e.EGRESS_LOG_LEVEL,
    sessionTtlMs: e.EGRESS_SESSION_TTL_HOURS * 3600_000,
    trustProxy: e.EGRESS_TRUST_PROXY,
    expiryIntervalMs: e.EGRESS_EXPIRY_INTERVAL_SECONDS * 1000,
    loginRateLimit: e.EGRESS_LOGIN_RATE_LIMIT,
    dbPoolSize: e.EGRESS_DB_POOL_SIZE,
    webDist: e.EGRESS_WEB_DIST,
    manifestsDir: resolve(e.EGRESS_MANIFESTS_DIR ?? `${e.EGRESS_DATA_DIR}/manifests`),
    migrationsDir: e.EGRESS_MIGRATIONS_DIR,
    namespace: e.EGRESS_NAMESPACE ?? null,
    resyncIntervalMs: e.EGRESS_RESYNC_INTERVAL_SECONDS * 1000,
    publicUrl: (e.EGRESS_PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
    secretKey: e.EGRESS_SECRET_KEY,
    previousSecretKey: e.EGRESS_SECRET_KEY_PREVIOUS,
    webhookAllowPrivate: e.EGRESS_WEBHOOK_ALLOW_PRIVATE,
    oidc: loadOidcConfig(e),
    auditCheckpointIntervalMs: e.EGRESS_AUDIT_CHECKPOINT_INTERVAL_SECONDS * 1000,
    auditCheckpointDir: resolve(e.EGRESS_AUDIT_CHECKPOINT_DIR ?? `${e.EGRESS_DATA_DIR}/audit-checkpoints`),
    loginFailuresPerAddress: e.EGRESS_LOGIN_FAILURES_PER_ADDRESS,
  };
}
