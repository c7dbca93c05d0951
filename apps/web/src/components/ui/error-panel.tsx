import { isApiError } from '../../lib/api-client.ts';

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

/**
 * A refused change inside a dialog or form, kept open so the person can read it: the server's message
 * and the request id. Renders nothing without an error.
 */
export function RefusedNotice({ error }: { error: Error | null }) {
  if (!error) return null;
  return (
    <div className="form-error" role="alert">
      <strong>The server refused: </strong>
      {error.message}
      {isApiError(error) && error.requestId ? (
        <span className="muted small block">Request id: {error.requestId}</span>
      ) : null}
    </div>
  );
}
