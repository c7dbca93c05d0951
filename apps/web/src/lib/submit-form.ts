import type { FieldValues, UseFormSetError } from 'react-hook-form';

import { applyServerErrors } from './form-errors.ts';
import { toastError } from './toast-error.ts';

/**
 * Sends a form and hands the result on; a failure goes onto the form's fields when the server names
 * them (400 details), otherwise into an error toast titled `failure`.
 */
export async function sendForm<T extends FieldValues, R>(
  send: () => Promise<R>,
  onDone: (result: R) => void,
  on: { setError: UseFormSetError<T>; fields: readonly string[]; failure: string },
): Promise<void> {
  try {
    onDone(await send());
  } catch (error) {
    if (!applyServerErrors(error, on.setError, on.fields)) toastError(error, on.failure);
  }
}
