// Pieces of the request form that depend on the chosen destination.
import { can, type Destination } from '@egress/shared';
import { Link } from '@tanstack/react-router';
import type { UseFormRegisterReturn } from 'react-hook-form';

import { Field } from '../../../components/ui/field.tsx';
import { useMe } from '../../auth/api/auth.queries.ts';
import { isIpAddress } from './request-prefill.ts';

/**
 * The link named a destination nobody registered (typically from the blocked-egress inbox). Access is
 * granted to registered DNS names only, so the request has to wait for an approver to add it.
 */
export function UnregisteredNotice({ host, port }: { host: string; port: number | undefined }) {
  const me = useMe();
  const target = port === undefined ? host : `${host}:${port}`;
  return (
    <div className="callout callout-warn" role="note">
      <strong>{target} is not a registered destination.</strong>{' '}
      {isIpAddress(host)
        ? 'Only the IP address was reported. Access is granted to DNS names: find the host name the workload connects to, have it registered, then request access.'
        : 'An approver must register it before access can be requested.'}{' '}
      {can(me.role, 'destinations.write') ? (
        <Link to="/destinations">Register it under Destinations</Link>
      ) : (
        'Ask an approver to add it, or choose a registered destination instead.'
      )}
    </div>
  );
}

export function DestinationNotice({
  portWide,
  chosen,
}: {
  portWide: boolean;
  chosen: Destination | undefined;
}) {
  if (portWide) {
    return (
      <div className="callout callout-warn" role="note">
        <strong>Port-wide access.</strong> The service could reach any public host on this port. Port-wide
        grants need two approvals; prefer a named destination when you can.
      </div>
    );
  }
  if (chosen?.sensitivity !== 'sensitive') return null;
  return (
    <div className="callout" role="note">
      {chosen.host} is a sensitive destination: the request needs two approvals.
    </div>
  );
}

/** A free port for port-wide requests; otherwise only the destination's own ports. */
export function PortField({
  portWide,
  chosen,
  error,
  register,
}: {
  portWide: boolean;
  chosen: Destination | undefined;
  error: string | undefined;
  register: UseFormRegisterReturn<'port'>;
}) {
  if (portWide) {
    return (
      <Field label="Port" error={error} hint="1–65535">
        <input type="number" inputMode="numeric" {...register} />
      </Field>
    );
  }
  return (
    <Field label="Port" error={error} hint={chosen ? undefined : 'Choose a destination first.'}>
      <select disabled={!chosen} {...register}>
        {chosen ? null : <option value="">—</option>}
        {chosen?.ports.map((p) => (
          <option key={`${p.port}/${p.protocol}`} value={p.port}>
            {p.port} ({p.protocol})
          </option>
        ))}
      </select>
    </Field>
  );
}
