// Changing a role is deliberate: pick the role, say why (required, recorded in the audit log), Save;
// granting approver or admin asks once more, naming what the role lets that person do. Nothing is
// changed before the last click, and the result shown is the one the server returned.
import { type Role, ROLES, type User } from '@egress/shared';
import { useState } from 'react';

import { Field } from '../../../components/ui/field.tsx';
import { FormActions } from '../../../components/ui/form-actions.tsx';
import { applyServerErrors } from '../../../lib/form-errors.ts';
import { toastError } from '../../../lib/toast-error.ts';
import { useUpdateUser } from '../api/users.mutations.ts';

/** What a role adds, in the words the confirmation uses. */
const POWERS: Partial<Record<Role, string>> = {
  approver:
    'Approvers decide access requests (one approval activates standard access), revoke grants and read the audit log.',
  admin: 'Admins manage users, roles, tokens, webhooks and settings, and hold every approver power.',
};

const needsConfirmation = (from: Role, to: Role) => to !== from && (to === 'approver' || to === 'admin');

interface Props {
  user: User;
  onDone: (u: User) => void;
  onCancel: () => void;
}

export function EditUserForm({ user, onDone, onCancel }: Props) {
  const mutation = useUpdateUser();
  const [role, setRole] = useState<Role>(user.role);
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [errors, setErrors] = useState<{ role?: string; reason?: string }>({});
  const changed = role !== user.role;

  async function send(): Promise<void> {
    try {
      onDone(await mutation.mutateAsync({ id: user.id, body: { role, reason: reason.trim() } }));
    } catch (error) {
      setConfirming(false);
      const named = applyServerErrors<{ role: string; reason: string }>(
        error,
        (field, e) => setErrors((prev) => ({ ...prev, [field]: e.message })),
        ['role', 'reason'],
      );
      if (!named) toastError(error, 'The role was not changed');
    }
  }

  function save(event: React.SyntheticEvent<HTMLFormElement>): void {
    event.preventDefault();
    if (!changed) {
      setErrors({ role: `${user.email} is already ${user.role}: choose another role, or cancel.` });
      return;
    }
    if (reason.trim().length === 0) {
      setErrors({ reason: 'Say why the role changes; it is recorded in the audit log.' });
      return;
    }
    setErrors({});
    if (needsConfirmation(user.role, role)) setConfirming(true);
    else void send();
  }

  if (confirming)
    return (
      <div className="stack" role="group" aria-labelledby="confirm-role-title">
        <p id="confirm-role-title">
          <strong>
            Make {user.email} {role === 'admin' ? 'an admin' : 'an approver'}?
          </strong>
        </p>
        <p>{POWERS[role]}</p>
        <p className="muted small">
          From {user.role} to {role}. Reason recorded in the audit log: “{reason.trim()}”
        </p>
        <div className="actions">
          <button type="button" className="btn" onClick={() => setConfirming(false)}>
            Back
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={mutation.isPending}
            onClick={() => void send()}
          >
            Yes, make {role}
          </button>
        </div>
      </div>
    );

  return (
    <form noValidate className="stack" onSubmit={save}>
      <Field
        label="Role"
        error={errors.role}
        hint="viewer reads; engineer requests; approver decides and audits; admin manages users."
      >
        <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
              {r === user.role ? ' (current)' : ''}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Reason" error={errors.reason} hint="Required. Recorded in the audit log with the change.">
        <textarea rows={3} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <FormActions submit="Save" submitting={mutation.isPending} onCancel={onCancel} />
    </form>
  );
}
