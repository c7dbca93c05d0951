// Port-wide and sensitive requests are approved with a comment (issue 18): the widest access gets a
// written reason from every approver, enforced here and not only by the console.
import type { AppError } from '../../platform/errors.ts';
import { invalid } from '../../platform/errors.ts';
import type { GrantRecord } from './grants.repository.ts';
import { commentRequiredFor } from './grants.transitions.ts';

/** Why an approval without a comment is refused, in the approver's words. */
function commentMissing(row: GrantRecord): AppError | null {
  // A request that proposes an unregistered host is for that host, not port-wide: its proposed
  // sensitivity decides, as it decides the approvals it needs.
  const destination =
    row.destinationId !== null
      ? { sensitivity: row.destinationSensitivity ?? 'standard' }
      : row.proposedDestination
        ? { sensitivity: row.proposedDestination.sensitivity }
        : null;
  if (!commentRequiredFor(destination)) return null;
  const what =
    destination === null
      ? `a port-wide request (any host on port ${row.port})`
      : `a request for a sensitive destination (${row.destination ?? ''})`;
  return invalid('body.comment', `is required to approve ${what}: say what you checked`);
}

export function requireComment(type: string, row: GrantRecord, comment: string | undefined): void {
  if (type !== 'approve' || comment) return;
  const missing = commentMissing(row);
  if (missing) throw missing;
}
