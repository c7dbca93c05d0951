// Pieces of the request form that depend on the chosen destination.
import { can, type Destination } from '@egress/shared';
import { Link } from '@tanstack/react-router';

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

/**
 * A free port for port-wide requests and proposals; otherwise only the destination's own ports, with
 * nothing selected until the user chooses (never a port they did not pick).
 */
export function PortField({
  free,
  chosen,
  error,
  value,
  onChange,
  inputRef,
}: {
  free: boolean;
  chosen: Destination | undefined;
  error: string | undefined;
  value: number | undefined;
  onChange: (port: number | undefined) => void;
  /** The form's ref, so a refused port gets the focus. */
  inputRef: React.Ref<HTMLInputElement & HTMLSelectElement>;
}) {
  const toPort = (v: string) => (v === '' ? undefined : Number(v));
  if (free) {
    return (
      <Field label="Port" error={error} hint="1–65535">
        <input
          ref={inputRef}
          type="number"
          inputMode="numeric"
          value={value === undefined || Number.isNaN(value) ? '' : value}
          onChange={(e) => onChange(toPort(e.target.value))}
        />
      </Field>
    );
  }
  return (
    <Field label="Port" error={error} hint={chosen ? undefined : 'Choose a destination first.'}>
      <select
        ref={inputRef}
        disabled={!chosen}
        value={value === undefined || Number.isNaN(value) ? '' : String(value)}
        onChange={(e) => onChange(toPort(e.target.value))}
      >
        <option value="">{chosen ? 'Choose a port' : '—'}</option>
        {chosen?.ports.map((p) => (
          <option key={`${p.port}/${p.protocol}`} value={p.port}>
            {p.port} ({p.protocol})
          </option>
        ))}
      </select>
    </Field>
  );
}

/** The link's port is not one the destination lists: say so, and leave the choice to the user. */
export function PortMismatchNotice({ message }: { message: string }) {
  return (
    <div className="callout callout-warn" role="note">
      <strong>{message}.</strong> Choose one of its ports if that is what the service uses, or ask an approver
      to add the port to the destination.
    </div>
  );
}
