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
