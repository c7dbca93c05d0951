import { showToast } from '../components/ui/toast.tsx';
import { isApiError } from './api-client.ts';
import { fieldWords, plainFieldError } from './plain-errors.ts';

/** The global error toast: the server's message and its request id. */
export function toastError(error: unknown, title = 'Request failed'): void {
  if (isApiError(error)) {
    // A refusal that names fields no form showed: each field in words, its problem in plain language.
    const fields = error.status === 400 ? error.details : [];
    showToast({
      kind: 'error',
      title: `${title} (${error.status || 'network'})`,
      message:
        fields.length > 0
          ? fields
              .map((d) => `${fieldWords(d.field)}: ${plainFieldError(fieldWords(d.field), d.message)}`)
              .join(' ')
          : error.message,
      requestId: error.requestId,
    });
    return;
  }
  showToast({ kind: 'error', title, message: error instanceof Error ? error.message : String(error) });
}
