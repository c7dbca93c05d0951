// What "Request access" on an inbox row puts into the request form (/requests/new?service=…&destination=…&port=…).
import type { BlockedEgressGroup } from '@egress/shared';

export interface RequestPrefill {
  service?: string | undefined;
  destination?: string | undefined;
  port?: number | undefined;
}

/**
 * The row's service (none for unattributed flows: the requester picks one), its destination and port.
 * An unregistered destination is still passed on: the form says it must be registered first rather
 * than silently dropping what the user clicked on.
 */
export function requestPrefill(group: BlockedEgressGroup): RequestPrefill {
  return {
    service: group.service ?? undefined,
    destination: group.destination,
    port: group.port,
  };
}
