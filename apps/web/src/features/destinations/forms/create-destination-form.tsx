import { CreateDestinationBodySchema, type Destination } from '@egress/shared';
import type { z } from 'zod';

import { Field } from '../../../components/ui/field.tsx';
import { FormActions } from '../../../components/ui/form-actions.tsx';
import { useSchemaForm } from '../../../lib/schema-form.ts';
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
  const { form, onSubmit } = useSchemaForm(CreateDestinationBodySchema, {
    defaultValues: { host: '', ports: [{ port: 443, protocol: 'TCP' }], sensitivity: 'standard' },
    send: (body) => mutation.mutateAsync(body),
    onDone,
    fields: FIELDS,
    failure: 'The destination was not created',
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <form noValidate className="stack" onSubmit={onSubmit}>
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
      <FormActions submit="Add destination" submitting={isSubmitting} onCancel={onCancel} />
    </form>
  );
}
