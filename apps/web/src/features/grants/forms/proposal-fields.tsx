// The destination proposed with a request for a host nobody registered (issue 18): the approver who
// approves the request registers it in the same step. Engineers never register destinations directly.
import type { CreateGrantBody } from '@egress/shared';
import { useState } from 'react';
import { type Control, Controller, type FieldErrors } from 'react-hook-form';

import { Field } from '../../../components/ui/field.tsx';
import { parsePortList } from './request-prefill.ts';

type Errors = FieldErrors<CreateGrantBody>['proposedDestination'];

function portsError(errors: Errors): string | undefined {
  const ports = errors?.ports;
  if (!ports) return undefined;
  if (typeof ports.message === 'string') return ports.message;
  // Per-port errors ("ports[1].port: duplicate port 465/TCP"): the first one found.
  const list: readonly ({ port?: { message?: string } } | undefined)[] = Array.isArray(ports)
    ? (ports as readonly ({ port?: { message?: string } } | undefined)[])
    : [];
  const message = list.find((e) => e?.port?.message)?.port?.message;
  return message ? `a port: ${message}` : 'must list the ports';
}

function PortsInput({
  initial,
  onChange,
  ...aria
}: {
  initial: string;
  onChange: (ports: { port: number; protocol: 'TCP' }[] | undefined) => void;
  id?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}) {
  const [text, setText] = useState(initial);
  return (
    <input
      {...aria}
      value={text}
      placeholder="465, 587"
      onChange={(e) => {
        setText(e.target.value);
        const parsed = parsePortList(e.target.value);
        // Unreadable text is sent as "no ports", so the schema names the field.
        onChange(parsed ?? undefined);
      }}
    />
  );
}

export function ProposalFields({
  host,
  control,
  errors,
  port,
}: {
  host: string;
  control: Control<CreateGrantBody, unknown, unknown>;
  errors: Errors;
  port: number | undefined;
}) {
  return (
    <fieldset className="stack callout">
      <legend>Propose {host} as a destination</legend>
      <p className="small">
        {host} is not registered. Describe it: an approver registers it and approves your request in one step,
        or rejects both.
      </p>
      <Controller
        control={control}
        name="proposedDestination.ports"
        shouldUnregister
        defaultValue={port ? [{ port, protocol: 'TCP' }] : undefined}
        render={({ field }) => (
          <Field
            label="Ports"
            error={portsError(errors)}
            hint="The ports the host serves, comma separated (TCP)."
          >
            <PortsInput initial={port ? String(port) : ''} onChange={field.onChange} />
          </Field>
        )}
      />
      <Controller
        control={control}
        name="proposedDestination.sensitivity"
        shouldUnregister
        defaultValue="standard"
        render={({ field }) => (
          <Field
            label="Sensitivity"
            error={errors?.sensitivity?.message}
            hint="Sensitive: it handles personal or payment data; requests need two approvals."
          >
            <select value={field.value} onChange={(e) => field.onChange(e.target.value)}>
              <option value="standard">standard</option>
              <option value="sensitive">sensitive</option>
            </select>
          </Field>
        )}
      />
      <Controller
        control={control}
        name="proposedDestination.description"
        shouldUnregister
        defaultValue=""
        render={({ field }) => (
          <Field
            label="Description"
            error={errors?.description?.message}
            hint="What the host is, for the approver."
          >
            <input value={field.value} onChange={(e) => field.onChange(e.target.value)} />
          </Field>
        )}
      />
    </fieldset>
  );
}
