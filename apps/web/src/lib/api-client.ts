// The one way the console talks to the API: the typed client of @egress/shared (one function per
// endpoint of its table, answers parsed with the endpoint's schema) over same-origin fetch with the
// session cookie and the CSRF header on changes. Every failure is an ApiError carrying the server's envelope.
import { ApiError, createApiClient, type HttpMethod, type TransportRequest } from '@egress/shared';

import { readCsrfToken } from './csrf.ts';

export { ApiError, endpointUrl, type QueryOf, type ResponseOf } from '@egress/shared';

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export function isNotFound(error: unknown): boolean {
  return isApiError(error) && error.status === 404;
}

type Listener = (error: ApiError) => void;
const unauthorizedListeners = new Set<Listener>();

/** Called on every 401 (except from sign-in itself): the app returns to sign-in remembering the page. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

function headersFor(method: HttpMethod, hasBody: boolean, accept: 'json' | 'text'): Headers {
  const headers = new Headers({
    accept: accept === 'json' ? 'application/json' : 'text/plain, text/yaml, */*',
  });
  if (hasBody) headers.set('content-type', 'application/json');
  if (method !== 'GET') {
    const csrf = readCsrfToken();
    if (csrf) headers.set('x-csrf-token', csrf);
  }
  return headers;
}

async function transport({
  method,
  url,
  body,
  accept,
  signal,
}: TransportRequest<AbortSignal>): Promise<Response> {
  try {
    return await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: headersFor(method, body !== null, accept),
      body,
      signal: signal ?? null,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network_error', 'the API could not be reached; check your connection', [], null);
  }
}

/**
 * `api.listGrants({ query }, { signal })`, `api.approveGrant({ params, body })`, … and
 * `api.text('getManifests', { query: { format: 'yaml' } })` for the plain-text answers.
 */
export const api = createApiClient<AbortSignal>({
  transport,
  onError: (error, { endpoint }) => {
    // Sign-in answers 401 for wrong credentials, and the signed-in frame handles a 401 from /auth/me itself.
    if (error.status === 401 && endpoint !== 'login' && endpoint !== 'me')
      unauthorizedListeners.forEach((l) => l(error));
  },
});
