// A selector typed as "app=payments, tier=web". Parsing only splits; the shared schema judges the keys
// and values, so the rules live in one place.
import { useState } from 'react';

export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of text.split(/[,\n]/)) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    const key = (eq >= 0 ? trimmed.slice(0, eq) : trimmed).trim();
    labels[key] = eq >= 0 ? trimmed.slice(eq + 1).trim() : '';
  }
  return labels;
}

export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

interface Props {
  id?: string;
  value: Record<string, string> | undefined;
  onChange: (labels: Record<string, string>) => void;
  onBlur: () => void;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

export function LabelSelectorInput({ value, onChange, ...rest }: Props) {
  const [text, setText] = useState(() => formatLabels(value ?? {}));
  return (
    <input
      type="text"
      placeholder="app=payments, tier=web"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parseLabels(e.target.value));
      }}
      {...rest}
    />
  );
}
