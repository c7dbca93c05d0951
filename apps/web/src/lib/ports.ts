// One sentence for "this port is not one the destination lists", shared by the blocked-egress inbox
// and the request form (issue 18).

/** "Port 25 is not registered for smtp.sendgrid.net: 465, 587 are", or null when it is (or unknown). */
export function portNotRegistered(
  host: string,
  port: number,
  ports: readonly number[] | null,
): string | null {
  if (ports === null || ports.includes(port)) return null;
  if (ports.length === 0) return `Port ${port} is not registered for ${host}: it has no ports`;
  return `Port ${port} is not registered for ${host}: ${ports.join(', ')} ${ports.length === 1 ? 'is' : 'are'}`;
}
