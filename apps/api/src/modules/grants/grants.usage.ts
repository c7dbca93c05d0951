// Usage on the grant object (issue 15): what the gateways' connection log says about each grant, added
// to every grant the API answers with, and the "unused for N days" filter's bound.
import type { Grant as GrantDto } from '@egress/shared';

import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db.ts';
import { invalid } from '../../platform/errors.ts';
import { readSettings } from '../../platform/settings.ts';
import type { GrantsRepository } from './grants.repository.ts';

const DAY_MS = 86_400_000;

export function createGrantUsage({ db, repo, clock }: { db: Db; repo: GrantsRepository; clock: Clock }) {
  return {
    /**
     * One grant with its usage: every grant the API answers with carries it (audit rows do not). A
     * port-wide grant uses no gateway: nothing to read, and no usage fields.
     */
    withUsageOne: async (grant: GrantDto): Promise<GrantDto> =>
      grant.destinationId === null ? grant : { ...grant, ...(await repo.usageOf(grant.id, clock.now())) },
    /** unusedForDays → the time since which there was no use; refused beyond the usage retention. */
    unusedSince: async (days: number | undefined): Promise<Date | undefined> => {
      if (days === undefined) return undefined;
      const { usageRetentionDays } = await readSettings(db);
      if (days > usageRetentionDays)
        throw invalid(
          'query.unusedForDays',
          `must be at most the usage retention (${usageRetentionDays} days): older usage is not kept`,
        );
      return new Date(clock.now().getTime() - days * DAY_MS);
    },
  };
}
