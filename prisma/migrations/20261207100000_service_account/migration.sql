-- Issue 10: a service's identity includes the ServiceAccount its pods must run as. Existing services
-- migrate unbound (NULL): the console shows them with a warning until someone binds them. Once set, the
-- API never clears it (a bound service cannot be unbound), and changing it while the service holds
-- pending or active grants is refused (docs/decisions.md).
ALTER TABLE "services" ADD COLUMN "service_account" TEXT;
