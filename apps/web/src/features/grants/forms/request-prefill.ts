// Turning a prefilled link (/requests/new?service=…&destination=…&port=…) into the form's starting
// values. Links come from the service page and the blocked-egress inbox; the latter may name a host
// nobody has registered yet, which the form must explain instead of pretending it is selectable.
import type { Destination } from '@egress/shared';

export interface RequestInitial {
  service?: string | undefined;
  destination?: string | undefined;
  port?: number | undefined;
}

export interface RequestStart {
  service: string;
  /** A registered host, or '' (nothing chosen). */
  destination: string;
  /** The linked destination when it is not registered: shown in a notice, not selectable. */
  unregistered: string | undefined;
}

export function requestStart(initial: RequestInitial, destinations: readonly Destination[]): RequestStart {
  const wanted = initial.destination?.trim().toLowerCase();
  const registered = wanted ? destinations.find((d) => d.host === wanted) : undefined;
  return {
    service: initial.service ?? '',
    destination: registered?.host ?? '',
    unregistered: wanted && !registered ? wanted : undefined,
  };
}

/** The linked port when the chosen destination has it, else the destination's first port. */
export function preferredPort(chosen: Destination, wanted: number | undefined): number | undefined {
  const ports = chosen.ports.map((p) => p.port);
  return wanted !== undefined && ports.includes(wanted) ? wanted : ports[0];
}

/** IPv4 or IPv6 literal: a denied flow without a DNS name only carries the address. */
export function isIpAddress(value: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(value) || (value.includes(':') && /^[0-9a-f:.]+$/i.test(value));
}
