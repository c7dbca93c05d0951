-- Visibility and integrations: denied-flow ingestion, alert rules and alerts, outgoing webhooks with a
-- delivery log, OIDC sign-in, and scoped API tokens (an ingest token can do nothing but ingest).

-- Scoped tokens: a token whose scopes are non-empty holds exactly those scoped permissions and nothing
-- its role would otherwise give it (see packages/shared/src/permissions.ts, SCOPED_PERMISSIONS).
ALTER TABLE "api_tokens" ADD COLUMN "scopes" TEXT[] NOT NULL DEFAULT '{}';

-- OIDC identities: a user signed in through the provider is found by (issuer, subject), never by email.
ALTER TABLE "users" ADD COLUMN "oidc_issuer" TEXT, ADD COLUMN "oidc_subject" TEXT;
CREATE UNIQUE INDEX "users_oidc_identity_key" ON "users" ("oidc_issuer", "oidc_subject");

-- An authorization-code flow in progress. Keyed by the SHA-256 of `state`; bound to the browser that
-- started it by the SHA-256 of a cookie value (login CSRF). Rows live minutes and are deleted on use.
CREATE TABLE "oidc_logins" (
    "state_hash" TEXT NOT NULL,
    "binding_hash" TEXT NOT NULL,
    "code_verifier" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "return_to" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "oidc_logins_pkey" PRIMARY KEY ("state_hash")
);
CREATE INDEX "oidc_logins_expires_at_idx" ON "oidc_logins" ("expires_at");

-- Denied flows, aggregated: one row per (service, source namespace, destination, port, protocol, window).
-- Repeats inside a window increment `count` (ON CONFLICT on the key below); rows older than the
-- retention setting are deleted by the sweep.
CREATE TABLE "blocked_flows" (
    "id" UUID NOT NULL,
    "service_id" UUID,
    "source_namespace" TEXT NOT NULL,
    "source_workload" TEXT,
    "dest_key" TEXT NOT NULL,
    "dest_name" TEXT,
    "dest_ip" TEXT,
    "destination_id" UUID,
    "port" INTEGER NOT NULL,
    "protocol" "Protocol" NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "first_seen" TIMESTAMPTZ(3) NOT NULL,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,
    "reporter" TEXT NOT NULL,
    CONSTRAINT "blocked_flows_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "blocked_flows_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "blocked_flows_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "destinations"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "blocked_flows_count_positive" CHECK ("count" > 0)
);
CREATE UNIQUE INDEX "blocked_flows_window_key" ON "blocked_flows"
    ("service_id", "source_namespace", "dest_key", "port", "protocol", "window_start") NULLS NOT DISTINCT;
CREATE INDEX "blocked_flows_last_seen_idx" ON "blocked_flows" ("last_seen");
CREATE INDEX "blocked_flows_service_id_last_seen_idx" ON "blocked_flows" ("service_id", "last_seen");
CREATE INDEX "blocked_flows_destination_id_idx" ON "blocked_flows" ("destination_id");

-- Alert rules: raise an alert when a service (or any service, service_id NULL) is denied at least
-- `threshold` times within `window_seconds`.
CREATE TABLE "alert_rules" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "service_id" UUID,
    "threshold" INTEGER NOT NULL,
    "window_seconds" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alert_rules_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "alert_rules_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "alert_rules_threshold_positive" CHECK ("threshold" > 0),
    CONSTRAINT "alert_rules_window_positive" CHECK ("window_seconds" > 0)
);
CREATE INDEX "alert_rules_service_id_idx" ON "alert_rules" ("service_id");

-- Raised alerts. The rule's name is copied so an alert still reads well after its rule is deleted.
CREATE TABLE "alerts" (
    "id" UUID NOT NULL,
    "rule_id" UUID,
    "rule_name" TEXT NOT NULL,
    "service_id" UUID,
    "source_namespace" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "threshold" INTEGER NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "window_end" TIMESTAMPTZ(3) NOT NULL,
    "destinations" JSONB NOT NULL DEFAULT '[]',
    "raised_at" TIMESTAMPTZ(3) NOT NULL,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by_id" UUID,
    "comment" TEXT,
    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "alerts_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "alerts_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "alerts_acknowledged_by_id_fkey" FOREIGN KEY ("acknowledged_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE INDEX "alerts_raised_at_idx" ON "alerts" ("raised_at");
CREATE INDEX "alerts_rule_id_service_id_raised_at_idx" ON "alerts" ("rule_id", "service_id", "raised_at");
CREATE INDEX "alerts_open_idx" ON "alerts" ("raised_at") WHERE "acknowledged_at" IS NULL;

-- Outgoing webhooks. The signing secret is needed in clear to sign, so it is stored encrypted
-- (AES-256-GCM, key outside the database: EGRESS_SECRET_KEY or <data dir>/secret.key).
CREATE TABLE "webhooks" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "events" TEXT[] NOT NULL,
    "secret_ciphertext" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "webhooks_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "webhooks_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "webhooks_format_check" CHECK ("format" IN ('generic', 'slack'))
);

-- The outbox and delivery log in one: rows are inserted in the transaction of the change they announce
-- (so a rolled-back change announces nothing) and worked off by the dispatcher with FOR UPDATE SKIP
-- LOCKED. `event_id` is shared by every webhook's copy of one event (receivers deduplicate on it).
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "webhook_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "event" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "last_attempt_at" TIMESTAMPTZ(3),
    "response_status" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "webhook_deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "webhook_deliveries_status_check" CHECK ("status" IN ('pending', 'succeeded', 'failed'))
);
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" ("next_attempt_at") WHERE "status" = 'pending';
CREATE INDEX "webhook_deliveries_webhook_id_created_at_idx" ON "webhook_deliveries" ("webhook_id", "created_at");
CREATE INDEX "webhook_deliveries_event_id_idx" ON "webhook_deliveries" ("event_id");
