-- The blocked-egress inbox grouped every stored window on each page view: 625 ms a page at 270,000
-- windows (bench/flows), growing with the retention. Now it pages through one row per group (source,
-- destination, port, protocol) along an index, and sums only its page's windows.

-- The group a window belongs to: the inbox's stable group key, md5 of
-- "service id or -|namespace|destination|port|protocol". Generated, so no writer can get it wrong.
-- (Written with || and a CASE because a generated column needs an immutable expression, and neither
-- concat_ws nor an enum's text output is; a new protocol must be added to the CASE.)
ALTER TABLE "blocked_flows" ADD COLUMN "group_key" TEXT NOT NULL GENERATED ALWAYS AS (
    md5(coalesce("service_id"::text, '-') || '|' || "source_namespace" || '|' || "dest_key" || '|' || "port"::text || '|' ||
        CASE WHEN "protocol" = 'UDP' THEN 'UDP' ELSE 'TCP' END)
) STORED;
CREATE INDEX "blocked_flows_group_key_last_seen_idx" ON "blocked_flows" ("group_key", "last_seen");

-- One row per group: what the inbox orders and filters by. Counts and first sightings stay in the
-- windows (they depend on the period asked for); the ingest upserts a batch's groups in the same
-- transaction as its windows, and the retention sweep deletes groups whose last window expired.
CREATE TABLE "blocked_egress_groups" (
    "key" TEXT NOT NULL,
    "service_id" UUID,
    "source_namespace" TEXT NOT NULL,
    "source_workload" TEXT,
    "dest_key" TEXT NOT NULL,
    "dest_name" TEXT,
    "dest_ip" TEXT,
    "port" INTEGER NOT NULL,
    "protocol" "Protocol" NOT NULL,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "blocked_egress_groups_pkey" PRIMARY KEY ("key"),
    CONSTRAINT "blocked_egress_groups_service_id_fkey" FOREIGN KEY ("service_id") REFERENCES "services"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "blocked_egress_groups_last_seen_key_idx" ON "blocked_egress_groups" ("last_seen" DESC, "key" DESC);

INSERT INTO "blocked_egress_groups" ("key", "service_id", "source_namespace", "source_workload", "dest_key", "dest_name", "dest_ip", "port", "protocol", "last_seen")
SELECT DISTINCT ON ("group_key") "group_key", "service_id", "source_namespace", "source_workload", "dest_key", "dest_name", "dest_ip", "port", "protocol", "last_seen"
FROM "blocked_flows"
ORDER BY "group_key", "last_seen" DESC;
