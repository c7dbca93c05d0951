import { ReasonBodySchema, type Grant } from '@egress/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import { z } from 'zod';

import { Dialog } from '../../../components/ui/dialog.tsx';
import { RefusedNotice } from '../../../components/ui/error-panel.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { useDecision, type Decision } from '../api/grants.mutations.ts';
import { GrantStateBadge } from './grant-bits.tsx';

const VERB: Record<Decision, { title: string; confirm: string; field: string; required: boolean }> = {
  approve: { title: 'Approve request', confirm: 'Approve', field: 'Comment (optional)', required: false },
  reject: { title: 'Reject request', confirm: 'Reject', field: 'Reason', required: true },
  revoke: { title: 'Revoke grant', confirm: 'Revoke', field: 'Reason', required: true },
  cancel: { title: 'Cancel request', confirm: 'Cancel request', field: 'Reason (optional)', required: false },
};

const RequiredText = z.object({ text: ReasonBodySchema.shape.reason });
const OptionalText = z.object({
  text: z.string().trim().max(2000, { error: 'must be at most 2000 characters' }),
});
type Values = z.input<typeof OptionalText>;

function outcome(decision: Decision, grant: Grant): string {
  if (decision === 'approve') {
    return grant.state === 'active'
      ? 'Approved. The grant is now active.'
      : `Approved. ${grant.approvals.length} of ${grant.requiredApprovals} approvals so far; it stays pending until the rest approve.`;
  }
  return `Done. The grant is now ${grant.state}.`;
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
  const result = mutation.data;
  const failure = mutation.error;

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
      {result ? (
        <div className="stack">
          <p role="status" className="result-ok">
            {outcome(decision, result)} <GrantStateBadge grant={result} />
          </p>
          <div className="actions">
            <button type="button" className="btn btn-primary" onClick={close} autoFocus>
              Close
            </button>
          </div>
        </div>
      ) : (
        <form
          noValidate
          className="stack"
          onSubmit={(e) =>
            void form.handleSubmit((v) => mutation.mutate({ id: grant.id, decision, text: v.text.trim() }))(e)
          }
        >
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
      )}
    </Dialog>
  );
}
