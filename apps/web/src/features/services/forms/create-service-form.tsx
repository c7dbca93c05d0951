import { CreateServiceBodySchema, type Service } from '@egress/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { Controller, useForm } from 'react-hook-form';
import type { z } from 'zod';

import { Field } from '../../../components/ui/field.tsx';
import { firstError } from '../../../lib/first-error.ts';
import { sendForm } from '../../../lib/submit-form.ts';
import { useCreateService } from '../api/services.mutations.ts';
import { LabelSelectorInput } from './label-selector-input.tsx';

type Input = z.input<typeof CreateServiceBodySchema>;
type Output = z.output<typeof CreateServiceBodySchema>;
const FIELDS = ['name', 'namespace', 'selector', 'serviceAccount', 'team', 'description'] as const;
const blankToUndefined = (v: string) => (v.trim() === '' ? undefined : v);

export function CreateServiceForm({
  onDone,
  onCancel,
}: {
  onDone: (s: Service) => void;
  onCancel: () => void;
}) {
  const mutation = useCreateService();
  const form = useForm<Input, unknown, Output>({
    resolver: zodResolver(CreateServiceBodySchema),
    defaultValues: { name: '', namespace: '', selector: { matchLabels: {} } },
  });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit((body) =>
    sendForm(() => mutation.mutateAsync(body), onDone, {
      setError: form.setError,
      fields: FIELDS,
      failure: 'The service was not created',
    }),
  );
  return (
    <form noValidate className="stack" onSubmit={(e) => void submit(e)}>
      <Field label="Name" error={errors.name?.message} hint="Lower case with dots, e.g. service.github">
        <input type="text" autoFocus {...form.register('name')} />
      </Field>
      <Field label="Namespace" error={errors.namespace?.message}>
        <input type="text" {...form.register('namespace')} />
      </Field>
      <Controller
        control={form.control}
        name="selector.matchLabels"
        render={({ field }) => (
          <Field
            label="Pod selector"
            error={firstError(errors.selector)}
            hint="Labels of the pods, comma separated: app=payments, tier=web"
          >
            <LabelSelectorInput value={field.value} onChange={field.onChange} onBlur={field.onBlur} />
          </Field>
        )}
      />
      <Field
        label="ServiceAccount"
        error={errors.serviceAccount?.message}
        hint="The ServiceAccount its pods run as. The cluster then refuses pods with these labels under any other; left empty, the service is unbound and any pod wearing the labels gets its access."
      >
        <input type="text" {...form.register('serviceAccount', { setValueAs: blankToUndefined })} />
      </Field>
      <Field label="Team (optional)" error={errors.team?.message}>
        <input type="text" {...form.register('team', { setValueAs: blankToUndefined })} />
      </Field>
      <Field label="Description (optional)" error={errors.description?.message}>
        <textarea rows={2} {...form.register('description', { setValueAs: blankToUndefined })} />
      </Field>
      <div className="actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={isSubmitting}>
          Register service
        </button>
      </div>
    </form>
  );
}
