// A structured value typed as one line of text ("payments, search", "app=payments, tier=web"). The input
// keeps what the person typed and hands on the parsed value; parsing only splits, and the shared schema
// judges the result, so the rules live in one place.
import { useState } from 'react';

export interface ParsedTextInputProps<T> {
  id?: string;
  value: T | undefined;
  onChange: (value: T) => void;
  onBlur: () => void;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

export function ParsedTextInput<T>({
  value,
  onChange,
  parse,
  format,
  ...rest
}: ParsedTextInputProps<T> & {
  parse: (text: string) => T;
  format: (value: T) => string;
  placeholder: string;
}) {
  const [text, setText] = useState(() => (value === undefined ? '' : format(value)));
  return (
    <input
      type="text"
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onChange(parse(e.target.value));
      }}
      {...rest}
    />
  );
}
