-- A gateway name belongs to one live destination: the service checks first (for a clear message), and
-- this index closes the race between two concurrent creates.
CREATE UNIQUE INDEX "destinations_gateway_name_live_key" ON "destinations" ("gateway_name") WHERE "deleted_at" IS NULL;
