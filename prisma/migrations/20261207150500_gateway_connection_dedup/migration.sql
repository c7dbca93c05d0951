-- Idempotent re-delivery of gateway connection lines (issue 15). A collector retries a batch whose answer
-- it did not see, and a restarted agent may send lines again in other batches: each line's connection is
-- counted once. `key` is the first 16 bytes of SHA-256 over what identifies one connection: gateway,
-- protocol, listener port, source address, source port and start time (docs/kubernetes.md, "Ingest").
-- Bounded: kept for the re-delivery window (24 hours after the connection started); the ingest refuses
-- lines older than that, so a line whose key was swept cannot be counted a second time.
CREATE TABLE "gateway_connection_seen" (
    "key" BYTEA NOT NULL,
    "start_hour" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "gateway_connection_seen_pkey" PRIMARY KEY ("key")
);

CREATE INDEX "gateway_connection_seen_start_hour_idx" ON "gateway_connection_seen"("start_hour");
