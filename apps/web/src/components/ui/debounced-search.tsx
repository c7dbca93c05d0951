import { useEffect, useState } from 'react';

/** How long typing rests before a filter applies: quick enough to feel live, slow enough not to flood. */
export const FILTER_DELAY_MS = 250;

/** A text filter that reports at most every 250 ms, so typing does not flood the URL and the API. */
export function DebouncedSearch({
  label,
  value,
  onChange,
  placeholder,
}: {
  label: string;
  value: string | undefined;
  onChange: (v: string | undefined) => void;
  placeholder?: string;
}) {
  const [text, setText] = useState(value ?? '');
  useEffect(() => setText(value ?? ''), [value]);
  useEffect(() => {
    if (text === (value ?? '')) return;
    const timer = window.setTimeout(() => onChange(text.trim() || undefined), FILTER_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [text, value, onChange]);
  return (
    <label>
      {label}
      <input type="search" value={text} placeholder={placeholder} onChange={(e) => setText(e.target.value)} />
    </label>
  );
}
