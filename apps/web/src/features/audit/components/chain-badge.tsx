import { useQuery } from '@tanstack/react-query';

import { Badge } from '../../../components/ui/badge.tsx';
import { auditVerifyQuery } from '../api/audit.queries.ts';

/** The hash chain's verdict: "chain verified up to #N", or "broken at #N" in red. */
export function ChainBadge() {
  const query = useQuery(auditVerifyQuery());
  if (query.isPending) return <Badge tone="grey">verifying chain…</Badge>;
  if (query.isError)
    return (
      <Badge tone="grey" title={query.error.message}>
        chain not verified
      </Badge>
    );
  const v = query.data;
  return (
    <span role="status">
      {v.valid ? (
        <Badge tone="green" title={`${v.checked} events recomputed and matched`}>
          ✓ Chain verified up to #{v.checked}
        </Badge>
      ) : (
        <Badge tone="red" title="An event's hash does not match its content or its predecessor">
          ✗ Chain broken at #{v.firstInvalidSeq ?? '?'}
        </Badge>
      )}
    </span>
  );
}
