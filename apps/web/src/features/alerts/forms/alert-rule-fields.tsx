// Fields the create and edit forms of an alert rule share.
import type { UseFormRegisterReturn } from 'react-hook-form';

import { Field } from '../../../components/ui/field.tsx';
import { windowChoices, windowLabel } from '../alert-format.ts';

/** Empty input -> NaN, which the schema reports as "must be an integer" on the field. */
export const toInt = (v: unknown) => (v === '' || v === null || v === undefined ? Number.NaN : Number(v));

export function ThresholdField({
  error,
  register,
}: {
  error: string | undefined;
  register: UseFormRegisterReturn;
}) {
  return (
    <Field label="Threshold" error={error} hint="Denied flows within the window that raise an alert.">
      <input type="number" inputMode="numeric" min={1} {...register} />
    </Field>
  );
}

export function WindowField({
  error,
  register,
  current,
}: {
  error: string | undefined;
  register: UseFormRegisterReturn;
  current?: number | undefined;
}) {
  return (
    <Field label="Window" error={error} hint="The sliding time window the flows are counted in.">
      <select {...register}>
        {windowChoices(current).map((s) => (
          <option key={s} value={s}>
            {windowLabel(s)}
          </option>
        ))}
      </select>
    </Field>
  );
}

export function EnabledField({ register }: { register: UseFormRegisterReturn }) {
  return (
    <label className="check">
      <input type="checkbox" {...register} />
      Enabled (a disabled rule raises nothing)
    </label>
  );
}
