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

/** A comment for approvals that require one (port-wide, sensitive): the same rule the API enforces. */
const RequiredComment = z.object({
  text: z
    .string()
    .trim()
    .min(1, { error: 'Say what you checked: approving this request needs a comment.' })
    .max(2000, { error: 'must be at most 2000 characters' }),
});

/** Port-wide and sensitive requests need a comment to approve (the API refuses one without). */
export function approvalNeedsComment(grant: Grant): boolean {
  return grant.destination === null || grant.destinationSensitivity === 'sensitive';
}

/**
 * What approving does now, in words: "Approval 2 of 2: the grant becomes active and is enforced within
 * a second", or how many approvers are still needed.
 */
export function approvalConsequence(grant: Grant): string {
  const n = grant.approvals.length + 1;
  const m = grant.requiredApprovals;
  if (n >= m) return `Approval ${n} of ${m}: the grant becomes active and is enforced within a second.`;
  const left = m - n;
  return `Approval ${n} of ${m}: ${left === 1 ? 'one more approver is' : `${left} more approvers are`} needed before it becomes active.`;
}

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
  /** Called with the server's answer once it agreed (e.g. "Approve & next" moves on). */
  onDone?: (result: Grant) => void;
  /** Overrides the confirm button's label (e.g. "Approve & next"). */
  confirmLabel?: string;
}

function schemaFor(decision: Decision, commentRequired: boolean) {
  if (commentRequired) return RequiredComment;
  return VERB[decision].required ? RequiredText : OptionalText;
}

export function DecisionDialog({ grant, decision, open, onClose, onDone, confirmLabel }: Props) {
  const verb = VERB[decision];
  const mutation = useDecision();
  const commentRequired = decision === 'approve' && approvalNeedsComment(grant);
  const form = useForm<Values>({
    resolver: zodResolver(schemaFor(decision, commentRequired)),
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
          onDone?.(result);
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
        <>
          <p>
            {describeGrant(grant)}, requested by {grant.requestedBy}
          </p>
          {decision === 'approve' ? <p className="consequence">{approvalConsequence(grant)}</p> : null}
        </>
      }
    >
      {/* Before a revoke: what recent traffic it would refuse (issue 15). */}
      {decision === 'revoke' && grant.state === 'active' ? (
        <ImpactList params={{ kind: 'grant-revoke', id: grant.id }} title="Traffic revoking would refuse" />
      ) : null}
      <form noValidate className="stack" onSubmit={(e) => void submit(e)}>
        <Field
          label={
            commentRequired
              ? `Comment (required: ${grant.destination === null ? 'port-wide' : 'sensitive destination'})`
              : verb.field
          }
          error={form.formState.errors.text?.message}
        >
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
            {mutation.isPending ? 'Sending…' : (confirmLabel ?? verb.confirm)}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
