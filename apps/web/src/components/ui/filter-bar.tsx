// The filters above a list: a search landmark named for what it filters, whose controls apply as they
// change (into the URL), so Enter never submits it; and a select whose first option ("Any …", the empty
// value) means no filter.
import type { ReactNode } from 'react';

export function FilterBar({ label, children }: { label: string; children: ReactNode }) {
  return (
    <form className="filters" role="search" aria-label={label} onSubmit={(e) => e.preventDefault()}>
      {children}
    </form>
  );
}

interface FilterSelectProps<T extends string> {
  label: string;
  value: T | undefined;
  onChange: (value: T | undefined) => void;
  /** The first option's text: no filter. */
  any: string;
  /** The values, shown as they are or with a label. */
  options: readonly (T | { value: T; label: string })[];
}

export function FilterSelect<T extends string>({
  label,
  value,
  onChange,
  any,
  options,
}: FilterSelectProps<T>) {
  return (
    <label>
      {label}
      <select
        value={value ?? ''}
        // The options are `options` and the empty "any": the cast only names that set.
        onChange={(e) => onChange((e.target.value || undefined) as T | undefined)}
      >
        <option value="">{any}</option>
        {options.map((o) => {
          const { value: v, label: text } = typeof o === 'string' ? { value: o, label: o } : o;
          return (
            <option key={v} value={v}>
              {text}
            </option>
          );
        })}
      </select>
    </label>
  );
}
