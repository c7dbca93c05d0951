import type { AuditEvent } from '@egress/shared';
import { Link } from '@tanstack/react-router';

/** Target types the API names (targetName); for these a missing name means the object was deleted. */
const NAMED = new Set(['service', 'destination', 'grant', 'user', 'token', 'webhook', 'alert_rule', 'alert']);

/**
 * How a person reads an event's target: "service payments-api", "grant payments-api → api.stripe.com:443";
 * the short id only for what was deleted ("deleted service c4c1817a") or what has no name.
 */
export function targetLabel(event: AuditEvent): { text: string; deleted: boolean } {
  const noun = event.targetType.replaceAll('_', ' ');
  const id = event.targetId;
  if (!id) return { text: noun, deleted: false };
  // "service.github" says what it is already; "service service.github" would stutter.
  if (event.targetName)
    return {
      text: event.targetName.startsWith(`${noun}.`) ? event.targetName : `${noun} ${event.targetName}`,
      deleted: false,
    };
  // null from an API that names this type: gone. undefined (an older API) says nothing either way.
  const deleted = event.targetName === null && NAMED.has(event.targetType);
  return { text: `${deleted ? 'deleted ' : ''}${noun} ${id.slice(0, 8)}`, deleted };
}

/** An audit event's target, by name, linked to its page while it has one. */
export function TargetLink({ event }: { event: AuditEvent }) {
  const id = event.targetId;
  const { text, deleted } = targetLabel(event);
  if (!id || deleted) return <span title={id ?? undefined}>{text}</span>;
  switch (event.targetType) {
    case 'grant':
      return (
        <Link to="/grants/$grantId" params={{ grantId: id }} title={id}>
          {text}
        </Link>
      );
    case 'service':
      return (
        <Link to="/services/$serviceId" params={{ serviceId: id }} title={id}>
          {text}
        </Link>
      );
    case 'destination':
      return (
        <Link to="/destinations/$destinationId" params={{ destinationId: id }} title={id}>
          {text}
        </Link>
      );
    default:
      return <span title={id}>{text}</span>;
  }
}
