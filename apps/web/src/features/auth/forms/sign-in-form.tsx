import { type LoginBody, LoginBodySchema } from '@egress/shared';
import { zodResolver } from '@hookform/resolvers/zod';
import { useForm } from 'react-hook-form';

import { Field } from '../../../components/ui/field.tsx';
import { isApiError } from '../../../lib/api-client.ts';
import { useLogin } from '../api/auth.mutations.ts';

export function SignInForm({ onSignedIn }: { onSignedIn: () => void }) {
  const login = useLogin();
  const form = useForm<LoginBody>({
    resolver: zodResolver(LoginBodySchema),
    defaultValues: { email: '', password: '' },
  });
  const { errors, isSubmitting } = form.formState;
  const failure = login.error;

  return (
    <form
      noValidate
      className="stack"
      onSubmit={(e) =>
        void form.handleSubmit(async (values) => {
          await login.mutateAsync(values).then(onSignedIn, () => undefined);
        })(e)
      }
    >
      <Field label="Email" error={errors.email?.message}>
        <input type="email" autoComplete="username" autoFocus {...form.register('email')} />
      </Field>
      <Field label="Password" error={errors.password?.message}>
        <input type="password" autoComplete="current-password" {...form.register('password')} />
      </Field>
      {failure ? (
        <div className="form-error" role="alert">
          {isApiError(failure) && failure.status === 401 ? 'Wrong email or password.' : failure.message}
        </div>
      ) : null}
      <button type="submit" className="btn btn-primary" disabled={isSubmitting}>
        {isSubmitting ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
