import { CreateGrantBodySchema, type Destination, type Grant } from '@egress/shared';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Controller, type UseFormReturn, useWatch } from 'react-hook-form';
import type { z } from 'zod';

import { Field } from '../../../components/ui/field.tsx';
import { portNotRegistered } from '../../../lib/ports.ts';
import { useSchemaForm } from '../../../lib/schema-form.ts';
import { destinationByHostQuery } from '../../destinations/api/destinations.queries.ts';
import { DestinationSuggestInput } from '../../destinations/components/destination-suggest.tsx';
import { ServiceSuggestInput } from '../../services/components/service-suggest.tsx';
import { useRequestGrant } from '../api/grants.mutations.ts';
import { DurationField } from '../components/duration-field.tsx';
import { ProposalFields } from './proposal-fields.tsx';
import {
  DestinationNotice,
  PortField,
  PortMismatchNotice,
  UnregisteredNotice,
} from './request-access-fields.tsx';
import { isIpAddress, preferredPort, type RequestInitial, requestStart } from './request-prefill.ts';

type Input = z.input<typeof CreateGrantBodySchema>;
type Output = z.output<typeof CreateGrantBodySchema>;
const FIELDS = [
  'service',
  'destination',
  'port',
  'justification',
  'expiresAt',
  'durationSeconds',
  'proposedDestination',
  'proposedDestination.ports',
  'proposedDestination.sensitivity',
  'proposedDestination.description',
] as const;
export const ANY_HOST = '*';
/** What the destination field shows for a port-wide request (a host name never has a space). */
export const ANY_HOST_TEXT = 'any host (port-wide)';
const ANY_HOST_OPTION = { value: ANY_HOST_TEXT, label: 'needs two approvals' };

/** The destination field's text as the form's value: a host, null for port-wide, '' for none. */
function toDestination(text: string | undefined): string | null {
  if (text === undefined) return '';
  return text === ANY_HOST || text === ANY_HOST_TEXT ? null : text.toLowerCase();
}
const destinationText = (v: string | null | undefined) => (v === null ? ANY_HOST_TEXT : v || undefined);

interface Props {
  initial: RequestInitial;
  /** The destination the link named, looked up (null: not registered; undefined: the link named none). */
  linked: Destination | null | undefined;
  onDone: (grant: Grant) => void;
}

type Form = UseFormReturn<Input, unknown, Output>;

/**
 * The chosen destination, looked up by host (the form never loads them all), and what follows from it:
 * port-wide, a proposal (a host name nobody registered; an IP address cannot be proposed), the port.
 */
function useDestinationChoice(form: Form, wantedPort: number | undefined) {
  const destinationValue = useWatch({ control: form.control, name: 'destination' });
  const host = typeof destinationValue === 'string' ? destinationValue : '';
  const lookup = useQuery({ ...destinationByHostQuery(host), enabled: host !== '' });
  const unregistered = host !== '' && lookup.data === null;
  const chosen = host !== '' ? (lookup.data ?? undefined) : undefined;
  const proposing = unregistered && !isIpAddress(host);
  // A destination's ports are the only valid ones: the linked one when it has it, else none (the user
  // chooses; never a port they did not pick). A proposal or port-wide request keeps the linked port.
  useEffect(() => {
    if (chosen) form.setValue('port', preferredPort(chosen, wantedPort) as number);
    else if (wantedPort !== undefined) form.setValue('port', wantedPort);
  }, [chosen, form, wantedPort]);
  const ports = chosen ? chosen.ports.map((p) => p.port) : null;
  return {
    portWide: destinationValue === null,
    host,
    chosen,
    proposing,
    unknownHost: unregistered && !proposing ? `"${host}" is not a registered destination` : undefined,
    mismatch: chosen && wantedPort !== undefined ? portNotRegistered(chosen.host, wantedPort, ports) : null,
  };
}

export function RequestAccessForm({ initial, linked, onDone }: Props) {
  const mutation = useRequestGrant();
  // Read once: the link's values are where the form starts, not something it keeps following.
  const [start] = useState(() => requestStart(initial, linked ? [linked] : []));
  const { form, onSubmit } = useSchemaForm(CreateGrantBodySchema, {
    defaultValues: {
      service: start.service,
      destination: start.destination,
      justification: initial.justification ?? '',
      durationSeconds: initial.durationSeconds,
    },
    send: (body) => mutation.mutateAsync(body),
    onDone,
    fields: FIELDS,
    failure: 'The request was not created',
  });
  const { errors, isSubmitting } = form.formState;
  // Registered during this render, before the justification below: a Controller registers only when it
  // renders (after this function), and a refused submit focuses the first field registered with an error.
  form.register('port');
  const { portWide, host, chosen, proposing, unknownHost, mismatch } = useDestinationChoice(
    form,
    initial.port,
  );
  const lifetime = {
    durationSeconds: useWatch({ control: form.control, name: 'durationSeconds' }),
    expiresAt: useWatch({ control: form.control, name: 'expiresAt' }),
  };

  return (
    <form noValidate className="stack form-narrow" onSubmit={onSubmit} aria-label="Request access">
      <Controller
        control={form.control}
        name="service"
        render={({ field }) => (
          <Field
            label="Service"
            error={errors.service?.message}
            hint="The workload that needs to reach the destination: type part of its name."
          >
            <ServiceSuggestInput
              value={field.value || undefined}
              onCommit={(v) => field.onChange(v ?? '')}
              placeholder="service.name"
            />
          </Field>
        )}
      />
      <Controller
        control={form.control}
        name="destination"
        render={({ field }) => (
          <Field
            label="Destination"
            error={errors.destination?.message ?? unknownHost}
            hint={`A registered host, or "${ANY_HOST_TEXT}".`}
          >
            <DestinationSuggestInput
              value={destinationText(field.value)}
              onCommit={(v) => field.onChange(toDestination(v))}
              placeholder="api.example.com"
              fixed={[ANY_HOST_OPTION]}
            />
          </Field>
        )}
      />
      {start.unregistered && host === '' && !portWide ? (
        <UnregisteredNotice host={start.unregistered} port={initial.port} />
      ) : null}
      <DestinationNotice portWide={portWide} chosen={chosen} />
      {mismatch ? <PortMismatchNotice message={mismatch} /> : null}
      {proposing ? (
        <ProposalFields
          key={host}
          host={host}
          control={form.control}
          errors={errors.proposedDestination}
          port={initial.port}
        />
      ) : null}
      <Controller
        control={form.control}
        name="port"
        render={({ field }) => (
          <PortField
            free={portWide || proposing}
            chosen={chosen}
            error={errors.port?.message}
            value={field.value}
            onChange={field.onChange}
            inputRef={field.ref}
          />
        )}
      />
      <Field
        label="Justification"
        error={errors.justification?.message}
        hint="Why the service needs this: a sentence at least. Approvers read this."
      >
        <textarea rows={3} {...form.register('justification')} />
      </Field>
      <DurationField
        value={lifetime}
        onChange={(l) => {
          form.setValue('durationSeconds', l.durationSeconds);
          form.setValue('expiresAt', l.expiresAt);
        }}
        error={errors.durationSeconds?.message ?? errors.expiresAt?.message}
      />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={isSubmitting}>
          {isSubmitting ? 'Sending…' : 'Send request'}
        </button>
      </div>
    </form>
  );
}
