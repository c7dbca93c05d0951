import { showToast } from '../components/ui/toast.tsx';
import { isApiError } from './api-client.ts';

/** The global error toast: the server's message and its request id. */
export function toastError(error: unknown, title = 'Request failed'): void {
  if (isApiError(error)) {
    showToast({
      kind: 'error',
      title: `${title} (${error.status || 'network'})`,
      message: error.message,
      requestId: error.requestId,
    });
    return;
  }
  showToast({ kind: 'error', title, message: error instanceof Error ? error.message : String(error) });
}
