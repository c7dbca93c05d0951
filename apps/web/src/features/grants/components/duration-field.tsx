// How long the requested access lasts. Presets are durations counted from activation (the final
// approval), so a request that waits three days for its approver still gets its seven days (issue 18);
// "until a date" is a fixed end, for access tied to a calendar date.
import { useState } from 'react';

import { endOfDay, ExpiryChoice } from '../../../components/ui/expiry-choice.tsx';
import { duration, utc } from '../../../lib/format.ts';

const DAY_S = 86_400;
export const DURATION_PRESETS = [
  { value: '1', label: '1 day', seconds: DAY_S },
  { value: '7', label: '7 days', seconds: 7 * DAY_S },
  { value: '30', label: '30 days', seconds: 30 * DAY_S },
  { value: '90', label: '90 days', seconds: 90 * DAY_S },
] as const;
type Preset = (typeof DURATION_PRESETS)[number]['value'] | 'none' | 'date';

export interface Lifetime {
  durationSeconds?: number | undefined;
  expiresAt?: string | undefined;
}

/** "7 days once approved" / "until 2026-12-31 23:59:59 UTC" / "until revoked". */
export function lifetimeText(l: Lifetime): string {
  if (l.durationSeconds) return `${duration(l.durationSeconds * 1000)} from the final approval`;
  if (l.expiresAt) return `until ${utc(l.expiresAt)}`;
  return 'until someone revokes it';
}

function presetOf(l: Lifetime): Preset {
  if (l.expiresAt) return 'date';
  const found = DURATION_PRESETS.find((p) => p.seconds === l.durationSeconds);
  return found ? found.value : 'none';
}

function optionsFor(allowNone: boolean, allowDate: boolean): { value: Preset; label: string }[] {
  return [
    ...DURATION_PRESETS.map((p) => ({ value: p.value, label: p.label })),
    ...(allowNone ? [{ value: 'none' as const, label: 'No expiry' }] : []),
    ...(allowDate ? [{ value: 'date' as const, label: 'Pick a date' }] : []),
  ];
}

function Hint({ value }: { value: Lifetime }) {
  return (
    <>
      The access lasts {lifetimeText(value)}
      {value.durationSeconds ? ' (counted from when it becomes active, not from this request).' : '.'}
    </>
  );
}

interface DurationFieldProps {
  value: Lifetime;
  onChange: (l: Lifetime) => void;
  error?: string | undefined;
  allowNone?: boolean;
  allowDate?: boolean;
}

export function DurationField({
  value,
  onChange,
  error,
  allowNone = true,
  allowDate = true,
}: DurationFieldProps) {
  const [preset, setPreset] = useState<Preset>(() => presetOf(value));
  const [date, setDate] = useState(value.expiresAt?.slice(0, 10) ?? '');
  const choose = (p: Preset) => {
    setPreset(p);
    const found = DURATION_PRESETS.find((x) => x.value === p);
    if (found) onChange({ durationSeconds: found.seconds });
    else onChange(p === 'date' ? { expiresAt: endOfDay(date) } : {});
  };
  return (
    <ExpiryChoice
      options={optionsFor(allowNone, allowDate)}
      preset={preset}
      dateOption="date"
      date={date}
      onPreset={choose}
      onDate={(d) => {
        setDate(d);
        onChange({ expiresAt: endOfDay(d) });
      }}
      hint={<Hint value={value} />}
      error={error}
    />
  );
}
