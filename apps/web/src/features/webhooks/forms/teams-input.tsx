// The teams a webhook is limited to, typed as "payments, search". Parsing only splits; the shared schema
// judges each name (like a service's team), so the rule lives in one place.
import { useState } from 'react';

export function parseTeams(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

interface Props {
  id?: string;
  value: string[] | undefined;
  onChange: (teams: string[]) => void;
  onBlur: () => void;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

export function TeamsInput({ value, onChange, ...rest }: Props) {
  const [text, setText] = useState(() => (value ?? []).join(', '));
  return (
    <input
      type="text"
      placeholder="payments, search"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parseTeams(e.target.value));
      }}
      {...rest}
    />
  );
}
