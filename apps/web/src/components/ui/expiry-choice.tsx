// The frame of both expiry fields (a token's fixed end, a grant's duration or end): presets as radios
// under the legend "Expiry", a date input labelled "Expiry date" while the date option is chosen, a hint
// saying what the choice means, and the error. What a preset means stays with each field; a picked date
// always means the end of that day, UTC.
import { type ReactNode, useId } from 'react';

export interface ExpiryOption<P extends string> {
  value: P;
  label: string;
}

/** "2026-12-31" -> the last second of that day, UTC; nothing while no date is picked. */
export const endOfDay = (date: string): string | undefined => (date ? `${date}T23:59:59.000Z` : undefined);

interface ExpiryChoiceProps<P extends string> {
  options: readonly ExpiryOption<P>[];
  /** The chosen option. */
  preset: P;
  /** The option that shows the date input. */
  dateOption: P;
  date: string;
  onPreset: (p: P) => void;
  onDate: (date: string) => void;
  hint: ReactNode;
  error?: string | undefined;
}

export function ExpiryChoice<P extends string>({
  options,
  preset,
  dateOption,
  date,
  onPreset,
  onDate,
  hint,
  error,
}: ExpiryChoiceProps<P>) {
  const name = useId();
  const errorId = `${name}-error`;
  return (
    <fieldset
      className={error ? 'field field-invalid' : 'field'}
      aria-describedby={error ? errorId : undefined}
    >
      <legend>Expiry</legend>
      <div className="segmented">
        {options.map((p) => (
          <label key={p.value} className="check">
            <input
              type="radio"
              name={name}
              value={p.value}
              checked={preset === p.value}
              onChange={() => onPreset(p.value)}
            />
            {p.label}
          </label>
        ))}
      </div>
      {preset === dateOption ? (
        <label className="inline-field">
          Expiry date
          <input
            type="date"
            value={date}
            aria-invalid={error ? true : undefined}
            onChange={(e) => onDate(e.target.value)}
          />
        </label>
      ) : null}
      <div className="hint">{hint}</div>
      {error ? (
        <div id={errorId} className="field-error">
          {error}
        </div>
      ) : null}
    </fieldset>
  );
}
