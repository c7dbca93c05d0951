// Toasts live in a tiny store outside React, so the query client's global error handler can raise
// them; <Toaster/> renders the store as a live region.
import { useSyncExternalStore } from 'react';

export interface Toast {
  id: number;
  kind: 'error' | 'success' | 'info';
  title: string;
  message?: string | undefined;
  requestId?: string | null | undefined;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit() {
  listeners.forEach((l) => l());
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export function showToast(toast: Omit<Toast, 'id'>): void {
  const id = nextId++;
  toasts = [...toasts.slice(-4), { ...toast, id }];
  emit();
  // Errors stay until dismissed (they carry a request id someone may need); the rest fade.
  if (toast.kind !== 'error') window.setTimeout(() => dismissToast(id), 5000);
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function Toaster() {
  const items = useSyncExternalStore(subscribe, () => toasts);
  return (
    <section className="toaster" aria-label="Notifications">
      {items.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
          <div className="toast-body">
            <strong>{t.title}</strong>
            {t.message ? <p>{t.message}</p> : null}
            {t.requestId ? (
              <p className="muted small">
                Request id: <code>{t.requestId}</code>
              </p>
            ) : null}
          </div>
          <button
            type="button"
            className="btn-icon"
            aria-label="Dismiss notification"
            onClick={() => dismissToast(t.id)}
          >
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
