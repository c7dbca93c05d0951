import { type AlertRule, CreateAlertRuleBodySchema } from '@egress/shared';
import { Controller } from 'react-hook-form';

import { Field } from '../../../components/ui/field.tsx';
import { FormActions } from '../../../components/ui/form-actions.tsx';
import { useSchemaForm } from '../../../lib/schema-form.ts';
import { ServiceSuggestInput } from '../../services/components/service-suggest.tsx';
import { useCreateAlertRule } from '../api/alerts.mutations.ts';
import { EnabledField, ThresholdField, toInt, WindowField } from './alert-rule-fields.tsx';

const FIELDS = ['name', 'service', 'threshold', 'windowSeconds', 'enabled'] as const;

export function CreateAlertRuleForm({
  onDone,
  onCancel,
}: {
  onDone: (rule: AlertRule) => void;
  onCancel: () => void;
}) {
  const mutation = useCreateAlertRule();
  const { form, onSubmit } = useSchemaForm(CreateAlertRuleBodySchema, {
    defaultValues: { name: '', service: null, threshold: 20, windowSeconds: 300, enabled: true },
    send: (body) => mutation.mutateAsync(body),
    onDone,
    fields: FIELDS,
    failure: 'The alert rule was not created',
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <form noValidate className="stack" onSubmit={onSubmit} aria-label="New alert rule">
      <Field label="Rule name" error={errors.name?.message} hint="e.g. payments denied egress">
        <input type="text" autoFocus {...form.register('name')} />
      </Field>
      <Controller
        control={form.control}
        name="service"
        render={({ field }) => (
          <Field
            label="Service"
            error={errors.service?.message}
            hint="Empty: every service, each counted on its own. Type part of a name to choose one."
          >
            <ServiceSuggestInput
              value={field.value ?? undefined}
              onCommit={(v) => field.onChange(v ?? null)}
              placeholder="Every service"
            />
          </Field>
        )}
      />
      <ThresholdField
        error={errors.threshold?.message}
        register={form.register('threshold', { setValueAs: toInt })}
      />
      <WindowField
        error={errors.windowSeconds?.message}
        register={form.register('windowSeconds', { setValueAs: toInt })}
      />
      <EnabledField register={form.register('enabled')} />
      <FormActions submit="Create rule" submitting={isSubmitting} onCancel={onCancel} />
    </form>
  );
}
