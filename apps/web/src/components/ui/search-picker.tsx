import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';

export interface PickerOption {
  /** What goes into the field (a service name, a destination host). */
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

interface SuggestInputProps {
  value: string | undefined;
  /** Called with the committed text, or undefined when the field was cleared. */
  onCommit: (v: string | undefined) => void;
  /** Distinguishes this field's searches in the query cache. */
  queryKey: readonly unknown[];
  search: (q: string, signal: AbortSignal) => Promise<PickerOption[]>;
  placeholder?: string | undefined;
  /** Offered before the search results whatever is typed (e.g. "unattributed", "any host"). */
  fixed?: PickerOption[] | undefined;
  // Set by <Field>, which labels the input and ties its hint and error to it.
  id?: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

/**
 * A text field whose suggestions the server searches as one types (`?q=`, one small page), instead of a
 * select holding the whole catalogue: with thousands of services a select is a large download on every
 * page load and a list nobody can scroll. The text is committed when it matches a suggestion, on Enter,
 * on leaving the field, or when cleared; typing alone commits nothing. Nothing is fetched until the
 * field is used.
 */
export function SuggestInput({
  value,
  onCommit,
  queryKey,
  search,
  placeholder,
  fixed = [],
  ...aria
}: SuggestInputProps) {
  const listId = useId();
  const [text, setText] = useState(value ?? '');
  const [touched, setTouched] = useState(false);
  useEffect(() => setText(value ?? ''), [value]);
  const q = useDebounced(text.trim(), 200);
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
    if (v !== value) onCommit(v);
  };
  return (
    <>
      <input
        {...aria}
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
    </>
  );
}

/** A labelled filter (list pages): the SuggestInput with the value living in the URL. */
export function SearchPicker({
  label,
  value,
  onChange,
  ...input
}: Omit<SuggestInputProps, 'onCommit' | 'id' | 'aria-invalid' | 'aria-describedby'> & {
  label: string;
  onChange: (v: string | undefined) => void;
}) {
  return (
    <label>
      {label}
      <SuggestInput value={value} onCommit={onChange} {...input} />
    </label>
  );
}
