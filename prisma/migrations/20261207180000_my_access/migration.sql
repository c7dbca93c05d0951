-- Issue 18 (the engineer's own access): expiry counted from activation, renewals, requests that propose a
-- destination, and the requester's "seen" mark for decision notifications.

-- When the grant became active (its last required approval). Expiry is counted from here when the
-- request asked for a duration (duration_seconds) instead of an end date.
ALTER TABLE "grants" ADD COLUMN "activated_at" TIMESTAMPTZ(3);
ALTER TABLE "grants" ADD COLUMN "duration_seconds" INTEGER;
-- A renewal request: the active grant it continues. Approved, it takes over without a gap.
ALTER TABLE "grants" ADD COLUMN "renews_grant_id" UUID;
-- A request for a host nobody registered: {ports: [{port, protocol}], sensitivity, description}. The
-- final approval registers the destination (host: the request's destination) in the same transaction.
ALTER TABLE "grants" ADD COLUMN "proposed_host" TEXT;
ALTER TABLE "grants" ADD COLUMN "proposed_destination" JSONB;

ALTER TABLE "grants" ADD CONSTRAINT "grants_renews_grant_id_fkey" FOREIGN KEY ("renews_grant_id")
  REFERENCES "grants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "grants" ADD CONSTRAINT "grants_duration_range"
  CHECK ("duration_seconds" IS NULL OR "duration_seconds" BETWEEN 3600 AND 31536000);
ALTER TABLE "grants" ADD CONSTRAINT "grants_proposal_shape"
  CHECK (("proposed_host" IS NULL) = ("proposed_destination" IS NULL));
CREATE INDEX "grants_renews_grant_id_idx" ON "grants"("renews_grant_id");

-- Grants activated before this migration: the time of their last approval is when they became active.
UPDATE "grants" g SET "activated_at" = (SELECT max(a."at") FROM "grant_approvals" a WHERE a."grant_id" = g."id")
  WHERE g."state" IN ('active', 'revoked', 'expired');

-- At most one pending or active grant per (service, destination, port), as before, except that a pending
-- renewal waits beside the active grant it renews, and a pending proposal (destination_id still NULL)
-- must not collide with a port-wide request (also NULL) for the same port.
DROP INDEX "grants_open_key";
CREATE UNIQUE INDEX "grants_open_key" ON "grants" ("service_id", "destination_id", "port") NULLS NOT DISTINCT
  WHERE "state" = 'active' OR ("state" = 'pending' AND "renews_grant_id" IS NULL AND "proposed_host" IS NULL);
-- One pending renewal per grant; one pending proposal per (service, proposed host, port).
CREATE UNIQUE INDEX "grants_pending_renewal_key" ON "grants" ("renews_grant_id")
  WHERE "state" = 'pending' AND "renews_grant_id" IS NOT NULL;
CREATE UNIQUE INDEX "grants_pending_proposal_key" ON "grants" ("service_id", "proposed_host", "port")
  WHERE "state" = 'pending' AND "proposed_host" IS NOT NULL;

-- Decision notifications: the requester has seen everything up to this time.
ALTER TABLE "users" ADD COLUMN "notifications_seen_at" TIMESTAMPTZ(3);
