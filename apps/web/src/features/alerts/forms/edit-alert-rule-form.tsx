import { type AlertRule, UpdateAlertRuleBodySchema } from '@egress/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';

import { Field } from '../../../components/ui/field.tsx';
import { sendForm } from '../../../lib/submit-form.ts';
import { useUpdateAlertRule } from '../api/alerts.mutations.ts';
import { EnabledField, ThresholdField, toInt, WindowField } from './alert-rule-fields.tsx';

type Input = z.input<typeof UpdateAlertRuleBodySchema>;
type Output = z.output<typeof UpdateAlertRuleBodySchema>;
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
  const form = useForm<Input, unknown, Output>({
    resolver: zodResolver(UpdateAlertRuleBodySchema),
    defaultValues: {
      name: rule.name,
      threshold: rule.threshold,
      windowSeconds: rule.windowSeconds,
      enabled: rule.enabled,
    },
  });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit((body) =>
    sendForm(() => mutation.mutateAsync({ id: rule.id, body }), onDone, {
      setError: form.setError,
      fields: FIELDS,
      failure: 'The alert rule was not saved',
    }),
  );
  return (
    <form
      noValidate
      className="stack"
      onSubmit={(e) => void submit(e)}
      aria-label={`Edit alert rule ${rule.name}`}
    >
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
      <div className="actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={isSubmitting}>
          Save rule
        </button>
      </div>
    </form>
  );
}
