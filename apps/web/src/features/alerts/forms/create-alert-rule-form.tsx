import { type AlertRule, CreateAlertRuleBodySchema } from '@egress/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { Controller, useForm } from 'react-hook-form';
import type { z } from 'zod';

import { Field } from '../../../components/ui/field.tsx';
import { SuggestInput } from '../../../components/ui/search-picker.tsx';
import { sendForm } from '../../../lib/submit-form.ts';
import { searchServiceOptions, serviceKeys } from '../../services/api/services.queries.ts';
import { useCreateAlertRule } from '../api/alerts.mutations.ts';
import { EnabledField, ThresholdField, toInt, WindowField } from './alert-rule-fields.tsx';

type Input = z.input<typeof CreateAlertRuleBodySchema>;
type Output = z.output<typeof CreateAlertRuleBodySchema>;
const FIELDS = ['name', 'service', 'threshold', 'windowSeconds', 'enabled'] as const;

export function CreateAlertRuleForm({
  onDone,
  onCancel,
}: {
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
      <Controller
        control={form.control}
        name="service"
        render={({ field }) => (
          <Field
            label="Service"
            error={errors.service?.message}
            hint="Empty: every service, each counted on its own. Type part of a name to choose one."
          >
            <SuggestInput
              value={field.value ?? undefined}
              onCommit={(v) => field.onChange(v ?? null)}
              queryKey={serviceKeys.all}
              search={searchServiceOptions}
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
