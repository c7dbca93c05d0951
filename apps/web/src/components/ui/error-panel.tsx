import { isApiError } from '../../lib/api-client.ts';
import { fieldWords, plainFieldError } from '../../lib/plain-errors.ts';

/** A failed load, in place of the content: the server's message and the request id. */
export function ErrorPanel({ error, what }: { error: unknown; what: string }) {
  const message = error instanceof Error ? error.message : 'unknown error';
  const requestId = isApiError(error) ? error.requestId : null;
  return (
    <div className="error-panel" role="alert">
      <p>
        <strong>Could not load {what}.</strong> {message}
      </p>
      {requestId ? (
        <p className="muted small">
          Request id: <code>{requestId}</code>
        </p>
      ) : null}
    </div>
  );
}

/** "the requester cannot approve …" → "The requester cannot approve ….": the server's reason as a sentence. */
function sentence(message: string): string {
  const text = message.trim();
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * A refused change inside a dialog or form, kept open so the person can read it: that nothing changed
 * (or nothing was sent), the server's reason as a sentence, and the request id. Renders nothing without
 * an error.
 */
export function RefusedNotice({ error }: { error: Error | null | undefined }) {
  if (!error) return null;
  const unsent = isApiError(error) && error.status === 0;
  // A validation refusal names fields ("body.reason"): each in words, its problem in plain language.
  const fields = isApiError(error) && error.status === 400 ? error.details : [];
  return (
    <div className="form-error" role="alert">
      <strong>{unsent ? 'Not sent. ' : 'Nothing was changed. '}</strong>
      {fields.length > 0
        ? fields.map((d) => {
            const label = fieldWords(d.field);
            return (
              <span key={d.field} className="block">
                {label}: {plainFieldError(label, d.message)}
              </span>
            );
          })
        : sentence(error.message)}
      {isApiError(error) && error.requestId ? (
        <span className="muted small block">Request id: {error.requestId}</span>
      ) : null}
    </div>
  );
}
