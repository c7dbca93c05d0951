import { CreateGrantBodySchema, type Destination, type Grant, type Service } from '@egress/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useEffect, useState } from 'react';
import { Controller, useForm, useWatch } from 'react-hook-form';
import type { z } from 'zod';

import { ExpiryField } from '../../../components/ui/expiry-field.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { sendForm } from '../../../lib/submit-form.ts';
import { useRequestGrant } from '../api/grants.mutations.ts';
import { DestinationNotice, PortField, UnregisteredNotice } from './request-access-fields.tsx';
import { preferredPort, requestStart, type RequestInitial } from './request-prefill.ts';

type Input = z.input<typeof CreateGrantBodySchema>;
type Output = z.output<typeof CreateGrantBodySchema>;
const FIELDS = ['service', 'destination', 'port', 'justification', 'expiresAt'] as const;
export const ANY_HOST = '*';

const toPort = (v: unknown) => (v === '' || v === undefined || v === null ? undefined : Number(v));
const toDestination = (v: string | null) => (v === ANY_HOST || v === null ? null : v);

interface Props {
  services: Service[];
  destinations: Destination[];
  initial: RequestInitial;
  onDone: (grant: Grant) => void;
}

export function RequestAccessForm({ services, destinations, initial, onDone }: Props) {
  const mutation = useRequestGrant();
  const [serviceFilter, setServiceFilter] = useState('');
  // Read once: the link's values are where the form starts, not something it keeps following.
  const [start] = useState(() => requestStart(initial, destinations));
  const form = useForm<Input, unknown, Output>({
    resolver: zodResolver(CreateGrantBodySchema),
    defaultValues: { service: start.service, destination: start.destination, justification: '' },
  });
  const { errors, isSubmitting } = form.formState;
  const destinationValue = useWatch({ control: form.control, name: 'destination' });
  const portWide = destinationValue === null;
  const chosen = destinations.find((d) => d.host === destinationValue);

  // A destination's ports are the only valid ones: pick the linked one, else its first, on each change.
  const wantedPort = initial.port;
  useEffect(() => {
    if (chosen) form.setValue('port', preferredPort(chosen, wantedPort) ?? Number.NaN);
  }, [chosen, form, wantedPort]);

  const selectedService = useWatch({ control: form.control, name: 'service' });
  const needle = serviceFilter.trim().toLowerCase();
  // Filtering never hides the service already chosen.
  const shownServices = needle
    ? services.filter((s) => s.name.includes(needle) || s.name === selectedService)
    : services;

  const submit = form.handleSubmit((body) =>
    sendForm(() => mutation.mutateAsync(body), onDone, {
      setError: form.setError,
      fields: FIELDS,
      failure: 'The request was not created',
    }),
  );

  return (
    <form
      noValidate
      className="stack form-narrow"
      onSubmit={(e) => void submit(e)}
      aria-label="Request access"
    >
      {services.length > 12 ? (
        <label className="inline-field">
          Filter services
          <input
            type="search"
            value={serviceFilter}
            onChange={(e) => setServiceFilter(e.target.value)}
            placeholder="part of a name"
          />
        </label>
      ) : null}
      <Field
        label="Service"
        error={errors.service?.message}
        hint="The workload that needs to reach the destination."
      >
        <select {...form.register('service')}>
          <option value="">Choose a service…</option>
          {shownServices.map((s) => (
            <option key={s.id} value={s.name}>
              {s.name} ({s.namespace})
            </option>
          ))}
        </select>
      </Field>
      <Field label="Destination" error={errors.destination?.message}>
        <select {...form.register('destination', { setValueAs: toDestination })}>
          <option value="">Choose a destination…</option>
          <option value={ANY_HOST}>Any host (port-wide)</option>
          {destinations.map((d) => (
            <option key={d.id} value={d.host}>
              {d.host}
              {d.sensitivity === 'sensitive' ? ' (sensitive)' : ''}
            </option>
          ))}
        </select>
      </Field>
      {start.unregistered && !destinationValue ? (
        <UnregisteredNotice host={start.unregistered} port={initial.port} />
      ) : null}
      <DestinationNotice portWide={portWide} chosen={chosen} />
      <PortField
        portWide={portWide}
        chosen={chosen}
        error={errors.port?.message}
        register={form.register('port', { setValueAs: toPort })}
      />
      <Field
        label="Justification"
        error={errors.justification?.message}
        hint="Why the service needs this: a sentence at least. Approvers read this."
      >
        <textarea rows={3} {...form.register('justification')} />
      </Field>
      <Controller
        control={form.control}
        name="expiresAt"
        render={({ field, fieldState }) => (
          <ExpiryField value={field.value} onChange={field.onChange} error={fieldState.error?.message} />
        )}
      />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={isSubmitting}>
          {isSubmitting ? 'Sending…' : 'Send request'}
        </button>
      </div>
    </form>
  );
}
