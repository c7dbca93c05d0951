import { useEffect, useState } from 'react';

/** A text filter that reports at most every 300 ms, so typing does not flood the URL and the API. */
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
    const timer = window.setTimeout(() => onChange(text.trim() || undefined), 300);
    return () => window.clearTimeout(timer);
  }, [text, value, onChange]);
  return (
    <label>
      {label}
      <input type="search" value={text} placeholder={placeholder} onChange={(e) => setText(e.target.value)} />
    </label>
  );
}
