// The approver's review of one grant (GET /api/v1/grants/{id}/review): everything the decision needs in
// one answer, so the console makes one round trip instead of six.
import type { GrantReview } from '@egress/shared';

import type { Clock } from '../../platform/clock.ts';
import { notFound } from '../../platform/errors.ts';
import type { GrantReviewRepository } from './grant-review.repository.ts';
import { type GrantsRepository, toGrantDto } from './grants.repository.ts';
import { commentRequiredFor } from './grants.transitions.ts';

/** How far back the evidence looks: a week covers a weekly job without drowning the page. */
export const EVIDENCE_DAYS = 7;
const EVIDENCE_LIMIT = 20;
const HISTORY_LIMIT = 20;

export function createGrantReview(deps: {
  repo: GrantsRepository;
  reviewRepo: GrantReviewRepository;
  clock: Clock;
}) {
  const { repo, reviewRepo, clock } = deps;
  return async function review(id: string): Promise<GrantReview> {
    const row = await repo.findById(id);
    if (!row) throw notFound('grant');
    const subjects = await reviewRepo.subjects(row);
    if (!subjects) throw notFound('grant');
    const since = new Date(clock.now().getTime() - EVIDENCE_DAYS * 86_400_000);
    const [deniedFlows, serviceGrants, rejections] = await Promise.all([
      reviewRepo.deniedFlows(
        {
          serviceId: row.serviceId,
          host: subjects.destination?.host ?? null,
          destinationId: row.destinationId,
          port: row.port,
          since,
        },
        EVIDENCE_LIMIT,
      ),
      repo.ofService(row.serviceId, row.id, HISTORY_LIMIT),
      repo.rejectionsOf(row, HISTORY_LIMIT),
    ]);
    const destination = subjects.destination;
    const protocols = destination
      ? destination.ports.filter((p) => p.port === row.port).map((p) => p.protocol)
      : (['TCP'] as const);
    return {
      grant: toGrantDto(row),
      requester: subjects.requester,
      service: subjects.service,
      destination,
      protocols: [...protocols],
      portWide: row.destinationId === null,
      commentRequired: commentRequiredFor(destination),
      evidence: { since: since.toISOString(), deniedFlows },
      history: { serviceGrants, rejections },
    };
  };
}

export type GrantReviewService = ReturnType<typeof createGrantReview>;
