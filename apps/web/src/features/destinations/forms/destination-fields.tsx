import { useFieldArray, type UseFormReturn } from 'react-hook-form';

import { Field, FieldError } from '../../../components/ui/field.tsx';
import { firstError } from '../../../lib/first-error.ts';
import type { Input, Output } from './create-destination-form.tsx';

type Form = UseFormReturn<Input, unknown, Output>;
const num = (v: unknown) => (v === '' || v === null || v === undefined ? undefined : Number(v));

export function PortsFieldset({ form }: { form: Form }) {
  const ports = useFieldArray({ control: form.control, name: 'ports' });
  const errors = form.formState.errors.ports;
  const listError = errors?.message ?? errors?.root?.message;
  return (
    <fieldset className="field">
      <legend>Ports</legend>
      {ports.fields.map((f, i) => (
        <div key={f.id} className="inline-row">
          <Field label={`Port ${i + 1}`} error={errors?.[i]?.port?.message}>
            <input
              type="number"
              inputMode="numeric"
              {...form.register(`ports.${i}.port`, { setValueAs: num })}
            />
          </Field>
          <Field label={`Protocol ${i + 1}`}>
            <select {...form.register(`ports.${i}.protocol`)}>
              <option value="TCP">TCP</option>
              <option value="UDP">UDP</option>
            </select>
          </Field>
          {ports.fields.length > 1 ? (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => ports.remove(i)}
              aria-label={`Remove port ${i + 1}`}
            >
              Remove
            </button>
          ) : null}
        </div>
      ))}
      <FieldError label="Ports" error={listError} />
      <div>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => ports.append({ port: Number.NaN, protocol: 'TCP' })}
        >
          Add port
        </button>
      </div>
    </fieldset>
  );
}

export function GatewayFields({ form }: { form: Form }) {
  const errors = form.formState.errors.gateway;
  const rootError = firstError(errors?.root);
  return (
    <details className="field">
      <summary>Gateway settings (optional; defaults come from Settings)</summary>
      <div className="inline-row">
        <Field label="Min replicas" error={errors?.minReplicas?.message}>
          <input type="number" {...form.register('gateway.minReplicas', { setValueAs: num })} />
        </Field>
        <Field label="Max replicas" error={errors?.maxReplicas?.message}>
          <input type="number" {...form.register('gateway.maxReplicas', { setValueAs: num })} />
        </Field>
        <Field label="Target CPU %" error={errors?.targetCPUUtilizationPercentage?.message}>
          <input
            type="number"
            {...form.register('gateway.targetCPUUtilizationPercentage', { setValueAs: num })}
          />
        </Field>
      </div>
      <FieldError label="Gateway" error={rootError} />
    </details>
  );
}
