import { CreateDestinationBodySchema, type Destination } from '@egress/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';

import { Field } from '../../../components/ui/field.tsx';
import { sendForm } from '../../../lib/submit-form.ts';
import { useCreateDestination } from '../api/destinations.mutations.ts';
import { GatewayFields, PortsFieldset } from './destination-fields.tsx';

export type Input = z.input<typeof CreateDestinationBodySchema>;
export type Output = z.output<typeof CreateDestinationBodySchema>;
const FIELDS = ['host', 'ports', 'sensitivity', 'description', 'gateway'] as const;
const blankToUndefined = (v: string) => (v.trim() === '' ? undefined : v);

export function CreateDestinationForm({
  onDone,
  onCancel,
}: {
  onDone: (d: Destination) => void;
  onCancel: () => void;
}) {
  const mutation = useCreateDestination();
  const form = useForm<Input, unknown, Output>({
    resolver: zodResolver(CreateDestinationBodySchema),
    defaultValues: { host: '', ports: [{ port: 443, protocol: 'TCP' }], sensitivity: 'standard' },
  });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit((body) =>
    sendForm(() => mutation.mutateAsync(body), onDone, {
      setError: form.setError,
      fields: FIELDS,
      failure: 'The destination was not created',
    }),
  );
  return (
    <form noValidate className="stack" onSubmit={(e) => void submit(e)}>
      <Field
        label="Host"
        error={errors.host?.message}
        hint="A public DNS name, e.g. api.github.com (no scheme, port or wildcard)"
      >
        <input type="text" autoFocus {...form.register('host')} />
      </Field>
      <PortsFieldset form={form} />
      <Field
        label="Sensitivity"
        error={errors.sensitivity?.message}
        hint="Sensitive destinations need two approvals for every grant."
      >
        <select {...form.register('sensitivity')}>
          <option value="standard">standard</option>
          <option value="sensitive">sensitive</option>
        </select>
      </Field>
      <Field label="Description (optional)" error={errors.description?.message}>
        <textarea rows={2} {...form.register('description', { setValueAs: blankToUndefined })} />
      </Field>
      <GatewayFields form={form} />
      <div className="actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={isSubmitting}>
          Add destination
        </button>
      </div>
    </form>
  );
}
