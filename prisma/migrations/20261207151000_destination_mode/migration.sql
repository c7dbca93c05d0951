-- Issue 15: a destination is in `observe` mode (its gateway admits every pod of the cluster on the
-- destination's ports, and the gateway usage rows record who used it without a grant) or `enforce` mode
-- (only the pods of services holding an active grant; what every destination did before). Additive:
-- existing destinations migrate to `enforce`, so an upgrade opens nothing. New destinations take the
-- mode of the `newDestinationMode` setting (default `enforce`).
CREATE TYPE "DestinationMode" AS ENUM ('observe', 'enforce');

ALTER TABLE "destinations" ADD COLUMN "mode" "DestinationMode" NOT NULL DEFAULT 'enforce';
