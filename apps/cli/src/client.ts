import type { ErrorEnvelope } from '@egress/shared';

import { CliError, EXIT } from './exit-codes.ts';

export interface ApiClient {
  get<T>(path: string): Promise<T>;
  getText(path: string): Promise<string>;
  post<T>(path: string, body: unknown): Promise<T>;
}

function describe(status: number, body: unknown): string {
  const env = body as Partial<ErrorEnvelope> | null;
  if (env?.error) {
    const details = env.error.details.map((d) => `\n  ${d.field}: ${d.message}`).join('');
    return `${env.error.message}${details}\n  (request id ${env.error.requestId})`;
  }
  return `HTTP ${status}`;
}

/** A small REST client: bearer token from the environment, errors turned into exit codes. */
export function createClient(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch): ApiClient {
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetchImpl(new URL(path, baseUrl), {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? null : JSON.stringify(body),
      });
    } catch (error) {
      throw new CliError(`cannot reach ${baseUrl}: ${(error as Error).message}`, EXIT.failed);
    }
    if (res.ok) return res;
    const parsed: unknown = await res.json().catch(() => null);
    const code = res.status === 401 || res.status === 403 ? EXIT.auth : EXIT.failed;
    throw new CliError(`${method} ${path} failed (${res.status}): ${describe(res.status, parsed)}`, code);
  }
  return {
    get: async <T>(path: string) => (await (await call('GET', path)).json()) as T,
    getText: async (path: string) => (await call('GET', path)).text(),
    post: async <T>(path: string, body: unknown) => (await (await call('POST', path, body)).json()) as T,
  };
}
