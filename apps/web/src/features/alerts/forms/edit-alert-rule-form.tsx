import { type AlertRule, UpdateAlertRuleBodySchema } from '@egress/shared';

import { Field } from '../../../components/ui/field.tsx';
import { FormActions } from '../../../components/ui/form-actions.tsx';
import { useSchemaForm } from '../../../lib/schema-form.ts';
import { useUpdateAlertRule } from '../api/alerts.mutations.ts';
import { EnabledField, ThresholdField, toInt, WindowField } from './alert-rule-fields.tsx';

const FIELDS = ['name', 'threshold', 'windowSeconds', 'enabled'] as const;

/** Name, threshold, window and enabled; the service a rule watches is fixed (delete and re-create). */
export function EditAlertRuleForm({
  rule,
  onDone,
  onCancel,
}: {
  rule: AlertRule;
  onDone: (rule: AlertRule) => void;
  onCancel: () => void;
}) {
  const mutation = useUpdateAlertRule();
  const { form, onSubmit } = useSchemaForm(UpdateAlertRuleBodySchema, {
    defaultValues: {
      name: rule.name,
      threshold: rule.threshold,
      windowSeconds: rule.windowSeconds,
      enabled: rule.enabled,
    },
    send: (body) => mutation.mutateAsync({ id: rule.id, body }),
    onDone,
    fields: FIELDS,
    failure: 'The alert rule was not saved',
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <form noValidate className="stack" onSubmit={onSubmit} aria-label={`Edit alert rule ${rule.name}`}>
      <Field label="Rule name" error={errors.name?.message}>
        <input type="text" autoFocus {...form.register('name')} />
      </Field>
      <p className="muted small">
        Watches {rule.service ?? 'every service'}. To watch something else, create another rule.
      </p>
      <ThresholdField
        error={errors.threshold?.message}
        register={form.register('threshold', { setValueAs: toInt })}
      />
      <WindowField
        error={errors.windowSeconds?.message}
        register={form.register('windowSeconds', { setValueAs: toInt })}
        current={rule.windowSeconds}
      />
      <EnabledField register={form.register('enabled')} />
      <FormActions submit="Save rule" submitting={isSubmitting} onCancel={onCancel} />
    </form>
  );
}
