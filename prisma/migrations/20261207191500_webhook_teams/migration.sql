-- A webhook limited to some teams carries only events about those teams' services; empty (every
-- existing webhook): every team, as before.
ALTER TABLE "webhooks" ADD COLUMN "teams" TEXT[] NOT NULL DEFAULT '{}';
