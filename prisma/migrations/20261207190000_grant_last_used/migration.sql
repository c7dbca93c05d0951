-- Issue 15: when a connection last used the grant, kept on the grant row by the gateway connection
-- ingest, so "unused for N days" is a column check while the list walks its index instead of a probe of
-- the hourly usage per active grant. Rewritten at most once an hour per grant (see the ingest), so it may
-- lag the last connection by up to an hour; the exact figures stay in gateway_usage_hourly.
ALTER TABLE "grants" ADD COLUMN "last_used_at" TIMESTAMPTZ(3);

UPDATE "grants" g SET "last_used_at" = u.last_seen
FROM (SELECT "grant_id", max("last_seen") AS last_seen FROM "gateway_usage_hourly"
      WHERE "grant_id" IS NOT NULL GROUP BY "grant_id") u
WHERE g."id" = u."grant_id";
