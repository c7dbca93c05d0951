import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';

export interface PickerOption {
  /** What goes into the filter (a service name, a destination host). */
  value: string;
  /** Shown beside the value in the suggestions (e.g. the namespace). */
  label?: string | undefined;
}

/** How many suggestions one search asks the server for. */
export const PICKER_LIMIT = 20;

function useDebounced(value: string, ms: number): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/**
 * A filter field whose suggestions the server searches as one types (`?q=`, one small page), instead of
 * a select holding the whole catalogue: with thousands of services a select is a large download on
 * every page load and a list nobody can scroll. The value is committed when it matches a suggestion,
 * on Enter, on leaving the field, or when cleared; typing alone does not refilter.
 */
export function SearchPicker({
  label,
  value,
  onChange,
  queryKey,
  search,
  placeholder,
  fixed = [],
}: {
  label: string;
  value: string | undefined;
  onChange: (v: string | undefined) => void;
  /** Distinguishes this picker's searches in the query cache. */
  queryKey: readonly unknown[];
  search: (q: string, signal: AbortSignal) => Promise<PickerOption[]>;
  placeholder?: string;
  /** Offered before the search results whatever is typed (e.g. "unattributed"). */
  fixed?: PickerOption[];
}) {
  const listId = useId();
  const [text, setText] = useState(value ?? '');
  const [touched, setTouched] = useState(false);
  useEffect(() => setText(value ?? ''), [value]);
  const q = useDebounced(text.trim(), 200);
  // Nothing is fetched until someone uses the field: a page with the picker costs no request.
  const results = useQuery({
    queryKey: [...queryKey, 'pick', q],
    queryFn: ({ signal }) => search(q, signal),
    enabled: touched,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
  const options = [...fixed, ...(results.data ?? [])];
  const commit = (next: string) => {
    const v = next.trim() || undefined;
    if (v !== value) onChange(v);
  };
  return (
    <label>
      {label}
      <input
        type="search"
        list={listId}
        value={text}
        placeholder={placeholder}
        autoComplete="off"
        onFocus={() => setTouched(true)}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          // Picking a suggestion fills the field with its exact value: take it at once.
          if (next === '' || options.some((o) => o.value === next)) commit(next);
        }}
        onBlur={() => commit(text)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(text);
        }}
      />
      <datalist id={listId}>
        {options.map((o) => (
          <option key={o.value} value={o.value} label={o.label} />
        ))}
      </datalist>
    </label>
  );
}
