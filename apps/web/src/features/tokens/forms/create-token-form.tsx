import { CreateTokenBodySchema, ROLES, roleAtLeast, type CreatedToken, type Role } from '@egress/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { Controller, useForm } from 'react-hook-form';
import type { z } from 'zod';

import { ExpiryField } from '../../../components/ui/expiry-field.tsx';
import { Field } from '../../../components/ui/field.tsx';
import { sendForm } from '../../../lib/submit-form.ts';
import { useCreateToken } from '../api/tokens.mutations.ts';

type Input = z.input<typeof CreateTokenBodySchema>;
type Output = z.output<typeof CreateTokenBodySchema>;
const FIELDS = ['name', 'role', 'expiresAt'] as const;

export function CreateTokenForm({
  myRole,
  onDone,
  onCancel,
}: {
  myRole: Role;
  onDone: (t: CreatedToken) => void;
  onCancel: () => void;
}) {
  const mutation = useCreateToken();
  const form = useForm<Input, unknown, Output>({
    resolver: zodResolver(CreateTokenBodySchema),
    defaultValues: { name: '', role: myRole },
  });
  const { errors, isSubmitting } = form.formState;
  const submit = form.handleSubmit((body) =>
    sendForm(() => mutation.mutateAsync(body), onDone, {
      setError: form.setError,
      fields: FIELDS,
      failure: 'The token was not created',
    }),
  );
  return (
    <form noValidate className="stack" onSubmit={(e) => void submit(e)}>
      <Field label="Token name" error={errors.name?.message} hint="Where it is used, e.g. ci-deploy-pipeline">
        <input type="text" autoFocus {...form.register('name')} />
      </Field>
      <Field label="Role" error={errors.role?.message} hint="A token never acts above your own role.">
        <select {...form.register('role')}>
          {ROLES.filter((r) => roleAtLeast(myRole, r)).map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </Field>
      <Controller
        control={form.control}
        name="expiresAt"
        render={({ field, fieldState }) => (
          <ExpiryField value={field.value} onChange={field.onChange} error={fieldState.error?.message} />
        )}
      />
      <div className="actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={isSubmitting}>
          Create token
        </button>
      </div>
    </form>
  );
}
