-- Issue 18: drift is a security event. A drift alert is an alert like a denied-egress one (listed,
-- acknowledged, announced through webhooks) with its own kind and the objects it is about.
ALTER TABLE "alerts" ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'blocked_egress';
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_kind_check" CHECK ("kind" IN ('blocked_egress', 'drift'));
-- drift: {"runId": ..., "objects": [{kind, namespace, name, change, fields, managers}]}
ALTER TABLE "alerts" ADD COLUMN "details" JSONB;
