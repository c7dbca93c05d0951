import { type Grant, ReasonBodySchema } from '@egress/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { z } from 'zod';

import { Dialog } from '../../../components/ui/dialog.tsx';
import { RefusedNotice } from '../../../components/ui/error-panel.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { showToast } from '../../../components/ui/toast.tsx';
import { ImpactList } from '../../discovery/components/impact-list.tsx';
import { type Decision, useDecision } from '../api/grants.mutations.ts';

const VERB: Record<
  Decision,
  { title: string; confirm: string; field: string; required: boolean; done: string }
> = {
  approve: {
    title: 'Approve request',
    confirm: 'Approve',
    field: 'Comment (optional)',
    required: false,
    done: 'Approved',
  },
  reject: { title: 'Reject request', confirm: 'Reject', field: 'Reason', required: true, done: 'Rejected' },
  revoke: { title: 'Revoke grant', confirm: 'Revoke', field: 'Reason', required: true, done: 'Revoked' },
  cancel: {
    title: 'Cancel request',
    confirm: 'Cancel request',
    field: 'Reason (optional)',
    required: false,
    done: 'Cancelled',
  },
};

const RequiredText = z.object({ text: ReasonBodySchema.shape.reason });
const OptionalText = z.object({
  text: z.string().trim().max(2000, { error: 'must be at most 2000 characters' }),
});
type Values = z.input<typeof OptionalText>;

/** What the server answered, for the toast: the grant's new state, or how many approvals are still due. */
function outcome(decision: Decision, grant: Grant): string {
  if (decision === 'approve') {
    return grant.state === 'active'
      ? 'The grant is now active.'
      : `${grant.approvals.length} of ${grant.requiredApprovals} approvals so far; it stays pending until the rest approve.`;
  }
  return `The grant is now ${grant.state}.`;
}

export function describeGrant(grant: Grant): string {
  return `${grant.service} → ${grant.destination ?? 'any host'}:${grant.port}`;
}

interface Props {
  grant: Grant;
  decision: Decision;
  open: boolean;
  onClose: () => void;
}

export function DecisionDialog({ grant, decision, open, onClose }: Props) {
  const verb = VERB[decision];
  const mutation = useDecision();
  const form = useForm<Values>({
    resolver: zodResolver(verb.required ? RequiredText : OptionalText),
    defaultValues: { text: '' },
  });
  const close = () => {
    mutation.reset();
    form.reset();
    onClose();
  };
  const failure = mutation.error;
  // Not optimistic: the dialog waits for the server's answer, then closes and the toast says what it was.
  // A refusal keeps the dialog open with the reason, so nothing typed is lost.
  const submit = form.handleSubmit((v) =>
    mutation.mutate(
      { id: grant.id, decision, text: v.text.trim() },
      {
        onSuccess: (result) => {
          showToast({
            kind: 'success',
            title: `${verb.done}: ${describeGrant(grant)}`,
            message: outcome(decision, result),
          });
          close();
        },
      },
    ),
  );

  return (
    <Dialog
      open={open}
      onClose={close}
      title={verb.title}
      description={
        <p>
          {describeGrant(grant)}, requested by {grant.requestedBy}
        </p>
      }
    >
      {/* Before a revoke: what recent traffic it would refuse (issue 15). */}
      {decision === 'revoke' && grant.state === 'active' ? (
        <ImpactList params={{ kind: 'grant-revoke', id: grant.id }} title="Traffic revoking would refuse" />
      ) : null}
      <form noValidate className="stack" onSubmit={(e) => void submit(e)}>
        <Field label={verb.field} error={form.formState.errors.text?.message}>
          <textarea rows={3} autoFocus {...form.register('text')} />
        </Field>
        <RefusedNotice error={failure} />
        <div className="actions">
          <button type="button" className="btn" onClick={close}>
            {failure ? 'Close' : 'Back'}
          </button>
          <button
            type="submit"
            className={decision === 'approve' ? 'btn btn-primary' : 'btn btn-danger'}
            disabled={mutation.isPending}
          >
            {mutation.isPending ? 'Sending…' : verb.confirm}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
