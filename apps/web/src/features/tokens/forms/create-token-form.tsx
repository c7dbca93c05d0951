import {
  type CreatedToken,
  CreateTokenBodySchema,
  PERMISSIONS,
  type Role,
  roleAtLeast,
  ROLES,
} from '@egress/shared';
import { useState } from 'react';
import { Controller } from 'react-hook-form';

import { ExpiryField } from '../../../components/ui/expiry-field.tsx';
import { Field, FieldError } from '../../../components/ui/field.tsx';
import { FormActions } from '../../../components/ui/form-actions.tsx';
import { useSchemaForm } from '../../../lib/schema-form.ts';
import { useCreateToken } from '../api/tokens.mutations.ts';
import { tokenBody, type TokenPurpose } from './token-purpose.ts';

const FIELDS = ['name', 'role', 'scopes', 'expiresAt'] as const;

function PurposeField({
  purpose,
  onChange,
  error,
}: {
  purpose: TokenPurpose;
  onChange: (p: TokenPurpose) => void;
  error: string | undefined;
}) {
  return (
    <fieldset className={`field${error ? ' field-invalid' : ''}`}>
      <legend>Purpose</legend>
      <div className="segmented">
        <label className="check">
          <input type="radio" name="purpose" checked={purpose === 'api'} onChange={() => onChange('api')} />
          API access
        </label>
        <label className="check">
          <input
            type="radio"
            name="purpose"
            checked={purpose === 'ingest'}
            onChange={() => onChange('ingest')}
          />
          Flow ingestion
        </label>
      </div>
      <div className="hint">
        {purpose === 'ingest'
          ? 'For a flow collector: the token can only send denied flows (POST /api/v1/flows) and read nothing.'
          : 'Acts with the role you choose below.'}
      </div>
      <FieldError label="Scopes" error={error} />
    </fieldset>
  );
}

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
  // Minting an ingest token needs the least role the role table names for the scope (admin).
  const mayIngest = roleAtLeast(myRole, PERMISSIONS['flows.ingest']);
  const [purpose, setPurpose] = useState<TokenPurpose>('api');
  const { form, onSubmit } = useSchemaForm(CreateTokenBodySchema, {
    defaultValues: { name: '', role: myRole },
    send: (values) => mutation.mutateAsync(tokenBody(values, purpose)),
    onDone,
    fields: FIELDS,
    failure: 'The token was not created',
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <form noValidate className="stack" onSubmit={onSubmit}>
      <Field label="Token name" error={errors.name?.message} hint="Where it is used, e.g. ci-deploy-pipeline">
        <input type="text" autoFocus {...form.register('name')} />
      </Field>
      {mayIngest ? (
        <PurposeField purpose={purpose} onChange={setPurpose} error={errors.scopes?.message} />
      ) : null}
      {purpose === 'api' ? (
        <Field label="Role" error={errors.role?.message} hint="A token never acts above your own role.">
          <select {...form.register('role')}>
            {ROLES.filter((r) => roleAtLeast(myRole, r)).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      <Controller
        control={form.control}
        name="expiresAt"
        render={({ field, fieldState }) => (
          <ExpiryField
            subject="token"
            value={field.value}
            onChange={field.onChange}
            error={fieldState.error?.message}
          />
        )}
      />
      <FormActions submit="Create token" submitting={isSubmitting} onCancel={onCancel} />
    </form>
  );
}
