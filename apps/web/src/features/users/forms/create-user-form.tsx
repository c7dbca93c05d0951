import { CreateUserBodySchema, ROLES, type User } from '@egress/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';

import { Field } from '../../../components/ui/field.tsx';
import { sendForm } from '../../../lib/submit-form.ts';
import { useCreateUser } from '../api/users.mutations.ts';

type Input = z.input<typeof CreateUserBodySchema>;
type Output = z.output<typeof CreateUserBodySchema>;
const FIELDS = ['email', 'name', 'role', 'password'] as const;

export function CreateUserForm({ onDone, onCancel }: { onDone: (u: User) => void; onCancel: () => void }) {
  const mutation = useCreateUser();
  const form = useForm<Input, unknown, Output>({
    resolver: zodResolver(CreateUserBodySchema),
    defaultValues: { email: '', name: '', role: 'engineer', password: '' },
  });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit((body) =>
    sendForm(() => mutation.mutateAsync(body), onDone, {
      setError: form.setError,
      fields: FIELDS,
      failure: 'The user was not created',
    }),
  );
  return (
    <form noValidate className="stack" onSubmit={(e) => void submit(e)}>
      <Field label="Email" error={errors.email?.message}>
        <input type="email" autoComplete="off" autoFocus {...form.register('email')} />
      </Field>
      <Field label="Name" error={errors.name?.message}>
        <input type="text" autoComplete="off" {...form.register('name')} />
      </Field>
      <Field
        label="Role"
        error={errors.role?.message}
        hint="viewer reads; engineer requests; approver decides and audits; admin manages users."
      >
        <select {...form.register('role')}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label="Initial password"
        error={errors.password?.message}
        hint="At least 12 characters. Share it over a safe channel."
      >
        <input type="password" autoComplete="new-password" {...form.register('password')} />
      </Field>
      <div className="actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={isSubmitting}>
          Create user
        </button>
      </div>
    </form>
  );
}
