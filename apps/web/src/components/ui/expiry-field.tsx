import { useState } from 'react';

import { utc } from '../../lib/format.ts';
import { plainFieldError } from '../../lib/plain-errors.ts';
import { endOfDay, ExpiryChoice } from './expiry-choice.tsx';

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
  /** What expires, as the hint names it ("token"). */
  subject: string;
  value: string | undefined;
  onChange: (iso: string | undefined) => void;
  error?: string | undefined;
  now?: () => number;
}

/** Expiry with presets counted from now; a picked date means the end of that day, UTC. */
export function ExpiryField({ subject, value, onChange, error: raw, now = Date.now }: Props) {
  const [preset, setPreset] = useState<Preset>('none');
  const [date, setDate] = useState('');
  const choose = (p: Preset) => {
    setPreset(p);
    if (p === 'none') onChange(undefined);
    else if (p === 'custom') onChange(endOfDay(date));
    else onChange(new Date(now() + Number(p) * DAY).toISOString());
  };
  return (
    <ExpiryChoice
      options={PRESETS}
      preset={preset}
      dateOption="custom"
      date={date}
      onPreset={choose}
      onDate={(d) => {
        setDate(d);
        onChange(endOfDay(d));
      }}
      hint={
        value ? `The ${subject} ends ${utc(value)}.` : `The ${subject} stays valid until someone revokes it.`
      }
      error={plainFieldError('Expiry', raw)}
    />
  );
}
