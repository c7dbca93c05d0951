// Acknowledging an alert works like every other decision in the console: a dialog that names the
// alert and takes a comment; once the server agrees it closes and a toast says so, and a refusal (a 409
// when someone was quicker is a normal outcome to show, not to hide) keeps it open with the reason.
import { AcknowledgeAlertBodySchema, type Alert } from '@egress/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { z } from 'zod';

import { Dialog } from '../../../components/ui/dialog.tsx';
import { RefusedNotice } from '../../../components/ui/error-panel.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { utc } from '../../../lib/format.ts';
import { describeAlert } from '../alert-format.ts';
import { useAcknowledgeAlert } from '../api/alerts.mutations.ts';

// The body schema is nullish (an empty POST is fine); the form always has the one optional field.
const CommentForm = z.object({
  comment: z.union([AcknowledgeAlertBodySchema.unwrap().unwrap().shape.comment, z.literal('')]),
});
type Values = z.input<typeof CommentForm>;

export function AcknowledgeDialog({ alert, onClose }: { alert: Alert; onClose: () => void }) {
  const mutation = useAcknowledgeAlert();
  const form = useForm<Values>({ resolver: zodResolver(CommentForm), defaultValues: { comment: '' } });
  const failure = mutation.error;
  const submit = form.handleSubmit((v) =>
    mutation.mutate(
      { id: alert.id, comment: (v.comment ?? '').trim() },
      {
        onSuccess: (result) => {
          showToast({
            kind: 'success',
            title: `Alert acknowledged: ${describeAlert(alert)}`,
            message: `Acknowledged${result.acknowledgedBy ? ` by ${result.acknowledgedBy}` : ''}. It has left the open alerts.`,
          });
          onClose();
        },
      },
    ),
  );
  return (
    <Dialog
      open
      onClose={onClose}
      title="Acknowledge alert"
      description={
        <p>
          {describeAlert(alert)}: {alert.count} denied flows (threshold {alert.threshold}), raised{' '}
          {utc(alert.raisedAt)}
        </p>
      }
    >
      <form noValidate className="stack" onSubmit={(e) => void submit(e)}>
        <Field
          label="Comment (optional)"
          error={form.formState.errors.comment?.message}
          hint="What you found or did, for whoever looks at this alert next."
        >
          <textarea rows={3} autoFocus {...form.register('comment')} />
        </Field>
        <RefusedNotice error={failure} />
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            {failure ? 'Close' : 'Back'}
          </button>
          <button type="submit" className="btn btn-primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Sending…' : 'Acknowledge'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
