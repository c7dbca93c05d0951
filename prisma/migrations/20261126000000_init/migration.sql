-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('viewer', 'engineer', 'approver', 'admin');

-- CreateEnum
CREATE TYPE "Protocol" AS ENUM ('TCP', 'UDP');

-- CreateEnum
CREATE TYPE "Sensitivity" AS ENUM ('standard', 'sensitive');

-- CreateEnum
CREATE TYPE "GrantState" AS ENUM ('pending', 'active', 'rejected', 'cancelled', 'revoked', 'expired');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "password_hash" TEXT,
    "disabled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "csrf_token_hash" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "ip" TEXT,
    "user_agent" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "user_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "services" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "selector" JSONB NOT NULL,
    "team" TEXT,
    "description" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "services_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "destinations" (
    "id" UUID NOT NULL,
    "host" TEXT NOT NULL,
    "gateway_name" TEXT NOT NULL,
    "sensitivity" "Sensitivity" NOT NULL,
    "description" TEXT,
    "min_replicas" INTEGER NOT NULL DEFAULT 2,
    "max_replicas" INTEGER NOT NULL DEFAULT 5,
    "target_cpu_utilization_percentage" INTEGER NOT NULL DEFAULT 70,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "destinations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "destination_ports" (
    "id" UUID NOT NULL,
    "destination_id" UUID NOT NULL,
    "port" INTEGER NOT NULL,
    "protocol" "Protocol" NOT NULL,

    CONSTRAINT "destination_ports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "grants" (
    "id" UUID NOT NULL,
    "service_id" UUID NOT NULL,
    "destination_id" UUID,
    "port" INTEGER NOT NULL,
    "justification" TEXT NOT NULL,
    "state" "GrantState" NOT NULL DEFAULT 'pending',
    "required_approvals" INTEGER NOT NULL,
    "requested_by_id" UUID NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "decided_at" TIMESTAMPTZ(3),
    "decided_by_id" UUID,
    "reason" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "grants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "grant_approvals" (
    "id" UUID NOT NULL,
    "grant_id" UUID NOT NULL,
    "approver_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "comment" TEXT,

    CONSTRAINT "grant_approvals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "seq" BIGINT NOT NULL,
    "id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor_type" TEXT NOT NULL,
    "actor_id" TEXT,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT,
    "before" JSONB,
    "after" JSONB,
    "request_id" TEXT,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "reconcile_runs" (
    "id" UUID NOT NULL,
    "target" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "dry_run" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "deleted" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "objects" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "reconcile_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by_id" UUID,

    CONSTRAINT "settings_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE INDEX "users_role_idx" ON "users"("role");

-- CreateIndex
CREATE UNIQUE INDEX "sessions_token_hash_key" ON "sessions"("token_hash");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE INDEX "sessions_expires_at_idx" ON "sessions"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_tokens_user_id_idx" ON "api_tokens"("user_id");

-- CreateIndex
CREATE INDEX "services_name_idx" ON "services"("name");

-- CreateIndex
CREATE INDEX "services_namespace_idx" ON "services"("namespace");

-- CreateIndex
CREATE INDEX "services_team_idx" ON "services"("team");

-- CreateIndex
CREATE INDEX "services_created_by_id_idx" ON "services"("created_by_id");

-- CreateIndex
CREATE INDEX "destinations_host_idx" ON "destinations"("host");

-- CreateIndex
CREATE INDEX "destinations_sensitivity_idx" ON "destinations"("sensitivity");

-- CreateIndex
CREATE INDEX "destination_ports_destination_id_idx" ON "destination_ports"("destination_id");

-- CreateIndex
CREATE UNIQUE INDEX "destination_ports_destination_id_port_protocol_key" ON "destination_ports"("destination_id", "port", "protocol");

-- CreateIndex
CREATE INDEX "grants_service_id_idx" ON "grants"("service_id");

-- CreateIndex
CREATE INDEX "grants_destination_id_idx" ON "grants"("destination_id");

-- CreateIndex
CREATE INDEX "grants_requested_by_id_idx" ON "grants"("requested_by_id");

-- CreateIndex
CREATE INDEX "grants_decided_by_id_idx" ON "grants"("decided_by_id");

-- CreateIndex
CREATE INDEX "grants_state_requested_at_id_idx" ON "grants"("state", "requested_at", "id");

-- CreateIndex
CREATE INDEX "grants_requested_at_id_idx" ON "grants"("requested_at", "id");

-- CreateIndex
CREATE INDEX "grants_expires_at_idx" ON "grants"("expires_at");

-- CreateIndex
CREATE INDEX "grant_approvals_grant_id_idx" ON "grant_approvals"("grant_id");

-- CreateIndex
CREATE INDEX "grant_approvals_approver_id_idx" ON "grant_approvals"("approver_id");

-- CreateIndex
CREATE UNIQUE INDEX "grant_approvals_grant_id_approver_id_key" ON "grant_approvals"("grant_id", "approver_id");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_id_key" ON "audit_events"("id");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_hash_key" ON "audit_events"("hash");

-- CreateIndex
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at");

-- CreateIndex
CREATE INDEX "audit_events_actor_idx" ON "audit_events"("actor");

-- CreateIndex
CREATE INDEX "audit_events_actor_id_idx" ON "audit_events"("actor_id");

-- CreateIndex
CREATE INDEX "audit_events_action_idx" ON "audit_events"("action");

-- CreateIndex
CREATE INDEX "audit_events_target_type_target_id_idx" ON "audit_events"("target_type", "target_id");

-- CreateIndex
CREATE INDEX "reconcile_runs_started_at_idx" ON "reconcile_runs"("started_at");

-- CreateIndex
CREATE INDEX "reconcile_runs_status_idx" ON "reconcile_runs"("status");

-- CreateIndex
CREATE INDEX "settings_updated_by_id_idx" ON "settings"("updated_by_id");

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "destination_ports" ADD CONSTRAINT "destination_ports_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "destinations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grants" ADD CONSTRAINT "grants_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grants" ADD CONSTRAINT "grants_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "destinations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grants" ADD CONSTRAINT "grants_requested_by_id_fkey" FOREIGN KEY ("requested_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grants" ADD CONSTRAINT "grants_decided_by_id_fkey" FOREIGN KEY ("decided_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grant_approvals" ADD CONSTRAINT "grant_approvals_grant_id_fkey" FOREIGN KEY ("grant_id") REFERENCES "grants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "grant_approvals" ADD CONSTRAINT "grant_approvals_approver_id_fkey" FOREIGN KEY ("approver_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "settings" ADD CONSTRAINT "settings_updated_by_id_fkey" FOREIGN KEY ("updated_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- ---------------------------------------------------------------------------------------------------
-- Hand-written: what schema.prisma cannot express. Reviewed; keep in step with the comments there.
-- ---------------------------------------------------------------------------------------------------

-- Names and hosts are unique among live rows; deleted rows keep their history (grants point at them).
CREATE UNIQUE INDEX "services_name_live_key" ON "services" ("name") WHERE "deleted_at" IS NULL;
CREATE UNIQUE INDEX "destinations_host_live_key" ON "destinations" ("host") WHERE "deleted_at" IS NULL;

-- At most one pending or active grant per (service, destination, port). NULLS NOT DISTINCT makes two
-- port-wide grants (destination_id NULL) for the same service and port collide too.
CREATE UNIQUE INDEX "grants_open_key" ON "grants" ("service_id", "destination_id", "port") NULLS NOT DISTINCT
  WHERE "state" IN ('pending', 'active');

-- The expiry sweep reads only active grants with an expiry.
CREATE INDEX "grants_active_expiry_idx" ON "grants" ("expires_at") WHERE "state" = 'active' AND "expires_at" IS NOT NULL;

ALTER TABLE "destination_ports" ADD CONSTRAINT "destination_ports_port_range" CHECK ("port" BETWEEN 1 AND 65535);
ALTER TABLE "grants" ADD CONSTRAINT "grants_port_range" CHECK ("port" BETWEEN 1 AND 65535);
ALTER TABLE "grants" ADD CONSTRAINT "grants_required_approvals_range" CHECK ("required_approvals" BETWEEN 1 AND 2);
ALTER TABLE "destinations" ADD CONSTRAINT "destinations_replicas" CHECK ("min_replicas" >= 1 AND "max_replicas" >= "min_replicas");

-- The audit log is append-only: the database refuses UPDATE, DELETE and TRUNCATE, whoever asks.
-- (A superuser can still disable triggers; the hash chain is what makes such tampering detectable.)
CREATE FUNCTION "audit_events_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER "audit_events_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();
