// Renew: a renewal request for an active grant, prefilled with its justification and duration. The
// grant keeps working while the renewal waits; approved, the renewal takes over where it ends.
import { type Grant, RenewGrantBodySchema } from '@egress/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { Controller, useForm } from 'react-hook-form';
import type { z } from 'zod';

import { Dialog } from '../../../components/ui/dialog.tsx';
import { RefusedNotice } from '../../../components/ui/error-panel.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { FormActions } from '../../../components/ui/form-actions.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { describeGrant } from '../../grants/components/decision-dialog.tsx';
import { DurationField } from '../../grants/components/duration-field.tsx';
import { useRenewGrant } from '../api/my-access.queries.ts';

type Input = z.input<typeof RenewGrantBodySchema>;
type Output = z.output<typeof RenewGrantBodySchema>;
const THIRTY_DAYS = 30 * 86_400;

export function RenewDialog({ grant, open, onClose }: { grant: Grant; open: boolean; onClose: () => void }) {
  const mutation = useRenewGrant();
  const form = useForm<Input, unknown, Output>({
    resolver: zodResolver(RenewGrantBodySchema),
    defaultValues: {
      justification: grant.justification,
      durationSeconds: grant.durationSeconds ?? THIRTY_DAYS,
    },
  });
  const close = () => {
    mutation.reset();
    form.reset();
    onClose();
  };
  const submit = form.handleSubmit((body) =>
    mutation.mutate(
      { id: grant.id, body },
      {
        onSuccess: (renewal) => {
          showToast({
            kind: 'success',
            title: 'Renewal requested',
            message: `It needs ${renewal.requiredApprovals} approval${renewal.requiredApprovals === 1 ? '' : 's'}; the grant keeps working meanwhile.`,
          });
          close();
        },
      },
    ),
  );
  const { errors, isSubmitting } = form.formState;
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Renew access"
      description={
        <>
          {describeGrant(grant)}. Approved, the renewal takes over when this grant ends: no gap, no time lost.
        </>
      }
    >
      <form noValidate className="stack" onSubmit={(e) => void submit(e)} aria-label="Renew access">
        {mutation.error ? <RefusedNotice error={mutation.error} /> : null}
        <Field label="Justification" error={errors.justification?.message} hint="Approvers read this.">
          <textarea rows={3} {...form.register('justification')} />
        </Field>
        <Controller
          control={form.control}
          name="durationSeconds"
          render={({ field }) => (
            <DurationField
              value={{ durationSeconds: field.value }}
              onChange={(l) => field.onChange(l.durationSeconds)}
              allowNone={false}
              allowDate={false}
              error={errors.durationSeconds?.message}
            />
          )}
        />
        <FormActions
          submit={mutation.isPending ? 'Sending…' : 'Request renewal'}
          submitting={isSubmitting || mutation.isPending}
          onCancel={close}
        />
      </form>
    </Dialog>
  );
}
