import { CreateUserBodySchema, ROLES, type User } from '@egress/shared';

import { Field } from '../../../components/ui/field.tsx';
import { FormActions } from '../../../components/ui/form-actions.tsx';
import { useSchemaForm } from '../../../lib/schema-form.ts';
import { useCreateUser } from '../api/users.mutations.ts';

const FIELDS = ['email', 'name', 'role', 'password'] as const;

export function CreateUserForm({ onDone, onCancel }: { onDone: (u: User) => void; onCancel: () => void }) {
  const mutation = useCreateUser();
  const { form, onSubmit } = useSchemaForm(CreateUserBodySchema, {
    defaultValues: { email: '', name: '', role: 'engineer', password: '' },
    send: (body) => mutation.mutateAsync(body),
    onDone,
    fields: FIELDS,
    failure: 'The user was not created',
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <form noValidate className="stack" onSubmit={onSubmit}>
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
      <FormActions submit="Create user" submitting={isSubmitting} onCancel={onCancel} />
    </form>
  );
}
