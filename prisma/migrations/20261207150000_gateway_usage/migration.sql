-- Gateway usage (issue 15): the gateways' connection log lines, rolled up per hour, per destination and
-- port, per source. Bounded by construction (one row per source per destination port per hour) and by
-- the retention setting; the raw lines are not kept.
--
-- source_key names the source once: 'service:<uuid>' when the source address was attributed to a pod
-- of a registered service, 'ip:<address>' when it was not (kept and shown as unattributed).
-- grant_id is the active grant that admitted the connection (null: the service had none, which an
-- `observe` gateway admits and an `enforce` gateway refuses).
CREATE TABLE "gateway_usage_hourly" (
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "destination_id" UUID NOT NULL,
    "port" INTEGER NOT NULL,
    "source_key" TEXT NOT NULL,
    "service_id" UUID,
    "source_namespace" TEXT,
    "source_ip" TEXT,
    "grant_id" UUID,
    "connections" BIGINT NOT NULL DEFAULT 0,
    "refused" BIGINT NOT NULL DEFAULT 0,
    "bytes_sent" BIGINT NOT NULL DEFAULT 0,
    "bytes_received" BIGINT NOT NULL DEFAULT 0,
    "first_seen" TIMESTAMPTZ(3) NOT NULL,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "gateway_usage_hourly_pkey" PRIMARY KEY ("hour", "destination_id", "port", "source_key"),
    CONSTRAINT "gateway_usage_hourly_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "destinations"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "gateway_usage_hourly_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "gateway_usage_hourly_grant_id_fkey" FOREIGN KEY ("grant_id") REFERENCES "grants"("id") ON DELETE SET NULL ON UPDATE CASCADE
);

CREATE INDEX "gateway_usage_hourly_grant_id_hour_idx" ON "gateway_usage_hourly"("grant_id", "hour");
CREATE INDEX "gateway_usage_hourly_service_id_hour_idx" ON "gateway_usage_hourly"("service_id", "hour");
CREATE INDEX "gateway_usage_hourly_destination_id_hour_idx" ON "gateway_usage_hourly"("destination_id", "hour");
CREATE INDEX "gateway_usage_hourly_hour_idx" ON "gateway_usage_hourly"("hour");
