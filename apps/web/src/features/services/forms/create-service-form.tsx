import { CreateServiceBodySchema, type Service } from '@egress/shared';
import { Controller } from 'react-hook-form';

import { Field } from '../../../components/ui/field.tsx';
import { FormActions } from '../../../components/ui/form-actions.tsx';
import { firstError } from '../../../lib/first-error.ts';
import { useSchemaForm } from '../../../lib/schema-form.ts';
import { useCreateService } from '../api/services.mutations.ts';
import { LabelSelectorInput } from './label-selector-input.tsx';

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
  const { form, onSubmit } = useSchemaForm(CreateServiceBodySchema, {
    defaultValues: { name: '', namespace: '', selector: { matchLabels: {} } },
    send: (body) => mutation.mutateAsync(body),
    onDone,
    fields: FIELDS,
    failure: 'The service was not created',
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <form noValidate className="stack" onSubmit={onSubmit}>
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
      <FormActions submit="Register service" submitting={isSubmitting} onCancel={onCancel} />
    </form>
  );
}
