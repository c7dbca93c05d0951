import { CreateAlertRuleBodySchema, type AlertRule, type Service } from '@egress/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';

import { Field } from '../../../components/ui/field.tsx';
import { sendForm } from '../../../lib/submit-form.ts';
import { useCreateAlertRule } from '../api/alerts.mutations.ts';
import { EnabledField, ThresholdField, toInt, WindowField } from './alert-rule-fields.tsx';

type Input = z.input<typeof CreateAlertRuleBodySchema>;
type Output = z.output<typeof CreateAlertRuleBodySchema>;
const FIELDS = ['name', 'service', 'threshold', 'windowSeconds', 'enabled'] as const;

export function CreateAlertRuleForm({
  services,
  onDone,
  onCancel,
}: {
  services: readonly Service[];
  onDone: (rule: AlertRule) => void;
  onCancel: () => void;
}) {
  const mutation = useCreateAlertRule();
  const form = useForm<Input, unknown, Output>({
    resolver: zodResolver(CreateAlertRuleBodySchema),
    defaultValues: { name: '', service: null, threshold: 20, windowSeconds: 300, enabled: true },
  });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit((body) =>
    sendForm(() => mutation.mutateAsync(body), onDone, {
      setError: form.setError,
      fields: FIELDS,
      failure: 'The alert rule was not created',
    }),
  );
  return (
    <form noValidate className="stack" onSubmit={(e) => void submit(e)} aria-label="New alert rule">
      <Field label="Rule name" error={errors.name?.message} hint="e.g. payments denied egress">
        <input type="text" autoFocus {...form.register('name')} />
      </Field>
      <Field label="Service" error={errors.service?.message} hint="Every service counts on its own.">
        <select {...form.register('service', { setValueAs: (v: string | null) => (v ? v : null) })}>
          <option value="">Every service</option>
          {services.map((s) => (
            <option key={s.id} value={s.name}>
              {s.name} ({s.namespace})
            </option>
          ))}
        </select>
      </Field>
      <ThresholdField
        error={errors.threshold?.message}
        register={form.register('threshold', { setValueAs: toInt })}
      />
      <WindowField
        error={errors.windowSeconds?.message}
        register={form.register('windowSeconds', { setValueAs: toInt })}
      />
      <EnabledField register={form.register('enabled')} />
      <div className="actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={isSubmitting}>
          Create rule
        </button>
      </div>
    </form>
  );
}
