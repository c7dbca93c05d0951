// Turning a prefilled link (/requests/new?service=…&destination=…&port=…) into the form's starting
// values. Links come from the service page and the blocked-egress inbox; the latter may name a host
// nobody has registered yet, which the form must explain instead of pretending it is selectable.
import type { Destination } from '@egress/shared';

export interface RequestInitial {
  service?: string | undefined;
  destination?: string | undefined;
  port?: number | undefined;
  /** "Request again": the earlier request's justification and duration. */
  justification?: string | undefined;
  durationSeconds?: number | undefined;
}

export interface RequestStart {
  service: string;
  /**
   * A registered host, an unregistered host name (the form then asks for a proposed destination), or ''
   * (nothing chosen).
   */
  destination: string;
  /** The linked destination when it is an IP address: shown in a notice, not selectable. */
  unregistered: string | undefined;
}

export function requestStart(initial: RequestInitial, destinations: readonly Destination[]): RequestStart {
  const wanted = initial.destination?.trim().toLowerCase();
  const registered = wanted ? destinations.find((d) => d.host === wanted) : undefined;
  const ip = wanted !== undefined && !registered && isIpAddress(wanted);
  return {
    service: initial.service ?? '',
    destination: registered?.host ?? (wanted && !ip ? wanted : ''),
    unregistered: ip ? wanted : undefined,
  };
}

/**
 * The linked port when the chosen destination has it; otherwise none. Never another of its ports: a
 * preselected port the user did not choose is how the wrong access gets requested (issue 18).
 */
export function preferredPort(chosen: Destination, wanted: number | undefined): number | undefined {
  const ports = chosen.ports.map((p) => p.port);
  return wanted !== undefined && ports.includes(wanted) ? wanted : undefined;
}

/** "465, 587" → the ports of a proposed destination (TCP); null when a token is not a port number. */
export function parsePortList(text: string): { port: number; protocol: 'TCP' }[] | null {
  const tokens = text.split(/[\s,]+/).filter((x) => x !== '');
  if (tokens.some((x) => !/^\d{1,5}$/.test(x))) return null;
  return tokens.map((x) => ({ port: Number(x), protocol: 'TCP' as const }));
}

/** IPv4 or IPv6 literal: a denied flow without a DNS name only carries the address. */
export function isIpAddress(value: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(value) || (value.includes(':') && /^[0-9a-f:.]+$/i.test(value));
}
