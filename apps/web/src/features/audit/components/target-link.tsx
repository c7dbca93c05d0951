import type { AuditEvent } from '@egress/shared';
import { Link } from '@tanstack/react-router';

/** An audit event's target, linked to its page when it has one. */
export function TargetLink({ event }: { event: AuditEvent }) {
  const id = event.targetId;
  const label = `${event.targetType}${id ? ` ${id.slice(0, 8)}` : ''}`;
  if (!id) return <span>{event.targetType}</span>;
  switch (event.targetType) {
    case 'grant':
      return (
        <Link to="/grants/$grantId" params={{ grantId: id }}>
          {label}
        </Link>
      );
    case 'service':
      return (
        <Link to="/services/$serviceId" params={{ serviceId: id }}>
          {label}
        </Link>
      );
    case 'destination':
      return (
        <Link to="/destinations/$destinationId" params={{ destinationId: id }}>
          {label}
        </Link>
      );
    default:
      return <span title={id}>{label}</span>;
  }
}
