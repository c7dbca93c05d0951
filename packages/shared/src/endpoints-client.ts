// A typed client built from the endpoint table: one function per endpoint (its operationId), with path
// parameters substituted and encoded, the query serialised, the error envelope parsed once into an
// ApiError, and the answer parsed with the endpoint's response schema, so the type a caller gets is the
// one that was checked. How bytes travel (fetch with a cookie and CSRF header in the console, a bearer
// token in egressctl) is the caller's transport.
import type { z } from 'zod';

import {
  type EndpointDef,
  type EndpointName,
  type Endpoints,
  endpoints,
  type HttpMethod,
} from './endpoints.ts';
import { type ErrorDetail, ErrorEnvelopeSchema } from './errors.ts';

/** A failed call: the server's error envelope, or a stand-in built from the status line. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  readonly requestId: string | null;
  /** Whether the server answered with its error envelope (not a proxy page, an empty body or no answer). */
  readonly enveloped: boolean;

  constructor(
    status: number,
    code: string,
    message: string,
    details: ErrorDetail[],
    requestId: string | null,
    enveloped = false,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.requestId = requestId;
    this.enveloped = enveloped;
  }
}

export type QueryScalar = string | number | boolean | null | undefined;

type Input<S> = S extends z.ZodType ? z.input<S> : never;
type Output<S> = S extends z.ZodType ? z.output<S> : undefined;
/** A query as the caller writes it: the schema's input, each value something a URL can carry. */
type QueryInput<Q> = { [K in keyof Input<Q>]: Input<Q>[K] & QueryScalar };

export type ParamsOf<N extends EndpointName> = Endpoints[N] extends { params: infer P } ? Input<P> : never;
export type QueryOf<N extends EndpointName> = Endpoints[N] extends { query: infer Q } ? QueryInput<Q> : never;
export type BodyOf<N extends EndpointName> = Endpoints[N] extends { body: infer B } ? Input<B> : never;
export type ResponseOf<N extends EndpointName> = Output<Endpoints[N]['response']>;

// Each part is required when the endpoint has it and some of its fields are required.
type Part<K extends string, T> = [T] extends [never]
  ? unknown
  : Partial<T> extends T
    ? { [P in K]?: T }
    : { [P in K]: T };
export type CallInput<N extends EndpointName> = Part<'params', ParamsOf<N>> &
  Part<'query', QueryOf<N>> &
  Part<'body', BodyOf<N>>;

export interface CallOptions<S> {
  signal?: S | undefined;
}

export interface TransportRequest<S> {
  endpoint: EndpointName;
  method: HttpMethod;
  /** Path and query string, e.g. /api/v1/grants?state=pending; the transport adds the origin. */
  url: string;
  /** JSON text, or null when the endpoint takes no body. */
  body: string | null;
  accept: 'json' | 'text';
  signal?: S | undefined;
}

/** The part of a fetch Response the client reads. */
export interface TransportResponse {
  status: number;
  statusText: string;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export type Transport<S> = (request: TransportRequest<S>) => Promise<TransportResponse>;

type Args<N extends EndpointName, S> =
  Partial<CallInput<N>> extends CallInput<N>
    ? [input?: CallInput<N>, options?: CallOptions<S>]
    : [input: CallInput<N>, options?: CallOptions<S>];
type TextName = { [N in EndpointName]: Endpoints[N] extends { text: true } ? N : never }[EndpointName];

export type ApiClient<S = never> = {
  [N in EndpointName]: (...args: Args<N, S>) => Promise<ResponseOf<N>>;
} & {
  /** The plain-text answer of an endpoint that has one (CSV, YAML); the format is in the query. */
  text<N extends TextName>(name: N, ...args: Args<N, S>): Promise<string>;
};

export interface ClientOptions<S> {
  transport: Transport<S>;
  /**
   * Called with every ApiError (an error answer, or an answer that fails its schema) before it is thrown:
   * the console returns to sign-in on a 401; egressctl throws its own error with an exit code instead.
   */
  onError?: (error: ApiError, request: Pick<TransportRequest<S>, 'endpoint' | 'method' | 'url'>) => void;
}

interface LooseInput {
  params?: Readonly<Record<string, unknown>>;
  query?: Readonly<Record<string, unknown>>;
  body?: unknown;
}

function fillPath(name: string, path: string, params: LooseInput['params']): string {
  return path.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params?.[key];
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new TypeError(`${name}: path parameter ${key} is missing`);
    return encodeURIComponent(String(value));
  });
}

function queryString(query: LooseInput['query']): string {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query ?? {})) {
    // Empty means "no filter" everywhere in the API, so it is left out rather than sent as key=.
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      throw new TypeError(`query parameter ${key} is not a scalar`);
    pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
}

/** The URL of a call (path and query), e.g. for a plain link to a CSV export. */
export function endpointUrl<N extends EndpointName>(name: N, input?: CallInput<N>): string {
  const def: EndpointDef = endpoints[name];
  const loose = (input ?? {}) as LooseInput; // every CallInput is a LooseInput; TypeScript cannot see through the conditional parts
  return `${fillPath(name, def.path, loose.params)}${queryString(loose.query)}`;
}

async function readError(res: TransportResponse): Promise<ApiError> {
  const headerId = res.headers.get('x-request-id');
  const text = await res.text().catch(() => '');
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON (a proxy page, an empty body): fall back to the status line
  }
  const envelope = ErrorEnvelopeSchema.safeParse(json);
  if (envelope.success) {
    const e = envelope.data.error;
    return new ApiError(res.status, e.code, e.message, e.details, e.requestId, true);
  }
  const message = `the server answered ${res.status} ${res.statusText}`.trim();
  return new ApiError(res.status, `http_${res.status}`, message, [], headerId);
}

function invalidResponse(name: string, res: TransportResponse, why: string): ApiError {
  return new ApiError(
    res.status,
    'invalid_response',
    `the API's answer to ${name} is not what this client expects (${why}); are the API and this client the same version?`,
    [],
    res.headers.get('x-request-id'),
  );
}

function parseResponse(name: string, def: EndpointDef, res: TransportResponse, text: string): unknown {
  if (def.response === null) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidResponse(name, res, 'not JSON');
  }
  const parsed = def.response.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw invalidResponse(
    name,
    res,
    issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'schema mismatch',
  );
}

/** Builds one typed function per endpoint of the table on top of `transport`. */
export function createApiClient<S = never>(options: ClientOptions<S>): ApiClient<S> {
  async function send(
    name: EndpointName,
    accept: 'json' | 'text',
    input: LooseInput | undefined,
    callOptions: CallOptions<S> | undefined,
  ): Promise<unknown> {
    const def: EndpointDef = endpoints[name];
    const url = `${fillPath(name, def.path, input?.params)}${queryString(input?.query)}`;
    const body = input?.body === undefined ? null : JSON.stringify(input.body);
    const res = await options.transport({
      endpoint: name,
      method: def.method,
      url,
      body,
      accept,
      signal: callOptions?.signal,
    });
    try {
      if (!res.ok) throw await readError(res);
      const text = res.status === 204 ? '' : await res.text();
      return accept === 'text' ? text : parseResponse(name, def, res, text);
    } catch (error) {
      if (error instanceof ApiError) options.onError?.(error, { endpoint: name, method: def.method, url });
      throw error;
    }
  }
  const client: Record<string, unknown> = {
    text: (name: EndpointName, input?: LooseInput, callOptions?: CallOptions<S>) =>
      send(name, 'text', input, callOptions),
  };
  for (const name of Object.keys(endpoints) as EndpointName[])
    client[name] = (input?: LooseInput, callOptions?: CallOptions<S>) =>
      send(name, 'json', input, callOptions);
  // Built from the table above, one function per key; the mapped type says which function each is.
  return client as ApiClient<S>;
}
