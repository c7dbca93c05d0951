// A labelled form control with its hint and error; the error is tied to the control by aria-describedby.
// The error is shown in plain words (lib/plain-errors.ts), whether the form or the server raised it.
import { cloneElement, type ReactElement, type ReactNode, useId } from 'react';

import { plainFieldError } from '../../lib/plain-errors.ts';

interface FieldProps {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: ReactElement<{ id?: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }>;
  className?: string;
}

export function Field({ label, error: raw, hint, children, className }: FieldProps) {
  const error = plainFieldError(label, raw);
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  const control = cloneElement(children, {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
  });
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {control}
      {hint ? (
        <div id={hintId} className="hint">
          {hint}
        </div>
      ) : null}
      {error ? (
        <div id={errorId} className="field-error">
          {error}
        </div>
      ) : null}
    </div>
  );
}

/** An error under a group of controls (a fieldset, a list of rows), in the same plain words as Field's. */
export function FieldError({ label, error, id }: { label: string; error: string | undefined; id?: string }) {
  if (!error) return null;
  return (
    <div id={id} className="field-error">
      {plainFieldError(label, error)}
    </div>
  );
}
