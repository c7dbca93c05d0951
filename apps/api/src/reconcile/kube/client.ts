// A small Kubernetes API client: credentials and TLS come from @kubernetes/client-node's KubeConfig
// (kubeconfig file, exec plugins, in-cluster service account), requests go over one keep-alive agent.
// We talk to a handful of fixed REST paths, so a raw client is simpler than the generated APIs and
// keeps every request visible at one seam: `onRequest` listeners (metrics, tests) see each one.
//
// Errors: a request that never got an HTTP answer throws ClusterUnreachableError with a readable
// sentence (never the library's or Node's raw text); HTTP answers, errors included, are returned.
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';

import { KubeConfig } from '@kubernetes/client-node';

export type KubeMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface KubeRequest {
  method: KubeMethod;
  /** API path, e.g. /apis/apps/v1/namespaces/ns/deployments/name */
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
}

export interface KubeResponse<T = unknown> {
  status: number;
  body: T;
}

/** What a listener sees of a request, before it is sent. Awaited: a listener may delay it. */
export interface RequestInfo {
  method: KubeMethod;
  path: string;
  query: Record<string, string>;
  /** Whether the request may change the cluster (anything but GET, unless it is a dry run). */
  mutating: boolean;
}

export type RequestListener = (info: RequestInfo) => void | Promise<void>;

/** A long-lived GET (a watch): one JSON object per line, until the server ends it or close() is called. */
export interface KubeStream {
  /** HTTP status; anything but 200 carries the error as `body` and no lines. */
  status: number;
  body: unknown;
  /** Resolves when the stream ends for any reason (server timeout, close(), broken connection). */
  done: Promise<void>;
  close(): void;
}

export interface KubeClient {
  /** The API server URL, for messages. */
  readonly server: string;
  request<T = unknown>(req: KubeRequest): Promise<KubeResponse<T>>;
  /** Opens a watch (GET with watch=1); `onObject` gets each line parsed. */
  stream(
    req: Omit<KubeRequest, 'method' | 'body' | 'contentType'>,
    onObject: (object: unknown) => void,
  ): Promise<KubeStream>;
  /** Adds a listener called before every request; returns a function removing it. */
  onRequest(listener: RequestListener): () => void;
  close(): void;
}

/** The API server could not be asked at all (network, TLS, credentials): the whole run stops. */
export class ClusterUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterUnreachableError';
  }
}

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * Credentials as `kubectl` finds them: $KUBECONFIG, ~/.kube/config, else the in-cluster service
 * account. Returns null when none exists (client-node would otherwise fall back to localhost:8080).
 */
export function loadDefaultKubeConfig(): KubeConfig | null {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const cluster = kc.getCurrentCluster();
  if (!cluster || (cluster.name === 'cluster' && cluster.server === 'http://localhost:8080')) return null;
  return kc;
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate does not name this host',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate could not be verified',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate could not be verified',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate could not be verified',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
};

function networkReason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code in NETWORK_REASONS) return NETWORK_REASONS[code] ?? code;
  if (error instanceof Error && error.message === 'timeout')
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  if (error instanceof Error && /socket hang up/i.test(error.message)) return 'connection closed';
  return 'network error';
}

function queryString(query: Record<string, string>): string {
  const params = new URLSearchParams(query).toString();
  return params === '' ? '' : `?${params}`;
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function parse(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { message: text.slice(0, 500) };
  }
}

interface Transport {
  server: URL;
  agent: HttpAgent;
  secure: boolean;
}

async function transportFor(kc: KubeConfig): Promise<Transport> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ClusterUnreachableError('no Kubernetes cluster is configured');
  const server = new URL(cluster.server);
  const opts: RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  // A proxy agent built by client-node is used as is; otherwise one keep-alive agent for all requests.
  if (cluster.proxyUrl && opts.agent instanceof HttpAgent)
    return { server, agent: opts.agent, secure: server.protocol === 'https:' };
  const tls = {
    ca: opts.ca,
    cert: opts.cert,
    key: opts.key,
    pfx: opts.pfx,
    passphrase: opts.passphrase,
    servername: opts.servername,
    ...(opts.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: opts.rejectUnauthorized }),
  };
  const secure = server.protocol === 'https:';
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: 16, ...tls })
    : new HttpAgent({ keepAlive: true, maxSockets: 16 });
  return { server, agent, secure };
}

/** Auth headers for one request: bearer tokens (in-cluster, exec plugins) can rotate, so ask each time. */
async function authHeaders(kc: KubeConfig): Promise<Record<string, string>> {
  const opts: RequestOptions = {};
  await kc.applyToHTTPSOptions(opts);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string') headers[k] = v;
  if (typeof opts.auth === 'string')
    headers['Authorization'] = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
  return headers;
}

function send(
  t: Transport,
  method: KubeMethod,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<KubeResponse> {
  return new Promise((resolve, reject) => {
    const base = t.server.pathname.replace(/\/$/, '');
    const req = (t.secure ? httpsRequest : httpRequest)(
      {
        protocol: t.server.protocol,
        hostname: t.server.hostname,
        port: t.server.port,
        path: `${base}${path}`,
        method,
        headers,
        agent: t.agent,
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        readBody(res).then((text) => resolve({ status: res.statusCode ?? 0, body: parse(text) }), reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Splits a response into JSON lines as they arrive; a line that is not JSON is skipped. */
function streamLines(res: IncomingMessage, onObject: (object: unknown) => void): Promise<void> {
  return new Promise((resolve) => {
    let pending = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      pending += chunk;
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line !== '') {
          try {
            onObject(JSON.parse(line) as unknown);
          } catch {
            // A broken line is dropped; the watcher re-lists when the stream ends.
          }
        }
        nl = pending.indexOf('\n');
      }
    });
    res.on('end', resolve);
    res.on('close', resolve);
    res.on('error', () => resolve());
  });
}

/** Longest a watch may stay silent (bookmarks arrive about once a minute) before it is taken as dead. */
const STREAM_IDLE_MS = 5 * 60_000;

function openStream(
  t: Transport,
  path: string,
  headers: Record<string, string>,
  onObject: (object: unknown) => void,
): Promise<KubeStream> {
  return new Promise((resolve, reject) => {
    const base = t.server.pathname.replace(/\/$/, '');
    const req = (t.secure ? httpsRequest : httpRequest)(
      {
        protocol: t.server.protocol,
        hostname: t.server.hostname,
        port: t.server.port,
        path: `${base}${path}`,
        method: 'GET',
        headers,
        agent: t.agent,
        timeout: STREAM_IDLE_MS,
      },
      (res) => {
        const close = () => req.destroy();
        if (res.statusCode !== 200) {
          readBody(res).then(
            (text) =>
              resolve({ status: res.statusCode ?? 0, body: parse(text), done: Promise.resolve(), close }),
            reject,
          );
          return;
        }
        resolve({ status: 200, body: null, done: streamLines(res, onObject), close });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * A client for the cluster `kubeConfig` points at; `null` gives a client whose every request fails
 * with a readable reason (no credentials found), so the API still starts and says why it cannot apply.
 */
export function createKubeClient(kubeConfig: KubeConfig | null): KubeClient {
  const listeners = new Set<RequestListener>();
  const server = kubeConfig?.getCurrentCluster()?.server ?? '(none)';
  let transport: Promise<Transport> | null = null;

  /** Tells the listeners, then finds the transport and credentials for one request. */
  async function prepare(
    req: KubeRequest,
  ): Promise<{ t: Transport; headers: Record<string, string>; query: Record<string, string> }> {
    if (!kubeConfig)
      throw new ClusterUnreachableError(
        'no Kubernetes credentials found: set KUBECONFIG or run in a pod with a service account',
      );
    const query = Object.fromEntries(
      Object.entries(req.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
    );
    const info: RequestInfo = {
      method: req.method,
      path: req.path,
      query,
      mutating: req.method !== 'GET' && query['dryRun'] === undefined,
    };
    for (const listener of listeners) await listener(info);
    try {
      transport ??= transportFor(kubeConfig);
      const t = await transport;
      return { t, headers: await authHeaders(kubeConfig), query };
    } catch (error) {
      transport = null;
      if (error instanceof ClusterUnreachableError) throw error;
      throw new ClusterUnreachableError(
        `cannot load the Kubernetes credentials for ${server} (check the kubeconfig or the service account)`,
      );
    }
  }

  async function stream(
    req: Omit<KubeRequest, 'method' | 'body' | 'contentType'>,
    onObject: (object: unknown) => void,
  ): Promise<KubeStream> {
    const { t, headers, query } = await prepare({ ...req, method: 'GET' });
    headers['Accept'] = 'application/json';
    headers['User-Agent'] = 'egress-control';
    try {
      return await openStream(t, `${req.path}${queryString(query)}`, headers, onObject);
    } catch (error) {
      throw new ClusterUnreachableError(
        `cannot reach the Kubernetes API server at ${server}: ${networkReason(error)}`,
      );
    }
  }

  async function request<T>(req: KubeRequest): Promise<KubeResponse<T>> {
    const { t, headers, query } = await prepare(req);
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    headers['Accept'] = 'application/json';
    headers['User-Agent'] = 'egress-control';
    if (body !== undefined) {
      headers['Content-Type'] = req.contentType ?? 'application/json';
      // Not chunked: the API server answers a chunked DELETE body and then garbles the kept-alive connection.
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    try {
      return (await send(
        t,
        req.method,
        `${req.path}${queryString(query)}`,
        headers,
        body,
      )) as KubeResponse<T>;
    } catch (error) {
      throw new ClusterUnreachableError(
        `cannot reach the Kubernetes API server at ${server}: ${networkReason(error)}`,
      );
    }
  }

  return {
    server,
    request,
    stream,
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      void transport?.then(
        (t) => t.agent.destroy(),
        () => undefined,
      );
      transport = null;
    },
  };
}
