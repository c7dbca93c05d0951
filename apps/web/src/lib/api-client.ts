// The one way the console talks to the API: same-origin fetch with the session cookie, the CSRF header
// on changes, and every failure turned into an ApiError that carries the server's envelope.
import type { ErrorDetail } from '@egress/shared';

import { readCsrfToken } from './csrf.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  readonly requestId: string | null;

  constructor(
    status: number,
    code: string,
    message: string,
    details: ErrorDetail[],
    requestId: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.requestId = requestId;
  }
}

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

export type QueryValue = string | number | boolean | null | undefined;

export function withQuery(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  accept?: 'json' | 'text';
  signal?: AbortSignal | undefined;
}

interface Envelope {
  error?: { code?: unknown; message?: unknown; details?: unknown; requestId?: unknown };
}

async function toApiError(res: Response): Promise<ApiError> {
  const headerId = res.headers.get('x-request-id');
  let envelope: Envelope = {};
  try {
    envelope = (await res.json()) as Envelope;
  } catch {
    // not JSON (a proxy page, an empty body): fall back to the status line
  }
  const e = envelope.error ?? {};
  const message =
    typeof e.message === 'string' ? e.message : `the server answered ${res.status} ${res.statusText}`.trim();
  const code = typeof e.code === 'string' ? e.code : `http_${res.status}`;
  const details = Array.isArray(e.details) ? (e.details as ErrorDetail[]) : [];
  const requestId = typeof e.requestId === 'string' ? e.requestId : headerId;
  return new ApiError(res.status, code, message, details, requestId);
}

function headersFor(method: string, hasBody: boolean, accept: 'json' | 'text'): Headers {
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

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const hasBody = options.body !== undefined;
  let res: Response;
  try {
    res = await fetch(withQuery(path, options.query), {
      method,
      credentials: 'same-origin',
      headers: headersFor(method, hasBody, options.accept ?? 'json'),
      body: hasBody ? JSON.stringify(options.body) : null,
      signal: options.signal ?? null,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network_error', 'the API could not be reached; check your connection', [], null);
  }
  if (res.ok) return res;
  const error = await toApiError(res);
  // Sign-in answers 401 for wrong credentials, and the signed-in frame handles a 401 from /auth/me itself.
  if (error.status === 401 && path !== '/api/v1/auth/login' && path !== '/api/v1/auth/me')
    unauthorizedListeners.forEach((l) => l(error));
  throw error;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await send(path, options);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export async function apiText(path: string, options: RequestOptions = {}): Promise<string> {
  const res = await send(path, { ...options, accept: 'text' });
  return res.text();
}
