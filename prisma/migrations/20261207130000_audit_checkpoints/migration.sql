-- Signed checkpoints of the audit chain (issue 13). The signature is made with a key the database never
-- sees, so whoever can write this table can delete checkpoints but cannot forge one; copies also go to a
-- file target and to webhooks, outside the database's reach.
CREATE TABLE "audit_checkpoints" (
    "seq" BIGINT NOT NULL,
    "head_hash" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "key_id" TEXT NOT NULL,
    "public_key" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY ("seq")
);

-- Append-only like the audit log itself.
CREATE TRIGGER "audit_checkpoints_no_update_delete" BEFORE UPDATE OR DELETE ON "audit_checkpoints"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();
CREATE TRIGGER "audit_checkpoints_no_truncate" BEFORE TRUNCATE ON "audit_checkpoints"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();
