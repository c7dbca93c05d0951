import { useState } from 'react';

import { utc } from '../../lib/format.ts';
import { plainFieldError } from '../../lib/plain-errors.ts';

const PRESETS = [
  { value: '1', label: '1 day' },
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: 'none', label: 'No expiry' },
  { value: 'custom', label: 'Pick a date' },
] as const;
type Preset = (typeof PRESETS)[number]['value'];

const DAY = 24 * 3600_000;

interface Props {
  value: string | undefined;
  onChange: (iso: string | undefined) => void;
  error?: string | undefined;
  now?: () => number;
}

/** Expiry with presets; a picked date means the end of that day, UTC. */
export function ExpiryField({ value, onChange, error: raw, now = Date.now }: Props) {
  const error = plainFieldError('Expiry', raw);
  const [preset, setPreset] = useState<Preset>('none');
  const [date, setDate] = useState('');
  const choose = (p: Preset) => {
    setPreset(p);
    if (p === 'none') onChange(undefined);
    else if (p === 'custom') onChange(date ? `${date}T23:59:59.000Z` : undefined);
    else onChange(new Date(now() + Number(p) * DAY).toISOString());
  };
  return (
    <fieldset
      className={`field${error ? ' field-invalid' : ''}`}
      aria-describedby={error ? 'expiry-error' : undefined}
    >
      <legend>Expiry</legend>
      <div className="segmented">
        {PRESETS.map((p) => (
          <label key={p.value} className="check">
            <input
              type="radio"
              name="expiry-preset"
              value={p.value}
              checked={preset === p.value}
              onChange={() => choose(p.value)}
            />
            {p.label}
          </label>
        ))}
      </div>
      {preset === 'custom' ? (
        <label className="inline-field">
          Expiry date
          <input
            type="date"
            value={date}
            aria-invalid={error ? true : undefined}
            onChange={(e) => {
              setDate(e.target.value);
              onChange(e.target.value ? `${e.target.value}T23:59:59.000Z` : undefined);
            }}
          />
        </label>
      ) : null}
      <div className="hint">
        {value ? `The grant ends ${utc(value)}.` : 'The grant stays until someone revokes it.'}
      </div>
      {error ? (
        <div id="expiry-error" className="field-error">
          {error}
        </div>
      ) : null}
    </fieldset>
  );
}
